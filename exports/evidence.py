"""The dispute evidence pack of one request: a ZIP with a summary PDF (the timeline, the prices
and their changes, payments and refunds) and the GPS trail as GeoJSON.

It lives here, above requests_app and tracking, because it puts both apps' data together.
The request's customer and admins may download it (through the request selector, so anyone
else gets a 404); the professional may not.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from fpdf import FPDF

from householdsvc.core.errors import NotFound
from requests_app import selectors as request_selectors
from requests_app.models import RequestEvent, RequestMessage
from requests_app.money.models import CancellationFee, PaymentAttempt, PriceChange, Refund
from requests_app.money.receipts import pdf_safe
from tracking.models import LocationUpdate


def evidence_request(*, user, request_id):
    service_request = request_selectors.service_request_get(user=user, request_id=request_id)
    if not (user.is_admin or service_request.customer_id == user.pk):
        raise NotFound(gettext("No such service request."))
    return service_request


def gps_trail(service_request) -> dict:
    """The professional's reported positions, oldest first, as a GeoJSON FeatureCollection:
    the track as one LineString and each point with its time and accuracy."""
    points = list(
        LocationUpdate.objects.filter(request=service_request)
        .order_by("recorded_at", "id")
        .values_list("longitude", "latitude", "recorded_at", "accuracy")
        .iterator(chunk_size=2000)
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lng), float(lat)]},
            "properties": {"recorded_at": recorded_at.isoformat(), "accuracy_m": accuracy},
        }
        for lng, lat, recorded_at, accuracy in points
    ]
    if len(points) >= 2:
        features.insert(
            0,
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[float(lng), float(lat)] for lng, lat, _, _ in points],
                },
                "properties": {"request_id": service_request.pk, "points": len(points)},
            },
        )
    return {"type": "FeatureCollection", "features": features}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d %b %Y, %H:%M:%S") if value else "-"


def summary_pdf(service_request, trail: dict) -> bytes:
    currency = settings.CURRENCY
    pdf = FPDF(format="A4")
    pdf.set_title(f"Evidence pack, request #{service_request.pk}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, pdf_safe(f"Evidence pack: request #{service_request.pk}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)

    def heading(text):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, pdf_safe(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def line(text):
        pdf.multi_cell(0, 6, pdf_safe(text), new_x="LMARGIN", new_y="NEXT")

    line(f"Service: {service_request.service.name}; status {service_request.status}")
    line(f"Customer: {service_request.customer.full_name} <{service_request.customer.email}>")
    professional = service_request.professional
    line(f"Professional: {professional.full_name if professional else '-'}")
    line(f"Generated: {_when(timezone.now())}")

    heading("Prices")
    line(f"Estimate: {service_request.price_estimate} {currency}")
    for part in service_request.estimate_parts or []:
        line(f"  {part['label']}: {part['amount']} {currency}")
    final_price = service_request.final_price
    line(f"Final price: {final_price if final_price is not None else '-'} {currency}")
    change = PriceChange.objects.filter(request=service_request).first()
    if change is not None:
        settled = f", settled at {change.settled_price}" if change.settled_price is not None else ""
        line(
            f"Price change: {change.estimate} -> {change.proposed_price} {currency}, "
            f"{change.get_status_display().lower()}{settled}. Reason: {change.reason}"
        )

    heading("Payments and refunds")
    attempts = PaymentAttempt.objects.filter(request=service_request).order_by("created_at", "id")
    for attempt in attempts:
        line(
            f"{_when(attempt.created_at)}: {attempt.get_method_display()} {attempt.total} {currency} "
            f"(tip {attempt.tip}), {attempt.get_status_display().lower()}"
            f"{' ' + attempt.stripe_session_id if attempt.stripe_session_id else ''}"
        )
    for refund in Refund.objects.filter(request=service_request):
        line(
            f"{_when(refund.created_at)}: {refund.get_method_display()} refund {refund.amount} {currency}, "
            f"{refund.status} {refund.reason}"
        )
    fee = CancellationFee.objects.filter(request=service_request).first()
    if fee is not None:
        line(f"Cancellation fee {fee.amount} {currency}: {fee.get_status_display().lower()}")
    if not attempts and not service_request.refunds.exists() and fee is None:
        line("None.")

    heading("Timeline")
    for event in (
        RequestEvent.objects.filter(request=service_request)
        .select_related("actor")
        .order_by("created_at", "id")
    ):
        actor = event.actor.full_name if event.actor else "system"
        moved = (
            f" {event.from_status or '-'} -> {event.to_status}"
            if event.from_status != event.to_status
            else ""
        )
        note = f": {event.note}" if event.note else ""
        line(f"{_when(event.created_at)} {event.action}{moved} ({actor}){note}")

    heading("Messages")
    thread = RequestMessage.objects.filter(request=service_request).select_related("sender")
    for message in thread.order_by("created_at", "id"):
        line(f"{_when(message.created_at)} {message.sender.full_name}: {message.body}")
    if not thread.exists():
        line("No messages were exchanged on this request.")

    heading("GPS trail")
    points = [f for f in trail["features"] if f["geometry"]["type"] == "Point"]
    if points:
        first, last = points[0]["properties"]["recorded_at"], points[-1]["properties"]["recorded_at"]
        line(f"{len(points)} points from {first} to {last}; all of them in trail.geojson.")
    else:
        line("No positions were reported for this request.")
    return bytes(pdf.output())


def evidence_pack(*, user, request_id) -> tuple[str, bytes]:
    """The pack's file name and its ZIP bytes."""
    service_request = evidence_request(user=user, request_id=request_id)
    trail = gps_trail(service_request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("summary.pdf", summary_pdf(service_request, trail))
        pack.writestr("trail.geojson", json.dumps(trail, indent=1))
    return f"evidence-request-{service_request.pk}.zip", buffer.getvalue()
