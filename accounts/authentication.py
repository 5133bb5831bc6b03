"""JWT authentication that tells a blocked user why their token stopped working, and refuses an
access token ended by a log-out or a password change (accounts.tokens).

A token's signature is checked once per process: an app sends the same access token with every
request for its lifetime, and decoding and verifying it again each time (PyJWT's base64, JSON
and HMAC, simplejwt's claims) cost about 0.2 ms of the server's CPU per request, 3% of a
location batch's. The token already verified is kept under its exact text; each use takes a
copy of it and checks its expiry again with simplejwt's own rule, and the user row is still
read on every request (a block, a log-out or a password change still ends it at once:
``get_user``).
"""

import copy
import functools

from django.core.signals import setting_changed
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import aware_utcnow

from accounts import selectors
from accounts.backends import blocked_message
from accounts.tokens import token_ended

# Tokens verified, per process: one per signed-in app or socket at a time, about a kilobyte each.
VERIFIED_KEPT = 4096


@functools.lru_cache(maxsize=VERIFIED_KEPT)
def _verified(raw_token: bytes):
    """The token verified by simplejwt (signature, type, expiry as of now); raises for a bad one
    (not kept: only a token that passed is)."""
    return BaseJWTAuthentication().get_validated_token(raw_token)


def _forget_verified(*, setting, **kwargs) -> None:
    """Other keys or claims (in tests): a token verified before may not pass now."""
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified.cache_clear()


setting_changed.connect(_forget_verified, dispatch_uid="accounts_verified_tokens")


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt's bearer-token authentication (the user is read on every request, so a user
    blocked after the token was issued is refused at once), answering a blocked user with the
    code ``account_blocked`` and the reason instead of simplejwt's generic ``user_inactive``."""

    def get_validated_token(self, raw_token):
        """simplejwt's, its signature checked once (the module): a token verified before is a
        copy of it, whose expiry is checked again now."""
        token = copy.copy(_verified(raw_token))
        token.current_time = aware_utcnow()
        try:
            token.check_exp()
        except TokenError:
            # Expired since: simplejwt's own refusal, from a fresh check.
            return super().get_validated_token(raw_token)
        return token

    def get_user(self, validated_token):
        user = self._active_user(validated_token) or self._checked_user(validated_token)
        if token_ended(user, validated_token):
            # A log-out or a password change since it was issued (accounts.tokens).
            raise exceptions.AuthenticationFailed(
                gettext("This token was ended by a log-out or a password change."), code="token_not_valid"
            )
        return user

    def _active_user(self, validated_token):
        """The token's user when the row says active: read with ``selectors.user_by_pk``, the
        same row and instance as simplejwt's ``objects.get`` without a queryset built on every
        request. None for anything else (no such user, blocked, a claim missing, a check of
        simplejwt's we do not make here), which ``_checked_user`` then reads and refuses."""
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if user_id is None or api_settings.USER_ID_FIELD != "id" or api_settings.CHECK_REVOKE_TOKEN:
            return None
        user = selectors.user_by_pk(user_id)
        return user if user is not None and user.is_active else None

    def _checked_user(self, validated_token):
        """simplejwt's own read and checks, a blocked user told why."""
        try:
            return super().get_user(validated_token)
        except JWTAuthenticationFailed as exc:
            if not isinstance(exc.detail, dict) or exc.detail.get("code") != "user_inactive":
                raise
            user = self.user_model.objects.get(
                **{api_settings.USER_ID_FIELD: validated_token[api_settings.USER_ID_CLAIM]}
            )
            raise exceptions.AuthenticationFailed(blocked_message(user), code="account_blocked") from exc
