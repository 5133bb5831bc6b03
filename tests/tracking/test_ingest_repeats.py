"""A batch is written with one plain INSERT; only a batch holding a point already recorded (a
phone resending one whose answer it lost) fails it, and is then done again skipping those points
(``tracking.ingest``): the same answer as before, at the cost of one retry for the few resent."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ProfessionalProfile
from tests.tracking.factories import point_json, track_json
from tracking.models import LocationUpdate
from tracking.services import location_batch_record

pytestmark = pytest.mark.django_db


def inserts(queries) -> list[str]:
    return [
        query["sql"] for query in queries if query["sql"].startswith('INSERT INTO "tracking_locationupdate"')
    ]


def test_a_new_batch_is_written_by_one_plain_insert(en_route_request, professional):
    with CaptureQueriesContext(connection) as queries:
        batch = location_batch_record(request_id=en_route_request.pk, user=professional, points=track_json(3))

    assert (batch.accepted, batch.duplicates) == (3, 0)
    [insert] = inserts(queries)
    assert "ON CONFLICT" not in insert


@pytest.mark.parametrize("client_ids", [False, True], ids=["by moment", "by client id"])
def test_a_batch_partly_recorded_before_is_done_again_skipping_those_and_told_once(
    en_route_request, professional, django_capture_on_commit_callbacks, client_ids
):
    sent = track_json(2, newest_seconds_ago=60)
    if client_ids:
        sent = [{**point, "client_id": f"phone-{index}"} for index, point in enumerate(sent)]
    location_batch_record(request_id=en_route_request.pk, user=professional, points=sent)
    newer = point_json(seconds_ago=1, latitude="12.950000")

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        again = location_batch_record(
            request_id=en_route_request.pk, user=professional, points=[*sent, newer]
        )

    assert (again.accepted, again.duplicates) == (1, 2)
    assert [point.latitude for point in again.points] == [Decimal("12.950000")]
    plain, skipping = inserts(queries)
    assert "ON CONFLICT" not in plain
    assert "ON CONFLICT DO NOTHING" in skipping
    # The first try was rolled back whole: one broadcast, of the new point.
    assert len(callbacks) == 1
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 3
    assert ProfessionalProfile.objects.get(user=professional).current_latitude == Decimal("12.950000")


def test_a_batch_wholly_recorded_before_writes_nothing_and_tells_nobody(
    en_route_request, professional, django_capture_on_commit_callbacks
):
    sent = track_json(3)
    location_batch_record(request_id=en_route_request.pk, user=professional, points=sent)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = location_batch_record(request_id=en_route_request.pk, user=professional, points=sent)

    assert (again.accepted, again.duplicates) == (0, 3)
    assert callbacks == []
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 3


def moment(point: dict) -> datetime:
    return datetime.fromisoformat(point["recorded_at"])


def test_each_point_of_a_plain_insert_gets_the_id_of_its_own_row(en_route_request, professional):
    # Given in no order of time, one twice in the batch, some with an id of the phone's own: each
    # point written is paired with the row that holds it (the position moves to the newest, the
    # broadcast shows that row).
    sent = [
        point_json(seconds_ago=30, latitude="12.930000", client_id="c"),
        point_json(seconds_ago=50, latitude="12.910000"),
        point_json(seconds_ago=10, latitude="12.950000", client_id="e"),
        point_json(seconds_ago=40, latitude="12.920000", client_id="b"),
        point_json(seconds_ago=20, latitude="12.940000"),
    ]
    with CaptureQueriesContext(connection) as queries:
        batch = location_batch_record(
            request_id=en_route_request.pk, user=professional, points=[*sent, sent[2]]
        )

    assert (batch.accepted, batch.duplicates) == (5, 1)
    assert len(inserts(queries)) == 1
    stored = {row.pk: row for row in LocationUpdate.objects.filter(request=en_route_request)}
    assert [
        (str(stored[point.pk].latitude), stored[point.pk].client_id, stored[point.pk].recorded_at)
        for point in batch.points
    ] == [
        ("12.930000", "c", moment(sent[0])),
        ("12.910000", None, moment(sent[1])),
        ("12.950000", "e", moment(sent[2])),
        ("12.920000", "b", moment(sent[3])),
        ("12.940000", None, moment(sent[4])),
    ]
    assert [point.latitude for point in batch.points] == [
        Decimal("12.930000"),
        Decimal("12.910000"),
        Decimal("12.950000"),
        Decimal("12.920000"),
        Decimal("12.940000"),
    ]
    assert ProfessionalProfile.objects.get(user=professional).current_latitude == Decimal("12.950000")
