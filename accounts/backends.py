from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

BLOCKED_MESSAGE = (
    "Your account is blocked, so you cannot log in. Contact support if you think this is a mistake."
)


class EmailBackend(ModelBackend):
    """Email is the login, matched case-insensitively; blocked users are refused by
    ModelBackend's ``user_can_authenticate`` (``is_active``)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=email or username, password=password, **kwargs)


def blocked_account(*, email: str, password: str):
    """The blocked user these credentials belong to, or None.

    Called only after a log-in has failed, to tell a blocked user why instead of "wrong
    password". The password must be right, so nobody learns that an address is blocked
    without knowing its password.
    """
    if not email or not password:
        return None
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=False).first()
    if user is not None and user.check_password(password):
        return user
    return None


def blocked_message(user) -> str:
    if user.block_reason:
        return f"{BLOCKED_MESSAGE} Reason: {user.block_reason}"
    return BLOCKED_MESSAGE
