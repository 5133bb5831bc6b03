"""``{% cancellation_terms request as terms %}``: the cancellation policy's terms for the
request page, so the customer sees the fee before confirming."""

from django import template

from requests_app.schedule.cancellation import terms_for

register = template.Library()


@register.simple_tag
def cancellation_terms(service_request):
    return terms_for(service_request)
