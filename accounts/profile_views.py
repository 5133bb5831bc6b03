"""The public profile of a professional: who they are, what they do, how they are rated.
The rating and reviews come from reviews' template tag, the jobs done from requests_app's:
accounts imports neither."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts import selectors
from householdsvc.core import errors


@login_required
def professional_public(request, pk):
    try:
        profile = selectors.professional_get(user=request.user, professional_id=pk)
    except errors.NotFound:
        raise Http404("No such professional.") from None
    return render(request, "accounts/professional_public.html", {"profile": profile})
