"""A request's page in the back office: read-only, with its audit trail and review inline."""

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.models import Status
from tests.reviews.factories import ReviewFactory


def change_url(service_request):
    return reverse("admin:requests_app_servicerequest_change", args=[service_request.pk])


@pytest.mark.django_db
def test_request_page_shows_events_and_review_read_only(
    admin_browser, admin_user, open_request, professional
):
    services.service_request_assign(request_id=open_request.pk, professional=professional, actor=admin_user)
    review_request = ReviewFactory(rating=5, comment="Spotless kitchen.").request

    events_page = admin_browser.get(change_url(open_request))
    review_page = admin_browser.get(change_url(review_request))

    assert events_page.status_code == 200
    html = events_page.content.decode()
    assert "Assigned to Carol Pro" in html  # the assign event's note, in the audit trail
    # Nothing on the page is an input: no status select, no inline forms to add or delete.
    assert 'name="status"' not in html
    assert 'name="professional"' not in html
    assert 'name="events-0-note"' not in html
    assert 'name="events-0-DELETE"' not in html
    assert 'name="events-MAX_NUM_FORMS" value="0"' in html  # no row can be added
    assert "Spotless kitchen." in review_page.content.decode()
    assert 'name="review-0-rating"' not in review_page.content.decode()


@pytest.mark.django_db
def test_posting_the_request_page_changes_nothing(admin_browser, open_request):
    response = admin_browser.post(change_url(open_request), {"status": Status.CANCELLED})

    assert response.status_code == 403
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


@pytest.mark.django_db
def test_requests_cannot_be_added_or_deleted_here(admin_browser, open_request):
    add = admin_browser.get(reverse("admin:requests_app_servicerequest_add"))
    delete = admin_browser.post(
        reverse("admin:requests_app_servicerequest_delete", args=[open_request.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403


@pytest.mark.django_db
def test_open_request_page_offers_assign_and_cancel(admin_browser, open_request, completed_request):
    open_page = admin_browser.get(change_url(open_request)).content.decode()
    completed_page = admin_browser.get(change_url(completed_request)).content.decode()

    assert 'value="assign_professional"' in open_page
    assert 'value="cancel_requests"' in open_page
    assert 'value="assign_professional"' not in completed_page
    assert 'value="cancel_requests"' not in completed_page


@pytest.mark.django_db
def test_request_page_links_to_its_location_points(admin_browser, open_request):
    html = admin_browser.get(change_url(open_request)).content.decode()

    assert f"?request__id__exact={open_request.pk}" in html
