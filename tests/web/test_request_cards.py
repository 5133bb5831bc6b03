"""The list pages' cards: ``clip`` is Django's ``truncatechars`` exactly, and each card links to
its request's page (built from the list's URL, one reverse per page)."""

import pytest
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from requests_app.templatetags.request_cards import clip

TEXTS = ["", "short", "x" * 80, "x" * 81, "A kitchen tap that drips " * 8, "Café crème " * 12, "e\u0301" * 90]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length", [1, 2, 80, 120])
def test_clip_is_truncatechars(text, length):
    assert clip(text, length) == truncatechars(text, length)


def test_clip_of_a_long_ascii_text_ends_in_an_ellipsis():
    assert clip("abcdefghij", 5) == "abcd…"


@pytest.mark.django_db
def test_each_card_links_to_its_request(web_client, customer, make_request):
    first, second = make_request(), make_request()

    body = web_client(customer).get(reverse("requests_app:list")).content.decode()

    for service_request in (first, second):
        assert f'href="{reverse("requests_app:detail", args=[service_request.pk])}"' in body
