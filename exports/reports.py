"""The monthly activity report: an HTML email to each customer about the previous month,
with the same figures attached as a PDF with a chart of the month's jobs.

It counts the requests they opened and those completed in the month, what the completed ones
cost them (the sum of their final prices), and the reviews they gave. Customers with none of
these in the month get no email. Each report is recorded as sent (``SentNotification``), so a
retried or doubled run sends nobody a second copy.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role
from exports.models import NotificationKind
from exports.notifications import notification_send_once
from exports.report_pdf import monthly_report_pdf
from requests_app.models import ServiceRequest
from reviews.models import Review

CUSTOMERS_PER_QUERY = 500


def previous_month(today: dt.date | None = None) -> dt.date:
    """The first day of the month before ``today``'s."""
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    return start, end


def monthly_activity(*, month: dt.date) -> dict[int, dict]:
    """Each active customer's figures for the month, by user id (three grouped queries)."""
    start, end = _month_bounds(month)
    activity: dict[int, dict] = defaultdict(
        lambda: {"opened": 0, "completed": 0, "spent": Decimal("0.00"), "reviews": 0, "by_day": {}}
    )
    opened = (
        ServiceRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in opened:
        activity[row["customer_id"]]["opened"] = row["n"]
    completed = (
        ServiceRequest.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .values("customer_id")
        .annotate(n=Count("id"), spent=Sum("final_price"))
        .order_by()
    )
    for row in completed:
        activity[row["customer_id"]]["completed"] = row["n"]
        activity[row["customer_id"]]["spent"] = row["spent"] or Decimal("0.00")
    reviews = (
        Review.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in reviews:
        activity[row["customer_id"]]["reviews"] = row["n"]
    # For the PDF's chart: each customer's requests opened per day of the month.
    per_day = (
        ServiceRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at"))
        .values("customer_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_day:
        activity[row["customer_id"]]["by_day"][row["day"].day] = row["n"]
    return dict(activity)


def monthly_report_send(*, customer, month: dt.date, figures: dict) -> bool:
    """One customer's report for the month; False if it was already sent."""
    context = {
        "customer": customer,
        "month": month,
        "figures": figures,
        "requests_url": settings.SITE_URL + "/requests/",
    }

    def send():
        message = EmailMultiAlternatives(
            subject=render_to_string("emails/exports/monthly_report_subject.txt", context).strip(),
            body=render_to_string("emails/exports/monthly_report.txt", context),
            to=[customer.email],
        )
        message.attach_alternative(
            render_to_string("emails/exports/monthly_report.html", context), "text/html"
        )
        message.attach(
            f"activity-{month:%Y-%m}.pdf",
            monthly_report_pdf(customer=customer, month=month, figures=figures),
            "application/pdf",
        )
        message.send()

    return notification_send_once(
        kind=NotificationKind.MONTHLY_REPORT,
        recipient=customer,
        period_key=f"{month:%Y-%m}",
        item_count=figures["opened"] + figures["completed"] + figures["reviews"],
        send=send,
    )


def monthly_reports_send(*, month: dt.date | None = None) -> int:
    """Sends every active customer their report for ``month`` (default: last month).

    Returns how many were sent by this run."""
    month = (month or previous_month()).replace(day=1)
    activity = monthly_activity(month=month)
    customer_ids = sorted(activity)
    user_model = get_user_model()
    sent = 0
    for offset in range(0, len(customer_ids), CUSTOMERS_PER_QUERY):
        chunk = customer_ids[offset : offset + CUSTOMERS_PER_QUERY]
        customers = user_model.objects.filter(pk__in=chunk, role=Role.CUSTOMER, is_active=True).order_by("pk")
        for customer in customers:
            if monthly_report_send(customer=customer, month=month, figures=activity[customer.pk]):
                sent += 1
    return sent
