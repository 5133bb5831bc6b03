"""JWT authentication that tells a blocked user why their token stopped working, and refuses an
access token ended by a log-out or a password change (accounts.tokens)."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from accounts import selectors
from accounts.backends import blocked_message
from accounts.tokens import token_ended


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt's bearer-token authentication (the user is read on every request, so a user
    blocked after the token was issued is refused at once), answering a blocked user with the
    code ``account_blocked`` and the reason instead of simplejwt's generic ``user_inactive``."""

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
