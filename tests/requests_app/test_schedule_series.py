"""Recurring series: a booking repeated weekly, fortnightly or monthly, until a date or N times
(at most 52; no end is a 400); occurrences booked SERIES_AHEAD_DAYS ahead by the beat job,
idempotently, offered first to the professional of the last one alone (then the usual
rounds); skip one, change one, end it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from exports.tasks import book_series_ahead
from householdsvc.core.errors import Conflict, ServiceError
from requests_app import services
from requests_app.models import Offer, RequestEvent, ServiceRequest
from requests_app.offers import offers_sweep
from requests_app.schedule.models import Series, SeriesOccurrence, TimeOff
from requests_app.schedule.series import occurrence_start, series_extend
from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import ServiceRequestFactory
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = pytest.mark.usefixtures("site_time_zone")


@pytest.fixture
def booked(customer, service, professional):
    works(professional, ("09:00", "12:00"))
    job = ServiceRequestFactory(customer=customer, service=service, scheduled_for=at(local_day(2), "09:00"))
    services.service_request_accept(request_id=job.pk, professional=professional)
    return job


def repeat(client_for, customer, job, **body):
    return client_for(customer).post("/api/v1/series/", {"request": job.pk, **body}, format="json")


def starts(series_id):
    rows = ServiceRequest.objects.filter(series_occurrence__series_id=series_id).order_by("scheduled_for")
    return [(row.series_occurrence.index, row.scheduled_for, row.status, row.professional_id) for row in rows]


def offers_of(job):
    return sorted(
        (offer.round, offer.professional.email, offer.state, offer.expires_at is not None)
        for offer in Offer.objects.filter(request=job).select_related("professional")
    )


def test_weekly_occurrences_are_booked_ahead_once_and_offered_first_to_the_last_professional(
    client_for, customer, professional, booked, settings
):
    settings.DISPATCH_OFFER_SECONDS = 600
    dave = ProfessionalFactory(email="dave@example.com", professional_profile__service=booked.service)
    works(dave, ("09:00", "12:00"))
    response = repeat(client_for, customer, booked, frequency="weekly", count=4)
    assert response.status_code == 201
    series_id = response.json()["id"]
    assert [row["index"] for row in response.json()["occurrences"]] == [0]

    later = timezone.now() + timedelta(days=3)
    before = timezone.now()
    assert series_extend(now=later) == 1
    assert series_extend(now=later) == 0

    assert starts(series_id) == [
        (0, at(local_day(2), "09:00"), "assigned", professional.pk),
        (1, at(local_day(9), "09:00"), "requested", None),
    ]
    second = ServiceRequest.objects.get(series_occurrence__index=1)
    # Round 1 is Carol's alone, with the usual timeout; Dave is not offered it yet.
    assert offers_of(second) == [(1, "carol@example.com", "open", True)]
    offer = Offer.objects.get(request=second)
    assert before + timedelta(seconds=600) <= offer.expires_at <= timezone.now() + timedelta(seconds=600)
    event = RequestEvent.objects.filter(request=second).latest("id")
    assert (event.action, event.actor, event.note) == (
        "offer",
        None,
        f"Round 1: offered first to Carol Pro (#{professional.pk}), who did the last one of the series.",
    )
    with pytest.raises(ServiceError):
        services.service_request_accept(request_id=second.pk, professional=dave)

    services.service_request_accept(request_id=second.pk, professional=professional)
    assert starts(series_id)[1] == (1, at(local_day(9), "09:00"), "assigned", professional.pk)


def test_when_the_last_professional_declines_the_usual_round_follows(
    client_for, customer, professional, booked
):
    dave = ProfessionalFactory(email="dave@example.com", professional_profile__service=booked.service)
    works(dave, ("09:00", "12:00"))
    repeat(client_for, customer, booked, frequency="weekly", count=2)
    series_extend(now=timezone.now() + timedelta(days=3))
    second = ServiceRequest.objects.get(series_occurrence__index=1)

    services.service_request_reject(request_id=second.pk, professional=professional)

    assert offers_of(second) == [
        (1, "carol@example.com", "declined", True),
        (2, "dave@example.com", "open", False),
    ]
    services.service_request_accept(request_id=second.pk, professional=dave)
    second.refresh_from_db()
    assert (second.status, second.professional_id) == ("assigned", dave.pk)


def test_when_the_last_professional_lets_it_expire_the_usual_round_follows(
    client_for, customer, professional, booked, settings
):
    settings.DISPATCH_OFFER_SECONDS = 60
    dave = ProfessionalFactory(email="dave@example.com", professional_profile__service=booked.service)
    works(dave, ("09:00", "12:00"))
    repeat(client_for, customer, booked, frequency="weekly", count=2)
    series_extend(now=timezone.now() + timedelta(days=3))
    second = ServiceRequest.objects.get(series_occurrence__index=1)

    assert offers_sweep(now=timezone.now() + timedelta(seconds=30)) == 0
    assert offers_sweep(now=timezone.now() + timedelta(seconds=61)) == 1

    assert offers_of(second) == [
        (1, "carol@example.com", "expired", True),
        (2, "dave@example.com", "open", False),
    ]
    with pytest.raises(Conflict) as late:
        services.service_request_accept(request_id=second.pk, professional=professional)
    assert late.value.code == "offer_expired"


def test_the_beat_task_run_twice_creates_nothing_twice(client_for, customer, booked, settings):
    settings.SERIES_AHEAD_DAYS = 10
    series_id = repeat(client_for, customer, booked, frequency="weekly", count=3).json()["id"]
    ServiceRequest.objects.filter(series_occurrence__index=1).delete()
    SeriesOccurrence.objects.filter(index=1).delete()

    assert book_series_ahead() == {"booked": 1}
    assert book_series_ahead() == {"booked": 0}

    assert [index for index, *_ in starts(series_id)] == [0, 1]
    assert (
        PeriodicTask.objects.get(name="Book recurring series ahead").task == "exports.tasks.book_series_ahead"
    )


def test_when_the_last_professional_is_not_free_the_occurrence_is_open_to_all(
    client_for, customer, professional, booked
):
    TimeOff.objects.create(
        professional=professional, starts_at=at(local_day(9), "08:00"), ends_at=at(local_day(9), "13:00")
    )
    dave = ProfessionalFactory(email="dave@example.com", professional_profile__service=booked.service)
    works(dave, ("09:00", "12:00"))
    series_id = repeat(client_for, customer, booked, frequency="weekly", count=2).json()["id"]

    series_extend(now=timezone.now() + timedelta(days=3))

    assert starts(series_id)[1] == (1, at(local_day(9), "09:00"), "requested", None)
    # Carol is not free then: round 1 is the usual one, to Dave, untimed.
    second = ServiceRequest.objects.get(series_occurrence__index=1)
    assert offers_of(second) == [(1, "dave@example.com", "open", False)]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"frequency": "weekly"}, {"until": ["Give an end: a date (until) or a number of times (count)."]}),
        ({"frequency": "weekly", "count": 53}, {"count": ["From 2 to 52 times."]}),
        ({"frequency": "weekly", "count": 1}, {"count": ["From 2 to 52 times."]}),
        (
            {"frequency": "weekly", "count": 3, "until": "2030-01-01"},
            {"until": ["Give either a date (until) or a number of times (count), not both."]},
        ),
        ({"frequency": "daily", "count": 3}, {"frequency": ['"daily" is not a valid choice.']}),
    ],
)
def test_a_series_without_an_end_or_too_long_is_a_400_and_nothing_is_written(
    client_for, customer, booked, body, errors
):
    response = repeat(client_for, customer, booked, **body)

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Series.objects.exists()


def test_until_more_than_52_times_away_is_refused(client_for, customer, booked):
    too_far = (local_day(2) + timedelta(weeks=52)).isoformat()
    last_allowed = (local_day(2) + timedelta(weeks=51)).isoformat()

    refused = repeat(client_for, customer, booked, frequency="weekly", until=too_far)
    assert refused.json()["errors"] == {"until": ["At most 52 times: choose an earlier end."]}
    assert repeat(client_for, customer, booked, frequency="weekly", until=last_allowed).status_code == 201


def test_only_the_customer_repeats_their_own_booking_once(client_for, customer, other_customer, booked):
    assert repeat(client_for, other_customer, booked, frequency="weekly", count=2).status_code == 404
    assert repeat(client_for, customer, booked, frequency="weekly", count=2).status_code == 201
    again = repeat(client_for, customer, booked, frequency="weekly", count=2)
    assert (again.status_code, again.json()["code"]) == (409, "already_in_series")
    series_id = Series.objects.get().pk
    assert client_for(other_customer).get(f"/api/v1/series/{series_id}/").status_code == 404


def test_skip_change_and_end(client_for, customer, professional, booked):
    series_id = repeat(client_for, customer, booked, frequency="weekly", count=5).json()["id"]
    api = client_for(customer)

    assert api.post(f"/api/v1/series/{series_id}/occurrences/1/skip/").json()["skipped"] is True
    moved = api.post(
        f"/api/v1/series/{series_id}/occurrences/2/change/",
        {"scheduled_for": at(local_day(11), "10:30").isoformat()},
        format="json",
    )
    assert moved.status_code == 200
    assert api.post(f"/api/v1/series/{series_id}/occurrences/9/skip/").status_code == 404
    series_extend(now=timezone.now() + timedelta(days=10))
    assert [(index, start) for index, start, *_ in starts(series_id)] == [
        (0, at(local_day(2), "09:00")),
        (2, at(local_day(11), "10:30")),
    ]

    ended = api.post(f"/api/v1/series/{series_id}/end/")
    assert ended.json()["ended_at"] is not None
    assert series_extend(now=timezone.now() + timedelta(days=20)) == 0
    refused = api.post(f"/api/v1/series/{series_id}/occurrences/3/skip/")
    assert (refused.status_code, refused.json()["code"]) == (409, "series_ended")


def test_skipping_a_booked_occurrence_cancels_it(client_for, customer, booked, settings):
    settings.SERIES_AHEAD_DAYS = 10
    series_id = repeat(client_for, customer, booked, frequency="weekly", count=2).json()["id"]
    second = ServiceRequest.objects.get(series_occurrence__index=1)

    client_for(customer).post(f"/api/v1/series/{series_id}/occurrences/1/skip/")

    second.refresh_from_db()
    assert (second.status, second.cancel_reason) == ("cancelled", "Skipped in the series.")


def test_occurrences_keep_the_local_time_and_months_end_on_their_last_day(settings):
    settings.TIME_ZONE = "Europe/London"
    london = ZoneInfo("Europe/London")
    first = datetime(2027, 3, 21, 9, 0, tzinfo=london)  # GMT; a week later it is BST

    assert occurrence_start("weekly", first, 1).astimezone(UTC) == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert (
        occurrence_start("fortnightly", first, 2).astimezone(london).isoformat()
        == "2027-04-18T09:00:00+01:00"
    )
    end_of_january = datetime(2027, 1, 31, 9, 0, tzinfo=london)
    assert [occurrence_start("monthly", end_of_january, n).date().isoformat() for n in range(4)] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]


def test_on_the_request_page_the_customer_repeats_skips_and_ends(client, customer, booked):
    client.force_login(customer)
    assert 'id="repeat"' in client.get(f"/requests/{booked.pk}/").content.decode()
    refused = client.post(f"/requests/{booked.pk}/repeat/", {"frequency": "weekly"}, follow=True)
    assert "Give an end: a date (until) or a number of times (count)." in refused.content.decode()
    assert not Series.objects.exists()

    response = client.post(
        f"/requests/{booked.pk}/repeat/", {"frequency": "weekly", "count": "3"}, follow=True
    )
    page = response.content.decode()
    assert "The booking now repeats." in page and "Repeats every week." in page
    series = Series.objects.get()
    assert (series.frequency, series.count) == ("weekly", 3)

    client.post(f"/requests/{booked.pk}/series/{series.pk}/1/skip/")
    assert SeriesOccurrence.objects.get(index=1).skipped is True
    page = client.post(f"/requests/{booked.pk}/series/{series.pk}/end/", follow=True).content.decode()
    assert "The series has ended." in page and "Repeats every week (ended)." in page
