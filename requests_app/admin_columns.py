"""The request changelist's short columns: status, service, customer, professional, price and
payment fit a 1280 px screen beside the filters (names, not "Name <email>"; one price).

Each runs once per row, a hundred times a page: the status and payment labels come from a table
made once per language (``get_FOO_display`` rebuilds the field's choices as a dict and hashes,
so translates, every label on each call), and a price is formatted by Babel once per amount: a
badge and an estimate's markup are kept whole, per value and language.
"""

from functools import lru_cache

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.templatetags.money import money
from householdsvc.core.admin_rows import in_language
from requests_app.models import PaymentStatus, Status


@lru_cache(maxsize=16)
def _labels(choices, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@lru_cache(maxsize=4096)
def _money(amount, language: str | None) -> str:
    return money(amount)


@lru_cache(maxsize=64)
def _badge(status, language: str | None):
    label = _labels(Status, language).get(status, status)
    return format_html('<span class="status-badge status-{}">{}</span>', status, label)


@lru_cache(maxsize=4096)
def _estimate(amount, language: str | None):
    return format_html('{} <span class="quiet">{}</span>', _money(amount, language), _("est."))


class RequestColumnsMixin:
    # in_language: the table reads the language once a page and hands it to these.
    @admin.display(description=_("status"), ordering="status")
    @in_language
    def status_badge(self, service_request, language):
        return _badge(service_request.status, language)

    @admin.display(description=_("customer"))
    def customer_name(self, service_request):
        return service_request.customer.full_name or service_request.customer.email

    @admin.display(description=_("professional"))
    def professional_name(self, service_request):
        professional = service_request.professional
        return (professional.full_name or professional.email) if professional else "—"

    @admin.display(description=_("price"))
    @in_language
    def price(self, service_request, language):
        """The final price once the job is done, else the estimate."""
        if service_request.final_price is not None:
            return _money(service_request.final_price, language)
        return _estimate(service_request.price_estimate, language)

    @admin.display(description=_("payment"), ordering="payment_status")
    @in_language
    def payment(self, service_request, language):
        status = service_request.payment_status
        return _labels(PaymentStatus, language).get(status, status)
