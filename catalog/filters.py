"""The catalogue search, shared by the API and the public pages (one FilterSet, one rule)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from catalog.models import Service, ServiceKind


class ServiceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("Part of the service's name, any case.")
    )
    # A named blank choice on the pages, instead of django-filter's "---------".
    kind = django_filters.ChoiceFilter(
        choices=ServiceKind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    pin_code = django_filters.CharFilter(
        method="filter_pin_code",
        label=_("Pin code"),
        help_text=_("Only services an approved professional offers in this pin code."),
    )

    class Meta:
        model = Service
        fields = ["search", "kind", "pin_code"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_pin_code(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # EXISTS over the (service, pin_code) index rather than a join that would repeat a
        # service once per professional. Professionals belong to accounts, above catalog in the
        # import order: they are reached through the relation accounts declares on Service
        # (ProfessionalProfile.service, related_name "professionals"), and who counts as working
        # is accounts' rule (ProfessionalQuerySet.working), not a copy of it here.
        professionals = Service.professionals.rel.related_model.objects
        offered_here = professionals.working().filter(service=OuterRef("pk"), pin_code=value)
        return queryset.filter(Exists(offered_here))
