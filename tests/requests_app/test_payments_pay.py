"""``POST /api/v1/requests/{id}/pay/``: the customer starts paying a completed request.

The site's real ``stripe`` client calls a Stripe stand-in on 127.0.0.1 over HTTP, so what
Stripe would receive (amount, currency, metadata, idempotency key, secret key) is asserted
on the wire.
"""

from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from householdsvc.core.errors import NotAllowed
from requests_app import payments
from requests_app.models import Action, PaymentStatus, RequestEvent, Status
from tests.requests_app.stripe_stand_in import StripeStandIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        yield server


@pytest.fixture
def completed(in_state):
    return in_state(Status.COMPLETED)


def pay(client, service_request):
    return client.post(f"/api/v1/requests/{service_request.pk}/pay/")


def refreshed(service_request):
    service_request.refresh_from_db()
    return service_request


def test_the_customer_gets_a_payment_for_the_final_price(client_for, customer, completed, stripe_api):
    response = pay(client_for(customer), completed)

    assert response.status_code == 200, response.content
    [create] = stripe_api.creates()
    intent = stripe_api.intents[response.json()["payment_intent_id"]]
    assert response.json() == {
        "request_id": completed.pk,
        "payment_status": "pending",
        "payment_intent_id": intent["id"],
        "client_secret": intent["client_secret"],
        "amount": "45.00",
        "currency": "inr",
    }
    assert create["path"] == "/v1/payment_intents"
    assert create["authorization"] == "Bearer sk_test_householdsvc"
    assert create["form"]["amount"] == "4500"
    assert create["form"]["currency"] == "inr"
    assert create["form"]["metadata[request_id]"] == str(completed.pk)
    # The card is saved for off-session use on the customer's Stripe Customer, as on Checkout.
    assert create["form"]["setup_future_usage"] == "off_session"
    assert create["form"]["customer"] == customer.stripe_customer.customer_id
    assert create["idempotency_key"] == f"householdsvc-request-{completed.pk}-4500inr-after-none"
    completed = refreshed(completed)
    assert (completed.payment_status, completed.payment_reference) == (PaymentStatus.PENDING, intent["id"])
    note = RequestEvent.objects.get(request=completed, action=Action.PAYMENT)
    assert note.actor == customer
    assert note.note == f"Payment started: 45.00 INR ({intent['id']})."


def test_a_closed_request_can_be_paid(client_for, customer, in_state, stripe_api):
    closed = in_state(Status.CLOSED, final_price=Decimal("120.50"))

    response = pay(client_for(customer), closed)

    assert response.status_code == 200
    assert stripe_api.creates()[0]["form"]["amount"] == "12050"


def test_asking_again_while_pending_hands_back_the_same_payment(client_for, customer, completed, stripe_api):
    first = pay(client_for(customer), completed)

    second = pay(client_for(customer), completed)

    assert second.status_code == 200
    assert second.json()["client_secret"] == first.json()["client_secret"]
    assert len(stripe_api.creates()) == 1
    assert RequestEvent.objects.filter(request=completed, action=Action.PAYMENT).count() == 1


def test_after_a_failure_the_same_payment_is_tried_again(client_for, customer, completed, stripe_api):
    first = pay(client_for(customer), completed).json()
    completed.payment_status = PaymentStatus.FAILED
    completed.save(update_fields=["payment_status"])

    again = pay(client_for(customer), completed)

    assert again.json()["payment_intent_id"] == first["payment_intent_id"]
    assert refreshed(completed).payment_status == PaymentStatus.PENDING
    assert len(stripe_api.creates()) == 1


def test_a_cancelled_payment_is_replaced_by_a_new_one(client_for, customer, completed, stripe_api):
    first = pay(client_for(customer), completed).json()
    stripe_api.intents[first["payment_intent_id"]]["status"] = "canceled"

    again = pay(client_for(customer), completed).json()

    assert again["payment_intent_id"] != first["payment_intent_id"]
    assert stripe_api.creates()[1]["idempotency_key"].endswith(f"-after-{first['payment_intent_id']}")
    assert refreshed(completed).payment_reference == again["payment_intent_id"]


def test_a_payment_stripe_took_before_its_event_arrived_is_not_started_again(
    client_for, customer, completed, stripe_api
):
    first = pay(client_for(customer), completed).json()
    stripe_api.intents[first["payment_intent_id"]]["status"] = "succeeded"

    again = pay(client_for(customer), completed)

    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"
    assert len(stripe_api.creates()) == 1
    assert refreshed(completed).payment_status == PaymentStatus.PENDING


def test_a_repeated_call_after_a_lost_answer_gets_the_same_payment_from_stripe(
    customer, completed, stripe_api
):
    # Stripe created the intent but our transaction never saved it (the answer was lost, the
    # process died): the next try sends the same idempotency key and gets it back.
    started = payments.payment_start(request_id=completed.pk, customer=customer)
    type(completed).objects.filter(pk=completed.pk).update(
        payment_status=PaymentStatus.UNPAID, payment_reference=""
    )

    again = payments.payment_start(request_id=completed.pk, customer=customer)

    assert again.payment_intent_id == started.payment_intent_id
    assert len(stripe_api.intents) == 1


# --- Who may pay ----------------------------------------------------------------------------


def test_another_customer_gets_404(client_for, other_customer, completed, stripe_api):
    response = pay(client_for(other_customer), completed)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert stripe_api.calls == []


def test_a_professional_not_on_the_request_gets_404(client_for, other_professional, completed, stripe_api):
    assert pay(client_for(other_professional), completed).status_code == 404


def test_the_assigned_professional_gets_403(client_for, professional, completed, stripe_api):
    response = pay(client_for(professional), completed)

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert stripe_api.calls == []


def test_an_admin_gets_403(client_for, admin_user, completed, stripe_api):
    response = pay(client_for(admin_user), completed)

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_anonymous_gets_401(api_client, completed, stripe_api):
    assert pay(api_client, completed).status_code == 401


def test_an_unknown_request_gets_404(client_for, customer, stripe_api):
    response = client_for(customer).post("/api/v1/requests/999999/pay/")

    assert response.status_code == 404


def test_a_blocked_customer_may_not_pay(customer, completed, stripe_api):
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    with pytest.raises(NotAllowed) as refused:
        payments.payment_start(request_id=completed.pk, customer=customer)

    assert refused.value.code == "account_blocked"


# --- When it may be paid ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.CANCELLED]
)
def test_a_request_not_completed_gets_409_not_payable(client_for, customer, in_state, stripe_api, status):
    service_request = in_state(status)

    response = pay(client_for(customer), service_request)

    assert response.status_code == 409
    assert response.json()["code"] == "not_payable"
    assert refreshed(service_request).payment_status == PaymentStatus.UNPAID
    assert stripe_api.calls == []


@pytest.mark.parametrize("payment_status", [PaymentStatus.PAID, PaymentStatus.REFUNDED])
def test_a_paid_or_refunded_request_gets_409_already_paid(
    client_for, customer, in_state, stripe_api, payment_status
):
    service_request = in_state(Status.CLOSED, payment_status=payment_status, payment_reference="pi_test_old")

    response = pay(client_for(customer), service_request)

    assert response.status_code == 409
    assert response.json()["code"] == "already_paid"
    assert stripe_api.calls == []


def test_a_free_job_gets_409_nothing_to_pay(client_for, customer, in_state, stripe_api):
    free = in_state(Status.COMPLETED, final_price=Decimal("0.00"))

    response = pay(client_for(customer), free)

    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_pay"


# --- When Stripe is not there -----------------------------------------------------------------


def test_without_a_secret_key_paying_is_unavailable(client_for, customer, completed, stripe_api, settings):
    settings.STRIPE_SECRET_KEY = ""

    response = pay(client_for(customer), completed)

    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"
    assert stripe_api.calls == []
    assert refreshed(completed).payment_status == PaymentStatus.UNPAID


def test_a_refusal_from_stripe_is_a_502_and_changes_nothing(client_for, customer, completed, stripe_api):
    stripe_api.refuse("Amount must be at least ₹0.50 inr")

    response = pay(client_for(customer), completed)

    assert response.status_code == 502
    assert response.json() == {
        "code": "payment_provider_error",
        "detail": "The payment could not be started: Amount must be at least ₹0.50 inr",
    }
    completed = refreshed(completed)
    assert (completed.payment_status, completed.payment_reference) == (PaymentStatus.UNPAID, "")
    assert not RequestEvent.objects.filter(request=completed, action=Action.PAYMENT).exists()


def test_stripe_unreachable_is_a_502(client_for, customer, completed, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port

    response = pay(client_for(customer), completed)

    assert response.status_code == 502
    assert response.json()["code"] == "payment_provider_error"


# --- Amounts and the schema -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("45.00", "inr", 4500), ("0.5", "usd", 50), ("120.505", "eur", 12051), ("1500", "jpy", 1500)],
)
def test_amounts_go_to_stripe_in_the_smallest_unit(amount, currency, minor):
    assert payments.to_minor_units(Decimal(amount), currency) == minor


def test_the_schema_documents_both_payment_routes():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    pay_route = paths["/api/v1/requests/{id}/pay/"]["post"]
    assert set(pay_route["responses"]) == {"200", "401", "403", "404", "409", "502", "503"}
    assert "requestBody" not in pay_route
    webhook = paths["/api/v1/payments/stripe/webhook/"]["post"]
    assert set(webhook["responses"]) == {"200", "400", "503"}
    assert "security" not in webhook  # no credential: the signature is checked instead
    assert "Stripe-Signature" in {parameter["name"] for parameter in webhook["parameters"]}
