"""The Checkout Session part of the Stripe stand-in: create, retrieve and expire sessions as
Stripe's API does (idempotency keys included), and a stand-in for Stripe's hosted page that a
real browser can land on. ``completed(server, session_id)`` is the session as Stripe sends it
in ``checkout.session.completed`` once the customer has paid on that page."""

from __future__ import annotations

import html
import itertools
import time

_ids = itertools.count(1)


def _line_total(form: dict) -> int:
    total, index = 0, 0
    while f"line_items[{index}][price_data][unit_amount]" in form:
        quantity = int(form.get(f"line_items[{index}][quantity]", "1"))
        total += int(form[f"line_items[{index}][price_data][unit_amount]"]) * quantity
        index += 1
    return total


def post(handler, form: dict):
    server = handler.server
    path = handler.path
    if path == "/v1/checkout/sessions":
        key = handler.headers.get("Idempotency-Key")
        with server.lock:
            if key and key in server.by_key:
                return handler._answer(200, server.sessions[server.by_key[key]])
            session_id = f"cs_test{next(_ids)}"
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": form.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": _line_total(form),
                "currency": form.get("line_items[0][price_data][currency]"),
                "client_reference_id": form.get("client_reference_id"),
                "customer_email": form.get("customer_email"),
                "customer": form.get("customer"),
                "setup_future_usage": form.get("payment_intent_data[setup_future_usage]"),
                "success_url": form.get("success_url"),
                "cancel_url": form.get("cancel_url"),
                "expires_at": int(form.get("expires_at") or time.time() + 86400),
                "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
                "payment_intent": None,
                "url": f"{server.url}/checkout/{session_id}",
                "livemode": False,
            }
            server.sessions[session_id] = session
            if key:
                server.by_key[key] = session_id
        return handler._answer(200, session)
    if path.startswith("/v1/checkout/sessions/") and path.endswith("/expire"):
        session = server.sessions.get(path.split("/")[4])
        if session is None:
            return handler._answer(404, _error("No such checkout.session", "resource_missing"))
        if session["status"] != "open":
            return handler._answer(
                400,
                _error(f"This Checkout Session is already {session['status']}.", "checkout_session_not_open"),
            )
        session["status"] = "expired"
        return handler._answer(200, session)
    return handler._answer(404, _error("Unrecognized request URL."))


def get(handler):
    session = handler.server.sessions.get(handler.path.removeprefix("/v1/checkout/sessions/"))
    if session is None:
        return handler._answer(404, _error("No such checkout.session", "resource_missing"))
    return handler._answer(200, session)


def hosted_page(handler):
    session = handler.server.sessions.get(handler.path.removeprefix("/checkout/"))
    if session is None:
        body = b"<h1>Unknown session</h1>"
        status = 404
    else:
        amount = session["amount_total"] / 100
        body = (
            "<!doctype html><title>Stripe Checkout (stand-in)</title>"
            f"<h1>Stripe Checkout stand-in</h1><p id='session'>{html.escape(session['id'])}</p>"
            f"<p id='amount'>{amount:.2f} {html.escape(str(session['currency']).upper())}</p>"
            f"<a id='back' href='{html.escape(session['success_url'])}'>Back to the site</a>"
        ).encode()
        status = 200
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _error(message: str, code: str | None = None) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message, "code": code}}


def completed(server, session_id: str, *, amount_total: int | None = None) -> dict:
    """The customer paid on the hosted page: the session as ``checkout.session.completed``
    carries it (status complete, payment_status paid, the PaymentIntent that took the money)."""
    session = server.sessions[session_id]
    session.update(
        status="complete",
        payment_status="paid",
        payment_intent=session["payment_intent"] or f"pi_checkout{next(_ids)}",
    )
    if amount_total is not None:
        session = {**session, "amount_total": amount_total}
    return dict(session)


def expired(server, session_id: str) -> dict:
    session = server.sessions[session_id]
    session["status"] = "expired"
    return dict(session)


def refund(handler, form: dict):
    """``POST /v1/refunds``: a card refund, which Stripe answers as succeeded at once."""
    server = handler.server
    key = handler.headers.get("Idempotency-Key")
    with server.lock:
        if key and key in server.by_key:
            return handler._answer(200, server.refunds[server.by_key[key]])
        refund_id = f"re_test{next(_ids)}"
        body = {
            "id": refund_id,
            "object": "refund",
            "amount": int(form["amount"]),
            "currency": "inr",
            "payment_intent": form.get("payment_intent"),
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "status": "succeeded",
        }
        server.refunds[refund_id] = body
        if key:
            server.by_key[key] = refund_id
    return handler._answer(200, body)


def cancel_intent(handler):
    """``POST /v1/payment_intents/{id}/cancel``: refused once the intent has succeeded."""
    intent = handler.server.intents.get(handler.path.split("/")[3])
    if intent is None:
        return handler._answer(404, _error("No such payment_intent.", "resource_missing"))
    if intent["status"] in ("succeeded", "canceled"):
        return handler._answer(
            400,
            _error(f"This PaymentIntent's status is {intent['status']}.", "payment_intent_unexpected_state"),
        )
    intent["status"] = "canceled"
    return handler._answer(200, intent)


def checkout_intent(server, session_id: str, *, payment_method: str = "pm_card_visa", created=None) -> dict:
    """The PaymentIntent of a paid session as ``payment_intent.succeeded`` carries it: the
    Customer, and the card Stripe saved when the session asked for ``setup_future_usage``."""
    session = server.sessions[session_id]
    return {
        "id": session["payment_intent"],
        "object": "payment_intent",
        "amount": session["amount_total"],
        "amount_received": session["amount_total"],
        "currency": session["currency"],
        "customer": session["customer"],
        "payment_method": payment_method,
        "setup_future_usage": session["setup_future_usage"],
        "metadata": dict(session["metadata"]),
        "status": "succeeded",
        "created": int(time.time()) if created is None else created,
    }
