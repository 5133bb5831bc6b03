"""``{% money_panel service_request %}``: the request page's price and payment card."""

from django import template
from django.conf import settings

from requests_app.money.selectors import PAYABLE_STATUSES, summary_of

register = template.Library()


@register.inclusion_tag("requests_app/_money.html", takes_context=True)
def money_panel(context, service_request):
    user = context["user"]
    summary = summary_of(service_request)
    is_owner = service_request.customer_id == user.pk
    is_assigned = service_request.professional_id == user.pk
    change = summary.price_change
    return {
        "sr": service_request,
        "user": user,
        "summary": summary,
        "csrf_token": context.get("csrf_token"),
        "is_owner": is_owner,
        "can_decide_price": is_owner and change is not None and change.status == "pending",
        "can_pay": is_owner and summary.payable,
        "shows_why": is_owner
        and not summary.payable
        and (service_request.status in PAYABLE_STATUSES or summary.fee_pending),
        "card_payments_on": bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET),
        "can_record_cash": is_assigned and summary.payable,
        "can_confirm_cash": is_owner and summary.awaiting_cash is not None,
        "can_download_receipt": summary.receipt is not None and (is_owner or user.is_admin),
        "checkout_return": context["request"].GET.get("checkout", ""),
    }
