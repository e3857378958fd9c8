"""Uploaded files: stored under generated names, checked by type and size."""

import uuid
import zipfile
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


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, any encrypted Office file
ZIP = b"PK\x03\x04"


def _office_open_xml(head: bytes, file) -> bool:
    if head.startswith(OLE):  # a password-protected .docx/.xlsx
        return True
    if not head.startswith(ZIP):
        return False
    try:
        with zipfile.ZipFile(file) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


# How the content of each accepted kind is recognised from its first 1,024 bytes: a
# name ending in .pdf is not enough to make a file a PDF.
RECOGNISED = {
    "pdf": lambda head, file: b"%PDF-" in head,  # the header may follow some bytes
    "png": lambda head, file: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head, file: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head, file: head.startswith(b"\xff\xd8\xff"),
    "doc": lambda head, file: head.startswith((OLE, b"{\\rtf")),  # Word saves RTF as .doc too
    "docx": _office_open_xml,
    "xlsx": _office_open_xml,
}


@deconstructible
class ContentMatchesExtension:
    """Refuses a newly uploaded file whose content is none of the kinds the field
    accepts (a PNG named .jpg passes where both are accepted); kinds without a
    signature (CSV) are left to the extension check."""

    def __init__(self, extensions: list[str]) -> None:
        self.extensions = extensions

    def __call__(self, file) -> None:
        extension = PurePath(file.name).suffix.lower().lstrip(".")
        if extension not in RECOGNISED or getattr(file, "_committed", False):
            return  # no signature, or stored already (checked when it was uploaded)
        file.seek(0)
        head = file.read(1024)
        try:
            recognised = any(
                RECOGNISED[kind](head, file) for kind in self.extensions if kind in RECOGNISED
            )
        finally:
            file.seek(0)
        if not recognised:
            raise ValidationError(
                _("The file's content is not a %(kind)s file: check that it is the right file.")
                % {"kind": extension.upper()},
                code="content_mismatch",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ContentMatchesExtension) and other.extensions == self.extensions


def upload_validators(extensions: list[str], megabytes: int) -> list:
    """The checks of every upload field: its extension, its content, its size."""
    return [
        FileExtensionValidator(extensions),
        ContentMatchesExtension(extensions),
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
