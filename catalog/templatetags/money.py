"""``{{ amount|money }}``: a price in the platform's one currency (settings.CURRENCY), with its
symbol and thousands separators, the same on every page and e-mail."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

register = template.Library()

SYMBOLS = {"INR": "₹", "USD": "$", "GBP": "£", "EUR": "€"}


@register.filter
def money(amount) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    currency = settings.CURRENCY
    symbol = SYMBOLS.get(currency)
    figures = f"{value:,.2f}"
    return f"{symbol}{figures}" if symbol else f"{figures} {currency}"
