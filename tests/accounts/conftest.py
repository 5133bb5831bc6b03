from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.factories import PDF_BYTES, PNG_BYTES

# The first bytes of a JPEG (SOI + JFIF APP0), enough for `filetype` to recognise it.
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
)
# A Windows executable's header: what a ".exe renamed .pdf" really is.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


@pytest.fixture
def pdf_upload():
    return SimpleUploadedFile("licence.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def png_upload():
    return SimpleUploadedFile("id-card.png", PNG_BYTES, content_type="image/png")


@pytest.fixture
def jpeg_upload():
    return SimpleUploadedFile("id-card.jpg", JPEG_BYTES, content_type="image/jpeg")


@pytest.fixture
def exe_renamed_pdf():
    return SimpleUploadedFile("licence.pdf", EXE_BYTES, content_type="application/pdf")


@pytest.fixture
def private_files(settings):
    """``private_files()``: the files this test added under the private storage root, as
    paths relative to it (the root lives for the whole run, so earlier tests' files are left out)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)

    def everything():
        return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}

    before = everything()
    return lambda: sorted(everything() - before)


@pytest.fixture
def on_commit_per_request(django_capture_on_commit_callbacks, monkeypatch):
    """The test runs in one transaction, so nothing commits: run each request's on-commit
    callbacks (the e-mails) as it ends, as a real commit would."""
    original = Client.request

    def request(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)
