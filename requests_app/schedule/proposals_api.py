"""The API of a proposed time: the assigned professional proposes, the customer answers.

Thin: parse, call ``requests_app.schedule.proposals``, render.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from householdsvc.core.errors import NotFound
from householdsvc.core.schema import errors
from requests_app.schedule import proposals
from requests_app.schedule.api import RescheduleResultSerializer
from requests_app.schedule.models import ProposalStatus
from requests_app.selectors import service_request_get


class TimeProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    scheduled_for = serializers.DateTimeField()
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ProposeSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(help_text="The new start: a slot at which you are free.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class ProposeTimeView(APIView):
    @extend_schema(
        summary="Propose another time for a booking (assigned professional)",
        description="While it is `assigned`; the time must be a slot at which you are free (409 "
        "`professional_busy` otherwise). Replaces a proposal still waiting. The customer is emailed.",
        request=ProposeSerializer,
        responses={201: TimeProposalSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id):
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = proposals.time_propose(request_id=id, professional=request.user, **body.validated_data)
        return Response(TimeProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalView(APIView):
    @extend_schema(
        summary="The proposed time waiting for the customer's answer",
        description="404 when none waits.",
        responses={200: TimeProposalSerializer, **errors(401, 404)},
    )
    def get(self, request, id):
        proposal = proposals.pending_for(service_request_get(user=request.user, request_id=id))
        if proposal is None:
            raise NotFound(gettext("No proposed time waits for an answer on this request."))
        return Response(TimeProposalSerializer(proposal).data)


class ProposalAnswerView(APIView):
    answer = None

    def post(self, request, id):
        moved = self.answer(request_id=id, customer=request.user)
        return Response(RescheduleResultSerializer(moved).data)


class ProposalAcceptView(ProposalAnswerView):
    answer = staticmethod(proposals.time_proposal_accept)

    @extend_schema(
        summary="Accept the proposed time (customer)",
        description="The booking moves there and stays with the professional; 409 "
        "`professional_busy` if they are no longer free then, 409 `proposal_withdrawn` if the "
        "booking was moved (or a new time proposed) meanwhile.",
        request=None,
        responses={200: RescheduleResultSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, id):
        return super().post(request, id)


class ProposalDeclineView(ProposalAnswerView):
    answer = staticmethod(proposals.time_proposal_decline)

    @extend_schema(
        summary="Decline the proposed time (customer)",
        description="The booking stays at its time; 409 `proposal_withdrawn` if the booking was "
        "moved (or a new time proposed) meanwhile.",
        request=None,
        responses={200: RescheduleResultSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, id):
        return super().post(request, id)
