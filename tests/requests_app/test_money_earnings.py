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


def test_totals_by_week_and_by_month_group_the_ledger_by_when_it_was_credited(
    in_state, professional, customer
):
    """Three jobs credited 38.25 each: this week, the week before, and mid-last-month."""
    import datetime as dt

    from django.utils import timezone

    from requests_app.money.models import EarningsEntry

    jobs = [in_state(Status.COMPLETED) for _ in range(3)]
    for job in jobs:
        pay_in_cash(job, professional, customer)
    now = timezone.localtime()
    this_monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    last_week = this_monday - dt.timedelta(days=7) + dt.timedelta(hours=12)
    mid_last_month = (now.replace(day=1) - dt.timedelta(days=1)).replace(day=15, hour=12)
    # Backdating the test's own rows (the app never edits the ledger).
    EarningsEntry.objects.filter(request=jobs[1]).update(created_at=last_week)
    EarningsEntry.objects.filter(request=jobs[2]).update(created_at=mid_last_month)
    browser = Client()
    browser.force_login(professional)

    page = browser.get(reverse("requests_app:earnings")).content.decode()

    by_week = page[page.index('id="by-week"') : page.index('id="jobs"')]
    for monday in (this_monday, last_week, mid_last_month - dt.timedelta(days=mid_last_month.weekday())):
        assert f"Week of {monday.day} {monday:%b %Y}</dt><dd>₹38.25 · 1 job</dd>" in by_week
    by_month = page[page.index('id="by-month"') : page.index('id="by-week"')]
    if last_week.month == now.month:
        assert f"{now:%B %Y}</dt><dd>₹76.50 · 2 jobs</dd>" in by_month
        assert f"{mid_last_month:%B %Y}</dt><dd>₹38.25 · 1 job</dd>" in by_month
    else:  # early in the month, the week before is last month's
        assert f"{now:%B %Y}</dt><dd>₹38.25 · 1 job</dd>" in by_month
        assert f"{mid_last_month:%B %Y}</dt><dd>₹76.50 · 2 jobs</dd>" in by_month
    assert "₹114.75" in page
