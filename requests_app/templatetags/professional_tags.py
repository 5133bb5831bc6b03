"""``{% load professional_tags %}{% jobs_done professional_id %}``: requests_app's part of the
public professional profile (accounts' page cannot import requests_app)."""

from django import template

from requests_app.selectors import jobs_done_count

register = template.Library()


@register.simple_tag
def jobs_done(professional_id) -> int:
    return jobs_done_count(professional_id=professional_id)
