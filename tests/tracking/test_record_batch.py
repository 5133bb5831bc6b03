"""Recording a batch of points: who may, in which states, what is checked, and what follows
(the professional's current position, the broadcast after commit) — all or nothing."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import ProfessionalProfile
from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from requests_app.models import Status
from tests.tracking.factories import point_json, track_json
from tracking.models import LocationSource, LocationUpdate
from tracking.services import location_batch_record
from tracking.validation import MAX_BATCH_SIZE

pytestmark = pytest.mark.django_db


def record(service_request, user, points):
    """The points the batch wrote."""
    return location_batch_record(request_id=service_request.pk, user=user, points=points).points


def test_the_assigned_professional_records_a_batch(en_route_request, professional):
    created = record(en_route_request, professional, track_json(3))

    assert len(created) == 3
    stored = list(LocationUpdate.objects.filter(request=en_route_request).order_by("recorded_at"))
    assert [(p.latitude, p.longitude) for p in stored] == [
        (Decimal("12.900000"), Decimal("77.500000")),
        (Decimal("12.900100"), Decimal("77.500100")),
        (Decimal("12.900200"), Decimal("77.500200")),
    ]
    assert {(p.source, p.reported_by_id, p.accuracy) for p in stored} == {
        (LocationSource.PROFESSIONAL, professional.pk, 5)
    }


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE])
def test_positions_are_taken_from_acceptance_to_the_end_of_the_work(in_state, professional, status):
    assert len(record(in_state(status), professional, [point_json()])) == 1


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CLOSED, Status.CANCELLED])
def test_a_finished_request_takes_no_positions(in_state, professional, status):
    with pytest.raises(Conflict) as caught:
        record(in_state(status), professional, [point_json()])
    assert caught.value.code == "not_trackable"
    assert not LocationUpdate.objects.exists()


def test_an_open_request_offered_to_the_professional_is_not_theirs_to_report_on(open_request, professional):
    with pytest.raises(NotAllowed):
        record(open_request, professional, [point_json()])


def test_the_customer_and_admins_do_not_report_positions(en_route_request, customer, admin_user):
    for user in (customer, admin_user):
        with pytest.raises(NotAllowed):
            record(en_route_request, user, [point_json()])


def test_a_request_the_user_cannot_see_is_not_found(en_route_request, other_professional, other_customer):
    for user in (other_professional, other_customer):
        with pytest.raises(NotFound):
            record(en_route_request, user, [point_json()])
    with pytest.raises(NotFound):
        location_batch_record(request_id=0, user=other_professional, points=[point_json()])


def test_a_blocked_professional_reports_nothing(en_route_request, professional):
    professional.is_active = False
    professional.save()
    with pytest.raises(NotAllowed) as caught:
        record(en_route_request, professional, [point_json()])
    assert caught.value.code == "account_blocked"


def test_the_state_is_checked_before_the_points(in_state, professional):
    with pytest.raises(Conflict):
        record(in_state(Status.COMPLETED), professional, "not a list")


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (None, "Give a list of points."),
        ("12.9,77.5", "Give a list of points."),
        ({"latitude": 1}, "Give a list of points."),
        ([], "Give at least one point."),
        ([point_json()] * (MAX_BATCH_SIZE + 1), f"At most {MAX_BATCH_SIZE} points in one batch."),
    ],
)
def test_the_batch_must_be_a_list_of_1_to_500_points(en_route_request, professional, points, message):
    with pytest.raises(ValidationFailed) as caught:
        record(en_route_request, professional, points)
    assert caught.value.errors == {"points": [message]}


def test_a_full_batch_of_500_is_taken(en_route_request, professional):
    assert len(record(en_route_request, professional, track_json(MAX_BATCH_SIZE))) == MAX_BATCH_SIZE


def _future(minutes):
    return (timezone.now() + timedelta(minutes=minutes)).isoformat()


def _past(hours):
    return (timezone.now() - timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"latitude": "90.5"}, "latitude", "Must be between -90 and 90."),
        ({"latitude": -91}, "latitude", "Must be between -90 and 90."),
        ({"longitude": 180.01}, "longitude", "Must be between -180 and 180."),
        ({"latitude": "north"}, "latitude", "Enter a number."),
        ({"latitude": True}, "latitude", "Enter a number."),
        ({"latitude": "NaN"}, "latitude", "Must be between -90 and 90."),
        ({"latitude": None}, "latitude", "This field is required."),
        ({"longitude": None}, "longitude", "This field is required."),
        ({"accuracy": -1}, "accuracy", "Must be between 0 and 100000 metres."),
        ({"accuracy": 100001}, "accuracy", "Must be between 0 and 100000 metres."),
        ({"accuracy": "close"}, "accuracy", "Enter a number of metres."),
        ({"accuracy": False}, "accuracy", "Enter a number of metres."),
        ({"recorded_at": None}, "recorded_at", "This field is required."),
        (
            {"recorded_at": "yesterday"},
            "recorded_at",
            "Enter an ISO 8601 date and time, e.g. 2026-01-31T09:15:00Z.",
        ),
        (
            {"recorded_at": "2026-02-30T10:00:00Z"},
            "recorded_at",
            "Enter an ISO 8601 date and time, e.g. 2026-01-31T09:15:00Z.",
        ),
        # Times relative to now are made when the test runs, not when it is collected: a suite
        # that took over 8 minutes to reach it made "10 minutes ahead" the present.
        ({"recorded_at": lambda: _future(10)}, "recorded_at", "This time is in the future."),
        ({"recorded_at": lambda: _past(25)}, "recorded_at", "Older than 24 hours."),
    ],
)
def test_a_bad_point_is_named_with_its_field_and_nothing_is_written(
    en_route_request, professional, change, field, message
):
    change = {key: value() if callable(value) else value for key, value in change.items()}
    points = [point_json(seconds_ago=20), point_json(seconds_ago=10), {**point_json(), **change}]

    with pytest.raises(ValidationFailed) as caught:
        record(en_route_request, professional, points)

    assert caught.value.errors == {f"points[2].{field}": [message]}
    assert not LocationUpdate.objects.exists()
    assert ProfessionalProfile.objects.get(user=professional).position_updated_at is None


def test_every_bad_point_is_reported_at_once(en_route_request, professional):
    points = [{"latitude": 100, "longitude": 0}, "here", point_json(), {**point_json(), "accuracy": -5}]

    with pytest.raises(ValidationFailed) as caught:
        record(en_route_request, professional, points)

    assert set(caught.value.errors) == {
        "points[0].latitude",
        "points[0].recorded_at",
        "points[1]",
        "points[3].accuracy",
    }


def test_a_little_clock_skew_and_a_phones_offline_buffer_are_accepted(en_route_request, professional):
    points = [
        {**point_json(), "recorded_at": _future(1)},
        {**point_json(), "recorded_at": _past(23)},
        {**point_json(), "accuracy": None},
        {"latitude": 12.97, "longitude": 77.59, "accuracy": 7.6, "recorded_at": timezone.now()},
    ]
    created = record(en_route_request, professional, points)
    assert [point.accuracy for point in created] == [5, 5, None, 8]


def test_a_time_without_a_zone_is_read_in_the_servers_zone(en_route_request, professional, settings):
    naive = timezone.localtime().replace(tzinfo=None) - timedelta(minutes=3)
    [point] = record(en_route_request, professional, [{**point_json(), "recorded_at": naive.isoformat()}])
    point.refresh_from_db()
    assert abs(point.recorded_at - (timezone.now() - timedelta(minutes=3))) < timedelta(seconds=5)


# --- What follows -----------------------------------------------------------------------------


def test_the_newest_point_becomes_the_professionals_position_whatever_its_place(
    en_route_request, professional
):
    points = [
        point_json(seconds_ago=30, latitude="12.1", longitude="77.1"),
        point_json(seconds_ago=5, latitude="12.3", longitude="77.3"),
        point_json(seconds_ago=20, latitude="12.2", longitude="77.2"),
    ]
    record(en_route_request, professional, points)

    profile = ProfessionalProfile.objects.get(user=professional)
    assert (profile.current_latitude, profile.current_longitude) == (Decimal("12.3"), Decimal("77.3"))
    newest = LocationUpdate.objects.filter(request=en_route_request).first()
    assert profile.position_updated_at == newest.recorded_at


def test_a_batch_flushed_late_does_not_move_the_professional_back(en_route_request, professional):
    record(en_route_request, professional, [point_json(seconds_ago=5, latitude="12.5")])
    record(en_route_request, professional, [point_json(seconds_ago=600, latitude="12.4")])

    profile = ProfessionalProfile.objects.get(user=professional)
    assert profile.current_latitude == Decimal("12.5")
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 2


def test_repeated_moments_are_recorded_once_and_a_pure_repeat_changes_nothing(
    en_route_request, professional, django_capture_on_commit_callbacks
):
    point = point_json(seconds_ago=30)
    assert len(record(en_route_request, professional, [point, dict(point), point_json()])) == 2

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = location_batch_record(request_id=en_route_request.pk, user=professional, points=[point])
    assert (again.points, again.accepted, again.duplicates) == ([], 0, 1)

    assert callbacks == []  # nothing new, nothing to tell the watchers
    assert LocationUpdate.objects.count() == 2


def test_watchers_hear_of_the_newest_point_only_after_commit(
    en_route_request, professional, django_capture_on_commit_callbacks, hear_in_group
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record(en_route_request, professional, track_json(3))
    assert len(callbacks) == 1

    message = hear_in_group(f"request_{en_route_request.pk}", callbacks[0])
    # The group message carries the text every watcher is sent, encoded once: the message itself.
    assert json.loads(message.pop("text")) == message
    newest = LocationUpdate.objects.filter(request=en_route_request).first()
    # The ETA's own values are tests/tracking/test_eta.py's.
    assert sorted(message.pop("eta")) == [
        "arrives_at",
        "arrives_at_clock",
        "late",
        "minutes",
        "near",
        "promised_at",
        "promised_at_clock",
        "remaining_km",
        "speed_kmh",
    ]
    assert message == {
        "type": "location",
        "request_id": en_route_request.pk,
        "professional_id": professional.pk,
        "point": {
            "id": newest.pk,
            "source": "professional",
            "latitude": "12.900200",
            "longitude": "77.500200",
            "accuracy": 5,
            "recorded_at": message["point"]["recorded_at"],
            "received_at": message["point"]["received_at"],
        },
    }
    assert message["point"]["recorded_at"].startswith(newest.recorded_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_batch_rolled_back_by_its_caller_is_neither_kept_nor_broadcast(
    en_route_request, professional, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record(en_route_request, professional, track_json(2))
        raise RuntimeError("the caller fails later")
    assert callbacks == []
    assert not LocationUpdate.objects.exists()
    assert ProfessionalProfile.objects.get(user=professional).position_updated_at is None


@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Nothing listens on this port: the layer is down for real.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
)
def test_a_channel_layer_that_is_down_does_not_fail_committed_points(
    en_route_request, professional, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        created = record(en_route_request, professional, track_json(2))

    assert len(created) == 2
    assert LocationUpdate.objects.count() == 2
    assert "Could not broadcast a position" in caplog.text
