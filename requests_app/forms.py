"""Forms of the request pages: they parse and check input, the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Service
from catalog.templatetags.duration import duration
from catalog.templatetags.money import money
from requests_app.models import ServiceRequest, VehicleType

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The phone's native date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


def _preferred_time_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Preferred date and time"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class ServiceSelect(forms.Select):
    """Marks each option with its service's kind, price and time, so the page can show only
    that kind's fields and the summary without another request to the server."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
            option["attrs"]["data-price"] = money(instance.base_price)
            option["attrs"]["data-duration"] = duration(instance.time_required_minutes)
        return option


class ServiceRequestForm(forms.Form):
    """A new booking. A dispatch service is sent to a GPS position, so it needs one."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        widget=ServiceSelect,
        empty_label=_("Choose a service…"),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    pin_code = forms.CharField(max_length=12, required=False, label=_("Pin code"))
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        required=False,
    )
    vehicle_type = forms.ChoiceField(
        choices=[("", "—"), *VehicleType.choices], required=False, label=_("Vehicle type")
    )
    scheduled_for = _preferred_time_field()
    remarks = forms.CharField(
        label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services


class ServiceRequestEditForm(forms.Form):
    """What a customer may still change while nobody has taken the request."""

    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    pin_code = forms.CharField(max_length=12, required=False, label=_("Pin code"))
    scheduled_for = _preferred_time_field()
    remarks = forms.CharField(
        label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    @classmethod
    def for_request(cls, service_request: ServiceRequest, data=None):
        initial = {name: getattr(service_request, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=255, required=False, label=_("Reason"))


class RejectForm(forms.Form):
    note = forms.CharField(max_length=255, required=False, label=_("Why not? (optional)"))


class CompleteForm(forms.Form):
    final_price = forms.DecimalField(
        label=_("Final price"), max_digits=10, decimal_places=2, min_value=Decimal("0")
    )
    price_reason = forms.CharField(
        label=_("Why the price is above the estimate"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when it is well above the estimate: the customer is asked to approve it."),
    )
