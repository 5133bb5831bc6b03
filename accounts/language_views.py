"""The language switcher's page: Django's set_language (the cookie and the redirect back), and for
a logged-in user their profile's language too, so every device and e-mail follows."""

import contextlib

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.language import user_language_set
from householdsvc.core import errors


@require_POST
def set_language(request):
    response = django_set_language(request)
    if request.user.is_authenticated:
        # An unknown language changes nothing, as in Django's own view.
        with contextlib.suppress(errors.ValidationFailed):
            user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
