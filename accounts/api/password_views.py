"""Passwords and sessions for app clients: reset, change, logout, e-mail confirmation, unlock.
Thin: parse, call accounts.passwords, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import passwords
from accounts.api.password_serializers import (
    DetailSerializer,
    EmailSerializer,
    LinkSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    RefreshSerializer,
)
from accounts.api.serializers import TokenPairSerializer
from accounts.api.throttling import ScopedRateThrottle
from householdsvc.core.schema import errors

DONE = OpenApiResponse(description="Done; no body.")


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _Anonymous(APIView):
    # A link or a refresh token is the credential: no session (no CSRF token), no bearer.
    authentication_classes = []
    permission_classes = [AllowAny]


class PasswordResetView(_Anonymous):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_password_reset",
        summary="E-mail a password-reset link; the same answer whether or not the address has an account",
        request=EmailSerializer,
        responses={202: DetailSerializer, **errors(400, 429)},
        tags=["auth"],
    )
    def post(self, request):
        passwords.password_reset_request(email=_valid(EmailSerializer, request)["email"])
        return Response({"detail": passwords.RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(_Anonymous):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        summary="Set a new password with the uid and token of the e-mailed link (once, before it expires)",
        request=PasswordResetConfirmSerializer,
        responses={204: DONE, **errors(400, 429)},
        tags=["auth"],
    )
    def post(self, request):
        data = _valid(PasswordResetConfirmSerializer, request)
        passwords.password_reset_confirm(
            uidb64=data["uid"], token=data["token"], new_password=data["new_password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_password_change",
        summary="Change my password: every refresh token and other session ends; a new pair is returned",
        request=PasswordChangeSerializer,
        responses={200: TokenPairSerializer, **errors(400, 401)},
        tags=["auth"],
    )
    def post(self, request):
        data = _valid(PasswordChangeSerializer, request)
        user = passwords.password_change(
            user=request.user, old_password=data["old_password"], new_password=data["new_password"]
        )
        return Response(passwords.token_pair_for(user))


class LogoutView(_Anonymous):
    @extend_schema(
        operation_id="auth_logout",
        summary="Log out: the refresh token is revoked and the access tokens issued so far end",
        request=RefreshSerializer,
        responses={204: DONE, **errors(400, 401)},
        tags=["auth"],
    )
    def post(self, request):
        passwords.refresh_token_revoke(refresh=_valid(RefreshSerializer, request)["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailConfirmView(_Anonymous):
    @extend_schema(
        operation_id="auth_email_confirm",
        summary="Confirm my e-mail address with the uid and token of the e-mailed link",
        request=LinkSerializer,
        responses={204: DONE, **errors(400)},
        tags=["auth"],
    )
    def post(self, request):
        data = _valid(LinkSerializer, request)
        passwords.email_confirm(uidb64=data["uid"], token=data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailConfirmationResendView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_email_resend",
        summary="E-mail my confirmation link again",
        request=None,
        responses={202: DetailSerializer, **errors(401, 409, 429)},
        tags=["auth"],
    )
    def post(self, request):
        passwords.email_confirmation_send(user=request.user)
        return Response({"detail": f"Sent to {request.user.email}."}, status=status.HTTP_202_ACCEPTED)


class UnlockView(_Anonymous):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_unlock",
        summary="Unlock my account with the uid and token of the e-mailed link",
        request=LinkSerializer,
        responses={204: DONE, **errors(400, 429)},
        tags=["auth"],
    )
    def post(self, request):
        data = _valid(LinkSerializer, request)
        passwords.account_unlock(uidb64=data["uid"], token=data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)
