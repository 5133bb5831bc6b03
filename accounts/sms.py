"""Sending a text message, through the backend ``SMS_URL`` names.

- ``console://`` (the default): the message is logged and printed, nothing leaves the machine;
- ``twilio://ACCOUNT_SID:AUTH_TOKEN@FROM_NUMBER``: Twilio's official client sends it. The
  query ``?api_base=http://127.0.0.1:PORT`` sends Twilio's HTTP calls to a stand-in server
  instead of api.twilio.com (the tests do; nothing else should).
"""

from __future__ import annotations

import logging
import sys
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsNotConfigured(Exception):
    pass


def send_sms(*, to: str, body: str) -> str:
    """Send ``body`` to the number ``to``; returns the backend's message id. Raises on failure
    (the delivery task retries)."""
    url = urlsplit(settings.SMS_URL or "console://")
    if url.scheme == "console":
        sys.stdout.write(f"SMS to {to}: {body}\n")
        logger.info("SMS to %s: %s", to, body)
        return "console"
    if url.scheme == "twilio":
        return _twilio(url, to=to, body=body)
    raise SmsNotConfigured(f"Unknown SMS_URL scheme {url.scheme!r}.")


def _twilio(url, *, to: str, body: str) -> str:
    from twilio.rest import Client

    account_sid, auth_token = unquote(url.username or ""), unquote(url.password or "")
    from_number = unquote((url.hostname and url.netloc.rsplit("@", 1)[-1]) or "")
    if not (account_sid and auth_token and from_number):
        raise SmsNotConfigured("SMS_URL must be twilio://ACCOUNT_SID:AUTH_TOKEN@FROM_NUMBER.")
    client = Client(account_sid, auth_token)
    api_base = parse_qs(url.query).get("api_base")
    if api_base:
        client.api.base_url = api_base[0]
    message = client.messages.create(to=to, from_=from_number, body=body)
    return message.sid
