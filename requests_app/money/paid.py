"""What follows a payment, whichever way it came (Checkout, the app's PaymentIntent, cash):
a receipt number and the professional's earnings credit, in the transaction that marks the
request paid; the receipt e-mailed once that commits."""

from __future__ import annotations

from householdsvc.core.transactions import on_commit_robust
from requests_app.money import earnings, fees, receipts


def on_paid(*, service_request, attempt) -> None:
    fees.fee_paid(service_request)
    receipts.receipt_issue(service_request=service_request)
    earnings.earnings_credit(service_request=service_request, attempt=attempt)
    on_commit_robust(receipts.receipt_email, service_request.pk)
