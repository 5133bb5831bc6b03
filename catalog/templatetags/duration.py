"""``{{ minutes|duration }}``: a service's typical time in words ("45 min", "1 h 30 min")."""

from django import template

register = template.Library()


@register.filter
def duration(minutes) -> str:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
