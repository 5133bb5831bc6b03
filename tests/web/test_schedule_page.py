"""The professional's schedule page: the working week as a line per day, and time off."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.schedule.models import TimeOff, WorkingHours

URL = "/requests/schedule/"


@pytest.fixture(autouse=True)
def _site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Kolkata"


def week_post(**days):
    body = {f"day_{n}": "" for n in range(7)}
    body.update(days)
    body["save_week"] = "1"
    return body


def test_a_professional_saves_two_ranges_on_a_day(web_client, professional):
    response = web_client(professional).post(URL, week_post(day_0="09:00-13:00, 14:00-18:00"), follow=True)

    assert response.status_code == 200
    assert list(WorkingHours.objects.values_list("weekday", "starts_at", "ends_at")) == [
        (0, time(9), time(13)),
        (0, time(14), time(18)),
    ]
    assert 'value="09:00-13:00, 14:00-18:00"' in response.content.decode()


def test_overlapping_ranges_show_the_error_and_save_nothing(web_client, professional):
    response = web_client(professional).post(URL, week_post(day_2="09:00-13:00, 12:00-15:00"))

    assert response.status_code == 200
    assert "Wednesday: 09:00-13:00 overlaps 12:00-15:00." in response.content.decode()
    assert WorkingHours.objects.count() == 0


def test_time_off_is_added_in_local_time_and_removed(web_client, professional):
    client = web_client(professional)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()

    client.post(
        URL, {"starts_at": f"{day}T09:00", "ends_at": f"{day}T18:00", "reason": "Exam", "add_time_off": "1"}
    )

    away = TimeOff.objects.get()
    assert timezone.localtime(away.starts_at).strftime("%Y-%m-%dT%H:%M") == f"{day}T09:00"
    assert away.starts_at.utcoffset() == timedelta(0)
    client.post(reverse("requests_app:time-off-delete", args=[away.pk]))
    assert TimeOff.objects.count() == 0


def test_time_off_in_the_past_is_refused_on_the_page(web_client, professional):
    response = web_client(professional).post(
        URL, {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T18:00", "add_time_off": "1"}
    )
    assert "Time off cannot start in the past." in response.content.decode()
    assert TimeOff.objects.count() == 0


def test_customers_have_no_schedule_page(web_client, customer):
    assert web_client(customer).get(URL).status_code == 403
