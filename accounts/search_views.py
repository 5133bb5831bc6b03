"""The public search for professionals: by service and/or pin code, approved and working ones,
best rated first, a page at a time; each result links to the public profile. Anonymous answers
are the public cache's (approving, blocking, profile edits and reviews move its version)."""

from django import forms
from django.core.validators import RegexValidator
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from catalog.models import Service
from householdsvc.core.cache import public_page

PAGE_SIZE = 20
# No deep paging through a public page: a visitor narrows the search instead.
MAX_PAGE = 50


class ProfessionalSearchForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Any service"),
        label=_("Service"),
    )
    pin_code = forms.CharField(
        max_length=12,
        required=False,
        label=_("Pin code"),
        validators=[RegexValidator(r"^[A-Za-z0-9 -]+$", _("Letters, digits, spaces and hyphens only."))],
    )


def _page_number(request) -> int:
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        raise Http404("No such page.") from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404("No such page.")
    return number


@public_page("professional_search", "service", "pin_code", "page")
def professional_search(request):
    number = _page_number(request)
    form = ProfessionalSearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "professionals": [], "searched": True}
        return render(request, "accounts/professional_search.html", context, status=400)
    service, pin_code = form.cleaned_data["service"], form.cleaned_data["pin_code"].strip()
    found = selectors.professional_search(service=service, pin_code=pin_code)
    offset = (number - 1) * PAGE_SIZE
    rows = list(found[offset : offset + PAGE_SIZE + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    query = {
        name: value for name, value in (("service", service and service.pk), ("pin_code", pin_code)) if value
    }
    context = {
        "form": form,
        "professionals": rows[:PAGE_SIZE],
        "searched": bool(query),
        "page_number": number,
        "previous_query": urlencode({**query, "page": number - 1}) if number > 1 else "",
        "next_query": urlencode({**query, "page": number + 1}) if len(rows) > PAGE_SIZE else "",
    }
    return render(request, "accounts/professional_search.html", context)
