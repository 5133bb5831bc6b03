"""A Content-Security-Policy on every page: scripts only from the site or with the response's
nonce, so markup someone slips into a page cannot run."""

import re

import pytest
from django.urls import reverse

from exports.models import ExportJob

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    # The Pay form posts to the site, which may redirect to Stripe Checkout (issue 10).
    "form-action": "'self' https://checkout.stripe.com",
    "frame-ancestors": "'none'",
}


def policy(response):
    """(the directives with the nonce taken out, the nonce or None). django-csp adds the nonce
    only to a response whose page used it."""
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    match = re.search(r" 'nonce-([^']+)'", directives["script-src"])
    if match:
        directives["script-src"] = directives["script-src"].replace(match.group(0), "")
    return directives, match.group(1) if match else None


def inline_scripts_without(nonce, html):
    """Inline <script> tags (no src) that do not carry ``nonce``."""
    tags = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    return [tag for tag in tags if f'nonce="{nonce}"' not in tag]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/services/", "/api/docs/"])
def test_every_page_sends_the_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    directives, nonce = policy(response)
    assert directives == POLICY
    assert inline_scripts_without(nonce, response.content.decode()) == []


def test_the_booking_form_s_inline_script_carries_the_nonce(client, customer):
    client.force_login(customer)

    response = client.get(reverse("requests_app:new"))

    directives, nonce = policy(response)
    assert directives == POLICY
    assert nonce is not None
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert inline_scripts_without(nonce, html) == []


def test_the_export_admin_page_s_polling_script_carries_the_nonce(client, admin_user):
    client.force_login(admin_user)
    job = ExportJob.objects.create(requested_by=admin_user, kind="service_requests", filters={})

    response = client.get(reverse("admin:exports_exportjob_change", args=[job.pk]))

    _, nonce = policy(response)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert inline_scripts_without(nonce, response.content.decode()) == []


def test_each_response_has_a_fresh_nonce(client, customer):
    client.force_login(customer)
    first, second = (policy(client.get(reverse("requests_app:new")))[1] for _ in range(2))
    assert first != second
