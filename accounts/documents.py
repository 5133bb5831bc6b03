"""Checks on a professional's verification document before it is stored.

The type is decided by the file's content (its magic bytes), never by its name or the
browser's Content-Type: an ``.exe`` renamed ``licence.pdf`` is refused, and a real PDF named
``scan.png`` is stored as ``.pdf``.
"""

from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse
from django.utils.text import get_valid_filename

# What admins can open in a browser to check an identity or a licence.
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
# `filetype` needs at most this many leading bytes to recognise any type it knows.
_SNIFF_BYTES = 261


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    filename: str


class DocumentRejected(Exception):
    """The upload is not an acceptable document; the message says why, for the user."""


def check_document(document) -> CheckedDocument:
    """Recognise ``document`` (an uploaded or in-memory file) as a PDF, JPEG or PNG of at most
    ``settings.DOCUMENT_MAX_BYTES``, and choose the name it is stored under."""
    if document is None:
        raise DocumentRejected("A verification document is required.")
    size = getattr(document, "size", None)
    if not size:
        raise DocumentRejected("The document is empty.")
    max_bytes = settings.DOCUMENT_MAX_BYTES
    if size > max_bytes:
        raise DocumentRejected(f"The document is larger than {max_bytes // (1024 * 1024)} MB.")

    document.seek(0)
    head = document.read(_SNIFF_BYTES)
    document.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_DOCUMENT_TYPES:
        raise DocumentRejected("The document must be a PDF, JPEG or PNG file.")

    extension = ALLOWED_DOCUMENT_TYPES[kind.mime]
    return CheckedDocument(content_type=kind.mime, filename=f"{_safe_stem(document)}.{extension}")


def _safe_stem(document) -> str:
    try:
        return get_valid_filename(Path(getattr(document, "name", "") or "").stem)[:80]
    except SuspiciousFileOperation:  # a name made only of dots or punctuation
        return "document"


def document_response(profile) -> FileResponse:
    """The private document as a download, typed as it was recognised at upload."""
    name = profile.document.name.rsplit("/", 1)[-1]
    response = FileResponse(
        profile.document.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=profile.document_content_type or "application/octet-stream",
    )
    # Never kept by a shared cache: it is someone's identity document.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
