"""The language switcher's page: Django's set_language (the cookie and the redirect back), and for
a logged-in user their profile's language too, so every device and e-mail follows."""

import contextlib

from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.language import user_language_set
from householdsvc.core import errors


# The visitor's pages are cached and shared (householdsvc.core.cache.public_page), so the
# switcher on them carries no CSRF token: switching the cookie's language needs none (the worst a
# forged post does is change the language). A logged-in user's profile changes only with a
# valid token, which their (never shared) pages carry.
@csrf_exempt
@require_POST
def set_language(request):
    response = django_set_language(request)
    if request.user.is_authenticated and _passes_csrf(request):
        # An unknown language changes nothing, as in Django's own view.
        with contextlib.suppress(errors.ValidationFailed):
            user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


def _passes_csrf(request) -> bool:
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None
