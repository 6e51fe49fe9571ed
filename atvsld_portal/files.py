"""The one private-file helper: checks, storage under random names, and serving.

Uploads (scans of signed forms, certificates, photos) go to the private storage configured in
``STORAGES["default"]`` (never under static files or a public media URL). There is no generic
file URL: each app serves its files from its own object views, after its own access check, by
calling :func:`private_file_response`.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
JPEG = FileKind("jpg", "image/jpeg")
PNG = FileKind("png", "image/png")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ALLOWED_KINDS = (PDF, JPEG, PNG, XLSX, DOCX)
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def sniff_kind(head: bytes, names_in_zip: list[str] | None = None) -> FileKind | None:
    """Identify a file from its first bytes (and, for Office files, the zip's member names)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and names_in_zip is not None:
        if any(name.startswith("xl/") for name in names_in_zip):
            return XLSX
        if any(name.startswith("word/") for name in names_in_zip):
            return DOCX
    return None


def is_heic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS


def validate_private_upload(upload: UploadedFile) -> FileKind:
    """Check size and real content; return the detected kind or raise ValidationError."""
    if upload.size > settings.PRIVATE_FILE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": settings.PRIVATE_FILE_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if is_heic(head):
        raise ValidationError(
            _("HEIC photos are not accepted. Please save the photo as JPEG and upload it again."),
            code="heic",
        )
    names = None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = None
        upload.seek(0)
    kind = sniff_kind(head, names)
    if kind is None:
        raise ValidationError(
            _("Only PDF, JPEG, PNG, Excel (.xlsx) and Word (.docx) files are accepted."),
            code="file_type",
        )
    return kind


def validate_private_file(value: FieldFile | UploadedFile) -> None:
    """Model/form field validator wrapping :func:`validate_private_upload`.

    A form field passes the upload itself; a model's full_clean passes a FieldFile whose file
    is the new upload (an already stored file is not checked again).
    """
    if isinstance(value, UploadedFile):
        validate_private_upload(value)
        return
    file = getattr(value, "file", None)
    if isinstance(file, UploadedFile):
        validate_private_upload(file)


@deconstructible
class PrivateUploadTo:
    """``upload_to`` callable: a folder per model and a random, unguessable file name."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:10]
        return f"{self.folder}/{secrets.token_urlsafe(24)}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def private_file_response(
    fieldfile: FieldFile, *, filename: str, inline: bool = False
) -> FileResponse:
    """Stream a private file to a user the caller has already authorised."""
    fieldfile.open("rb")
    response = FileResponse(fieldfile, as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
