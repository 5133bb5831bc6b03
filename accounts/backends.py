import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts import passwords
from accounts.notifications import unread_count_column

BLOCKED_MESSAGE = (
    "Your account is blocked, so you cannot log in. Contact support if you think this is a mistake."
)


LOCKED_MESSAGE = (
    "Your account is locked after too many failed log-ins. We have e-mailed you a link to unlock "
    'it; you can also choose a new password with "Forgot your password?".'
)


class EmailBackend(ModelBackend):
    """Email is the login, matched case-insensitively; blocked users are refused by
    ModelBackend's ``user_can_authenticate`` (``is_active``).

    Every door (the site's and the admin's log-in pages, the API's token) authenticates here, so
    the per-account lockout is kept here once: a wrong password counts a failure, a right one
    clears the count, and a locked account is refused even with the right password."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = email or username
        if login is None or password is None:
            return None
        user = get_user_model()._default_manager.filter(email__iexact=str(login).strip()).first()
        if user is None:
            # As ModelBackend: hash anyway, so timing does not tell which addresses exist.
            get_user_model()().set_password(password)
            return None
        if not user.check_password(password):
            if user.is_active:
                passwords.login_failure_record(user_id=user.pk, base_url=_base_url(request))
            return None
        if user.locked_at is not None or not self.user_can_authenticate(user):
            return None
        passwords.login_success_record(user=user)
        return user

    def get_user(self, user_id):
        """The signed-in user of a session, with their professional profile joined in: the
        site's pages ask for it on every request of a professional (member_required, the offers
        rule), one query fewer each. A user without one reads as before (DoesNotExist).

        With the bell's unread count (``unread_notifications``), which every page's nav shows:
        counted by the database in the same query, exact, where a read of its own (from Redis)
        was a round trip of every page."""
        try:
            user = _session_users().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _session_users():
    # Built once: making the count's subquery (its queryset, resolved into the users' query)
    # took half as long again as the whole read. ``get`` works on a copy, as with a view's
    # class-level queryset.
    return (
        get_user_model()
        ._default_manager.select_related("professional_profile")
        .annotate(unread_notifications=unread_count_column())
    )


def _base_url(request) -> str | None:
    try:
        return request.build_absolute_uri("/") if request is not None else None
    except Exception:  # a DRF request wrapper or a bad Host: fall back to SITE_URL
        return None


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


def locked_account(*, email: str, password: str):
    """The locked user these credentials belong to, or None (as ``blocked_account``: only with
    the right password, so wrong guesses learn nothing)."""
    if not email or not password:
        return None
    user = get_user_model().objects.filter(email__iexact=email.strip(), locked_at__isnull=False).first()
    if user is not None and user.is_active and user.check_password(password):
        return user
    return None


def blocked_message(user) -> str:
    if user.block_reason:
        return f"{BLOCKED_MESSAGE} Reason: {user.block_reason}"
    return BLOCKED_MESSAGE
