"""Uploaded files: stored under generated names, checked by type and size."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


@deconstructible
class GeneratedName:
    """`upload_to` that keeps only the extension of what the user uploaded."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder


@deconstructible
class MaxSizeValidator:
    def __init__(self, megabytes: int) -> None:
        self.megabytes = megabytes

    def __call__(self, file) -> None:
        if file.size > self.megabytes * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(file.size / 1024 / 1024, 1), "limit": self.megabytes},
                code="file_too_large",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxSizeValidator) and other.megabytes == self.megabytes


# What a file of each accepted extension starts with: a name ending in .pdf is not
# enough to make a file a PDF.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # OLE compound file
    "docx": (b"PK\x03\x04",),  # a ZIP container, as every Office Open XML file
    "xlsx": (b"PK\x03\x04",),
}


@deconstructible
class ContentMatchesExtension:
    """Refuses a file whose first bytes are not those of its extension's format."""

    def __call__(self, file) -> None:
        extension = PurePath(file.name).suffix.lower().lstrip(".")
        if extension not in SIGNATURES:
            return  # left to the extension check (CSV has no signature)
        file.seek(0)
        head = file.read(8)
        file.seek(0)
        if not head.startswith(SIGNATURES[extension]):
            raise ValidationError(
                _("The file's content is not a %(kind)s file: check that it is the right file.")
                % {"kind": extension.upper()},
                code="content_mismatch",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ContentMatchesExtension)


def upload_validators(extensions: list[str], megabytes: int) -> list:
    """The checks of every upload field: its extension, its content, its size."""
    return [
        FileExtensionValidator(extensions),
        ContentMatchesExtension(),
        MaxSizeValidator(megabytes),
    ]


def download(file, name: str) -> FileResponse:
    """An uploaded file sent as an attachment named after its record, never by the
    name it is stored under; 404 when the record has none."""
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=f"{name}{PurePath(file.name).suffix}"
    )
