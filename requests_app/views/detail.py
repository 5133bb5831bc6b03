"""The request page, for every role: the request as the acting user may see it, its
timeline, and the actions open to them now.

Panels of the apps above requests_app are theirs: reviews and tracking contribute them
through template tags the page's template loads (``review_tags``, ``tracking_tags``).
"""

from django.shortcuts import render

from requests_app import selectors
from requests_app.forms import CancelForm, CompleteForm, RejectForm
from requests_app.models import TRANSITIONS, Action
from requests_app.views.common import member_required, visible_request


def _allowed(service_request, action: str) -> bool:
    return service_request.status in TRANSITIONS[action][0]


@member_required
def request_detail(request, pk: int):
    """One request as the acting user may see it, with the actions open to them now."""
    user = request.user
    service_request = visible_request(request, pk)
    is_owner = service_request.customer_id == user.pk
    is_assigned = service_request.professional_id is not None and service_request.professional_id == user.pk
    shows_customer_contact = not selectors.details_hidden_from(user, service_request)
    can_act_as_customer = is_owner or user.is_admin
    actions = {
        "edit": is_owner and _allowed(service_request, Action.EDIT),
        "cancel": can_act_as_customer and _allowed(service_request, Action.CANCEL),
        "close": can_act_as_customer and _allowed(service_request, Action.CLOSE),
        "accept": user.is_professional and not is_assigned and _allowed(service_request, Action.ACCEPT),
        "reject": user.is_professional and not is_assigned and _allowed(service_request, Action.REJECT),
        "start": is_assigned and _allowed(service_request, Action.START),
        "arrive": is_assigned and _allowed(service_request, Action.ARRIVE),
        "complete": is_assigned and _allowed(service_request, Action.COMPLETE),
        "release": is_assigned and _allowed(service_request, Action.RELEASE),
    }
    events = selectors.service_request_events(user=user, request_id=pk) if shows_customer_contact else []
    context = {
        "service_request": service_request,
        "events": events,
        "actions": actions,
        "any_action": any(actions.values()),
        "shows_customer_contact": shows_customer_contact,
        "is_owner": is_owner,
        "is_assigned": is_assigned,
        "cancel_form": CancelForm(),
        "reject_form": RejectForm(),
        "complete_form": CompleteForm(initial={"final_price": service_request.price_estimate}),
    }
    return render(request, "requests_app/detail.html", context)
