"""The e-mails about a request, rendered from ``templates/emails/requests_app`` (a text and an
HTML part). They are sent as the e-mail channel of a notification
(``requests_app.notifications``), so the recipient's preferences, the once-only record and the
retries apply to them."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE_DIR = "emails/requests_app"


def render(template: str, recipient, service_request, **context) -> tuple[str, str]:
    """(text, html) of one e-mail about the request to the recipient, in the recipient's own
    language (their profile's), whoever's request sent it."""
    context = {"service_request": service_request, "recipient": recipient, **context}
    with translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE):
        text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context)
        html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", context)
    return text, html
