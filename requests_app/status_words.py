"""A request's status and action as a word inside a sentence (a service error's ``detail``):
the stored value in English, as the API has always said it ("it is completed"), and the word in
the active language elsewhere. ``WORDS`` (never rendered) keeps the msgids in the catalogue
for makemessages; the Hindi is in locale/hi (context "request status" / "request action")."""

from django.utils.translation import pgettext, pgettext_lazy

STATUS = "request status"
ACTION = "request action"

WORDS = (
    pgettext_lazy("request status", "requested"),
    pgettext_lazy("request status", "assigned"),
    pgettext_lazy("request status", "en_route"),
    pgettext_lazy("request status", "on_site"),
    pgettext_lazy("request status", "completed"),
    pgettext_lazy("request status", "closed"),
    pgettext_lazy("request status", "cancelled"),
    pgettext_lazy("request action", "accept"),
    pgettext_lazy("request action", "reject"),
    pgettext_lazy("request action", "assign"),
    pgettext_lazy("request action", "start"),
    pgettext_lazy("request action", "arrive"),
    pgettext_lazy("request action", "complete"),
    pgettext_lazy("request action", "close"),
    pgettext_lazy("request action", "cancel"),
    pgettext_lazy("request action", "edit"),
    pgettext_lazy("request action", "release"),
)


def status_word(status) -> str:
    return pgettext(STATUS, str(status))


def action_word(action) -> str:
    return pgettext(ACTION, str(action))
