"""An e-mail backend that fails like an SMTP server that is down, ``fail_next`` times, then
delivers to Django's test outbox (``mail.outbox``) as the locmem backend does."""

import smtplib
import threading

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    fail_next = 0
    attempts = 0
    _lock = threading.Lock()

    def send_messages(self, messages):
        with FlakyBackend._lock:
            FlakyBackend.attempts += 1
            if FlakyBackend.fail_next > 0:
                FlakyBackend.fail_next -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def flaky(settings, fail_next: int) -> type[FlakyBackend]:
    settings.EMAIL_BACKEND = "tests.accounts.flaky_mail.FlakyBackend"
    FlakyBackend.fail_next = fail_next
    FlakyBackend.attempts = 0
    return FlakyBackend
