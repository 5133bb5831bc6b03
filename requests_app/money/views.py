"""The request page's money forms: approve or decline a price change, pay (to Stripe
Checkout), cash, and the receipt's download. Thin: the services decide."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from householdsvc.core import errors
from requests_app import selectors
from requests_app.money import cash, checkout, price_changes, receipts
from requests_app.money import selectors as money_selectors
from requests_app.money.models import Receipt
from requests_app.views.common import member_required, perform


@require_POST
@member_required
def price_approve(request, pk: int):
    return perform(
        request,
        pk,
        _("You approved the new price."),
        price_changes.price_change_approve,
        customer=request.user,
    )


@require_POST
@member_required
def price_decline(request, pk: int):
    return perform(
        request,
        pk,
        _("You declined the new price: an admin will settle it."),
        price_changes.price_change_decline,
        customer=request.user,
        note=request.POST.get("note", ""),
    )


@require_POST
@member_required
def pay(request, pk: int):
    """Off to Stripe's hosted Checkout page; Stripe sends the customer back to the request."""
    back = request.build_absolute_uri(reverse("requests_app:detail", args=[pk]))
    try:
        started = checkout.checkout_start(
            request_id=pk, customer=request.user, tip=request.POST.get("tip"), return_url=back
        )
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    except errors.ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect("requests_app:detail", pk=pk)
    return redirect(started.url)


@require_POST
@member_required
def cash_record(request, pk: int):
    return perform(
        request,
        pk,
        _("Cash payment recorded: the customer is asked to confirm it."),
        cash.cash_record,
        professional=request.user,
        tip=request.POST.get("tip"),
    )


@require_POST
@member_required
def cash_confirm(request, pk: int):
    return perform(
        request, pk, _("Thank you: the cash payment is confirmed."), cash.cash_confirm, customer=request.user
    )


@require_GET
@member_required
def earnings(request):
    """The professional's earnings: totals by month and week, and the jobs behind them."""
    if not request.user.is_professional:
        raise Http404("Only professionals have earnings.")
    return render(
        request, "requests_app/earnings.html", {"earnings": money_selectors.earnings_for(user=request.user)}
    )


@require_GET
@member_required
def receipt_download(request, pk: int):
    """The receipt's PDF, for the request's customer and admins only."""
    try:
        service_request = selectors.service_request_get(user=request.user, request_id=pk)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    if not (request.user.is_admin or service_request.customer_id == request.user.pk):
        raise Http404("No receipt here.")
    if not Receipt.objects.filter(request=service_request).exists():
        raise Http404("This request has no receipt yet.")
    response = HttpResponse(receipts.receipt_pdf(service_request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipts.receipt_filename(service_request)}"'
    return response
