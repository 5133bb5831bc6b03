"""``{{ amount|money }}``: a price in the platform's one currency (settings.CURRENCY), with its
symbol, the same on every page and e-mail. Formatted by Babel in the active language's Indian
locale (en_IN, hi_IN), so rupees group as ₹1,00,000.00 (lakhs), in English and Hindi alike."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils import translation

register = template.Library()

# The active language's Babel locale; any other language falls back to Indian English.
LOCALES = {"hi": "hi_IN"}
DEFAULT_LOCALE = "en_IN"


@register.filter
def money(amount) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    language = (translation.get_language() or "").split("-")[0]
    return format_currency(value, settings.CURRENCY, locale=LOCALES.get(language, DEFAULT_LOCALE))
