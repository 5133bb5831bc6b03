"""``{{ minutes|duration }}``: a service's typical time in words ("45 min", "1 h 30 min"), in the
active language."""

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def duration(minutes) -> str:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return gettext("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)s h", "%(hours)s h", hours) % {"hours": hours}
    text = ngettext("%(hours)s h %(minutes)s min", "%(hours)s h %(minutes)s min", hours)
    return text % {"hours": hours, "minutes": rest}
