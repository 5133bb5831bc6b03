"""Each process remembers what a string translates to, per language.

Django builds one ``DjangoTranslation`` per language from every installed app's catalogue.
For English it holds seven catalogues (their plural rules compare unequal, so none is merged)
and six more as a chain of fallbacks: a string with no English entry (nearly all of them, the
msgid being the English) is looked up in each before it comes back as itself, about 25 µs a
time. A page asks for a few hundred (the admin's app list, the choice labels, the nav).

The catalogues do not change while a process runs, so the answer is kept on the translation
object: a new object (Django makes new ones when the settings change, in tests) starts empty.
The memo is bounded, in case some caller translates text that is not a fixed msgid.
"""

from __future__ import annotations

from django.utils.translation import trans_real

MEMO_LIMIT = 20_000


def _memoised(gettext):
    def memo_gettext(self, message):
        memo = self.__dict__.get("_householdsvc_memo")
        if memo is None:
            memo = self.__dict__["_householdsvc_memo"] = {}
        try:
            return memo[message]
        except KeyError:
            pass
        result = gettext(self, message)
        if len(memo) < MEMO_LIMIT:
            memo[message] = result
        return result

    memo_gettext.householdsvc_memoised = True
    return memo_gettext


def memoise_translations() -> None:
    """Make ``DjangoTranslation.gettext`` remember its answers (once per process)."""
    current = trans_real.DjangoTranslation.gettext
    if not getattr(current, "householdsvc_memoised", False):
        trans_real.DjangoTranslation.gettext = _memoised(current)
