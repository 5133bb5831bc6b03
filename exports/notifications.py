"""Sending a scheduled email at most once per recipient and period."""

from collections.abc import Callable

from django.db import transaction

from exports.models import SentNotification


def notification_send_once(
    *, kind: str, recipient, period_key: str, item_count: int, send: Callable[[], None]
) -> bool:
    """Records the notification and sends it in one transaction; False if it was sent before.

    The unique (kind, recipient, period) row is inserted first: a second run at the same time
    waits on it and then finds it, so it sends nothing. If sending raises, the row rolls back
    with it and a retry sends again. The one gap left is a commit failing after the mail
    server accepted the message; that is the price of never sending twice on a retry.
    """
    with transaction.atomic():
        _, created = SentNotification.objects.get_or_create(
            kind=kind, recipient=recipient, period_key=period_key, defaults={"item_count": item_count}
        )
        if not created:
            return False
        send()
    return True
