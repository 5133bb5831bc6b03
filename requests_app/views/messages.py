"""The message form's page endpoint, for browsers without JavaScript (messages.js posts to the
API instead): send, then back to the request page."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from householdsvc.core import errors
from requests_app import messages


@login_required
@require_POST
def request_message_send(request, pk):
    try:
        messages.request_message_send(user=request.user, request_id=pk, body=request.POST.get("body", ""))
    except errors.NotFound:
        raise Http404("No such service request.") from None
    except errors.ServiceError as exc:
        flash.error(request, "; ".join(exc.errors.get("body", [])) or exc.detail)
    return redirect("requests_app:detail", pk)
