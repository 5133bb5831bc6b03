"""A document is parsed before it is stored (pypdf for a PDF, Pillow for an image): one that
starts right but does not open is refused, however convincing its first bytes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.documents import DocumentRejected, check_document
from tests.accounts.conftest import JPEG_BYTES
from tests.accounts.factories import PDF_BYTES, PNG_BYTES

REFUSED = "The document could not be opened: it is damaged, or not the kind of file it claims to be."


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.pdf", PDF_BYTES[: len(PDF_BYTES) // 2]),
        ("page.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n"),
        ("truncated.png", PNG_BYTES[:40]),
        ("truncated.jpg", JPEG_BYTES[: len(JPEG_BYTES) // 2]),
    ],
)
def test_a_document_that_does_not_open_is_refused(name, content):
    with pytest.raises(DocumentRejected) as refused:
        check_document(upload(name, content))

    assert str(refused.value) == REFUSED


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.pdf", PDF_BYTES, "application/pdf"),
        ("id.png", PNG_BYTES, "image/png"),
        ("id.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_a_real_document_is_accepted(name, content, content_type):
    assert check_document(upload(name, content)).content_type == content_type


def test_the_file_can_be_read_again_after_the_check():
    document = upload("licence.pdf", PDF_BYTES)

    check_document(document)

    assert document.read() == PDF_BYTES


def test_a_decompression_bomb_is_refused():
    # 20,000 x 20,000 pixels of one colour: a few hundred kB as PNG, 1.6 GB once decoded.
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")

    with pytest.raises(DocumentRejected):
        check_document(upload("bomb.png", buffer.getvalue()))
