"""Side effects of transitions: the event is written in the same transaction as the change,
emails and the live broadcast go out only after commit, and a broken channel layer never
fails a committed transition."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from requests_app import services
from requests_app.models import RequestEvent, ServiceRequest, Status

pytestmark = pytest.mark.django_db


def test_a_transition_whose_event_cannot_be_written_changes_nothing(open_request, professional, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(RequestEvent.objects, "create", broken_create)

    with pytest.raises(RuntimeError):
        services.service_request_accept(request_id=open_request.pk, professional=professional)

    open_request.refresh_from_db()
    assert (open_request.status, open_request.professional_id, open_request.assigned_at) == (
        Status.REQUESTED,
        None,
        None,
    )


def test_emails_wait_for_the_commit(open_request, professional, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.service_request_accept(request_id=open_request.pk, professional=professional)
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert "accepted" in mail.outbox[0].subject
    assert professional.full_name in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_rolled_back_transition_sends_nothing(
    open_request, professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.service_request_accept(request_id=open_request.pk, professional=professional)
        raise RuntimeError("the caller's transaction fails later")
    assert mail.outbox == []
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


def run(django_capture_on_commit_callbacks, call):
    with django_capture_on_commit_callbacks(execute=True):
        return call()


def test_admin_assignment_tells_the_customer_and_the_professional(
    open_request, professional, customer, admin_user, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_assign(
            request_id=open_request.pk, professional=professional, actor=admin_user
        ),
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted([customer.email, professional.email])
    to_professional = next(m for m in mail.outbox if m.to == [professional.email])
    assert open_request.address in to_professional.body


def test_completion_tells_the_customer_the_final_price(
    on_site_request, professional, customer, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_complete(
            request_id=on_site_request.pk, professional=professional, final_price="52.50"
        ),
    )
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert "52.50" in mail.outbox[0].body


def test_customer_cancelling_tells_only_the_professional(
    assigned_request, professional, customer, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_cancel(
            request_id=assigned_request.pk, actor=customer, reason="Fixed it."
        ),
    )
    assert [m.to for m in mail.outbox] == [[professional.email]]
    assert "Fixed it." in mail.outbox[0].body


def test_admin_cancelling_tells_both(
    assigned_request, professional, customer, admin_user, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_cancel(
            request_id=assigned_request.pk, actor=admin_user, reason="Fraud."
        ),
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer.email, professional.email])


def test_customer_cancelling_an_open_request_sends_nothing(
    open_request, customer, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_cancel(request_id=open_request.pk, actor=customer),
    )
    assert mail.outbox == []


def test_live_watchers_get_the_new_status(
    assigned_request, professional, django_capture_on_commit_callbacks, hear_in_group
):
    message = hear_in_group(
        f"request_{assigned_request.pk}",
        lambda: run(
            django_capture_on_commit_callbacks,
            lambda: services.service_request_start(request_id=assigned_request.pk, professional=professional),
        ),
    )
    assert message["type"] == "status"
    assert (message["request_id"], message["status"], message["professional_id"]) == (
        assigned_request.pk,
        Status.EN_ROUTE,
        professional.pk,
    )


@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Nothing listens on this port: the layer is down for real.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
)
def test_a_channel_layer_that_is_down_does_not_fail_the_transition(
    assigned_request, professional, django_capture_on_commit_callbacks, caplog
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.service_request_start(request_id=assigned_request.pk, professional=professional),
    )
    assert ServiceRequest.objects.get(pk=assigned_request.pk).status == Status.EN_ROUTE
    assert "Could not broadcast" in caplog.text


def test_the_final_price_is_on_the_completed_request(on_site_request, professional):
    completed = services.service_request_complete(
        request_id=on_site_request.pk, professional=professional, final_price=Decimal("10")
    )
    assert ServiceRequest.objects.get(pk=completed.pk).final_price == Decimal("10.00")
