"""The per-process memo of translated strings (householdsvc.core.i18n) and the Python-written
``<select>`` of the list filter (householdsvc.core.widgets): the same words and bytes as before."""

from django.forms import Select
from django.utils import translation
from django.utils.translation import gettext, pgettext, trans_real

from householdsvc.core.i18n import MEMO_LIMIT, memoise_translations
from householdsvc.core.widgets import PlainSelect


def test_each_language_keeps_its_own_answers_asked_twice():
    memoise_translations()  # a second call leaves the one memo in place
    assert getattr(trans_real.DjangoTranslation.gettext, "householdsvc_memoised", False)
    for _ in range(2):
        with translation.override("hi"):
            assert gettext("Requested") == "अनुरोधित"
            assert gettext("No such string anywhere 7f3a") == "No such string anywhere 7f3a"
        with translation.override("en-gb"):
            assert gettext("Requested") == "Requested"
    with translation.override("hi"):
        memo = trans_real.translation("hi").__dict__["_householdsvc_memo"]
        assert memo["Requested"] == "अनुरोधित"
    with translation.override("en-gb"):
        assert trans_real.translation("en-gb").__dict__["_householdsvc_memo"]["Requested"] == "Requested"


def test_a_context_keeps_its_own_answer():
    with translation.override("en-gb"):
        assert pgettext("month name", "May") == "May"
        assert gettext("May") == "May"


def test_the_memo_stops_growing_at_its_limit():
    with translation.override("hi"):
        memo = trans_real.translation("hi").__dict__.setdefault("_householdsvc_memo", {})
        saved = dict(memo)
        memo.update({f"filler {n}": f"filler {n}" for n in range(MEMO_LIMIT - len(memo))})
        try:
            assert gettext("Requested") == "अनुरोधित"
            assert gettext("one more 9c1e") == "one more 9c1e"
            assert "one more 9c1e" not in memo
            assert len(memo) == MEMO_LIMIT
        finally:
            memo.clear()
            memo.update(saved)


CHOICES = [("", "All"), ("requested", "Requested"), ("a&b", "<b>Tom & Jerry</b>")]


def test_the_plain_select_writes_djangos_html():
    for value in ("", "requested", "a&b", "nope", None):
        flags = {"id": "x", "aria-invalid": "true", "disabled": True, "hidden": False}
        for attrs in ({"id": "id_status"}, flags):
            ours = PlainSelect(choices=CHOICES).render("status", value, attrs=attrs)
            django = Select(choices=CHOICES).render("status", value, attrs=attrs)
            assert ours == django
    assert PlainSelect(choices=CHOICES).render("status", "a&b", attrs={"id": "id_status"}) == (
        '<select name="status" id="id_status">\n'
        '  <option value="">All</option>\n\n'
        '  <option value="requested">Requested</option>\n\n'
        '  <option value="a&amp;b" selected>&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</option>\n\n'
        "</select>"
    )


def test_option_groups_are_left_to_djangos_templates():
    grouped = [("Open", [("requested", "Requested")]), ("closed", "Closed")]
    ours = PlainSelect(choices=grouped).render("status", "closed", attrs={"id": "s"})
    assert ours == Select(choices=grouped).render("status", "closed", attrs={"id": "s"})
    assert '<optgroup label="Open">' in ours
