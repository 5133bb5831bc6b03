"""The message thread of a request for app clients: ``requests/{id}/messages/`` GET, POST.
Live delivery is the user's own socket, ``/ws/me/`` (``chat_message``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from householdsvc.core.schema import errors
from requests_app import messages
from requests_app.models import MESSAGE_MAX_LENGTH, RequestMessage

REQUEST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The request's id.")


class MessageSerializer(serializers.ModelSerializer):
    sender_name = serializers.SerializerMethodField()

    class Meta:
        model = RequestMessage
        fields = ["id", "request_id", "sender_id", "sender_name", "body", "created_at"]
        read_only_fields = fields

    def get_sender_name(self, message) -> str:
        # First names only: the thread does not hand out more than the request page does.
        return message.sender.get_short_name()


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=MESSAGE_MAX_LENGTH, trim_whitespace=False, help_text="1 to 2,000 characters."
    )


class RequestMessagesView(GenericAPIView):
    serializer_class = MessageSerializer
    filter_backends = []

    @extend_schema(
        summary="The request's messages, oldest first (its customer, its professional, admins)",
        parameters=[REQUEST_ID],
        responses={200: MessageSerializer(many=True), **errors(401, 404, 409)},
        tags=["requests"],
    )
    def get(self, request, id):
        thread = messages.request_messages(user=request.user, request_id=id)
        page = self.paginate_queryset(thread)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        summary="Write to the other side of the request (not after it is closed or cancelled)",
        parameters=[REQUEST_ID],
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, **errors(400, 401, 403, 404, 409)},
        tags=["requests"],
    )
    def post(self, request, id):
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = messages.request_message_send(
            user=request.user, request_id=id, body=serializer.validated_data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
