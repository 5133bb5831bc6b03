"""The monthly activity report as a PDF: the same figures as the HTML e-mail, and a bar chart
of the customer's jobs that month, opened per day, drawn with fpdf2 (no plotting library)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from fpdf import FPDF

from requests_app.money.receipts import pdf_safe

CHART_WIDTH = 170
CHART_HEIGHT = 60


def monthly_report_pdf(*, customer, month: dt.date, figures: dict) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"householdsvc activity, {month:%B %Y}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, pdf_safe(f"Your activity in {month:%B %Y}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 8, pdf_safe(f"Hello {customer.get_short_name()},"), new_x="LMARGIN", new_y="NEXT")
    rows = [
        ("Requests opened", str(figures["opened"])),
        ("Requests completed", str(figures["completed"])),
        ("Amount spent", f"{figures['spent']:.2f} {settings.CURRENCY}"),
        ("Reviews given", str(figures["reviews"])),
    ]
    for label, value in rows:
        pdf.cell(60, 7, pdf_safe(label))
        pdf.cell(0, 7, pdf_safe(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Jobs opened per day", new_x="LMARGIN", new_y="NEXT")
    _bar_chart(pdf, month, figures.get("by_day") or {})
    return bytes(pdf.output())


def _bar_chart(pdf: FPDF, month: dt.date, by_day: dict) -> None:
    days = calendar.monthrange(month.year, month.month)[1]
    counts = [int(by_day.get(day, 0)) for day in range(1, days + 1)]
    top = max([*counts, 1])
    left, base = pdf.l_margin + 8, pdf.get_y() + CHART_HEIGHT
    slot = CHART_WIDTH / days
    pdf.set_font("Helvetica", "", 7)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left, base, left + CHART_WIDTH, base)
    pdf.line(left, base, left, base - CHART_HEIGHT)
    pdf.text(left - 6, base - CHART_HEIGHT + 2, str(top))
    pdf.text(left - 4, base, "0")
    pdf.set_fill_color(9, 105, 218)
    for index, count in enumerate(counts):
        x = left + index * slot
        if count:
            height = CHART_HEIGHT * count / top
            pdf.rect(x + slot * 0.15, base - height, slot * 0.7, height, style="F")
        if index % 5 == 0 or index == days - 1:
            pdf.text(x + slot * 0.2, base + 4, str(index + 1))
    pdf.set_y(base + 8)
