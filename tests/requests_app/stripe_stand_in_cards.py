"""The saved-card part of the Stripe stand-in: ``POST /v1/customers`` (idempotency keys
included) and an off-session PaymentIntent (``confirm=true``, ``off_session=true``), which
Stripe answers at once: succeeded, or a 402 card error (``server.card_error``, e.g.
``authentication_required`` or ``card_declined``) carrying the failed PaymentIntent."""

from __future__ import annotations

import itertools

_ids = itertools.count(1)


def _metadata(form: dict) -> dict:
    return {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}


def customer_create(handler, form: dict):
    server = handler.server
    key = handler.headers.get("Idempotency-Key")
    with server.lock:
        if key and key in server.by_key:
            return handler._answer(200, server.customers[server.by_key[key]])
        customer_id = f"cus_test{next(_ids)}"
        customer = {
            "id": customer_id,
            "object": "customer",
            "email": form.get("email"),
            "name": form.get("name"),
            "metadata": _metadata(form),
            "livemode": False,
        }
        server.customers[customer_id] = customer
        if key:
            server.by_key[key] = customer_id
    return handler._answer(200, customer)


def is_off_session(form: dict) -> bool:
    return form.get("confirm") == "true" and form.get("off_session") == "true"


def off_session_intent(handler, form: dict):
    server = handler.server
    key = handler.headers.get("Idempotency-Key")
    with server.lock:
        if key and key in server.by_key:
            status, body = server.answers[key]
            return handler._answer(status, body)
        intent_id = f"pi_offsession{next(_ids)}"
        failed = server.card_error is not None
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "amount_received": 0 if failed else int(form["amount"]),
            "currency": form["currency"],
            "customer": form.get("customer"),
            "payment_method": form.get("payment_method"),
            "metadata": _metadata(form),
            "status": "requires_payment_method" if failed else "succeeded",
            "livemode": False,
        }
        server.intents[intent_id] = intent
        if failed:
            code = server.card_error
            message = "Your card was declined."
            if code == "authentication_required":
                message += " This transaction requires authentication."
            status, body = (
                402,
                {
                    "error": {
                        "type": "card_error",
                        "code": code,
                        "decline_code": code,
                        "message": message,
                        "payment_intent": intent,
                    }
                },
            )
        else:
            status, body = 200, intent
        if key:
            server.by_key[key] = intent_id
            server.answers[key] = (status, body)
    return handler._answer(status, body)
