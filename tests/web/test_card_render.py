"""The list cards, rendered in Python (requests_app.templatetags.request_cards), show what the
template showed: the service, the status label, the pin code, the dates in the user's language
and time zone, the address clipped, the professional on the customer's list only."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone, translation
from lucide.templatetags.lucide import lucide as package_lucide

from householdsvc.core.icons import lucide
from requests_app.models import Status
from requests_app.templatetags.request_cards import Card

pytestmark = pytest.mark.django_db

CARDS = engines["django"].from_string(
    "{% load request_cards %}{% request_cards rows show_where=where show_professional=who %}"
)


@pytest.fixture
def card(professional):
    moment = datetime.datetime(2026, 12, 1, 20, 5, tzinfo=datetime.UTC)  # 2 Dec, 01:35 in Kolkata
    # The values a list's query reads (requests_app.views.common.page), written out.
    return Card(
        id=4711,
        status=Status.ASSIGNED,
        pin_code="560001",
        scheduled_for=moment,
        created_at=moment,
        address="12 MG Road, " + "Indiranagar " * 10,
        description="Deep clean of a kitchen & two bathrooms <please>",
        service_name="Deep cleaning",
        professional_name=professional.full_name,
    )


def _render(rows, *, where=True, who=True, language="en-gb"):
    with translation.override(language), timezone.override("Asia/Kolkata"):
        return CARDS.render({"rows": rows, "where": where, "who": who})


def test_a_card_shows_the_request(card, professional):
    html = _render([card])

    assert '<a class="req" href="/requests/4711/">' in html
    assert "<strong>#4711 · Deep cleaning</strong>" in html
    assert '<span class="badge status-assigned">Assigned</span>' in html
    assert "Pin code 560001 · Preferred 2 Dec 2026, 01:35 · Booked 2 Dec 2026" in html
    assert "<br>12 MG Road, Indiranagar Indiranagar Indiranagar Indiranagar Indiranagar Indiran…" in html
    assert f"<br>Professional: {professional.full_name}" in html
    assert "<div>Deep clean of a kitchen &amp; two bathrooms &lt;please&gt;</div>" in html


def test_names_and_labels_are_escaped(card):
    html = _render([card._replace(service_name="Pipes & <drains>", professional_name="O'Neil <b>")])

    assert "<strong>#4711 · Pipes &amp; &lt;drains&gt;</strong>" in html
    assert "<br>Professional: O&#x27;Neil &lt;b&gt;" in html


def test_offers_show_neither_the_address_nor_the_professional(card, professional):
    html = _render([card], where=False, who=False)

    assert "MG Road" not in html
    assert "Professional:" not in html


def test_a_card_in_hindi(card):
    html = _render([card], language="hi")

    assert "बुक किया 2 दिस् 2026" in html


def test_no_rows_no_cards():
    assert _render([]) == ""


def test_a_memoised_icon_is_the_packages():
    assert lucide("bell", size=18, aria_hidden="true") == package_lucide("bell", size=18, aria_hidden="true")
    assert lucide("wrench", size=20) == package_lucide("wrench", size=20)
