"""``/api/v1/requests/{id}/locations/``: a batch in from the assigned professional, the points
each role may see out, errors in the project's shape, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ProfessionalProfile
from requests_app.models import Status
from tests.tracking.factories import LocationUpdateFactory, point_json, track_json
from tracking.models import LocationUpdate

pytestmark = pytest.mark.django_db


def url(service_request_or_id) -> str:
    request_id = getattr(service_request_or_id, "pk", service_request_or_id)
    return f"/api/v1/requests/{request_id}/locations/"


def post_batch(client, service_request, points):
    return client.post(url(service_request), {"points": points}, format="json")


# --- POST -------------------------------------------------------------------------------------


def test_the_assigned_professional_posts_a_batch_and_gets_the_count(
    client_for, en_route_request, professional
):
    response = post_batch(client_for(professional), en_route_request, track_json(4))

    assert response.status_code == 201
    assert response.json() == {"accepted": 4, "duplicates": 0, "count": 4}
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 4
    assert ProfessionalProfile.objects.get(user=professional).position_updated_at is not None


def test_a_batch_sent_again_records_nothing_twice(client_for, en_route_request, professional):
    client = client_for(professional)
    batch = track_json(3)

    first = post_batch(client, en_route_request, batch)
    again = post_batch(client, en_route_request, [*batch, point_json()])

    assert (first.status_code, first.json()) == (201, {"accepted": 3, "duplicates": 0, "count": 3})
    assert (again.status_code, again.json()) == (201, {"accepted": 1, "duplicates": 3, "count": 1})
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 4


def with_ids(points, prefix="fix"):
    return [{**point, "client_id": f"{prefix}-{index}"} for index, point in enumerate(points)]


def test_a_batch_with_client_ids_sent_again_adds_nothing_and_says_so(
    client_for, en_route_request, professional
):
    client = client_for(professional)
    batch = with_ids(track_json(5))

    first = post_batch(client, en_route_request, batch)
    again = post_batch(client, en_route_request, batch)
    half_new = post_batch(client, en_route_request, [*batch[3:], *with_ids([point_json()], prefix="next")])

    assert (first.status_code, first.json()) == (201, {"accepted": 5, "duplicates": 0, "count": 5})
    assert (again.status_code, again.json()) == (201, {"accepted": 0, "duplicates": 5, "count": 0})
    assert (half_new.status_code, half_new.json()) == (201, {"accepted": 1, "duplicates": 2, "count": 1})
    stored = LocationUpdate.objects.filter(request=en_route_request)
    assert sorted(stored.values_list("client_id", flat=True)) == [
        "fix-0",
        "fix-1",
        "fix-2",
        "fix-3",
        "fix-4",
        "next-0",
    ]


def test_repeats_within_one_batch_are_skipped_and_counted(client_for, en_route_request, professional):
    [one, two] = with_ids(track_json(2))

    response = post_batch(
        client_for(professional), en_route_request, [one, two, dict(one), dict(two), dict(one)]
    )

    assert response.json() == {"accepted": 2, "duplicates": 3, "count": 2}
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 2


def test_points_at_the_same_moment_with_different_client_ids_are_both_kept(
    client_for, en_route_request, professional
):
    point = point_json(seconds_ago=10)
    batch = [{**point, "client_id": "a"}, {**point, "client_id": "b", "latitude": "12.970000"}]

    response = post_batch(client_for(professional), en_route_request, batch)

    assert response.json() == {"accepted": 2, "duplicates": 0, "count": 2}


def test_a_client_id_must_be_a_short_non_empty_text(client_for, en_route_request, professional):
    batch = [
        {**point_json(seconds_ago=3), "client_id": ""},
        {**point_json(seconds_ago=2), "client_id": 17},
        {**point_json(seconds_ago=1), "client_id": "x" * 65},
        {**point_json(), "client_id": "x" * 64},
    ]

    response = post_batch(client_for(professional), en_route_request, batch)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "points[0].client_id": ["Enter the point's id as a non-empty text."],
        "points[1].client_id": ["Enter the point's id as a non-empty text."],
        "points[2].client_id": ["At most 64 characters."],
    }
    assert not LocationUpdate.objects.exists()


def test_posting_needs_a_signed_in_user(api_client, en_route_request):
    response = post_batch(api_client, en_route_request, [point_json()])
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_blocked_professionals_token_is_refused(client_for, en_route_request, professional):
    client = client_for(professional)
    professional.is_active = False
    professional.save()

    response = post_batch(client, en_route_request, [point_json()])

    assert response.status_code == 401
    assert response.json()["code"] == "account_blocked"
    assert not LocationUpdate.objects.exists()


@pytest.mark.parametrize("role", ["customer", "admin_user"])
def test_the_customer_and_admins_may_see_but_not_post(request, client_for, en_route_request, role):
    response = post_batch(client_for(request.getfixturevalue(role)), en_route_request, [point_json()])
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_a_professional_only_offered_the_request_may_not_post(client_for, open_request, professional):
    response = post_batch(client_for(professional), open_request, [point_json()])
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["other_customer", "other_professional"])
def test_someone_elses_request_is_not_found(request, client_for, en_route_request, role):
    response = post_batch(client_for(request.getfixturevalue(role)), en_route_request, [point_json()])
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such service request."}


@pytest.mark.parametrize("request_id", [0, 987654321, "abc"])
def test_an_unknown_request_is_a_json_404(client_for, professional, request_id):
    response = client_for(professional).post(url(request_id), {"points": [point_json()]}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CLOSED, Status.CANCELLED])
def test_a_finished_request_answers_409_not_trackable(client_for, in_state, professional, status):
    response = post_batch(client_for(professional), in_state(status), [point_json()])
    assert response.status_code == 409
    assert response.json()["code"] == "not_trackable"


def test_bad_points_answer_400_naming_each_and_write_nothing(client_for, en_route_request, professional):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    points = [point_json(), {**point_json(), "latitude": 95}, {**point_json(), "recorded_at": future}]

    response = post_batch(client_for(professional), en_route_request, points)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input.",
        "errors": {
            "points[1].latitude": ["Must be between -90 and 90."],
            "points[2].recorded_at": ["This time is in the future."],
        },
    }
    assert not LocationUpdate.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give a list of points."),
        ([], "Give a list of points."),
        ({"points": []}, "Give at least one point."),
    ],
)
def test_a_body_without_points_answers_400(client_for, en_route_request, professional, body, message):
    response = client_for(professional).post(url(en_route_request), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"points": [message]}


def test_a_batch_is_json_only(client_for, en_route_request, professional):
    client = client_for(professional)

    form = client.post(url(en_route_request), {"points": "12.9,77.5"}, format="multipart")
    broken = client.post(url(en_route_request), "{not json", content_type="application/json")

    assert (form.status_code, form.json()["code"]) == (415, "unsupported_media_type")
    assert (broken.status_code, broken.json()["code"]) == (400, "parse_error")


# --- GET --------------------------------------------------------------------------------------


@pytest.fixture
def trip(en_route_request):
    """Carol's points on Alice's request: one before she set off, three since."""
    now = timezone.now()
    before = LocationUpdateFactory(request=en_route_request, recorded_at=now - timedelta(hours=1))
    since = [
        LocationUpdateFactory(request=en_route_request, recorded_at=now - timedelta(minutes=minutes))
        for minutes in (20, 10, 1)
    ]
    return before, since


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [point["id"] for point in response.json()["results"]]


def test_admins_and_the_professional_see_every_point_newest_first(
    client_for, en_route_request, trip, admin_user, professional
):
    before, since = trip
    expected = [point.pk for point in reversed(since)] + [before.pk]
    assert ids(client_for(admin_user).get(url(en_route_request))) == expected
    assert ids(client_for(professional).get(url(en_route_request))) == expected


def test_the_customer_sees_the_trip_since_the_professional_set_off(
    client_for, en_route_request, trip, customer
):
    _, since = trip
    response = client_for(customer).get(url(en_route_request))
    assert ids(response) == [point.pk for point in reversed(since)]
    assert set(response.json()["results"][0]) == {
        "id",
        "source",
        "latitude",
        "longitude",
        "accuracy",
        "recorded_at",
        "received_at",
    }


@pytest.mark.parametrize(
    ("status", "customer_sees"),
    [
        (Status.ASSIGNED, False),
        (Status.EN_ROUTE, True),
        (Status.ON_SITE, True),
        (Status.COMPLETED, False),
        (Status.CLOSED, False),
        (Status.CANCELLED, False),
    ],
)
def test_the_customer_sees_positions_only_while_en_route_or_on_site(
    client_for, in_state, customer, professional, status, customer_sees
):
    service_request = in_state(status)
    LocationUpdateFactory(request=service_request, reported_by=professional)

    visible = ids(client_for(customer).get(url(service_request)))

    assert bool(visible) is customer_sees
    assert len(ids(client_for(professional).get(url(service_request)))) == 1


def test_a_professional_only_offered_the_request_sees_no_points(client_for, open_request, other_professional):
    assert ids(client_for(other_professional).get(url(open_request))) == []


@pytest.mark.parametrize("role", ["other_customer", "other_professional"])
def test_others_get_404_for_the_points(request, client_for, en_route_request, trip, role):
    response = client_for(request.getfixturevalue(role)).get(url(en_route_request))
    assert response.status_code == 404


def test_reading_points_needs_a_signed_in_user(api_client, en_route_request):
    assert api_client.get(url(en_route_request)).status_code == 401


def test_points_come_in_pages(client_for, en_route_request, trip, admin_user):
    client = client_for(admin_user)
    first = client.get(url(en_route_request), {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 3 and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None


# The signed-in user, the request (its visibility), the page; a professional's profile adds one.
LIST_QUERIES = {"admin_user": 3, "customer": 3, "professional": 4}


@pytest.mark.parametrize("role", ["admin_user", "customer", "professional"])
def test_the_list_runs_the_same_queries_for_1_or_100_points(
    request, client_for, en_route_request, django_assert_max_num_queries, role
):
    now = timezone.now()
    LocationUpdate.objects.bulk_create(
        LocationUpdateFactory.build(request=en_route_request, recorded_at=now - timedelta(seconds=index))
        for index in range(120)
    )
    client = client_for(request.getfixturevalue(role))
    for page_size in (1, 100):
        with django_assert_max_num_queries(LIST_QUERIES[role]):
            response = client.get(url(en_route_request), {"page_size": page_size})
        assert len(ids(response)) == page_size


def test_posting_a_batch_takes_a_fixed_number_of_queries(
    client_for, en_route_request, professional, django_assert_max_num_queries
):
    client = client_for(professional)
    for size in (1, 500):
        # the user, the share-locked request, one insert, the position update, the savepoint pair
        with django_assert_max_num_queries(6):
            response = post_batch(client, en_route_request, track_json(size))
        assert response.status_code == 201
