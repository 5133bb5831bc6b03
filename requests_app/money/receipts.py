"""Receipts: a gap-free number per year, and the PDF (fpdf2, pure Python) drawn from the
request, its payment, its price change and its refunds.

The number is taken from ``ReceiptCounter``'s row for the year, locked in the transaction that
marks the request paid: two payments at once take consecutive numbers, and a payment that
rolls back gives its number back with it, so there are no gaps and no repeats.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from accounts.language import language_of
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.money.models import (
    CancellationFee,
    PaymentAttempt,
    PaymentAttemptStatus,
    PaymentMethod,
    PriceChange,
    Receipt,
    ReceiptCounter,
)
from requests_app.money.pricing import money


def receipt_issue(*, service_request, issued_at=None) -> Receipt:
    """The request's receipt, numbered in the year (the site's time zone) it is issued."""
    existing = Receipt.objects.filter(request=service_request).first()
    if existing is not None:
        return existing
    issued_at = issued_at or timezone.now()
    year = timezone.localtime(issued_at).year
    # Create the year's row if it is the first receipt of the year (a concurrent creator is
    # ignored), then lock it: whoever holds it takes the next number.
    ReceiptCounter.objects.bulk_create([ReceiptCounter(year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return Receipt.objects.create(
        request=service_request, year=year, number=counter.last_number, issued_at=issued_at
    )


# --- The PDF ------------------------------------------------------------------------------


def pdf_safe(value) -> str:
    # The PDF's core fonts are Latin-1: anything else is shown as "?" rather than failing.
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d %b %Y, %H:%M") if value else "-"


def tax_included(amount: Decimal) -> Decimal:
    """The tax contained in a tax-inclusive price at TAX_PERCENT."""
    rate = settings.TAX_PERCENT
    return money(amount * rate / (100 + rate)) if rate else Decimal("0.00")


def receipt_lines(service_request) -> list[tuple[str, str]]:
    """The receipt's price lines as (label, amount); an explanation has no amount."""
    currency = settings.CURRENCY
    attempt = PaymentAttempt.objects.filter(request=service_request, status=PaymentAttemptStatus.PAID).first()
    change = PriceChange.objects.filter(request=service_request).first()
    lines: list[tuple[str, str]] = []
    for part in service_request.estimate_parts or []:
        lines.append((f"Estimate: {part['label']}", f"{part['amount']} {currency}"))
    if change is not None:
        lines.append(
            (f"Price change ({change.get_status_display().lower()})", f"{change.proposed_price} {currency}")
        )
        lines.append((f"Reason: {change.reason}", ""))
    price = attempt.price if attempt else service_request.final_price
    fee = CancellationFee.objects.filter(request=service_request).first()
    label = (
        "Cancellation fee"
        if fee is not None and service_request.status == Status.CANCELLED
        else "Service price"
    )
    lines.append((label, f"{money(price)} {currency}"))
    if settings.TAX_PERCENT:
        lines.append((f"of which tax at {settings.TAX_PERCENT}%", f"{tax_included(price)} {currency}"))
    tip = attempt.tip if attempt else Decimal("0")
    if tip:
        lines.append(("Tip (all to the professional)", f"{money(tip)} {currency}"))
    lines.append(("Total paid", f"{money(price + tip)} {currency}"))
    lines.append(("Payment method", _method(attempt, fee)))
    for amount, method in _refunds(service_request):
        label = "Refunded in cash" if method == PaymentMethod.CASH else "Refunded"
        lines.append((label, f"-{amount} {currency}"))
    return lines


def _method(attempt, fee) -> str:
    if attempt is None:
        return "-"
    if (
        fee is not None
        and not attempt.stripe_session_id
        and attempt.stripe_payment_intent
        and (fee.stripe_payment_intent == attempt.stripe_payment_intent)
    ):
        return "Card on file (charged off-session)"
    return attempt.get_method_display()


def _refunds(service_request) -> list[tuple[Decimal, str]]:
    # refunds imports the payments module, which imports this one (through money.paid).
    from requests_app.money import refunds

    return refunds.refunded_amounts(service_request)


def receipt_pdf(service_request) -> bytes:
    receipt = Receipt.objects.get(request=service_request)
    pdf = FPDF(format="A4")
    pdf.set_title(f"Receipt {receipt.code}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, pdf_safe(f"Receipt {receipt.code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    completed = RequestEvent.objects.filter(request=service_request, action=Action.COMPLETE).first()
    facts = [
        ("Issued", _when(receipt.issued_at)),
        ("Customer", service_request.customer.full_name),
        ("Professional", service_request.professional.full_name if service_request.professional else "-"),
        ("Service", f"{service_request.service.name}, request #{service_request.pk}"),
        ("Booked", _when(service_request.created_at)),
        ("Started", _when(service_request.started_at)),
        ("Completed", _when(service_request.completed_at or (completed and completed.created_at))),
    ]
    for label, value in facts:
        pdf.cell(45, 7, pdf_safe(label))
        pdf.cell(0, 7, pdf_safe(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Price", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, amount in receipt_lines(service_request):
        if not amount:
            pdf.multi_cell(0, 7, pdf_safe(label), new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.cell(140, 7, pdf_safe(label))
        pdf.cell(0, 7, pdf_safe(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def receipt_filename(service_request) -> str:
    return f"receipt-{service_request.receipt.code}.pdf"


def receipt_email(request_id) -> None:
    """The customer gets their receipt as a PDF attachment once the payment is committed."""
    service_request = ServiceRequest.objects.select_related("service", "customer", "professional").get(
        pk=request_id
    )
    customer = service_request.customer
    if not customer.email:
        return
    receipt = service_request.receipt
    words = {"code": receipt.code, "service": service_request.service.name}
    with translation.override(language_of(customer)):
        message = EmailMessage(
            subject=_("Your receipt %(code)s for %(service)s") % words,
            body=_(
                "Hello %(name)s,\n\nThank you for your payment for request #%(number)s (%(service)s). "
                "Your receipt %(code)s is attached.\n"
            )
            % {**words, "name": customer.full_name, "number": service_request.pk},
            to=[customer.email],
        )
    message.attach(receipt_filename(service_request), receipt_pdf(service_request), "application/pdf")
    message.send()
