"""The reviews' and the location points' changelists: read-only, searchable, pinned queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob, ExportKind
from requests_app.models import Status
from reviews.models import Review
from tests.requests_app.factories import request_in_state
from tests.reviews.factories import ReviewFactory
from tracking.models import LocationSource, LocationUpdate

REVIEWS = reverse("admin:reviews_review_changelist")
POINTS = reverse("admin:tracking_locationupdate_changelist")


def listed_ids(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def points_on(service_request, count):
    start = timezone.now() - timedelta(minutes=count)
    return LocationUpdate.objects.bulk_create(
        LocationUpdate(
            request=service_request,
            reported_by=service_request.professional,
            source=LocationSource.PROFESSIONAL,
            latitude=Decimal("12.971600"),
            longitude=Decimal("77.594600"),
            accuracy=10,
            recorded_at=start + timedelta(minutes=minute),
        )
        for minute in range(count)
    )


# --- Reviews ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reviews_changelist_lists_and_searches(admin_browser):
    five, two = ReviewFactory(rating=5), ReviewFactory(rating=2)

    everything = admin_browser.get(REVIEWS)
    by_rating = admin_browser.get(REVIEWS, {"rating": 2})
    by_request = admin_browser.get(REVIEWS, {"q": str(five.request_id)})
    by_customer = admin_browser.get(REVIEWS, {"q": two.customer.email})

    assert everything.status_code == 200
    assert listed_ids(everything) == {five.pk, two.pk}
    assert listed_ids(by_rating) == {two.pk}
    assert five.pk in listed_ids(by_request)
    assert listed_ids(by_customer) == {two.pk}


@pytest.mark.django_db
def test_reviews_are_read_only_here(admin_browser):
    review = ReviewFactory(rating=5)
    url = reverse("admin:reviews_review_change", args=[review.pk])

    page = admin_browser.get(url)
    post = admin_browser.post(url, {"rating": 1})

    assert page.status_code == 200
    assert 'name="rating"' not in page.content.decode()
    assert post.status_code == 403
    assert Review.objects.get(pk=review.pk).rating == 5
    assert admin_browser.get(reverse("admin:reviews_review_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 60])
def test_reviews_changelist_queries_do_not_grow_with_rows(admin_browser, django_assert_max_num_queries, rows):
    ReviewFactory.create_batch(rows)

    # Session, user, estimate, capped count, page, drill-down MIN/MAX.
    with django_assert_max_num_queries(6):
        response = admin_browser.get(REVIEWS)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.django_db
def test_customer_cannot_see_reviews_or_points(customer_browser):
    assert customer_browser.get(REVIEWS).status_code == 302
    assert customer_browser.get(POINTS).status_code == 302


# --- Location points ----------------------------------------------------------------------------


@pytest.fixture
def en_route(customer, service, professional):
    return request_in_state(Status.EN_ROUTE, customer=customer, service=service, professional=professional)


@pytest.mark.django_db
def test_points_of_one_request_newest_first(admin_browser, en_route, customer, service, other_professional):
    mine = points_on(en_route, 3)
    other = request_in_state(
        Status.EN_ROUTE, customer=customer, service=service, professional=other_professional
    )
    points_on(other, 2)

    response = admin_browser.get(POINTS, {"request__id__exact": en_route.pk})

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [point.pk for point in rows] == [point.pk for point in reversed(mine)]


@pytest.mark.django_db
def test_points_are_read_only(admin_browser, en_route):
    point = points_on(en_route, 1)[0]
    url = reverse("admin:tracking_locationupdate_change", args=[point.pk])

    page = admin_browser.get(url)

    assert page.status_code == 200
    assert 'name="latitude"' not in page.content.decode()
    assert admin_browser.post(url, {"latitude": "0"}).status_code == 403
    assert admin_browser.get(reverse("admin:tracking_locationupdate_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 100])
def test_points_changelist_queries_do_not_grow_with_rows(
    admin_browser, en_route, django_assert_max_num_queries, rows
):
    points_on(en_route, rows)

    # Session, user, estimate, capped count, page: the request column needs no join.
    with django_assert_max_num_queries(5):
        response = admin_browser.get(POINTS)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.django_db
def test_reviews_export_action_starts_an_export_job(admin_browser):
    review = ReviewFactory()

    admin_browser.post(REVIEWS, {"action": "export_selected_reviews_as_csv", "_selected_action": [review.pk]})

    job = ExportJob.objects.get()
    assert (job.kind, job.filters["ids"]) == (ExportKind.REVIEWS, [review.pk])
