"""Checks on a professional's verification document before it is stored.

The type is decided by the file's content (its magic bytes), never by its name or the
browser's Content-Type: an ``.exe`` renamed ``licence.pdf`` is refused, and a real PDF named
``scan.png`` is stored as ``.pdf``. Then the file is opened as that type (pypdf reads a PDF's
structure and pages, Pillow verifies and decodes an image), so a truncated scan or ``%PDF-``
followed by a web page is refused too, before an admin's browser ever opens it.
"""

from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse
from django.utils.text import get_valid_filename
from PIL import Image
from pypdf import PdfReader

# What admins can open in a browser to check an identity or a licence.
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
# Decoding an image of more pixels than this is refused (a "decompression bomb"): a scan of
# an A4 page at 600 dpi has about 35 million.
MAX_IMAGE_PIXELS = 50_000_000
UNREADABLE = "The document could not be opened: it is damaged, or not the kind of file it claims to be."
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

    _check_opens(document, kind.mime)
    extension = ALLOWED_DOCUMENT_TYPES[kind.mime]
    return CheckedDocument(content_type=kind.mime, filename=f"{_safe_stem(document)}.{extension}")


def _check_opens(document, content_type: str) -> None:
    try:
        if content_type == "application/pdf":
            # strict: no guessing at a missing cross-reference table or end-of-file marker.
            reader = PdfReader(document, strict=True)
            if len(reader.pages) == 0:
                raise DocumentRejected(UNREADABLE)
            for page in reader.pages:
                page.get_contents()
        else:
            with Image.open(document) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise DocumentRejected(UNREADABLE)
                image.verify()  # the structure and checksums
            document.seek(0)
            with Image.open(document) as image:
                image.load()  # every pixel: a truncated file fails here
    except DocumentRejected:
        raise
    except Exception as exc:  # pypdf's and Pillow's errors are many and not one hierarchy
        raise DocumentRejected(UNREADABLE) from exc
    finally:
        document.seek(0)


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
