"""Two languages: every visible string of templates/ is marked for translation, the catalogues
compile, and a Hindi user sees Hindi pages, money with Indian digit grouping and Hindi dates."""

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.base import DebugLexer, TokenType
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"

# Text a translator has nothing to do with: symbols, numbers, separators, HTML entities.
NOT_WORDS = re.compile(r"&[a-z]+;|&#\d+;|[^A-Za-z]")
HIDDEN = "\x01"  # what a template tag, a variable or a tag's markup is masked with
TAG = re.compile(r"<[^>]*>", re.S)
RAW_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
# Attributes whose values a person reads (or hears from a screen reader).
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|alt|aria-label|data-confirm[a-z-]*)="([^"]*)"')
# Paths and links are not words.
URL = re.compile(r"(?:https?://|/)[\w/.:-]*")
# Words that read the same in both languages: the brand.
SAME_IN_EVERY_LANGUAGE = {"householdsvc"}
NOT_SHOWN_BLOCKS = (["block", "bodyclass"], ["block", "lang"])
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def visible_text(source: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` of each stretch of visible text of a template that is not inside a
    translate tag: ``"text"`` between tags, ``"attribute"`` a value a person reads."""
    masked = list(source)
    skipping = None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        if token.token_type == TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            if skipping is None and name in SKIPPED_BLOCKS:
                skipping = SKIPPED_BLOCKS[name]
            elif skipping is None and token.contents.split()[:2] in NOT_SHOWN_BLOCKS:
                skipping = "endblock"  # CSS class names or a language code, not words
            elif name == skipping:
                skipping = None
        if token.token_type != TokenType.TEXT or skipping or token.token_type == TokenType.COMMENT:
            masked[start:end] = HIDDEN * (end - start)
    page = "".join(masked)
    page = RAW_BLOCKS.sub(lambda m: HIDDEN * len(m.group(0)), page)
    found = []
    for tag in TAG.finditer(page):
        for value in VISIBLE_ATTRIBUTES.finditer(tag.group(0)):
            text = value.group(1)
            if NOT_WORDS.sub("", text.replace(HIDDEN, "")):
                found.append(("attribute", tag.start() + value.start(1), tag.start() + value.end(1)))
    page = TAG.sub(lambda m: HIDDEN * len(m.group(0)), page)
    for stretch in re.finditer(r"[^\x01]+", page):
        words = stretch.group(0)
        if NOT_WORDS.sub("", URL.sub("", words)) and words.strip() not in SAME_IN_EVERY_LANGUAGE:
            lead = len(words) - len(words.lstrip())
            found.append(("text", stretch.start() + lead, stretch.start() + len(words.rstrip())))
    return sorted(found, key=lambda item: item[1])


def untranslated(source: str) -> list[str]:
    """Visible text in a template outside {% translate %}/{% blocktranslate %} and comments."""
    return [" ".join(source[start:end].split()) for _kind, start, end in visible_text(source)]


def test_the_checker_finds_text_outside_translate_tags():
    source = (
        '{% load i18n %}<p title="Hello there">{% translate "Fine" %}</p> Stray words'
        "{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %}{% comment %}not shown{% endcomment %}"
        "<script>var notText = 1;</script> {{ value }} · 42 &rarr;"
    )

    assert untranslated(source) == ["Hello there", "Stray words"]


def test_every_template_string_is_marked_for_translation():
    problems = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            found = untranslated(path.read_text(encoding="utf-8"))
            if found:
                problems[str(path.relative_to(ROOT))] = found

    assert problems == {}


def test_the_catalogues_compile():
    result = subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "--ignore", ".venv", "--ignore", "node_modules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert (ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.mo").exists()


@pytest.fixture
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


def test_money_has_indian_digit_grouping_in_both_languages(compiled):
    from catalog.templatetags.money import money

    for language in ("en-gb", "hi"):
        with translation.override(language):
            assert money(Decimal("100000.5")) == "₹1,00,000.50"
            assert money(Decimal("40")) == "₹40.00"
    assert money(None) == ""


@pytest.mark.django_db
def test_a_hindi_user_sees_hindi_pages_dates_and_emails(compiled, client, customer, service, mailoutbox):
    from django.urls import reverse

    from requests_app import services

    customer.language = "hi"
    customer.save(update_fields=["language"])
    client.force_login(customer)

    body = client.get(reverse("requests_app:new") + f"?service={service.pk}").content.decode()

    assert '<html lang="hi">' in body
    assert "नया अनुरोध" in body  # "New request"
    assert "अनुरोध भेजें" in body  # "Send request"
    assert "₹40.00" in body
    assert "1 घंटा" in body  # the service's time, in the singular
    service_request = services.service_request_create(
        customer=customer, service=service, description="Clean", address="1 Road", pin_code="560001"
    )
    page = client.get(reverse("requests_app:detail", args=[service_request.pk])).content.decode()
    with translation.override("hi"):
        from django.utils.formats import date_format

        month = date_format(service_request.created_at, "M")
    assert month in page and month not in (
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    )


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_on_the_profile(client, customer):
    from django.urls import reverse

    client.force_login(customer)

    response = client.post(reverse("accounts:set_language"), {"language": "hi", "next": "/services/"})

    assert response.status_code == 302 and response["Location"] == "/services/"
    customer.refresh_from_db()
    assert customer.language == "hi"
    assert client.get("/services/").headers["Content-Language"] == "hi"


@pytest.mark.django_db
def test_the_shared_copy_of_a_public_page_is_kept_per_language(compiled, client, service):
    english = client.get("/").content.decode()

    hindi = client.get("/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()

    assert "Help at home and on the road" in english
    assert "घर पर और सड़क पर मदद" in hindi
    assert "csrfmiddlewaretoken" not in english  # the visitor's switcher needs none
