"""Back office for money: price changes (an admin settles a declined one), payments (an admin
refunds one, in full or in part), refunds and the earnings ledger, all read-only; the two
decisions are admin actions with a small form, calling the same services as the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from householdsvc.core.admin import ReadOnlyAdminMixin
from householdsvc.core.errors import ServiceError
from requests_app.admin_views import describe_error
from requests_app.money import price_changes, refunds
from requests_app.money.models import EarningsEntry, PaymentAttempt, PriceChange, Refund


class SettleForm(forms.Form):
    price = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text=_("The final price."))
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=10, decimal_places=2, required=False, help_text=_("Leave empty to refund everything left.")
    )
    reason = forms.CharField(required=False, max_length=255)


def _one(model_admin, request, queryset):
    selected = list(queryset[:2])
    if len(selected) != 1:
        model_admin.message_user(request, _("Select exactly one row for this action."), messages.ERROR)
        return None
    return selected[0]


def _form_action(model_admin, request, queryset, *, form_class, title, submit, apply):
    """An action with a form: shown first, applied when posted back with ``apply``."""
    chosen = _one(model_admin, request, queryset)
    if chosen is None:
        return None
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        try:
            message = apply(chosen, form.cleaned_data)
        except ServiceError as error:
            model_admin.message_user(request, describe_error(error), messages.ERROR)
        else:
            model_admin.message_user(request, message, messages.SUCCESS)
            return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "chosen": chosen,
        "form": form,
        "submit": submit,
        "action_name": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/requests_app/money_action.html", context)


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("request", "estimate", "proposed_price", "status", "settled_price", "created_at")
    list_filter = ("status",)
    list_select_related = ("request",)
    raw_id_fields = ("request", "decided_by")
    actions = ("settle",)

    @admin.action(description=_("Settle the declined price change…"))
    def settle(self, request, queryset):
        def apply(change, data):
            price_changes.price_change_settle(
                request_id=change.request_id, actor=request.user, price=data["price"], note=data["note"]
            )
            return f"Request #{change.request_id}: price settled at {data['price']}."

        return _form_action(
            self,
            request,
            queryset,
            form_class=SettleForm,
            title="Settle a price",
            submit="Settle",
            apply=apply,
        )


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "request",
        "method",
        "status",
        "price",
        "tip",
        "stripe_session_id",
        "created_at",
        "paid_at",
    )
    list_filter = ("method", "status")
    list_select_related = ("request",)
    search_fields = ("=request__id", "=stripe_session_id", "=stripe_payment_intent")
    raw_id_fields = ("request", "recorded_by")
    actions = ("refund", "record_cash_refund")

    @admin.action(description=_("Refund the payment, in full or in part…"))
    def refund(self, request, queryset):
        def apply(attempt, data):
            made = refunds.refund_create(
                request_id=attempt.request_id,
                actor=request.user,
                amount=data["amount"],
                reason=data["reason"],
            )
            return (
                f"Request #{attempt.request_id}: refund of {made.amount} asked of Stripe "
                f"({made.stripe_refund_id})."
            )

        return _form_action(
            self,
            request,
            queryset,
            form_class=RefundForm,
            title="Refund a payment",
            submit="Refund",
            apply=apply,
        )

    @admin.action(description=_("Record a cash refund made outside the site…"))
    def record_cash_refund(self, request, queryset):
        def apply(attempt, data):
            made = refunds.refund_record_cash(
                request_id=attempt.request_id,
                actor=request.user,
                amount=data["amount"],
                reason=data["reason"],
            )
            return f"Request #{attempt.request_id}: cash refund of {made.amount} recorded."

        return _form_action(
            self,
            request,
            queryset,
            form_class=RefundForm,
            title="Record a cash refund",
            submit="Record",
            apply=apply,
        )


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "request",
        "amount",
        "method",
        "status",
        "reason",
        "stripe_refund_id",
        "created_at",
        "succeeded_at",
    )
    list_filter = ("status", "method")
    list_select_related = ("request",)
    raw_id_fields = ("request", "requested_by")


@admin.register(EarningsEntry)
class EarningsEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "professional", "request", "kind", "price", "commission", "tip", "amount")
    list_filter = ("kind",)
    list_select_related = ("professional", "request")
    search_fields = ("^professional__email", "=request__id")
    raw_id_fields = ("professional", "request")
