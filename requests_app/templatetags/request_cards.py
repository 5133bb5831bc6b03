"""The list pages' cards, rendered in Python: ``{% request_cards rows show_where=… show_professional=… %}``.

One card per request of the page (list, jobs, offers). Through the template engine each card
cost about half a millisecond: four ``{% translate %}`` lookups, two or three ``date`` filters
(each resolving its format and translating the month), the status label, every variable's
lookup chain. Here the labels and the month names are translated once per page and a card is
one ``format_html``; the HTML is what the template made.

``show_where`` is false on offers: the area, never the address. The caller says what an empty
list means. A card's link is the list's URL plus the id (requests/<pk>/): one reverse per page.

``{{ text|clip:80 }}``: Django's ``truncatechars`` (the same output), without its cost for the
usual ASCII text (``Truncator`` walks every character and looks the ellipsis up each time).
"""

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from requests_app.models import Status

register = template.Library()


@register.filter(is_safe=True)
def clip(value, length):
    text = str(value)
    try:
        length = int(length)
    except ValueError:
        return text
    if not text.isascii() or length <= 1:
        # Combining characters do not count, and NFC applies: Django's own walk.
        return truncatechars(text, length)
    return text if len(text) <= length else text[: length - 1] + "…"


class _Page:
    """What every card of one page shares, translated once in the active language."""

    def __init__(self):
        self.pin_code = gettext("Pin code")
        self.preferred = gettext("Preferred")
        self.booked = gettext("Booked")
        self.professional = gettext("Professional:")
        self.statuses = {value: str(label) for value, label in Status.choices}
        self._months = {}

    def day(self, moment) -> str:
        """``date:"j M Y"`` in the current time zone and language (the month as Django spells it)."""
        local = timezone.localtime(moment)
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = MONTHS_3[local.month].title()
        return f"{local.day} {month} {local.year:04d}"

    def day_and_time(self, moment) -> str:
        """``date:"j M Y, H:i"``."""
        local = timezone.localtime(moment)
        return f"{self.day(local)}, {local.hour:02d}:{local.minute:02d}"


def _meta(words: _Page, row, *, show_where: bool, show_professional: bool):
    parts = []
    if row.pin_code:
        parts.append(format_html("{} {} · ", words.pin_code, row.pin_code))
    if row.scheduled_for:
        parts.append(format_html("{} {} · ", words.preferred, words.day_and_time(row.scheduled_for)))
    parts.append(format_html("{} {}", words.booked, words.day(row.created_at)))
    if show_where and row.address:
        parts.append(format_html("<br>{}", clip(row.address, 80)))
    if show_professional and row.professional_id is not None:
        parts.append(format_html("<br>{} {}", words.professional, row.professional.full_name))
    return mark_safe("".join(parts))  # each part escaped by format_html


@register.simple_tag
def request_cards(rows, *, show_where: bool, show_professional: bool):
    """The ``<li class="card">`` of each request in ``rows`` (with ``service`` and, when shown,
    ``professional`` joined in: requests_app.views.common.page)."""
    if not rows:
        return ""
    words = _Page()
    requests_url = reverse("requests_app:list")
    return format_html_join(
        "\n",
        '<li class="card"><a class="req" href="{}{}/"><div class="req-head">'
        "<strong>#{} · {}</strong>"
        '<span class="badge status-{}">{}</span></div>'
        '<div class="req-meta">{}</div><div>{}</div></a></li>',
        (
            (
                requests_url,
                row.pk,
                row.pk,
                row.service.name,
                row.status,
                words.statuses.get(row.status, row.status),
                _meta(words, row, show_where=show_where, show_professional=show_professional),
                clip(row.description, 120),
            )
            for row in rows
        ),
    )
