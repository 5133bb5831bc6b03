"""``{% kept %}``: a piece rendered once per language and reused, the very markup its tags make,
in the language of each visit; anything that could hold a visitor's own values is refused when
the template is parsed."""

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory
from django.utils import translation

PIECE = (
    '<a href="{% url \'home\' %}">{% translate "Skip to content" %}</a>'
    '<link href="{% static \'site/site.css\' %}">{% lucide "wrench" size=20 %}'
)


def render(source: str, context=None) -> str:
    template = engines["django"].from_string("{% load i18n static lucide kept %}" + source)
    return template.render(context or {}, RequestFactory().get("/"))


def test_it_gives_the_markup_of_its_tags_in_each_language():
    template = engines["django"].from_string(
        "{% load i18n static lucide kept %}{% kept %}" + PIECE + "{% endkept %}"
    )
    for language in ("en", "hi", "en", "hi"):
        with translation.override(language):
            assert template.render({}) == render(PIECE)
    with translation.override("hi"):
        hindi = template.render({})
    with translation.override("en"):
        english = template.render({})
    assert english.startswith('<a href="/">Skip to content</a><link href="/static/site/site.css')
    assert "Skip to content" not in hindi and hindi.startswith('<a href="/">')


def test_the_markup_is_kept_after_the_first_render():
    template = engines["django"].from_string(
        "{% load i18n kept %}{% kept %}{% translate 'Main' %}{% endkept %}"
    )
    with translation.override("en"):
        assert template.render({}) == "Main"
        (node,) = [node for node in template.template.nodelist if hasattr(node, "kept")]
        node.kept[("en", "/", True)] = "kept markup"
        assert template.render({}) == "kept markup"


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user.email }}",
        "{% if user %}x{% endif %}",
        "{% block nav %}{% endblock %}",
        '{% include "site/_confirm_dialog.html" %}',
        "{% translate greeting %}",
        '{% translate "Main" as main %}',
        "{% url view_name %}",
        "{% url 'requests_app:detail' pk %}",
        "{% static path %}",
        "{% lucide name size=20 %}",
        "{% csrf_token %}",
        '{% translate "Main"|upper %}',
    ],
)
def test_what_could_hold_a_visitors_values_is_refused(inside):
    with pytest.raises(TemplateSyntaxError, match="kept"):
        render("{% kept %}" + inside + "{% endkept %}")
