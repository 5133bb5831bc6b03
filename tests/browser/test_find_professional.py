"""A visitor, not signed in, finds a professional in a real browser: from the catalogue to the
search by service and pin code, then the public profile with its rating and reviews."""

from decimal import Decimal

import pytest

from accounts.models import ProfessionalProfile
from requests_app.models import Status
from reviews.models import Review
from tests.requests_app.factories import request_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_goes_from_the_catalogue_to_a_professionals_profile(
    new_context, live_server, professional, pending_professional, customer, service
):
    ProfessionalProfile.objects.filter(user=professional).update(
        company_name="Carol & Co", average_rating=Decimal("5.00"), rating_count=1
    )
    done = request_in_state(Status.CLOSED, professional=professional, customer=customer, service=service)
    Review.objects.create(
        request=done, customer=customer, professional=professional, rating=5, comment="Spotless"
    )

    page = new_context().new_page()
    page.goto(live_server.url + "/services/")
    page.click(f"a[href='/accounts/professionals/?service={service.pk}']")
    page.get_by_label("Pin code").fill("560001")
    with page.expect_navigation():
        page.click("button:has-text('Search')")
    results = page.locator("#professional-results")
    assert results.locator("a.pro-name").all_inner_texts() == ["Carol Pro"]
    assert "5.0 / 5 (1 review)" in results.inner_text()

    with page.expect_navigation():
        page.click("a.pro-name")
    assert page.locator("h1").inner_text().startswith("Carol Pro")
    assert page.locator("#pro-company").inner_text() == "Carol & Co"
    assert page.locator("#jobs-done").inner_text() == "1"
    assert "Spotless" in page.locator("#recent-reviews").inner_text()
    assert professional.email not in page.content()
