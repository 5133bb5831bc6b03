"""The scalable changelist builds each row's checkbox and change link without a form widget
render or a URL lookup per row: the HTML must stay exactly Django's."""

import pytest
from django import forms
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils.html import format_html

from tests.requests_app.factories import ServiceRequestFactory

CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")


def djangos_checkbox(obj) -> str:
    """What ModelAdmin.action_checkbox renders (Django 5.2), through the widget."""
    attrs = {
        "class": "action-select",
        "aria-label": format_html("Select this object for an action - {}", str(obj)),
    }
    return forms.CheckboxInput(attrs, lambda value: False).render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))


@pytest.mark.django_db
def test_rows_carry_djangos_checkbox_and_change_link(admin_browser, customer, service):
    first = ServiceRequestFactory(customer=customer, service=service, description='A <b>"quoted"</b> one')
    second = ServiceRequestFactory(customer=customer, service=service)

    html = admin_browser.get(CHANGELIST).content.decode()

    for service_request in (first, second):
        assert djangos_checkbox(service_request) in html
        link = reverse("admin:requests_app_servicerequest_change", args=[service_request.pk])
        assert f'<a href="{link}">{service_request.pk}</a>' in html
