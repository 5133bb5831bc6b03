"""The request changelist's short columns: status, service, customer, professional, price and
payment fit a 1280 px screen beside the filters (names, not "Name <email>"; one price)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.templatetags.money import money


class RequestColumnsMixin:
    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, service_request):
        return format_html(
            '<span class="status-badge status-{}">{}</span>',
            service_request.status,
            service_request.get_status_display(),
        )

    @admin.display(description=_("customer"))
    def customer_name(self, service_request):
        return service_request.customer.full_name or service_request.customer.email

    @admin.display(description=_("professional"))
    def professional_name(self, service_request):
        professional = service_request.professional
        return (professional.full_name or professional.email) if professional else "—"

    @admin.display(description=_("price"))
    def price(self, service_request):
        """The final price once the job is done, else the estimate."""
        if service_request.final_price is not None:
            return money(service_request.final_price)
        return format_html(
            '{} <span class="quiet">{}</span>', money(service_request.price_estimate), _("est.")
        )

    @admin.display(description=_("payment"), ordering="payment_status")
    def payment(self, service_request):
        return service_request.get_payment_status_display()
