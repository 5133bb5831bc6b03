"""Two languages, the Python side: what our Python code says to a person (flash messages, form
labels, help texts and errors, model and choice names, admin columns, filters and actions,
notifications and their e-mails) is marked for translation, every msgid of ours has Hindi with
its placeholders, and a Hindi user (language saved on the profile) gets Hindi where an English
user gets English: in a flash message, a form, the bell list and the e-mail of a notification."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.i18n_scan import problems_everywhere, problems_in

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"

# --- (a) the static check -----------------------------------------------------------------


def test_the_checker_finds_each_kind_of_unmarked_string():
    source = """
from django.contrib import admin, messages
from django.utils.translation import gettext as _


class Kind(models.TextChoices):
    HOME = "home", "At home"
    ROAD = "road", _("On the road")


class Thing(models.Model):
    name = models.CharField(max_length=9, verbose_name="name", help_text=_("Its name."))

    class Meta:
        verbose_name = "thing"
        verbose_name_plural = _("things")


class ThingForm(forms.Form):
    when = forms.DateField(label="When", help_text="A day.")

    def clean(self):
        raise forms.ValidationError(f"Not {self.x}.")


class ByKind(admin.SimpleListFilter):
    title = "kind"


class ThingAdmin(admin.ModelAdmin):
    fieldsets = (("Who", {"fields": ["name"]}), (None, {"fields": ["kind"]}))

    @admin.display(description="Name")
    def shown(self, thing):
        return format_html('<a href="{}">{}</a>', thing.url, thing)

    @admin.action(description=_("Fine"))
    def act(self, request, queryset):
        self.message_user(request, f"Did {queryset.count()}.")


def view(request):
    messages.success(request, "Saved.")
    messages.error(request, _("Not saved: %(why)s") % {"why": "x"})
    messages.info(request, exc.detail)
    notify(recipient=user, kind="offer", key="k", title=f"Job #{pk}", body=format_lazy(_("{n}"), n=1))
    form.add_error(None, "Too many.")
"""

    assert problems_in(source, "things/admin.py") == [
        "things/admin.py:7: choice label of HOME",
        "things/admin.py:12: verbose_name=literal",
        "things/admin.py:15: verbose_name = literal",
        "things/admin.py:20: label=literal",
        "things/admin.py:20: help_text=literal",
        "things/admin.py:23: ValidationError(literal) on a web form",
        "things/admin.py:27: title = literal",
        "things/admin.py:31: fieldset title literal",
        "things/admin.py:33: @admin.display(description=literal)",
        "things/admin.py:39: message_user(request, literal)",
        "things/admin.py:43: messages.success(request, literal)",
        "things/admin.py:46: notify(title=literal)",
        "things/admin.py:47: form.add_error(field, literal)",
    ]


def test_every_user_facing_python_string_is_marked_for_translation():
    assert problems_everywhere() == []


# --- (b) the catalogue --------------------------------------------------------------------

PERCENT = re.compile(r"%\((\w+)\)[sd]")
BRACES = re.compile(r"\{(\w*)\}")


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    return sorted(PERCENT.findall(text)), sorted(BRACES.findall(text))


def test_every_msgid_of_ours_has_hindi_with_the_same_placeholders():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    missing, fuzzy, placeholders = [], [], []
    for message in catalogue:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        for text in strings:
            if text and _placeholders(text) != _placeholders(ids[-1]):
                placeholders.append((ids[0], text))

    assert len(catalogue) > 700  # the templates' and the Python side's
    assert (missing, fuzzy, placeholders) == ([], [], [])


# --- (c) what a person gets ---------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled():
    subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "--ignore", ".venv", "--ignore", "node_modules"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    translation.trans_real._translations = {}  # reload the freshly compiled catalogue
    translation.trans_real._default = None


def logged_in(user, language):
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def week(**days):
    return {**{f"day_{n}": "" for n in range(7)}, **days, "save_week": "1"}


SAVED = {"hi": "आपके काम के घंटे सहेज लिए गए।", "en-gb": "Your working hours were saved."}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "en-gb"])
def test_a_flash_message_after_saving_the_week_speaks_the_users_language(compiled, professional, language):
    client = logged_in(professional, language)

    response = client.post("/requests/schedule/", week(day_0="09:00-13:00"), follow=True)

    assert [str(message) for message in response.context["messages"]] == [SAVED[language]]
    assert f"<span>{SAVED[language]}</span>" in response.content.decode()


FORM_WORDS = {
    "hi": [
        ">सोमवार</label>",
        "जैसे 09:00-13:00, 14:00-18:00। किसी दिन छुट्टी रखनी हो तो उसे ख़ाली छोड़ें।",
        "समय-सीमाएँ 09:00-13:00 की तरह लिखें, कॉमा से अलग करके (&#x27;9-13&#x27; नहीं)।",
    ],
    "en-gb": [
        ">Monday</label>",
        "For example 09:00-13:00, 14:00-18:00. Leave a day empty to have it off.",
        "Write ranges as 09:00-13:00, separated by commas (not &#x27;9-13&#x27;).",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "en-gb"])
def test_a_web_forms_label_help_and_error_speak_the_users_language(compiled, professional, language):
    client = logged_in(professional, language)

    response = client.post("/requests/schedule/", week(day_0="9-13"))

    assert response.status_code == 200
    page = response.content.decode()
    assert [words for words in FORM_WORDS[language] if words not in page] == []


ACCEPTED = {
    "hi": (
        "आपका अनुरोध #{pk} स्वीकार कर लिया गया है",
        "Deep cleaning के लिए आपका अनुरोध #{pk} Carol Pro ने स्वीकार कर लिया है।",
    ),
    "en-gb": (
        "Your request #{pk} has been accepted",
        "Your request #{pk} for Deep cleaning has been accepted by Carol Pro.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "en-gb"])
def test_a_notification_speaks_the_recipients_language_not_the_actors(
    compiled, customer, professional, mailoutbox, django_capture_on_commit_callbacks, language
):
    from requests_app import services

    service_request = services.service_request_create(
        customer=customer,
        service=service_of(professional),
        description="Clean",
        address="1 Road",
        pin_code="560001",
    )
    customers_browser = logged_in(customer, language)
    professionals_browser = logged_in(professional, "en-gb")  # the actor reads English
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = professionals_browser.post(
            reverse("requests_app:accept", args=[service_request.pk]), follow=True
        )

    assert [str(message) for message in response.context["messages"]] == [
        "You accepted the job. The customer's details are below."
    ]
    title, sentence = (text.format(pk=service_request.pk) for text in ACCEPTED[language])
    bell = customers_browser.get(reverse("accounts:notifications")).content.decode()
    assert title in bell
    [email] = [message for message in mailoutbox if message.to == [customer.email]]
    assert email.subject == title
    assert sentence in email.body


def service_of(professional):
    return professional.professional_profile.service


@pytest.mark.django_db
def test_an_approval_e_mail_speaks_the_professionals_language(
    compiled, pending_professional, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts import services

    pending_professional.language = "hi"
    pending_professional.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        services.professional_approve(professional_id=pending_professional.pk, actor=admin_user)

    [email] = mailoutbox
    assert email.subject == "आपका householdsvc खाता मंज़ूर हो गया है"
    assert "अब आप" in email.body and "के अनुरोध स्वीकार कर सकते हैं।" in email.body


def test_model_choices_and_admin_words_follow_the_active_language(compiled):
    from accounts.models import NotificationKind
    from requests_app.admin_columns import RequestColumnsMixin as RequestColumns

    with translation.override("hi"):
        assert str(NotificationKind.OFFER.label) == "मुझे दिया गया कोई काम"
        assert str(RequestColumns.payment.short_description) == "भुगतान"
    with translation.override("en-gb"):
        assert str(NotificationKind.OFFER.label) == "A job offered to me"
        assert str(RequestColumns.payment.short_description) == "payment"
