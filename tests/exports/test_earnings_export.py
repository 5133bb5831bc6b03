"""The earnings ledger as CSV through the export jobs: every credit and reversal, as stored."""

from decimal import Decimal

import pytest
from django.test import Client

from exports.models import ExportJob, ExportKind, ExportStatus
from exports.services import export_job_create, export_job_run
from requests_app.models import Status
from requests_app.money import cash
from requests_app.money.models import EarningsEntry
from tests.exports.conftest import read_csv
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(settings, customer, professional, other_professional, service):
    settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
    for worker, tip in ((professional, "5"), (other_professional, None)):
        job = request_in_state(Status.COMPLETED, customer=customer, service=service, professional=worker)
        cash.cash_record(request_id=job.pk, professional=worker, tip=tip)
        cash.cash_confirm(request_id=job.pk, customer=customer)
    return list(EarningsEntry.objects.order_by("id"))


def test_the_ledger_exports_row_for_row(admin_user, ledger, professional):
    job = export_job_create(actor=admin_user, kind=ExportKind.EARNINGS, filters={})

    job = export_job_run(job_id=job.pk)

    assert job.status == ExportStatus.COMPLETED
    rows = read_csv(job)
    assert [int(row["id"]) for row in rows] == [entry.pk for entry in ledger]
    first = rows[0]
    assert {
        key: first[key] for key in ("professional_email", "kind", "price", "commission", "tip", "amount")
    } == {
        "professional_email": "carol@example.com",
        "kind": "credit",
        "price": "45.00",
        "commission": "6.75",
        "tip": "5.00",
        "amount": "43.25",
    }


def test_the_ledger_export_filters_by_professional(admin_user, ledger, professional):
    job = export_job_create(
        actor=admin_user, kind=ExportKind.EARNINGS, filters={"professional": professional.pk}
    )

    rows = read_csv(export_job_run(job_id=job.pk))

    assert [row["professional_email"] for row in rows] == ["carol@example.com"]


def test_an_admin_starts_it_from_the_new_export_form(admin_user, ledger, django_capture_on_commit_callbacks):
    browser = Client()
    browser.force_login(admin_user)
    assert b'value="earnings"' in browser.get("/admin/exports/exportjob/add/").content

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/admin/exports/exportjob/add/", {"kind": "earnings"})

    assert response.status_code == 302
    job = export_job_run(job_id=ExportJob.objects.get(kind="earnings").pk)
    assert (job.status, job.row_count) == (ExportStatus.COMPLETED, 2)
