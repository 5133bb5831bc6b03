"""Logging pieces: credentials never reach a log line."""

import logging
import re

# ?token=<JWT> (a WebSocket URL from an older app) and ?ticket=<one-time ticket>.
_SECRET_IN_URL = re.compile(r"\b(token|ticket|access|refresh)=[^&\s\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_IN_URL.sub(r"\1=[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message with any ``token=``/``ticket=`` value replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_redaction(*names: str) -> None:
    """On uvicorn's loggers, which it configures before Django's LOGGING runs (and which a
    dictConfig of them would strip of their handlers)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())
