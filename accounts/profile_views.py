"""The public profile of a professional: who they are, what they do, how they are rated.
The rating and reviews come from reviews' template tag, the jobs done from requests_app's:
accounts imports neither.

Public: anonymous visitors see it too, for approved professionals who are not blocked (404
otherwise, whoever asks). Anonymous answers are the public cache's (householdsvc.core.cache):
approving, blocking, editing the profile and every new or changed review move its version, so
those show at once; the jobs-done count may lag by up to PUBLIC_CACHE_TTL."""

from django.http import Http404
from django.shortcuts import render

from accounts import selectors
from householdsvc.core import errors
from householdsvc.core.cache import public_page


def professional_public(request, pk):
    # One cache entry per professional: the name carries the id.
    return public_page(f"professional:{int(pk)}")(_render)(request, pk)


def _render(request, pk):
    try:
        profile = selectors.professional_public_get(professional_id=pk)
    except errors.NotFound:
        raise Http404("No such professional.") from None
    return render(request, "accounts/professional_public.html", {"profile": profile})
