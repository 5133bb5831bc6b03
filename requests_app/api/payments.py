"""The payment API: the customer starts paying a request, and Stripe reports what happened.

``requests/{id}/pay/`` answers like every request route: 404 for a request the caller may not
see, 403 ``not_allowed`` for one they see but do not own, 409 when it cannot be paid. The
webhook is Stripe's: no user, no session, no CSRF; its signature is its authentication.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from householdsvc.core.schema import ErrorSerializer
from requests_app import payments
from requests_app.models import PaymentStatus
from requests_app.money import webhook

REQUEST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
UNAVAILABLE = OpenApiResponse(
    ErrorSerializer, description="Stripe is not configured on this site (`payments_unavailable`)."
)


class PaymentStartSerializer(serializers.Serializer):
    request_id = serializers.IntegerField()
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    payment_intent_id = serializers.CharField(help_text="The Stripe PaymentIntent to confirm.")
    client_secret = serializers.CharField(help_text="Confirm the payment with Stripe's SDK using this.")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="The final price.")
    currency = serializers.CharField(help_text="ISO code, lower case, e.g. inr.")


class WebhookAckSerializer(serializers.Serializer):
    event_id = serializers.CharField()
    duplicate = serializers.BooleanField(help_text="Received before: acknowledged, not applied again.")
    processed = serializers.BooleanField(help_text="Whether the event changed a request.")
    outcome = serializers.CharField()


class PayView(APIView):
    """Start paying for one completed or closed request."""

    @extend_schema(
        summary="Pay for your completed request (customer)",
        description="Creates (or, while one is still open, reuses) a Stripe PaymentIntent for the "
        "final price and returns its client secret; confirm it with Stripe's SDK. The payment "
        "status becomes `pending`, then `paid` or `failed` when Stripe reports the outcome.",
        parameters=[REQUEST_ID],
        tags=["payments"],
        request=None,
        responses={
            200: PaymentStartSerializer,
            401: OpenApiResponse(ErrorSerializer, description="Not signed in (`not_authenticated`)."),
            403: OpenApiResponse(
                ErrorSerializer, description="Only the request's customer may pay (`not_allowed`)."
            ),
            404: OpenApiResponse(
                ErrorSerializer, description="No such request, or not yours to see (`not_found`)."
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not completed or closed (`not_payable`), already paid or refunded "
                "(`already_paid`), or a final price of 0 (`nothing_to_pay`).",
            ),
            502: OpenApiResponse(
                ErrorSerializer, description="Stripe failed or refused the call (`payment_provider_error`)."
            ),
            503: UNAVAILABLE,
        },
    )
    def post(self, request, id):
        started = payments.payment_start(request_id=id, customer=request.user)
        body = {
            "request_id": started.service_request.pk,
            "payment_status": started.service_request.payment_status,
            "payment_intent_id": started.payment_intent_id,
            "client_secret": started.client_secret,
            "amount": started.amount,
            "currency": started.currency,
        }
        return Response(PaymentStartSerializer(body).data)


class StripeWebhookView(APIView):
    """Stripe's events about our PaymentIntents and charges."""

    # The Stripe-Signature header is the only credential; DRF's views are CSRF-exempt unless
    # session authentication runs, and none does here.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Stripe webhook",
        description="Called by Stripe, signed with the endpoint's secret in `Stripe-Signature`. "
        "Applies `payment_intent.succeeded` (paid), `payment_intent.payment_failed` (failed) and "
        "`charge.refunded` (refunded, when in full); acknowledges any other event without acting "
        "on it. An event received before is acknowledged again and not re-applied.",
        tags=["payments"],
        auth=[],
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("Stripe-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={
            200: WebhookAckSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Missing, wrong or expired signature (`invalid_signature`), or not a "
                "Stripe event (`invalid_payload`).",
            ),
            503: UNAVAILABLE,
        },
    )
    def post(self, request):
        # The signature covers the exact bytes Stripe sent: never the parsed and re-encoded JSON.
        outcome = webhook.stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
        return Response(
            WebhookAckSerializer(
                {
                    "event_id": outcome.event_id,
                    "duplicate": outcome.duplicate,
                    "processed": outcome.processed,
                    "outcome": outcome.outcome,
                }
            ).data
        )
