"""The list pages' cards, rendered in Python: ``{% request_cards rows show_where=… show_professional=… %}``.

One card per request of the page (list, jobs, offers). Through the template engine each card
cost about half a millisecond: four ``{% translate %}`` lookups, two or three ``date`` filters
(each resolving its format and translating the month), the status label, every variable's
lookup chain. Here the labels and the month names are translated (and escaped) once per page,
and a card is one f-string of the values the list's query read (``Card``, a tuple: no model
instances), each escaped as the template escaped it; the HTML is what the template made.

``show_where`` is false on offers: the area, never the address. The caller says what an empty
list means. A card's link is the list's URL plus the id (requests/<pk>/): one reverse per page.

``{{ text|clip:80 }}``: Django's ``truncatechars`` (the same output), without its cost for the
usual ASCII text (``Truncator`` walks every character and looks the ellipsis up each time).
"""

from collections import namedtuple
from html import escape

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
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


# What a card shows, read in one values query (the columns in this order) and nothing more.
CARD_FIELDS = (
    "id",
    "status",
    "pin_code",
    "scheduled_for",
    "created_at",
    "address",
    "description",
    "service__name",
    "professional__full_name",
)
Card = namedtuple(
    "Card",
    "id status pin_code scheduled_for created_at address description service_name professional_name",
)


class _Page:
    """What every card of one page shares, translated (and escaped) once in the active language."""

    def __init__(self):
        self.pin_code = escape(gettext("Pin code"))
        self.preferred = escape(gettext("Preferred"))
        self.booked = escape(gettext("Booked"))
        self.professional = escape(gettext("Professional:"))
        self._statuses = {value: escape(str(label)) for value, label in Status.choices}
        self._months = {}
        self._zone = timezone.get_current_timezone()

    def status(self, value: str) -> str:
        return self._statuses.get(value) or escape(value)

    def day(self, moment) -> str:
        """``date:"j M Y"`` in the current time zone and language (the month as Django spells it)."""
        local = moment.astimezone(self._zone)
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = escape(MONTHS_3[local.month].title())
        return f"{local.day} {month} {local.year:04d}"

    def day_and_time(self, moment) -> str:
        """``date:"j M Y, H:i"``."""
        local = moment.astimezone(self._zone)
        return f"{self.day(local)}, {local.hour:02d}:{local.minute:02d}"


def _meta(words: _Page, card: "Card", *, show_where: bool, show_professional: bool) -> str:
    parts = []
    if card.pin_code:
        parts.append(f"{words.pin_code} {escape(card.pin_code)} · ")
    if card.scheduled_for:
        parts.append(f"{words.preferred} {words.day_and_time(card.scheduled_for)} · ")
    parts.append(f"{words.booked} {words.day(card.created_at)}")
    if show_where and card.address:
        parts.append(f"<br>{escape(clip(card.address, 80))}")
    if show_professional and card.professional_name is not None:
        parts.append(f"<br>{words.professional} {escape(card.professional_name)}")
    return "".join(parts)


@register.simple_tag
def request_cards(rows, *, show_where: bool, show_professional: bool):
    """The ``<li class="card">`` of each ``Card`` in ``rows`` (requests_app.views.common.page)."""
    if not rows:
        return ""
    words = _Page()
    requests_url = reverse("requests_app:list")
    shown = {"show_where": show_where, "show_professional": show_professional}
    return mark_safe(  # every value escaped here, the labels when translated (_Page)
        "\n".join(
            f'<li class="card"><a class="req" href="{requests_url}{card.id}/"><div class="req-head">'
            f"<strong>#{card.id} · {escape(card.service_name)}</strong>"
            f'<span class="badge status-{escape(card.status)}">{words.status(card.status)}</span></div>'
            f'<div class="req-meta">{_meta(words, card, **shown)}</div>'
            f"<div>{escape(clip(card.description, 120))}</div></a></li>"
            for card in rows
        )
    )
