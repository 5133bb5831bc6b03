"""Prices show in the platform's one currency wherever a person reads them."""

from decimal import Decimal

import pytest

from catalog.templatetags.money import money


def test_a_price_shows_with_the_rupee_sign_and_thousands_separators(settings):
    settings.CURRENCY = "INR"

    assert money(Decimal("2499")) == "₹2,499.00"
    assert money(Decimal("0.5")) == "₹0.50"


def test_a_currency_without_a_sign_in_india_shows_its_code(settings):
    settings.CURRENCY = "CHF"

    assert money(Decimal("1250.5")) == "CHF1,250.50"  # Babel's (CLDR's) en_IN pattern


def test_rupees_group_in_lakhs_and_crores(settings):
    settings.CURRENCY = "INR"

    assert money(Decimal("100000")) == "₹1,00,000.00"
    assert money(Decimal("12345678.9")) == "₹1,23,45,678.90"


@pytest.mark.parametrize("empty", [None, "", "not a number"])
def test_a_missing_or_broken_amount_shows_nothing(empty):
    assert money(empty) == ""


@pytest.mark.django_db
def test_the_catalogue_page_shows_prices_in_the_configured_currency(client, service, settings):
    settings.CURRENCY = "USD"

    page = client.get("/services/").content.decode()

    assert "$40.00" in page
