"""JWT authentication that tells a blocked user why their token stopped working, and refuses an
access token ended by a log-out or a password change (accounts.tokens)."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from accounts.backends import blocked_message
from accounts.tokens import token_ended


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt's bearer-token authentication (the user is read on every request, so a user
    blocked after the token was issued is refused at once), answering a blocked user with the
    code ``account_blocked`` and the reason instead of simplejwt's generic ``user_inactive``."""

    def get_user(self, validated_token):
        try:
            user = super().get_user(validated_token)
        except JWTAuthenticationFailed as exc:
            if not isinstance(exc.detail, dict) or exc.detail.get("code") != "user_inactive":
                raise
            user = self.user_model.objects.get(
                **{api_settings.USER_ID_FIELD: validated_token[api_settings.USER_ID_CLAIM]}
            )
            raise exceptions.AuthenticationFailed(blocked_message(user), code="account_blocked") from exc
        if token_ended(user, validated_token):
            # A log-out or a password change since it was issued (accounts.tokens).
            raise exceptions.AuthenticationFailed(
                gettext("This token was ended by a log-out or a password change."), code="token_not_valid"
            )
        return user
