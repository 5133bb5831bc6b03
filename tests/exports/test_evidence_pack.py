"""The dispute evidence pack: one ZIP with a summary PDF and the GPS trail as GeoJSON, for the
request's customer and admins only."""

import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from requests_app import services
from requests_app.models import RequestMessage, Status
from requests_app.money import cash, price_changes, refunds
from tests.requests_app.factories import request_in_state
from tracking.models import LocationUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(settings, customer, professional, service):
    settings.PRICE_TOLERANCE_PERCENT = Decimal("10")
    job = request_in_state(Status.ON_SITE, customer=customer, service=service, professional=professional)
    RequestMessage.objects.create(request=job, sender=customer, body="The tap is in the kitchen.")
    RequestMessage.objects.create(request=job, sender=professional, body="Found it, the pipe is cracked.")
    start = timezone.now() - timedelta(minutes=30)
    for minute, (lat, lng) in enumerate([("12.970000", "77.590000"), ("12.971000", "77.592000")]):
        LocationUpdate.objects.create(
            request=job,
            reported_by=professional,
            source="professional",
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            accuracy=8,
            recorded_at=start + timedelta(minutes=minute),
        )
    services.service_request_complete(
        request_id=job.pk, professional=professional, final_price="65.00", price_reason="Cracked pipe."
    )
    price_changes.price_change_approve(request_id=job.pk, customer=customer)
    cash.cash_record(request_id=job.pk, professional=professional)
    cash.cash_confirm(request_id=job.pk, customer=customer)
    return job


def download(user, job):
    browser = Client()
    browser.force_login(user)
    return browser.get(reverse("exports:evidence", args=[job.pk]))


def test_the_customer_downloads_one_file_with_summary_and_trail(customer, disputed):
    response = download(customer, disputed)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="evidence-request-{disputed.pk}.zip"'
    pack = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(pack.namelist()) == ["summary.pdf", "trail.geojson"]
    trail = json.loads(pack.read("trail.geojson"))
    assert trail["features"][0]["geometry"] == {
        "type": "LineString",
        "coordinates": [[77.59, 12.97], [77.592, 12.971]],
    }
    assert len(trail["features"]) == 3
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.read("summary.pdf"))).pages)
    assert f"Evidence pack: request #{disputed.pk}" in text
    assert "Price change: 40.00 -> 65.00 INR, approved by the customer. Reason: Cracked pipe." in text
    assert "Cash 65.00 INR (tip 0.00), paid" in text
    assert "complete on_site -> completed (Carol Pro)" in text
    assert "2 points from" in text
    assert "Alice Customer: The tap is in the kitchen." in text
    assert "Carol Pro: Found it, the pipe is cracked." in text


def test_admins_download_it_and_the_professional_and_others_do_not(
    admin_user, professional, other_customer, disputed
):
    assert download(admin_user, disputed).status_code == 200
    assert download(professional, disputed).status_code == 404
    assert download(other_customer, disputed).status_code == 404


def test_the_request_page_links_to_it(customer, disputed):
    browser = Client()
    browser.force_login(customer)

    page = browser.get(reverse("requests_app:detail", args=[disputed.pk])).content.decode()

    assert reverse("exports:evidence", args=[disputed.pk]) in page


def test_the_pack_lists_refunds_and_a_cancellation_fee(admin_user, customer, disputed, in_cancelled_with_fee):
    refunds.refund_record_cash(request_id=disputed.pk, actor=admin_user, amount="15", reason="Late.")

    def summary(job):
        pack = zipfile.ZipFile(io.BytesIO(download(admin_user, job).content))
        return "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pack.read("summary.pdf"))).pages
        )

    assert "Cash refund 15.00 INR, succeeded Late." in summary(disputed)
    assert "Cancellation fee 100.00 INR: due" in summary(in_cancelled_with_fee)


@pytest.fixture
def in_cancelled_with_fee(customer, service, professional):
    job = request_in_state(Status.EN_ROUTE, customer=customer, service=service, professional=professional)
    return services.service_request_cancel(request_id=job.pk, actor=customer, reason="Plans changed.")
