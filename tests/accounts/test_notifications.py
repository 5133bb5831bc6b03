"""notify(): once per key, through the channels each user chose, e-mail and SMS from retrying
tasks after commit; every request transition tells the other side; the list, mark-read and
preferences through the pages and the API."""

import base64

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Notification, NotificationDelivery, NotificationPreference
from accounts.notifications import notify
from requests_app import services
from requests_app.models import Status
from tests.accounts.twilio_stand_in import TwilioStandIn
from tests.exports.conftest import celery_worker  # noqa: F401 (a fixture: a real worker)
from tests.requests_app.factories import ServiceRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...``: run the block's on-commit callbacks as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def open_request(customer, service):
    return ServiceRequestFactory(customer=customer, service=service)


@pytest.fixture
def twilio(settings):
    with TwilioStandIn() as stand_in:
        settings.SMS_URL = f"twilio://AC0123456789:secret-token@+15550001111?api_base={stand_in.url}"
        yield stand_in


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


# --- notify ------------------------------------------------------------------------------


def test_notify_records_once_per_key_and_mails_once(customer, committed):
    with committed():
        first = notify(
            recipient=customer, kind="offer", key="k1", title="Hello", body="There", url="/requests/1/"
        )
        second = notify(recipient=customer, kind="offer", key="k1", title="Hello again")
    assert first is not None and second is None
    assert titles(customer) == ["Hello"]
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello", ["alice@example.com"])]
    assert mail.outbox[0].body == "There\n\nhttp://127.0.0.1:8000/requests/1/\n"


def test_notify_with_an_unknown_kind_raises(customer):
    with pytest.raises(ValueError):
        notify(recipient=customer, kind="gossip", key="k", title="x")


def test_nothing_is_sent_for_a_rolled_back_change(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=customer, kind="offer", key="k2", title="Hello")
    assert mail.outbox == []  # not yet: the change has not committed
    assert len(callbacks) == 2  # the e-mail task and the bell


def test_email_off_sends_no_mail_but_keeps_the_in_app_row(customer, committed):
    NotificationPreference.objects.create(user=customer, kind="offer", email=False)
    with committed():
        notify(recipient=customer, kind="offer", key="k3", title="Quiet")
    assert mail.outbox == []
    assert Notification.objects.get(recipient=customer).in_app is True


def test_sms_goes_through_twilios_client_to_the_stand_in(customer, twilio, committed):
    NotificationPreference.objects.create(user=customer, kind="offer", sms=True, email=False)
    with committed():
        notify(recipient=customer, kind="offer", key="k4", title="A job for you", body="Flat tyre, 2 km")
    assert len(twilio.calls) == 1
    call = twilio.calls[0]
    assert call["path"] == "/2010-04-01/Accounts/AC0123456789/Messages.json"
    assert call["form"] == {
        "To": customer.phone,
        "From": "+15550001111",
        "Body": "A job for you. Flat tyre, 2 km",
    }
    assert call["authorization"] == "Basic " + base64.b64encode(b"AC0123456789:secret-token").decode()
    delivery = NotificationDelivery.objects.get(channel="sms")
    assert (delivery.state, delivery.attempts) == ("sent", 1)


def test_a_failing_channel_is_retried_and_never_blocks_the_transition(
    open_request, professional, customer, twilio, committed
):
    NotificationPreference.objects.create(user=customer, kind="request_status", sms=True)
    twilio.fail_next = 2
    with committed():
        services.service_request_accept(request_id=open_request.pk, professional=professional)
    open_request.refresh_from_db()
    assert open_request.status == Status.ASSIGNED
    delivery = NotificationDelivery.objects.get(channel="sms")
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert len(twilio.calls) == 3
    assert [m.to for m in mail.outbox] == [[customer.email]]


def test_a_channel_that_keeps_failing_is_marked_failed(customer, twilio, committed, settings):
    settings.NOTIFICATION_MAX_RETRIES = 2
    NotificationPreference.objects.create(user=customer, kind="offer", sms=True, email=False)
    twilio.fail_next = 99
    with committed():
        notify(recipient=customer, kind="offer", key="k5", title="Lost")
    delivery = NotificationDelivery.objects.get(channel="sms")
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert "500" in delivery.last_error
    assert Notification.objects.filter(recipient=customer).count() == 1


# --- every transition tells the other side -------------------------------------------------


def test_each_transition_tells_the_other_side_and_never_the_actor(
    customer, professional, admin_user, service, committed
):
    service_request = ServiceRequestFactory(customer=customer, service=service)
    number = service_request.pk
    with committed():
        services.service_request_accept(request_id=number, professional=professional)
        services.service_request_start(request_id=number, professional=professional)
        services.service_request_arrive(request_id=number, professional=professional)
        services.service_request_complete(request_id=number, professional=professional, final_price="500.00")
        services.service_request_close(request_id=number, actor=customer)
    assert titles(customer) == [
        f"Your request #{number} has been accepted",
        f"Request #{number}: Carol Pro is on the way",
        f"Request #{number}: Carol Pro has arrived",
        f"Your request #{number} is completed",
    ]
    assert titles(professional) == [f"Request #{number} is closed"]
    assert [m.subject for m in mail.outbox] == titles(customer) + titles(professional)


def test_an_admin_assignment_and_cancellation_tell_both(
    customer, professional, admin_user, service, committed
):
    service_request = ServiceRequestFactory(customer=customer, service=service)
    number = service_request.pk
    with committed():
        services.service_request_assign(request_id=number, professional=professional, actor=admin_user)
        services.service_request_cancel(request_id=number, actor=admin_user, reason="Double booking")
    assert titles(customer) == [
        f"Your request #{number} has been accepted",
        f"Request #{number} has been cancelled",
    ]
    assert titles(professional) == [
        f"You have been assigned request #{number}",
        f"Request #{number} has been cancelled",
    ]
    assert titles(admin_user) == []


def test_a_customer_who_cancels_is_not_told_of_it(customer, open_request, committed):
    with committed():
        services.service_request_cancel(request_id=open_request.pk, actor=customer)
    assert titles(customer) == []


# --- list, mark read, preferences: API -----------------------------------------------------


def test_api_lists_my_notifications_newest_first_in_few_queries(
    customer, other_customer, client_for, django_assert_max_num_queries
):
    for number in range(3):
        notify(recipient=customer, kind="offer", key=f"a{number}", title=f"Number {number}")
    notify(recipient=other_customer, kind="offer", key="b", title="Not yours")
    client = client_for(customer)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["Number 2", "Number 1", "Number 0"]
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}


def test_api_marks_read_and_another_users_notification_is_a_404(customer, other_customer, client_for):
    mine = notify(recipient=customer, kind="offer", key="m", title="Mine")
    theirs = notify(recipient=other_customer, kind="offer", key="t", title="Theirs")
    client = client_for(customer)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    notify(recipient=customer, kind="offer", key="m2", title="Another")
    assert client.post("/api/v1/notifications/read-all/").json() == {"unread": 0}
    assert Notification.objects.filter(recipient=customer, read_at__isnull=True).count() == 0


DEFAULTS = {"in_app": True, "email": True, "sms": False}


def test_api_preferences_default_and_change(customer, client_for):
    client = client_for(customer)
    response = client.get("/api/v1/me/notification-preferences/")
    kinds = ("request_status", "offer", "price_change", "reschedule", "message", "payment")
    assert response.json() == dict.fromkeys(kinds, DEFAULTS)
    changed = client.patch("/api/v1/me/notification-preferences/", {"message": {"sms": True, "email": False}})
    assert changed.status_code == 200
    assert changed.json()["message"] == {"in_app": True, "email": False, "sms": True}
    assert changed.json()["offer"] == DEFAULTS


@pytest.mark.parametrize(
    "body",
    [
        {"gossip": {"email": False}},
        {"message": {"pigeon": True}},
        {"message": {"email": "yes"}},
        {"message": True},
        {"message": {"sms": True}, "gossip": {"email": False}},
    ],
)
def test_api_preferences_with_unknown_kinds_or_channels_are_a_400_and_nothing_is_written(
    customer, client_for, body
):
    response = client_for(customer).patch("/api/v1/me/notification-preferences/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert NotificationPreference.objects.count() == 0


# --- pages ---------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_the_list_page_marks_read(customer):
    notification = notify(recipient=customer, kind="offer", key="p", title="Look here", url="/requests/")
    client = Client()
    client.force_login(customer)
    page = client.get("/accounts/profile/").content.decode()
    assert '<span id="bell-count" class="badge">1</span>' in page
    assert "Look here" in client.get("/accounts/notifications/").content.decode()
    response = client.post(f"/accounts/notifications/{notification.pk}/read/", {"open": "1"})
    assert response["Location"] == "/requests/"
    assert '<span id="bell-count" class="badge">0</span>' in client.get("/accounts/profile/").content.decode()


def test_the_preferences_page_saves_the_checkboxes(customer):
    client = Client()
    client.force_login(customer)
    assert client.get("/accounts/notifications/preferences/").status_code == 200
    client.post("/accounts/notifications/preferences/", {"offer__in_app": "on", "offer__sms": "on"})
    offer = NotificationPreference.objects.get(user=customer, kind="offer")
    assert (offer.in_app, offer.email, offer.sms) == (True, False, True)
    assert NotificationPreference.objects.get(user=customer, kind="message").in_app is False


# --- through a real Celery worker ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failing_sms_until_it_is_sent(customer, twilio, settings, celery_worker):  # noqa: F811
    import time

    settings.NOTIFICATION_RETRY_SECONDS = 0
    NotificationPreference.objects.create(user=customer, kind="offer", sms=True, email=False)
    twilio.fail_next = 2
    notify(recipient=customer, kind="offer", key="w1", title="Through the broker")
    delivery = NotificationDelivery.objects.get(channel="sms")
    deadline = time.monotonic() + 20
    while delivery.state == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
        delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert len(twilio.calls) == 3
