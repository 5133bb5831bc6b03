"""A user's language: kept on their profile, so pages and e-mails speak it on every device."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from householdsvc.core import errors


def language_of(user) -> str:
    """The language to write to ``user`` in (notifications, e-mails): the one saved on their
    profile, else the site's default; never the language of whoever's request caused it."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def user_language_set(*, user: User, language: str) -> User:
    """Keep ``language`` (one of settings.LANGUAGES, or "" for the browser's) on ``user``."""
    if language and language not in dict(settings.LANGUAGES):
        raise errors.ValidationFailed(
            gettext("Choose a language the site speaks."), errors={"language": [gettext("Unknown language.")]}
        )
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
