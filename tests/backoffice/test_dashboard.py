"""The back-office dashboard: right figures, few queries, cached in Redis, fresh after a change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import VerificationStatus
from exports import dashboard
from exports.admin_dashboard import bar_chart
from requests_app import services
from requests_app.models import ServiceRequest, Status
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory, request_in_state

DASHBOARD = reverse("admin:exports_dashboard")


def by_status(numbers) -> dict[str, int]:
    return {row["status"]: row["count"] for row in numbers["by_status"]}


def backdate(service_request, **stamps):
    """Set timestamps the ORM stamps itself (created_at is auto_now_add)."""
    ServiceRequest.objects.filter(pk=service_request.pk).update(**stamps)


@pytest.fixture
def activity(customer, service, professional, pending_professional):
    """Three deep cleans and one window clean; one assigned after 2 h, one completed after 10 h."""
    now = timezone.now()
    windows = ServiceFactory(name="Window cleaning")
    open_one = ServiceRequestFactory(customer=customer, service=service)
    assigned = request_in_state(
        Status.ASSIGNED, customer=customer, service=service, professional=professional
    )
    completed = request_in_state(
        Status.COMPLETED, customer=customer, service=service, professional=professional
    )
    old = ServiceRequestFactory(customer=customer, service=windows)
    backdate(assigned, created_at=now - timedelta(hours=3), assigned_at=now - timedelta(hours=1))
    backdate(
        completed,
        created_at=now - timedelta(days=1, hours=12),
        assigned_at=now - timedelta(days=1, hours=9),
        completed_at=now - timedelta(days=1, hours=2),
    )
    # Forty days ago: counted by status and service, outside the 30-day chart and averages.
    backdate(old, created_at=now - timedelta(days=40))
    return {"open": open_one, "assigned": assigned, "completed": completed, "old": old}


@pytest.mark.django_db
def test_numbers_are_right(activity, service, professional, other_professional):
    profile = professional.professional_profile
    profile.average_rating, profile.rating_count = Decimal("4.80"), 5
    profile.save()
    few_reviews = other_professional.professional_profile
    few_reviews.average_rating, few_reviews.rating_count = Decimal("5.00"), 1
    few_reviews.save()

    numbers = dashboard.compute_numbers()

    assert by_status(numbers) == {
        "requested": 2,
        "assigned": 1,
        "en_route": 0,
        "on_site": 0,
        "completed": 1,
        "closed": 0,
        "cancelled": 0,
    }
    assert [(row["name"], row["count"]) for row in numbers["by_service"]] == [
        ("Deep cleaning", 3),
        ("Window cleaning", 1),
    ]
    per_day = {row["day"]: row["count"] for row in numbers["per_day"]}
    assert len(per_day) == 30
    assert sum(per_day.values()) == 3
    for name in ("open", "assigned", "completed"):
        activity[name].refresh_from_db()
    expected: dict = {}
    for name in ("open", "assigned", "completed"):
        day = timezone.localdate(activity[name].created_at)
        expected[day] = expected.get(day, 0) + 1
    assert {day: count for day, count in per_day.items() if count} == expected
    # Assigned after 2 h and after 3 h; completed after 10 h.
    assert numbers["avg_to_assignment"] == timedelta(hours=2, minutes=30)
    assert numbers["avg_to_completion"] == timedelta(hours=10)
    assert numbers["pending_professionals"] == 1
    assert numbers["unmatched_requests"] == 0
    # Dave's single five-star review is too few to rank.
    assert [(row["email"], row["average_rating"]) for row in numbers["top_rated"]] == [
        ("carol@example.com", Decimal("4.80"))
    ]


@pytest.mark.django_db
def test_numbers_take_eight_queries(activity, django_assert_num_queries):
    with django_assert_num_queries(8):
        dashboard.compute_numbers()


@pytest.mark.django_db
def test_second_load_comes_from_the_cache(activity, django_assert_num_queries):
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    first = dashboard.dashboard_numbers()

    with django_assert_num_queries(0):
        second = dashboard.dashboard_numbers()

    assert second == first


@pytest.mark.django_db
def test_a_new_request_shows_on_the_next_load(
    admin_browser, activity, customer, service, django_capture_on_commit_callbacks
):
    before = admin_browser.get(DASHBOARD).context["numbers"]

    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_create(
            customer=customer, service=service, description="Oven", address="1 Elm Row", pin_code="560001"
        )
    after = admin_browser.get(DASHBOARD).context["numbers"]

    assert by_status(after)["requested"] == by_status(before)["requested"] + 1
    assert after["by_service"][0]["count"] == before["by_service"][0]["count"] + 1


@pytest.mark.django_db
def test_a_transition_and_an_approval_show_on_the_next_load(
    admin_browser,
    admin_user,
    activity,
    professional,
    pending_professional,
    django_capture_on_commit_callbacks,
):
    admin_browser.get(DASHBOARD)

    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_assign(
            request_id=activity["open"].pk, professional=professional, actor=admin_user
        )
    with django_capture_on_commit_callbacks(execute=True):
        pending_professional.professional_profile.verification_status = VerificationStatus.APPROVED
        pending_professional.professional_profile.save()
    numbers = admin_browser.get(DASHBOARD).context["numbers"]

    assert by_status(numbers)["assigned"] == 2
    assert numbers["pending_professionals"] == 0


@pytest.mark.django_db
def test_a_write_that_rolls_back_keeps_the_cache(
    activity, customer, service, django_capture_on_commit_callbacks
):
    dashboard.dashboard_numbers()
    version = dashboard._current_version()

    # Inside the test's transaction, never committed: no callback runs, the version stays.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ServiceRequestFactory(customer=customer, service=service)

    assert callbacks  # the bump was queued for the commit ...
    assert dashboard._current_version() == version  # ... and not done before it


@pytest.mark.django_db
def test_admin_sees_the_dashboard(admin_browser, activity, professional):
    response = admin_browser.get(DASHBOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Requests per day" in html
    assert html.count('class="bar"') == 30  # one bar a day, drawn server-side
    assert 'data-status="requested">2<' in html
    assert "2 h 30 min" in html and "10 h" in html
    assert (
        reverse("admin:accounts_professionalprofile_changelist") + "?verification_status__exact=pending"
        in html
    )


@pytest.mark.django_db
def test_dashboard_is_linked_from_the_admin_index(admin_browser):
    response = admin_browser.get(reverse("admin:index"))

    assert DASHBOARD in response.content.decode()


@pytest.mark.django_db
def test_dashboard_page_queries_are_pinned(admin_browser, activity, django_assert_max_num_queries):
    # Session and user, then the figures' eight queries; once cached, session and user only.
    with django_assert_max_num_queries(10):
        admin_browser.get(DASHBOARD)
    with django_assert_max_num_queries(2):
        admin_browser.get(DASHBOARD)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["customer", "professional", None])
def test_non_staff_are_sent_to_the_admin_login(client, who, customer, professional):
    if who:
        client.force_login({"customer": customer, "professional": professional}[who])

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_blocked_professional_leaves_the_top_rated(professional, django_capture_on_commit_callbacks):
    profile = professional.professional_profile
    profile.average_rating, profile.rating_count = Decimal("4.50"), 10
    profile.save()
    assert [row["id"] for row in dashboard.dashboard_numbers()["top_rated"]] == [professional.pk]

    with django_capture_on_commit_callbacks(execute=True):
        professional.is_active = False
        professional.save()

    assert dashboard.dashboard_numbers()["top_rated"] == []


@pytest.mark.django_db
def test_a_login_does_not_empty_the_cache(professional, django_capture_on_commit_callbacks):
    dashboard.dashboard_numbers()
    version = dashboard._current_version()

    with django_capture_on_commit_callbacks(execute=True):
        professional.last_login = timezone.now()
        professional.save(update_fields=["last_login"])

    assert dashboard._current_version() == version


def test_chart_scales_bars_to_the_busiest_day():
    today = timezone.localdate()
    chart = bar_chart([{"day": today - timedelta(days=1), "count": 5}, {"day": today, "count": 10}])

    heights = [bar["height"] for bar in chart["bars"]]
    assert heights == [chart["height"] // 2, chart["height"]]
    assert chart["bars"][1]["y"] == 0


@pytest.mark.django_db
def test_unmatched_open_requests_are_counted(activity):
    from requests_app.models import ServiceRequest

    ServiceRequest.objects.filter(pk=activity["open"].pk).update(unmatched_at=timezone.now())
    # An unmatched request assigned since no longer counts.
    ServiceRequest.objects.filter(pk=activity["assigned"].pk).update(unmatched_at=timezone.now())

    assert dashboard.compute_numbers()["unmatched_requests"] == 1
