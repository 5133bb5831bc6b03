"""The pages of shareable tracking links (``tracking.links``): the customer makes and revokes
them from their request page; whoever holds one opens ``/track/<token>/`` without a login, and
the page polls ``/track/<token>/data.json`` (every few seconds) for the status, position and
ETA. Both are throttled per client address (the ``tracking_link`` rate) and answer 410 Gone
once the link is revoked or its request is over."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.api.throttling import ScopedRateThrottle
from householdsvc.core.errors import NotFound, ServiceError
from tracking import links


def _throttled(request) -> bool:
    return not ScopedRateThrottle().allow_request(request, SimpleNamespace(throttle_scope="tracking_link"))


def _shared(request, token):
    if _throttled(request):
        return None, HttpResponse("Too many requests.", status=429, content_type="text/plain")
    try:
        return links.shared_view(token), None
    except NotFound:
        raise Http404("No such tracking link.") from None
    except links.LinkGone:
        gone = render(request, "tracking/shared_gone.html", status=410)
        return None, gone


def shared_page(request, token):
    data, refusal = _shared(request, token)
    if refusal is not None:
        return refusal
    config = {
        "dataUrl": reverse("tracking:shared-data", args=[token]),
        "data": data,
        "map": {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }
    response = render(request, "tracking/shared.html", {"shared": data, "shared_config": config})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def shared_data(request, token):
    data, refusal = _shared(request, token)
    if refusal is not None:
        if refusal.status_code == 410:
            return JsonResponse({"code": "gone", "detail": "This tracking link no longer works."}, status=410)
        return refusal
    return JsonResponse(data)


@login_required
@require_POST
def link_create(request, request_id):
    try:
        link = links.tracking_link_create(user=request.user, request_id=request_id)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        url = request.build_absolute_uri(reverse("tracking:shared", args=[links.link_token(link)]))
        messages.success(request, _("Tracking link made: %(url)s") % {"url": url})
    return redirect("requests_app:detail", request_id)


@login_required
@require_POST
def link_revoke(request, request_id, link_id):
    try:
        links.tracking_link_revoke(user=request.user, request_id=request_id, link_id=link_id)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tracking link revoked."))
    return redirect("requests_app:detail", request_id)
