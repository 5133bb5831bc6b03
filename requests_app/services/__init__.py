"""Every change to a service request: its creation, the customer's edits and one function per
transition of the status machine (``requests_app.models.TRANSITIONS``).

Each transition runs in one transaction that locks the request's row, checks in this order
that the actor may see the request (404), may do this to it (403) and that its state allows it
(409), then changes the row, stamps the stage's timestamp and writes the ``RequestEvent`` — so
a refused or failing transition leaves neither a change nor an event. Emails and the live
broadcast are queued with ``transaction.on_commit``: nobody hears of a change that rolled back.

The package by sub-domain: ``guards`` (the locked fetch, the checks, ``move``), ``booking``
(create and edit) and ``transitions`` (the rest of the status machine). Callers use the
functions named here: ``from requests_app import services``.
"""

from requests_app.services.booking import service_request_create, service_request_edit
from requests_app.services.guards import service_request_lock
from requests_app.services.transitions import (
    service_request_accept,
    service_request_arrive,
    service_request_assign,
    service_request_cancel,
    service_request_close,
    service_request_complete,
    service_request_reject,
    service_request_start,
)

__all__ = [
    "service_request_accept",
    "service_request_arrive",
    "service_request_assign",
    "service_request_cancel",
    "service_request_close",
    "service_request_complete",
    "service_request_create",
    "service_request_edit",
    "service_request_lock",
    "service_request_reject",
    "service_request_start",
]
