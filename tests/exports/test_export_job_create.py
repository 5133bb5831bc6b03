"""Starting an export: only admins, with filters checked per kind, queued after commit."""

import pytest

from exports.models import ExportJob, ExportStatus
from exports.services import export_job_create
from householdsvc.core.errors import NotAllowed, ValidationFailed

pytestmark = pytest.mark.django_db


def test_admin_starts_a_job_that_runs_once_committed(admin_user, service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = export_job_create(
            actor=admin_user, kind="service_requests", filters={"status": "requested", "service": service.pk}
        )
    # The task is queued only after the commit (then the finished job's email follows).
    assert [callback.__qualname__ for callback in callbacks] == ["_queue_run", "_email_requester"]
    assert job.requested_by == admin_user
    assert job.filters == {"status": "requested", "service": service.pk}
    assert job.task_id
    job.refresh_from_db()
    # Eager in the test settings: the task ran when the transaction committed.
    assert job.status == ExportStatus.COMPLETED


@pytest.mark.parametrize("who", ["customer", "professional"])
def test_customers_and_professionals_may_not_export(who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        export_job_create(actor=user, kind="service_requests", filters={})
    assert not ExportJob.objects.exists()


def test_unknown_kind_is_a_field_error(admin_user):
    with pytest.raises(ValidationFailed) as caught:
        export_job_create(actor=admin_user, kind="payments", filters={})
    assert set(caught.value.errors) == {"kind"}


@pytest.mark.parametrize(
    ("kind", "filters", "field"),
    [
        ("service_requests", {"status": "lost"}, "filters.status"),
        ("service_requests", {"created_after": "yesterday"}, "filters.created_after"),
        (
            "service_requests",
            {"created_after": "2026-02-01", "created_before": "2026-01-01"},
            "filters.created_before",
        ),
        ("service_requests", {"service": 999999}, "filters.service"),
        ("service_requests", {"rating": 5}, "filters.rating"),
        ("professionals", {"verification_status": "maybe"}, "filters.verification_status"),
        ("reviews", {"rating": 6}, "filters.rating"),
        ("reviews", {"ids": ["a"]}, "filters.ids"),
    ],
)
def test_bad_filters_are_reported_per_field(admin_user, kind, filters, field):
    with pytest.raises(ValidationFailed) as caught:
        export_job_create(actor=admin_user, kind=kind, filters=filters)
    assert field in caught.value.errors
    assert not ExportJob.objects.exists()


def test_too_many_selected_ids_are_refused(admin_user, settings):
    from exports import queries

    with pytest.raises(ValidationFailed) as caught:
        export_job_create(
            actor=admin_user, kind="reviews", filters={"ids": list(range(1, queries.MAX_SELECTED_IDS + 2))}
        )
    assert "filters.ids" in caught.value.errors


def test_filters_are_kept_cleaned(admin_user):
    job = export_job_create(
        actor=admin_user,
        kind="reviews",
        filters={"rating": "5", "created_after": "2026-01-01", "ids": ["3", 1]},
    )
    assert job.filters == {"rating": 5, "created_after": "2026-01-01", "ids": [1, 3]}
