"""The back office's "New export" form: a kind and every filter any kind takes.

Only the filters of the chosen kind are sent on; the service validates them (and is the one
place that does), and its per-field errors are shown beside these inputs.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.models import ExportKind
from exports.queries import FILTER_FORMS, ProfessionalFilters, ReviewFilters, ServiceRequestFilters


class ExportStartForm(forms.Form):
    kind = forms.ChoiceField(choices=ExportKind.choices)
    status = ServiceRequestFilters.base_fields["status"]
    verification_status = ProfessionalFilters.base_fields["verification_status"]
    rating = ReviewFilters.base_fields["rating"]
    service = ServiceRequestFilters.base_fields["service"]
    pin_code = ServiceRequestFilters.base_fields["pin_code"]
    created_after = ServiceRequestFilters.base_fields["created_after"]
    created_before = ServiceRequestFilters.base_fields["created_before"]

    APPLIES_TO = {
        "status": _("service requests"),
        "verification_status": _("professionals"),
        "rating": _("reviews"),
        "pin_code": _("service requests, professionals"),
        "created_after": _("service requests, reviews, earnings ledger"),
        "created_before": _("service requests, reviews, earnings ledger"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kinds in self.APPLIES_TO.items():
            self.fields[name].help_text = _("Only for %(kinds)s.") % {"kinds": kinds}

    def export_filters(self) -> dict:
        """The raw inputs that the chosen kind takes, left for the service to validate."""
        kind = self.cleaned_data["kind"]
        allowed = FILTER_FORMS[kind].base_fields
        filters = {}
        for name in allowed:
            if name in self.fields and self.data.get(name) not in (None, ""):
                filters[name] = self.data.get(name)
        return filters

    def add_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            name = key.removeprefix("filters.")
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)
