"""Notifications for app clients: the list, marking read, the unread count, and preferences."""

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import notifications
from accounts.models import Channel, Notification, NotificationKind
from householdsvc.core.schema import errors


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "request_id", "title", "body", "url", "read_at", "created_at"]
        read_only_fields = fields


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ChannelsSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)


class PreferencesSerializer(serializers.Serializer):
    """Every kind with its channels (in a PATCH, any of them)."""

    def get_fields(self):
        return {
            kind: ChannelsSerializer(required=False, help_text=label)
            for kind, label in NotificationKind.choices
        }


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The notification's id.")


@extend_schema_view(
    list=extend_schema(
        summary="My in-app notifications, newest first", responses={200: NotificationSerializer}
    ),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return notifications.notifications_for(user=self.request.user)

    @extend_schema(
        summary="Mark one notification read",
        request=None,
        parameters=[ID],
        responses={200: NotificationSerializer, **errors(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notifications.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses={200: UnreadSerializer, **errors(401)},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        notifications.notifications_mark_all_read(user=request.user)
        return Response({"unread": 0})

    @extend_schema(summary="How many are unread (the bell)", responses={200: UnreadSerializer, **errors(401)})
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": notifications.unread_count(user_id=request.user.pk)})


def _shape(chosen: dict) -> dict:
    return {kind: {channel: chosen[kind][channel] for channel in Channel.values} for kind in chosen}


class NotificationPreferencesView(APIView):
    @extend_schema(
        summary="How I am told, per kind and channel",
        responses={200: PreferencesSerializer, **errors(401)},
        tags=["me"],
    )
    def get(self, request):
        return Response(_shape(notifications.preferences_for(user=request.user)))

    @extend_schema(
        summary="Change some channels of some kinds; an unknown kind or channel is a 400",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, **errors(400, 401)},
        tags=["me"],
    )
    def patch(self, request):
        return Response(_shape(notifications.preferences_update(user=request.user, changes=request.data)))
