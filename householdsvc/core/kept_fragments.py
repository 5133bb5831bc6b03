"""``{% kept %}…{% endkept %}``: a piece of a template rendered once per language and kept.

Every page renders the same head links, skip link, brand and footer line: a dozen ``translate``,
``url``, ``static`` and icon tags that cost a few hundredths of a millisecond each and give the
same markup on every page in one language. What ``kept`` holds is rendered the first time in a
language (and URL prefix, and autoescape mode) and its markup reused after that.

So that nothing a visitor owns can be kept, the tag accepts only what depends on nothing but
the language and the settings, and says so when the template is parsed: text, ``translate``
with a literal, ``url`` and ``static`` with literal arguments (no ``as``), and the tags listed
in ``PURE_TAGS`` (the memoised icons) with literal arguments. A variable, a block, an ``if``, an
``include`` or any other tag inside is a ``TemplateSyntaxError``.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, TextNode
from django.template.defaulttags import URLNode
from django.template.library import SimpleNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils.translation import get_language

from householdsvc.core.icons import lucide

register = template.Library()

# Simple tags whose output depends on their literal arguments alone.
PURE_TAGS = frozenset({lucide})


def _literal(expression) -> bool:
    if expression is None:
        return True
    if not isinstance(expression, FilterExpression) or expression.filters:
        return False
    if isinstance(expression.var, str):  # a quoted string
        return True
    return getattr(expression.var, "literal", None) is not None  # a number


def _keepable(node) -> bool:
    if type(node) is TextNode:
        return True
    if type(node) is TranslateNode:
        return node.asvar is None and _literal(node.filter_expression) and _literal(node.message_context)
    if type(node) is URLNode:
        return (
            node.asvar is None
            and _literal(node.view_name)
            and all(map(_literal, node.args))
            and all(map(_literal, node.kwargs.values()))
        )
    if type(node) is StaticNode:
        return node.varname is None and _literal(node.path)
    if type(node) is SimpleNode:
        return (
            node.func in PURE_TAGS
            and not node.takes_context
            and node.target_var is None
            and all(map(_literal, node.args))
            and all(map(_literal, node.kwargs.values()))
        )
    return False


class KeptNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.kept: dict[tuple, str] = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), context.autoescape)
        markup = self.kept.get(key)
        if markup is None:  # NodeList.render's SafeString, as the tags escaped it
            markup = self.kept[key] = self.nodelist.render(context)
        return markup


@register.tag
def kept(parser, token):
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    for node in nodelist:
        if not _keepable(node):
            raise template.TemplateSyntaxError(
                f"{{% kept %}} holds only text and literal translate, url, static and icon tags, not {node!r}"
            )
    return KeptNode(nodelist)
