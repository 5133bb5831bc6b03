"""Receipts: a gap-free number per year taken under a row lock, a PDF with the request's price
lines read back with pypdf, downloadable by the customer and admins only; and cash on site,
recorded by the professional and confirmed by the customer."""

import io
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from householdsvc.core.errors import Conflict
from requests_app.models import PaymentStatus, ServiceRequest, Status
from requests_app.money import cash, price_changes, receipts
from requests_app.money.models import EarningsEntry, PaymentAttempt, Receipt, ReceiptCounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(in_state):
    return in_state(Status.COMPLETED, estimate_parts=[{"label": "Base price", "amount": "40.00"}])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def paid_in_cash(service_request, professional, customer, tip=None):
    cash.cash_record(request_id=service_request.pk, professional=professional, tip=tip)
    return cash.cash_confirm(request_id=service_request.pk, customer=customer)


# --- Cash ------------------------------------------------------------------------------------


def test_cash_recorded_by_the_professional_is_paid_once_the_customer_confirms(job, professional, customer):
    attempt = cash.cash_record(request_id=job.pk, professional=professional, tip="20")
    job.refresh_from_db()
    assert (job.payment_status, attempt.status, attempt.total) == (
        PaymentStatus.PENDING,
        "awaiting_confirmation",
        Decimal("65.00"),
    )
    assert not Receipt.objects.exists()

    cash.cash_confirm(request_id=job.pk, customer=customer)

    job.refresh_from_db()
    assert job.payment_status == PaymentStatus.PAID
    assert Receipt.objects.filter(request=job).exists()
    entry = EarningsEntry.objects.get(request=job)
    assert (entry.price, entry.commission, entry.tip, entry.amount) == (
        Decimal("45.00"),
        Decimal("6.75"),
        Decimal("20.00"),
        Decimal("58.25"),
    )


def test_cash_cannot_be_recorded_twice_nor_by_another_professional(job, professional, other_professional):
    cash.cash_record(request_id=job.pk, professional=professional)

    with pytest.raises(Conflict) as twice:
        cash.cash_record(request_id=job.pk, professional=professional)

    assert twice.value.code == "cash_pending"
    with pytest.raises(Exception) as stranger:
        cash.cash_record(request_id=job.pk, professional=other_professional)
    assert getattr(stranger.value, "code", None) in ("not_found", "not_allowed")


def test_cash_is_refused_for_an_unapproved_price(on_site_repriced, professional):
    with pytest.raises(Conflict) as refused:
        cash.cash_record(request_id=on_site_repriced.pk, professional=professional)

    assert refused.value.code == "price_not_approved"


@pytest.fixture
def on_site_repriced(in_state, professional, settings):
    from requests_app import services

    settings.PRICE_TOLERANCE_PERCENT = Decimal("10")
    on_site = in_state(Status.ON_SITE)
    services.service_request_complete(
        request_id=on_site.pk, professional=professional, final_price="65.00", price_reason="Cracked pipe."
    )
    return on_site


# --- Numbers ---------------------------------------------------------------------------------


def test_receipt_numbers_follow_each_other_within_the_year(in_state, professional, customer):
    first, second = in_state(Status.COMPLETED), in_state(Status.COMPLETED)

    paid_in_cash(first, professional, customer)
    paid_in_cash(second, professional, customer)

    one, two = Receipt.objects.get(request=first), Receipt.objects.get(request=second)
    assert (one.year, two.year) == (two.year, one.year)
    assert two.number == one.number + 1
    assert ReceiptCounter.objects.get(year=one.year).last_number == two.number


def test_a_rolled_back_payment_leaves_no_gap(in_state, professional, customer):
    from django.db import transaction

    first, second = in_state(Status.COMPLETED), in_state(Status.COMPLETED)
    paid_in_cash(first, professional, customer)
    cash.cash_record(request_id=second.pk, professional=professional)
    with pytest.raises(RuntimeError), transaction.atomic():
        cash.cash_confirm(request_id=second.pk, customer=customer)
        raise RuntimeError("crash after the number was taken")

    cash.cash_confirm(request_id=second.pk, customer=customer)

    assert Receipt.objects.get(request=second).number == Receipt.objects.get(request=first).number + 1


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_once_take_two_consecutive_numbers(in_state, professional, customer):
    jobs = [in_state(Status.COMPLETED) for _ in range(2)]
    for job in jobs:
        cash.cash_record(request_id=job.pk, professional=professional)
    barrier = threading.Barrier(2)
    failures = []

    def confirm(job):
        try:
            barrier.wait()
            cash.cash_confirm(request_id=job.pk, customer=customer)
        except Exception as exc:
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=confirm, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2]


# --- The PDF and who downloads it ----------------------------------------------------------


def test_the_pdf_has_the_service_times_price_lines_tax_tip_and_method(
    settings, on_site_repriced, professional, customer, admin_user
):
    settings.TAX_PERCENT = Decimal("18")
    price_changes.price_change_decline(request_id=on_site_repriced.pk, customer=customer)
    price_changes.price_change_settle(request_id=on_site_repriced.pk, actor=admin_user, price="59.00")
    paid_in_cash(on_site_repriced, professional, customer, tip="10")
    service_request = ServiceRequest.objects.get(pk=on_site_repriced.pk)
    code = service_request.receipt.code

    text = pdf_text(receipts.receipt_pdf(service_request))

    assert f"Receipt {code}" in text
    assert f"Deep cleaning, request #{service_request.pk}" in text
    assert "Customer Alice Customer" in text
    assert "Professional Carol Pro" in text
    for label in ("Booked", "Started", "Completed"):
        assert label in text
    assert "Price change (settled by an admin) 65.00 INR" in text
    assert "Reason: Cracked pipe." in text
    assert "Service price 59.00 INR" in text
    assert "of which tax at 18% 9.00 INR" in text
    assert "Tip (all to the professional) 10.00 INR" in text
    assert "Total paid 69.00 INR" in text
    assert "Payment method Cash" in text


def test_the_customer_and_admins_download_the_receipt_and_nobody_else(
    job, professional, customer, other_customer, admin_user
):
    paid_in_cash(job, professional, customer)
    url = reverse("requests_app:receipt", args=[job.pk])

    def get(user):
        browser = Client()
        browser.force_login(user)
        return browser.get(url)

    mine, admins = get(customer), get(admin_user)
    assert (mine.status_code, mine["Content-Type"]) == (200, "application/pdf")
    assert admins.status_code == 200
    assert "Total paid 45.00 INR" in pdf_text(mine.content)
    assert get(other_customer).status_code == 404
    assert get(professional).status_code == 404


def test_an_unpaid_request_has_no_receipt(job, customer):
    browser = Client()
    browser.force_login(customer)

    assert browser.get(reverse("requests_app:receipt", args=[job.pk])).status_code == 404
    assert PaymentAttempt.objects.count() == 0


def test_each_year_starts_at_one_in_the_sites_time_zone(site_time_zone, in_state):
    import datetime as dt

    from requests_app.money import receipts

    ReceiptCounter.objects.create(year=2026, last_number=41)
    utc = dt.UTC
    late_2026 = in_state(Status.COMPLETED)
    new_year_in_india = in_state(Status.COMPLETED)

    last = receipts.receipt_issue(
        service_request=late_2026, issued_at=dt.datetime(2026, 12, 31, 18, 0, tzinfo=utc)
    )  # 23:30 in Kolkata
    first = receipts.receipt_issue(
        service_request=new_year_in_india, issued_at=dt.datetime(2026, 12, 31, 18, 30, tzinfo=utc)
    )  # 00:00 on 1 January in Kolkata, still 2026 in UTC

    assert (last.code, first.code) == ("2026-000042", "2027-000001")
