"""``POST /api/v1/ws-ticket/``: a one-time ticket for the live-tracking WebSocket."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from householdsvc.core.schema import ErrorSerializer
from tracking.tickets import WS_TICKET_SECONDS, ws_ticket_issue


class WsTicketView(APIView):
    @extend_schema(
        summary="A one-time ticket for the live-tracking WebSocket",
        description=f"Open `/ws/requests/{{id}}/?ticket=<ticket>` within {WS_TICKET_SECONDS} s; "
        "the ticket works once. Keeps the access token out of URLs (and so out of logs).",
        request=None,
        responses={
            201: inline_serializer(
                "WsTicket",
                {
                    "ticket": serializers.CharField(),
                    "expires_in": serializers.IntegerField(help_text="Seconds the ticket stays valid."),
                },
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
            503: OpenApiResponse(ErrorSerializer, description="Live updates briefly unavailable."),
        },
    )
    def post(self, request):
        ticket = ws_ticket_issue(user=request.user)
        return Response({"ticket": ticket, "expires_in": WS_TICKET_SECONDS}, status=status.HTTP_201_CREATED)
