"""What the request pages share: the guards, running one service write and reporting its
outcome as a message, one page of a list, and the list filter.

Public to the apps above requests_app too: reviews' page posts back to the request page
through ``perform`` like the request's own actions do.
"""

from functools import lru_cache, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from householdsvc.core import errors
from householdsvc.core.filters import filters_asked
from householdsvc.core.page_rows import page_rows
from householdsvc.core.widgets import PlainSelect
from requests_app import selectors
from requests_app.filters import ServiceRequestFilter
from requests_app.models import Status
from requests_app.templatetags.request_cards import CARD_FIELDS, Card

PAGE_SIZE = 20


def member_required(view):
    """Logged in, and a professional only once an admin has approved them: until then the
    accounts pages tell them their verification is pending (or why it was rejected)."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if user.is_professional:
            profile = getattr(user, "professional_profile", None)
            if profile is None or not profile.is_approved:
                return redirect("accounts:pending")
        return view(request, *args, **kwargs)

    return guarded


def require_role(request, *roles: str) -> None:
    if request.user.role not in roles:
        raise PermissionDenied


def visible_request(request, pk: int):
    """The request as the acting user may see it; one they may not see does not exist."""
    try:
        return selectors.service_request_get(user=request.user, request_id=pk)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc


def perform(request, pk: int, success: str, write, *, then: str = "", **kwargs):
    """Run one service write for the request and report the outcome as a message.

    The service itself decides who may see and do what. A refused write (wrong state, not
    allowed, bad value) leaves the request as it was and says why instead of an error page.
    ``then`` names the page to go to after a success when the request's own is not the one."""
    try:
        write(request_id=pk, **kwargs)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    except errors.ServiceError as exc:
        # A 400's field messages say what to fix ("say why…"); its detail says what went wrong,
        # unless it is only the generic "Invalid input.".
        shown = field_messages(exc)
        if not shown or str(exc.detail) != _("Invalid input."):
            shown.insert(0, str(exc.detail))
        for message in shown:
            messages.error(request, message)
        return back_to_request(request, pk)
    messages.success(request, success)
    return redirect(then) if then else back_to_request(request, pk)


def field_messages(exc: errors.ServiceError) -> list[str]:
    return [
        str(message)
        for messages_ in (exc.errors or {}).values()
        for message in (messages_ if isinstance(messages_, list | tuple) else [messages_])
    ]


def back_to_request(request, pk: int):
    """The request's page, or the user's list when they may no longer see the request: an offer
    another professional took while this one was deciding."""
    try:
        selectors.service_request_get(user=request.user, request_id=pk)
    except errors.NotFound:
        return redirect("requests_app:offers" if request.user.is_professional else "requests_app:list")
    return redirect("requests_app:detail", pk=pk)


def invalid_form(request, pk: int, form):
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, message)
    return redirect("requests_app:detail", pk=pk)


def apply_service_errors(form, exc: errors.ServiceError) -> None:
    """Put a service's field errors next to the fields they name, the rest above the form."""
    placed = False
    for field, field_messages in (exc.errors or {}).items():
        for message in field_messages if isinstance(field_messages, list | tuple) else [field_messages]:
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def page(request, queryset):
    """One page of a list without counting the whole table: fetch one row more than shown to
    learn whether a next page exists (the same trade as ``householdsvc.core.api.Pagination``)."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * PAGE_SIZE
    # The page's ids first, in a subquery of the same query: PostgreSQL then takes them off an
    # index and joins the service and the professional to those 21 rows only. Asked in one go,
    # it joined every request of a customer with hundreds before sorting (its estimate for one
    # customer is a couple of dozen rows). The statement is prepared (planning it took three
    # times as long as running it), compiled once per shape of list (householdsvc.core.page_rows),
    # and its rows are the cards' values, not model instances.
    rows = [Card._make(row) for row in page_rows(queryset, CARD_FIELDS, offset, offset + PAGE_SIZE + 1)]
    return {
        "rows": rows[:PAGE_SIZE],
        "page_number": number,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": number > 1,
    }


def filtered(request, queryset):
    """The list narrowed by the API's own FilterSet (``?status=`` and the rest of its filters),
    the status ``<select>`` to show above it, and the status it narrowed by.

    A value it does not accept (an unknown status) is left out rather than an error page; the
    queryset was scoped by a selector and a filter only ever narrows it. With none of its
    parameters in the query (most visits) the FilterSet would hand the queryset back as it is:
    it is not built (copying its filters and making its form took a tenth of the page)."""
    status = ""
    if filters_asked(ServiceRequestFilter, request.GET):
        filterset = ServiceRequestFilter(request.GET, queryset=queryset)
        queryset = filterset.qs
        status = filterset.form.cleaned_data.get("status", "")
    return queryset, status_select(request.GET.get("status", "")), status


def status_select(value: str):
    """The status ``<select>`` with ``value`` chosen ("All" for a value that is no status),
    the HTML Django's ``Select`` makes, kept per language and value."""
    return _status_select(get_language(), value if value in Status.values else None)


@lru_cache(maxsize=64)
def _status_select(language: str, value: str | None):
    widget = PlainSelect(choices=[("", _("All")), *Status.choices])
    # The id the label of templates/requests_app/_status_filter.html names.
    return widget.render("status", value or "", attrs={"id": "id_status"})
