"""Passwords and sessions: reset by e-mail, change, logout, e-mail confirmation, lockout.

Every link e-mailed here (reset, confirmation, unlock) carries a token from one of Django's
``PasswordResetTokenGenerator``s: signed with SECRET_KEY, expiring after
PASSWORD_RESET_TIMEOUT, and single-use because it hashes the state it changes (the password
hash and last log-in; the confirmation time; the lock time). Ending other sessions needs no
code of ours: a session stores a hash of the password, so a changed password ends every session
but the one that ``update_session_auth_hash`` refreshes. Refresh tokens are simplejwt's
blacklist: a changed password blacklists every outstanding one of the user.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext, gettext_noop
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.account_mail import account_mail
from accounts.models import User
from accounts.tokens import RefreshToken, access_tokens_end
from householdsvc.core import errors
from householdsvc.core.permissions import is_admin

INVALID_LINK = gettext_noop("This link is invalid or has expired. Ask for a new one.")
RESET_SENT = "If an account uses this address, we have e-mailed it a link to choose a new password."


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.passwords.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Used once: confirming sets email_confirmed_at; a changed address voids it too.
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


class UnlockTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.passwords.UnlockTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Used once: unlocking clears locked_at; the next lock needs a new link.
        return f"{user.pk}{user.locked_at}{timestamp}"


confirmation_tokens = EmailConfirmationTokenGenerator()
unlock_tokens = UnlockTokenGenerator()


# --- links -------------------------------------------------------------------------------


def uid_for(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _link(url_name: str, user, token: str, base_url: str | None) -> str:
    path = reverse(url_name, kwargs={"uidb64": uid_for(user), "token": token})
    return (base_url or settings.SITE_URL).rstrip("/") + path


def _user_from_link(uidb64, token, generator) -> User:
    """The user a link is for, or a 400 ``invalid_link`` (tampered, reused or expired)."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(str(uidb64))))
        user = User.objects.select_for_update().get(pk=user_id)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not generator.check_token(user, str(token or "")):
        raise errors.ValidationFailed(
            gettext(INVALID_LINK), code="invalid_link", errors={"token": [gettext(INVALID_LINK)]}
        )
    return user


def _mail(user, subject: str, body: str, *, purpose: str) -> None:
    # Recorded now, sent after commit and retried (accounts.account_mail): a mail server that
    # is down never undoes the change nor changes the answer.
    account_mail(user=user, purpose=purpose, subject=subject, body=body)


# --- password reset ----------------------------------------------------------------------


def password_reset_request(*, email, base_url=None) -> None:
    """E-mail a reset link if an active account uses this address. The caller answers the same
    either way, so nobody learns which addresses have accounts."""
    email = (email or "").strip()
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not user.has_usable_password():
        return
    link = _link("accounts:password_reset_confirm", user, default_token_generator.make_token(user), base_url)
    with transaction.atomic():
        _mail(
            user,
            "Choose a new householdsvc password",
            f"Hello {user.full_name},\n\nSomebody (we hope you) asked to reset your password. "
            f"Choose a new one here, within {settings.PASSWORD_RESET_TIMEOUT // 3600} hours:\n\n{link}\n\n"
            "If it was not you, ignore this e-mail: your password stays as it is.\n",
            purpose="reset",
        )


def password_reset_check(*, uidb64, token) -> User:
    """The user whose reset link this is, or a 400; nothing changes (for the page's GET)."""
    with transaction.atomic():
        return _user_from_link(uidb64, token, default_token_generator)


@transaction.atomic
def password_reset_confirm(*, uidb64, token, new_password) -> User:
    """Set the new password through a reset link. Following the link proves the address, so
    it also confirms it and lifts a lockout."""
    user = _user_from_link(uidb64, token, default_token_generator)
    _set_password(user, new_password)
    return user


@transaction.atomic
def password_change(*, user, old_password, new_password) -> User:
    """The signed-in user changes their password; every other session and refresh token ends."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password or ""):
        message = gettext("Your current password is not right.")
        raise errors.ValidationFailed(message, errors={"old_password": [message]})
    _set_password(user, new_password)
    return user


def _set_password(user, new_password) -> None:
    try:
        validate_password(new_password or "", user)
    except DjangoValidationError as exc:
        raise errors.ValidationFailed(
            gettext("Invalid input."), errors={"new_password": list(exc.messages)}
        ) from None
    user.set_password(new_password)
    user.failed_logins = 0
    user.locked_at = None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
    user.save(update_fields=["password", "failed_logins", "locked_at", "email_confirmed_at", "updated_at"])
    refresh_tokens_revoke(user=user)


# --- tokens ------------------------------------------------------------------------------


def refresh_tokens_revoke(*, user) -> int:
    """Blacklist every refresh token of the user not blacklisted yet, and end every access
    token issued so far; returns how many refresh tokens."""
    access_tokens_end(user_id=user.pk)
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    ids = list(outstanding.values_list("pk", flat=True))
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token_id=pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


def refresh_token_revoke(*, refresh) -> None:
    """Log out an app: the refresh token can no longer be used. A token that is malformed,
    expired or already revoked is a 401 ``token_not_valid``."""
    try:
        token = RefreshToken(str(refresh or ""))
        token.blacklist()
    except TokenError as exc:
        raise TokenInvalid(str(exc)) from None
    # The access tokens of the session end too (every one of the user's issued until now;
    # their other devices refresh and carry on).
    access_tokens_end(user_id=token.payload.get(api_settings.USER_ID_CLAIM))


class TokenInvalid(errors.ServiceError):
    status_code = 401
    code = "token_not_valid"


def token_pair_for(user) -> dict:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


# --- e-mail confirmation -----------------------------------------------------------------


def email_confirmation_send(*, user, base_url=None) -> None:
    """E-mail the link that confirms the address (at sign-up, and again on request)."""
    if user.email_confirmed_at is not None:
        raise errors.Conflict(gettext("Your e-mail address is already confirmed."), code="already_confirmed")
    link = _link("accounts:email_confirm", user, confirmation_tokens.make_token(user), base_url)
    _mail(
        user,
        "Confirm your householdsvc e-mail address",
        f"Hello {user.full_name},\n\nConfirm your address to make your first booking or take "
        f"your first job:\n\n{link}\n",
        purpose="confirm",
    )


@transaction.atomic
def email_confirm(*, uidb64, token) -> User:
    user = _user_from_link(uidb64, token, confirmation_tokens)
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at", "updated_at"])
    return user


def ensure_email_confirmed(user, doing: str) -> None:
    """The guard before a first booking or offer: 403 ``email_unconfirmed``."""
    if getattr(user, "email_confirmed_at", None) is None:
        raise errors.NotAllowed(
            gettext("Confirm your e-mail address (follow the link we sent you) before you %(doing)s.")
            % {"doing": doing},
            code="email_unconfirmed",
        )


# --- lockout -----------------------------------------------------------------------------


def login_failure_record(*, user_id, base_url=None) -> User | None:
    """One more failed log-in; the LOGIN_LOCKOUT_FAILURES-th in a row locks the account and
    e-mails the unlock link. Locked accounts count no further."""
    with transaction.atomic():
        # The row lock: parallel wrong guesses must each count, and lock (and e-mail) once.
        user = User.objects.select_for_update().filter(pk=user_id, locked_at__isnull=True).first()
        if user is None:
            return None
        user.failed_logins = F("failed_logins") + 1
        user.save(update_fields=["failed_logins"])
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_LOCKOUT_FAILURES:
            user.locked_at = timezone.now()
            user.save(update_fields=["locked_at", "updated_at"])
            link = _link("accounts:unlock", user, unlock_tokens.make_token(user), base_url)
            _mail(
                user,
                "Your householdsvc account is locked",
                f"Hello {user.full_name},\n\nAfter {user.failed_logins} failed log-ins in a row "
                f"we locked your account. Unlock it here:\n\n{link}\n\nIf these were not you, "
                "somebody may be guessing your password: choose a new one after unlocking.\n",
                purpose="unlock",
            )
        return user


def login_success_record(*, user) -> None:
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)
        user.failed_logins = 0


@transaction.atomic
def account_unlock(*, uidb64, token) -> User:
    """Unlock through the e-mailed link."""
    user = _user_from_link(uidb64, token, unlock_tokens)
    return _unlock(user)


@transaction.atomic
def user_unlock(*, user_id, actor) -> User:
    """An admin unlocks an account."""
    if not is_admin(actor):
        raise errors.NotAllowed(gettext("Only admins may unlock accounts."))
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise errors.NotFound(gettext("No such user."))
    if user.locked_at is None:
        raise errors.Conflict(gettext("This account is not locked."), code="not_locked")
    return _unlock(user)


def _unlock(user) -> User:
    user.locked_at = None
    user.failed_logins = 0
    user.save(update_fields=["locked_at", "failed_logins", "updated_at"])
    return user
