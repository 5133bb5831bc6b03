"""The professional's earnings page: totals by month and week and the jobs behind them, read
from the append-only ledger, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.models import Status
from requests_app.money import cash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commission(settings):
    settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")


def pay_in_cash(job, professional, customer, tip=None):
    cash.cash_record(request_id=job.pk, professional=professional, tip=tip)
    cash.cash_confirm(request_id=job.pk, customer=customer)


def test_the_professional_sees_totals_and_jobs(
    in_state, professional, customer, django_assert_max_num_queries
):
    jobs = [in_state(Status.COMPLETED) for _ in range(3)]
    for number, job in enumerate(jobs):
        pay_in_cash(job, professional, customer, tip=str(number))
    browser = Client()
    browser.force_login(professional)

    with django_assert_max_num_queries(12):
        response = browser.get(reverse("requests_app:earnings"))

    page = response.content.decode()
    # 3 x (45.00 - 6.75) + tips 0 + 1 + 2 = 117.75
    assert "₹117.75" in page
    assert "₹117.75 · 3 jobs" in page  # this month, and this week
    for job in jobs:
        assert f"#{job.pk} · Deep cleaning" in page
    assert "price ₹45.00, commission ₹6.75, tip ₹2.00 = <strong>₹40.25</strong>" in page


def test_the_query_count_does_not_grow_with_the_jobs(
    in_state, professional, customer, django_assert_max_num_queries
):
    for _ in range(8):
        pay_in_cash(in_state(Status.COMPLETED), professional, customer)
    browser = Client()
    browser.force_login(professional)

    with django_assert_max_num_queries(12):
        browser.get(reverse("requests_app:earnings"))


def test_another_professionals_earnings_are_not_shown(in_state, professional, other_professional, customer):
    pay_in_cash(in_state(Status.COMPLETED), professional, customer)
    browser = Client()
    browser.force_login(other_professional)

    page = browser.get(reverse("requests_app:earnings")).content.decode()

    assert "No paid jobs yet." in page
    assert "₹0.00" in page


def test_customers_have_no_earnings_page(customer):
    browser = Client()
    browser.force_login(customer)

    assert browser.get(reverse("requests_app:earnings")).status_code == 404
