"""Working hours and time off: a professional keeps their own (page, API), admins anybody's;
bad input is a 400 naming the field and writes nothing."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from householdsvc.core.errors import NotAllowed, ValidationFailed
from requests_app.schedule import services
from requests_app.schedule.models import TimeOff, WorkingHours
from tests.requests_app.schedule_helpers import works

# Slots and hours are in the site's time zone: test them in the production default one.
pytestmark = pytest.mark.usefixtures("site_time_zone")


def week(professional):
    return list(
        WorkingHours.objects.filter(professional=professional)
        .order_by("weekday", "starts_at")
        .values_list("weekday", "starts_at", "ends_at")
    )


def test_a_professional_sets_several_ranges_a_day(professional):
    services.working_hours_set(
        professional=professional,
        actor=professional,
        ranges=[(0, time(14), time(18)), (0, time(9), time(13)), (2, time(10), time(12, 30))],
    )

    assert week(professional) == [
        (0, time(9), time(13)),
        (0, time(14), time(18)),
        (2, time(10), time(12, 30)),
    ]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ([(1, time(9), time(13)), (1, time(12), time(15))], "Tuesday: 09:00-13:00 overlaps 12:00-15:00."),
        (
            [(3, time(18), time(9))],
            "Thursday: 18:00-09:00 ends before it starts (a range cannot run past midnight).",
        ),
        (
            [(3, time(9), time(9))],
            "Thursday: 09:00-09:00 ends before it starts (a range cannot run past midnight).",
        ),
        ([(7, time(9), time(10))], "Unknown weekday 7: 0 (Monday) to 6 (Sunday)."),
    ],
)
def test_bad_hours_are_refused_and_the_old_week_is_kept(professional, ranges, message):
    works(professional, ("08:00", "12:00"), days=[4])

    with pytest.raises(ValidationFailed) as refused:
        services.working_hours_set(professional=professional, actor=professional, ranges=ranges)

    assert refused.value.errors == {"ranges": [message]}
    assert week(professional) == [(4, time(8), time(12))]


def test_touching_ranges_are_fine(professional):
    services.working_hours_set(
        professional=professional,
        actor=professional,
        ranges=[(5, time(9), time(12)), (5, time(12), time(14))],
    )
    assert len(week(professional)) == 2


def test_nobody_else_changes_a_professionals_hours_but_an_admin(professional, other_professional, admin_user):
    with pytest.raises(NotAllowed):
        services.working_hours_set(professional=professional, actor=other_professional, ranges=[])

    services.working_hours_set(professional=professional, actor=admin_user, ranges=[(6, time(10), time(11))])
    assert week(professional) == [(6, time(10), time(11))]


def test_time_off_in_the_past_or_inverted_is_refused(professional):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as past:
        services.time_off_add(
            professional=professional, actor=professional, starts_at=now - timedelta(days=1), ends_at=now
        )
    with pytest.raises(ValidationFailed) as inverted:
        services.time_off_add(
            professional=professional,
            actor=professional,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=1),
        )

    assert past.value.errors == {"starts_at": ["Time off cannot start in the past."]}
    assert inverted.value.errors == {"ends_at": ["The end must come after the start."]}
    assert TimeOff.objects.count() == 0


# --- API ------------------------------------------------------------------------------------


def test_api_replaces_and_reads_the_week_in_local_time(client_for, professional):
    client = client_for(professional)
    body = {
        "ranges": [
            {"weekday": 0, "starts_at": "09:00", "ends_at": "13:00"},
            {"weekday": 0, "starts_at": "14:00", "ends_at": "18:00"},
        ]
    }

    assert client.put("/api/v1/schedule/working-hours/", body, format="json").status_code == 200
    response = client.get("/api/v1/schedule/working-hours/")

    assert response.json() == {
        "professional": professional.pk,
        "time_zone": "Asia/Kolkata",
        "ranges": [
            {"weekday": 0, "starts_at": "09:00", "ends_at": "13:00"},
            {"weekday": 0, "starts_at": "14:00", "ends_at": "18:00"},
        ],
    }


def test_api_overlapping_hours_are_a_400_with_field_errors(client_for, professional):
    body = {
        "ranges": [
            {"weekday": 0, "starts_at": "09:00", "ends_at": "13:00"},
            {"weekday": 0, "starts_at": "12:00", "ends_at": "18:00"},
        ]
    }

    response = client_for(professional).put("/api/v1/schedule/working-hours/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input.",
        "errors": {"ranges": ["Monday: 09:00-13:00 overlaps 12:00-18:00."]},
    }
    assert WorkingHours.objects.count() == 0


def test_api_time_off_add_list_delete(client_for, professional):
    client = client_for(professional)
    response = client.post(
        "/api/v1/schedule/time-off/",
        {
            "starts_at": "2030-01-01T09:00:00+05:30",
            "ends_at": "2030-01-02T09:00:00+05:30",
            "reason": "Wedding",
        },
        format="json",
    )
    assert response.status_code == 201
    time_off_id = response.json()["id"]

    listed = client.get("/api/v1/schedule/time-off/").json()
    assert listed == [
        {
            "id": time_off_id,
            "starts_at": "2030-01-01T09:00:00+05:30",
            "ends_at": "2030-01-02T09:00:00+05:30",
            "reason": "Wedding",
        }
    ]
    assert TimeOff.objects.get().starts_at.isoformat() == "2030-01-01T03:30:00+00:00"  # stored in UTC

    assert client.delete(f"/api/v1/schedule/time-off/{time_off_id}/").status_code == 204
    assert TimeOff.objects.count() == 0


def test_api_someone_elses_schedule_is_a_404_but_an_admin_sees_it(
    client_for, professional, other_professional, customer, admin_user
):
    works(professional, ("09:00", "10:00"), days=[0])
    path = f"/api/v1/schedule/working-hours/?professional={professional.pk}"

    assert client_for(other_professional).get(path).status_code == 404
    assert client_for(customer).get("/api/v1/schedule/working-hours/").status_code == 404
    admin_view = client_for(admin_user).get(path)
    assert admin_view.status_code == 200
    assert admin_view.json()["ranges"] == [{"weekday": 0, "starts_at": "09:00", "ends_at": "10:00"}]
