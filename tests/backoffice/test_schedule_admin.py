"""Admins see and edit professionals' working hours and time off; the admin refuses what the
schedule services refuse."""

from datetime import time

from requests_app.schedule.models import TimeOff, WorkingHours
from tests.requests_app.schedule_helpers import works


def test_admin_lists_working_hours(admin_browser, professional):
    works(professional, ("09:00", "13:00"), days=[0])

    response = admin_browser.get("/admin/requests_app/workinghours/")

    assert response.status_code == 200
    assert "Carol Pro" in response.content.decode()


def test_admin_adds_a_range_and_an_overlapping_one_is_refused(admin_browser, professional):
    works(professional, ("09:00", "13:00"), days=[0])
    add = "/admin/requests_app/workinghours/add/"

    refused = admin_browser.post(
        add, {"professional": professional.pk, "weekday": 0, "starts_at": "12:00", "ends_at": "15:00"}
    )
    assert refused.status_code == 200
    assert "Monday: 09:00-13:00 overlaps 12:00-15:00." in refused.content.decode()

    saved = admin_browser.post(
        add, {"professional": professional.pk, "weekday": 0, "starts_at": "14:00", "ends_at": "18:00"}
    )
    assert saved.status_code == 302
    assert list(WorkingHours.objects.values_list("starts_at", flat=True).order_by("starts_at")) == [
        time(9),
        time(14),
    ]


def test_admin_cannot_add_time_off_in_the_past(admin_browser, professional):
    response = admin_browser.post(
        "/admin/requests_app/timeoff/add/",
        {
            "professional": professional.pk,
            "starts_at_0": "2020-01-01",
            "starts_at_1": "09:00",
            "ends_at_0": "2020-01-02",
            "ends_at_1": "09:00",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Time off cannot start in the past." in response.content.decode()
    assert TimeOff.objects.count() == 0
