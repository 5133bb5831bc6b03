"""The money API: the estimate before booking, a request's prices, the customer's answer to a
price change and the admin's settlement, and a Stripe Checkout Session for paying on the web.

Answers like every request route: 404 for a request the caller may not see, 403
``not_allowed`` for one they see but may not act on, 409 with a code for a wrong state.
"""

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import bookable_service
from householdsvc.core.errors import ValidationFailed
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer
from householdsvc.core.validation import position
from requests_app.models import PaymentStatus
from requests_app.money import checkout, price_changes, pricing, selectors
from requests_app.money.models import PriceChangeStatus

REQUEST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
ERRORS = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Bad input (`invalid`), per field."),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in (`not_authenticated`)."),
    403: OpenApiResponse(ErrorSerializer, description="You may see it but not do this (`not_allowed`)."),
    404: OpenApiResponse(ErrorSerializer, description="No such request, or not yours to see (`not_found`)."),
}


class PricePartSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class EstimateSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    parts = PricePartSerializer(many=True)


class PriceChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PriceChangeStatus.choices)
    estimate = serializers.DecimalField(max_digits=10, decimal_places=2)
    proposed_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    reason = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    settled_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class PriceSummarySerializer(serializers.Serializer):
    request_id = serializers.IntegerField()
    currency = serializers.CharField()
    estimate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    estimate_parts = PricePartSerializer(many=True)
    tolerance_percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    final_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    price_change = PriceChangeSerializer(allow_null=True)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    payable = serializers.BooleanField(help_text="Whether it may be paid now.")
    why_not_payable = serializers.CharField(allow_blank=True)
    receipt_number = serializers.CharField(allow_null=True)

    @staticmethod
    def of(summary) -> dict:
        change = summary.price_change
        return {
            "request_id": summary.service_request.pk,
            "currency": summary.currency,
            "estimate": summary.estimate,
            "estimate_parts": summary.estimate_parts,
            "tolerance_percent": summary.tolerance_percent,
            "final_price": summary.final_price,
            "price_change": None
            if change is None
            else {
                "status": change.status,
                "estimate": change.estimate,
                "proposed_price": change.proposed_price,
                "reason": change.reason,
                "note": change.note,
                "settled_price": change.settled_price,
                "decided_at": change.decided_at,
            },
            "payment_status": summary.service_request.payment_status,
            "payable": summary.payable,
            "why_not_payable": summary.why_not_payable,
            "receipt_number": summary.receipt.code if summary.receipt else None,
        }


def _summary_response(user, request_id):
    summary = selectors.price_summary(user=user, request_id=request_id)
    return Response(PriceSummarySerializer(PriceSummarySerializer.of(summary)).data)


class EstimateView(APIView):
    """What a booking would cost, before the customer confirms it."""

    @extend_schema(
        summary="Price estimate for a booking",
        description="The estimate and its parts for booking `service` (at `latitude`,`longitude` "
        "for roadside help). The same figure is stored on the request when it is created.",
        tags=["payments"],
        parameters=[
            OpenApiParameter("service", OpenApiTypes.INT, required=True),
            OpenApiParameter("latitude", OpenApiTypes.NUMBER),
            OpenApiParameter("longitude", OpenApiTypes.NUMBER),
        ],
        responses={200: EstimateSerializer, 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request):
        errors: dict = {}
        service = bookable_service(request.query_params.get("service"), errors)
        latitude, longitude = position(
            request.query_params.get("latitude"), request.query_params.get("longitude"), errors
        )
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        estimate = pricing.estimate_for(service=service, latitude=latitude, longitude=longitude)
        body = {
            "service": service.pk,
            "currency": pricing.currency(),
            "total": estimate.total,
            "parts": estimate.as_json(),
        }
        return Response(EstimateSerializer(body).data)


class PriceView(APIView):
    @extend_schema(
        summary="A request's prices and payment state",
        description="The estimate and its parts, the final price, any price change and whether "
        "the request may be paid now.",
        tags=["payments"],
        parameters=[REQUEST_ID],
        responses={200: PriceSummarySerializer, 401: ERRORS[401], 404: ERRORS[404]},
    )
    def get(self, request, id):
        return _summary_response(request.user, id)


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class SettleSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise ValidationFailed(gettext("Invalid input."), errors=serializer.errors)
    return serializer.validated_data


PRICE_CHANGE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(
        ErrorSerializer,
        description="Already decided (`price_change_decided`), or not declined "
        "(`price_change_not_declined`).",
    ),
}


class PriceChangeApproveView(APIView):
    @extend_schema(
        summary="Approve the higher final price (customer)",
        tags=["payments"],
        parameters=[REQUEST_ID],
        request=None,
        responses={200: PriceSummarySerializer, **PRICE_CHANGE_ERRORS},
    )
    def post(self, request, id):
        price_changes.price_change_approve(request_id=id, customer=request.user)
        return _summary_response(request.user, id)


class PriceChangeDeclineView(APIView):
    @extend_schema(
        summary="Decline the higher final price (customer); an admin settles it",
        tags=["payments"],
        parameters=[REQUEST_ID],
        request=DeclineSerializer,
        responses={200: PriceSummarySerializer, **PRICE_CHANGE_ERRORS},
    )
    def post(self, request, id):
        data = _input(DeclineSerializer, request)
        price_changes.price_change_decline(request_id=id, customer=request.user, note=data.get("note", ""))
        return _summary_response(request.user, id)


class PriceChangeSettleView(APIView):
    @extend_schema(
        summary="Settle a declined price change (admin)",
        tags=["payments"],
        parameters=[REQUEST_ID],
        request=SettleSerializer,
        responses={200: PriceSummarySerializer, **PRICE_CHANGE_ERRORS},
    )
    def post(self, request, id):
        data = _input(SettleSerializer, request)
        price_changes.price_change_settle(
            request_id=id, actor=request.user, price=data["price"], note=data.get("note", "")
        )
        return _summary_response(request.user, id)


class CheckoutInputSerializer(serializers.Serializer):
    tip = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text="Optional, all to the professional.",
    )


class CheckoutSerializer(serializers.Serializer):
    request_id = serializers.IntegerField()
    session_id = serializers.CharField()
    url = serializers.CharField(help_text="Stripe's hosted Checkout page: send the customer there.")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Price plus tip.")
    currency = serializers.CharField()


class CheckoutView(APIView):
    @extend_schema(
        summary="Pay on Stripe's hosted Checkout page (customer)",
        description="Creates (or, while one is open for the same amount, reuses) a Stripe "
        "Checkout Session for the final price plus the optional tip. Only Stripe's signed "
        "webhook then marks the request paid.",
        tags=["payments"],
        parameters=[REQUEST_ID],
        request=CheckoutInputSerializer,
        responses={
            200: CheckoutSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not completed (`not_payable`), already paid (`already_paid`), the "
                "price waits for approval (`price_not_approved`) or an admin (`price_disputed`), "
                "cash awaits confirmation (`cash_pending`), a cancellation fee is being charged "
                "to the card on file (`fee_pending`), or nothing to pay (`nothing_to_pay`).",
            ),
            502: OpenApiResponse(ErrorSerializer, description="Stripe failed (`payment_provider_error`)."),
            503: OpenApiResponse(
                ErrorSerializer, description="Card payment is off (`payments_unavailable`)."
            ),
        },
    )
    def post(self, request, id):
        data = _input(CheckoutInputSerializer, request)
        started = checkout.checkout_start(request_id=id, customer=request.user, tip=data.get("tip"))
        body = {
            "request_id": started.attempt.request_id,
            "session_id": started.attempt.stripe_session_id,
            "url": started.url,
            "amount": started.attempt.total,
            "currency": pricing.currency(),
        }
        return Response(CheckoutSerializer(body).data)
