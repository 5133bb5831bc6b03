"""The request page is composed by the apps whose data it shows: reviews and tracking render
their own panels through their template tags (requests_app imports neither of them)."""

import pytest
from django.urls import reverse

from requests_app import services
from reviews.models import Review

pytestmark = pytest.mark.django_db


def detail_url(service_request):
    return reverse("requests_app:detail", args=[service_request.pk])


def template_names(response):
    return {template.name for template in response.templates}


def test_the_review_form_posts_to_the_same_path_as_before(completed_request):
    assert (
        reverse("reviews:create", args=[completed_request.pk]) == f"/requests/{completed_request.pk}/review/"
    )


def test_a_completed_request_shows_reviews_panel_with_its_form(web_client, customer, completed_request):
    response = web_client(customer).get(detail_url(completed_request))

    body = response.content.decode()
    assert "reviews/_panel.html" in template_names(response)
    assert "How did it go?" in body
    assert f'action="/requests/{completed_request.pk}/review/"' in body


def test_a_reviewed_request_shows_the_review_to_its_professional(
    web_client, customer, professional, completed_request
):
    Review.objects.create(
        request=completed_request, customer=customer, professional=professional, rating=4, comment="Tidy work"
    )

    body = web_client(professional).get(detail_url(completed_request)).content.decode()

    assert "<strong>4 ★</strong> · Tidy work" in body
    assert "How did it go?" not in body


def test_an_open_request_has_no_review_panel(web_client, customer, assigned_request):
    body = web_client(customer).get(detail_url(assigned_request)).content.decode()

    assert 'id="review"' not in body


def test_an_en_route_request_shows_trackings_live_panel_and_script(
    web_client, customer, professional, assigned_request
):
    services.service_request_start(request_id=assigned_request.pk, professional=professional)

    response = web_client(customer).get(detail_url(assigned_request))

    body = response.content.decode()
    assert {"tracking/_live_notice.html", "tracking/_live_panels.html", "tracking/_live_script.html"} <= (
        template_names(response)
    )
    assert '<section class="card" id="live-position" aria-live="polite">' in body
    assert '<p class="notice" id="live-notice" role="status" hidden></p>' in body
    assert '<script id="live-config" type="application/json">' in body
    assert '<script type="module" src="/static/tracking/live.js">' in body


def test_the_assigned_professional_gets_the_share_panel(web_client, professional, assigned_request):
    body = web_client(professional).get(detail_url(assigned_request)).content.decode()

    assert '<section class="card" id="live-share">' in body
    assert 'id="live-position"' not in body


def test_a_closed_request_loads_no_live_script(web_client, customer, completed_request):
    services.service_request_close(request_id=completed_request.pk, actor=customer)

    body = web_client(customer).get(detail_url(completed_request)).content.decode()

    assert 'id="live-config"' not in body and "tracking/live.js" not in body
    assert 'id="live-notice"' not in body
