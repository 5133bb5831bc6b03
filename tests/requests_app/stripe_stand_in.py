"""Stripe, as far as the payment tests need it, without leaving the machine.

- ``StripeStandIn``: a real HTTP server on 127.0.0.1 that answers the two PaymentIntent calls
  the site makes (create, retrieve) the way Stripe's API does, idempotency keys included, and
  records every call. The site's real ``stripe`` client talks to it over HTTP: only Stripe's
  network end is replaced.
- ``signed``: a webhook body and its ``Stripe-Signature`` header, computed from Stripe's
  documented scheme (HMAC-SHA256 of ``"{timestamp}.{body}"`` with the endpoint secret, sent as
  ``t=…,v1=…``) independently of the library the site verifies it with.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from django.conf import settings

from tests.requests_app import stripe_stand_in_cards as _cards
from tests.requests_app import stripe_stand_in_checkout as _checkout

_ids = itertools.count(1)


def _form(body: str) -> dict:
    """Stripe's form encoding (``metadata[request_id]=5``) as flat keys."""
    return dict(parse_qsl(body, keep_blank_values=True))


class _Handler(BaseHTTPRequestHandler):
    server: StripeStandIn

    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{next(_ids)}")
        self.end_headers()
        self.wfile.write(data)

    def _record(self, form=None) -> None:
        self.server.calls.append(
            {
                "method": self.command,
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "form": form or {},
            }
        )

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = _form(body)
        self._record(form)
        if self.server.failure:
            return self._answer(*self.server.failure)
        if self.path.startswith("/v1/checkout/sessions"):
            return _checkout.post(self, form)
        if self.path == "/v1/refunds":
            return _checkout.refund(self, form)
        if self.path.startswith("/v1/payment_intents/") and self.path.endswith("/cancel"):
            return _checkout.cancel_intent(self)
        if self.path == "/v1/customers":
            return _cards.customer_create(self, form)
        if self.path == "/v1/payment_intents" and _cards.is_off_session(form):
            return _cards.off_session_intent(self, form)
        if self.path != "/v1/payment_intents":
            return self._answer(404, _error("Unrecognized request URL."))
        key = self.headers.get("Idempotency-Key")
        with self.server.lock:
            if key in self.server.by_key:
                # Stripe answers a repeated key with the first answer, creating nothing.
                return self._answer(200, self.server.intents[self.server.by_key[key]])
            intent_id = f"pi_test{next(_ids)}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "amount_received": 0,
                "currency": form["currency"],
                "client_secret": f"{intent_id}_secret_{next(_ids)}",
                "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
                "status": "requires_payment_method",
                "livemode": False,
            }
            self.server.intents[intent_id] = intent
            if key:
                self.server.by_key[key] = intent_id
        return self._answer(200, intent)

    def do_GET(self):
        if self.path.startswith("/checkout/"):
            return _checkout.hosted_page(self)
        self._record()
        if self.server.failure:
            return self._answer(*self.server.failure)
        if self.path.startswith("/v1/checkout/sessions/"):
            return _checkout.get(self)
        intent = self.server.intents.get(self.path.removeprefix("/v1/payment_intents/"))
        if intent is None:
            return self._answer(404, _error("No such payment_intent.", code="resource_missing"))
        return self._answer(200, intent)


def _error(message: str, *, code: str | None = None, kind: str = "invalid_request_error") -> dict:
    return {"error": {"type": kind, "message": message, "code": code}}


class StripeStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[dict] = []
        self.intents: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.lock = threading.Lock()
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.answers: dict[str, tuple[int, dict]] = {}
        # A card error code (authentication_required, card_declined) for off-session charges.
        self.card_error: str | None = None
        # (status, body) to answer every call with, e.g. a refusal.
        self.failure: tuple[int, dict] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def creates(self) -> list[dict]:
        return [
            call for call in self.calls if call["method"] == "POST" and call["path"] == "/v1/payment_intents"
        ]

    def session_creates(self) -> list[dict]:
        return [
            call
            for call in self.calls
            if call["method"] == "POST" and call["path"] == "/v1/checkout/sessions"
        ]

    def refuse(self, message: str = "Amount must be at least ₹0.50 inr") -> None:
        self.failure = (400, _error(message, code="amount_too_small"))

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


# --- Webhooks --------------------------------------------------------------------------------


def signature_header(payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signed(event: dict, **signing) -> tuple[str, str]:
    payload = json.dumps(event, indent=2)  # Stripe sends pretty-printed JSON
    return payload, signature_header(payload, **signing)


def event(event_type: str, data_object: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test{next(_ids)}",
        "object": "event",
        "api_version": "2025-01-01",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": data_object},
    }


def payment_intent(intent_id, request_id, amount, *, currency="inr", status="succeeded", error=None) -> dict:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": currency,
        "metadata": {"request_id": str(request_id)} if request_id is not None else {},
        "status": status,
        "last_payment_error": {"message": error} if error else None,
    }


def charge(intent_id, amount, *, amount_refunded=None, metadata=None) -> dict:
    amount_refunded = amount if amount_refunded is None else amount_refunded
    return {
        "id": f"ch_test{next(_ids)}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded == amount,
        "currency": "inr",
        "payment_intent": intent_id,
        "metadata": metadata or {},
    }
