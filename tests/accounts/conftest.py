import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.accounts.factories import PDF_BYTES, PNG_BYTES


# A real 2 x 2 JPEG, made with Pillow (documents are parsed at upload: accounts.documents).
def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, "JPEG", quality=50)
    return buffer.getvalue()


JPEG_BYTES = _jpeg()
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
