"""``{% load lucide %}`` with each icon rendered once per process.

The ``lucide`` package's tag deep-copies the icon's SVG tree and serialises it with ElementTree
on every use: a page's header shows eight or more, about a tenth of a list page's render. The
markup depends only on the tag's arguments, so it is memoised here; the settings register this
module under the library name ``lucide`` (TEMPLATES ``libraries``), so templates do not change.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from lucide.templatetags.lucide import lucide as lucide_icon

register = template.Library()


@lru_cache(maxsize=512)
def _icon(name: str, size: int | None, options: tuple[tuple[str, str], ...]) -> str:
    return str(lucide_icon(name, size=size, **dict(options)))


@register.simple_tag(name="lucide")
def lucide(name: str, *, size: int | None = 24, **kwargs: object) -> str:
    # Values as plain strings (the package does the same with the SafeStrings of the parser).
    options = tuple(sorted((key, str(value)) for key, value in kwargs.items()))
    return mark_safe(_icon(str(name), size, options))
