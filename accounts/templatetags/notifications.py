"""``{% notification_bell %}``: the nav's bell with the unread count, kept live over
``/ws/me/`` by ``accounts/bell.js``."""

from django import template

from accounts.notifications import cached_unread_count

register = template.Library()


@register.inclusion_tag("accounts/_bell.html", takes_context=True)
def notification_bell(context):
    user = context["request"].user
    return {"unread": cached_unread_count(user_id=user.pk) if user.is_authenticated else 0}
