"""The private-file helper: content checks, random names, served only through object views."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from atvsld_portal.files import PrivateUploadTo, private_file_response, validate_private_upload


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("scan.pdf", b"%PDF-1.7\n...", "pdf"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpg"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
    ],
)
def test_accepted_kinds_are_detected_by_content(name, content, extension):
    assert validate_private_upload(SimpleUploadedFile(name, content)).extension == extension


def test_office_files_are_told_apart():
    assert (
        validate_private_upload(SimpleUploadedFile("bang.xlsx", _xlsx_bytes())).extension == "xlsx"
    )
    assert (
        validate_private_upload(SimpleUploadedFile("van-ban.docx", _docx_bytes())).extension
        == "docx"
    )


def test_a_renamed_executable_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_private_upload(SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"))
    assert excinfo.value.code == "file_type"


def test_heic_is_refused_with_a_request_for_jpeg():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    with pytest.raises(ValidationError) as excinfo:
        validate_private_upload(SimpleUploadedFile("IMG_0001.HEIC", heic))
    assert excinfo.value.code == "heic"
    assert "JPEG" in str(excinfo.value.messages[0])


@override_settings(PRIVATE_FILE_MAX_BYTES=1024)
def test_files_over_the_limit_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_private_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert excinfo.value.code == "too_large"


def test_stored_names_are_random_and_keep_the_extension():
    upload_to = PrivateUploadTo("scans")
    first, second = upload_to(None, "Biên bản.PDF"), upload_to(None, "Biên bản.PDF")
    assert first != second
    assert first.startswith("scans/")
    assert first.endswith(".pdf")
    assert "Biên" not in first


def test_private_storage_has_no_public_url(settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert "static" not in str(settings.PRIVATE_MEDIA_ROOT)


def test_private_file_response_is_an_uncached_attachment():
    name = default_storage.save("tests/sample.pdf", ContentFile(b"%PDF-1.7 test"))
    response = private_file_response(default_storage.open(name), filename="biên bản.pdf")
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
