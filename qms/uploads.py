"""Uploaded files: stored under generated names, checked by type and size."""

import struct
import uuid
import zipfile
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import DependencyError


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


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, any password-protected Office file
ZIP = b"PK\x03\x04"
# A Word file's members are unpacked (to check them) only up to this size in all: a
# few megabytes of zip can declare gigabytes of text.
MAX_UNPACKED = 200 * 1024 * 1024


def _pdf(file) -> bool:
    try:
        reader = PdfReader(file)
    except DependencyError:  # AES encryption, which pypdf reads only with `cryptography`
        return True  # the cross-reference table and the trailer have parsed
    # A password-protected file parses up to its encryption: its pages need the key.
    return reader.is_encrypted or len(reader.pages) > 0


def _png(file) -> bool:
    with Image.open(file, formats=["PNG"]) as image:
        image.verify()  # every chunk's checksum, up to the end of the file
    return True


def _jpeg(file) -> bool:
    with Image.open(file, formats=["JPEG"]) as image:
        # Pillow's verify() checks nothing in a JPEG: decode it at 1/8 scale instead,
        # which reads every byte of the scan for little memory.
        image.draft("RGB", (1, 1))
        image.load()
    return True


def _ole(file) -> bool:
    """The compound-file header (MS-CFB 2.2) of Word 97–2003 and of any
    password-protected Office file: version, byte order, sector sizes, and a
    directory that lies within the file."""
    header = file.read(512)
    major, byte_order, sector_shift, mini_sector_shift = struct.unpack_from("<4H", header, 26)
    (first_directory_sector,) = struct.unpack_from("<I", header, 48)
    return (
        (major, sector_shift) in {(3, 9), (4, 12)}
        and byte_order == 0xFFFE
        and mini_sector_shift == 6
        and file.size >= (first_directory_sector + 2) << sector_shift
    )


def _rtf(file) -> bool:
    """Word saves RTF as .doc too: a group that opens at the first byte closes at the last."""
    file.seek(max(file.size - 64, 0))
    return file.read().rstrip(b"\x00\t\r\n ").endswith(b"}")


def _docx(file) -> bool:
    """Unpacked with zipfile rather than python-docx (which would bring lxml): the
    package's required parts are there and every member matches its checksum."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        return (
            {"[Content_Types].xml", "word/document.xml"} <= {m.filename for m in members}
            and sum(member.file_size for member in members) <= MAX_UNPACKED
            and archive.testzip() is None
        )


def _xlsx(file) -> bool:
    # Read-only: the workbook's parts are parsed, its rows are left to the import.
    load_workbook(file, read_only=True).close()
    return True


# Each accepted kind: the signature its content starts with (a name ending in .pdf
# is not enough to make a file a PDF), and the library that must then open it.
RECOGNISED = {
    "pdf": [(b"%PDF-", _pdf)],
    "png": [(b"\x89PNG\r\n\x1a\n", _png)],
    "jpg": [(b"\xff\xd8\xff", _jpeg)],
    "jpeg": [(b"\xff\xd8\xff", _jpeg)],
    "doc": [(OLE, _ole), (b"{\\rtf", _rtf)],
    "docx": [(ZIP, _docx), (OLE, _ole)],  # OLE: a password-protected .docx
    "xlsx": [(ZIP, _xlsx)],
}


def _opens(opener, file) -> bool:
    file.seek(0)
    try:
        return opener(file)
    except Exception:  # each library has its own exceptions for a damaged file
        return False


@deconstructible
class ContentMatchesExtension:
    """Refuses a newly uploaded file whose content is none of the kinds the field
    accepts (a PNG named .jpg passes where both are accepted), or that starts like
    one but does not open as one (damaged, cut short, or only dressed up with the
    right first bytes); kinds without a signature (CSV) are left to the extension
    check."""

    def __init__(self, extensions: list[str]) -> None:
        self.extensions = extensions

    def __call__(self, file) -> None:
        extension = PurePath(file.name).suffix.lower().lstrip(".")
        if extension not in RECOGNISED or getattr(file, "_committed", False):
            return  # no signature, or stored already (checked when it was uploaded)
        file.seek(0)
        head = file.read(8)
        try:
            openers = dict.fromkeys(  # once each: .jpg and .jpeg, .doc and .docx share some
                opener
                for kind in self.extensions
                for signature, opener in RECOGNISED.get(kind, [])
                if head.startswith(signature)
            )
            if any(_opens(opener, file) for opener in openers):
                return
        finally:
            file.seek(0)
        if openers:
            raise ValidationError(
                _(
                    "The %(kind)s file cannot be opened: it is damaged or incomplete. Check "
                    "that it opens on your computer, then upload it again."
                )
                % {"kind": extension.upper()},
                code="damaged",
            )
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


class DeletesReplacedFiles(models.Model):
    """A record whose uploaded file is replaced by a new upload (or cleared) deletes
    the old file from storage once the change commits: never before, and never when
    it rolls back, since the record then still points at the old file."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        saved = kwargs.get("update_fields")
        stored = self.__dict__.setdefault("_stored_files", {})
        for field in self._file_fields():
            if saved is not None and field.name not in saved:
                continue
            old, new = stored.get(field.attname), getattr(self, field.attname).name
            if old and old != new:  # an upload has its generated name by now
                transaction.on_commit(
                    partial(field.storage.delete, old), using=self._state.db, robust=True
                )
            stored[field.attname] = new

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = dict(zip(field_names, values, strict=True))
        instance._stored_files = {
            field.attname: loaded[field.attname]
            for field in cls._file_fields()
            if field.attname in loaded
        }
        return instance

    @classmethod
    def _file_fields(cls) -> list[models.FileField]:
        return [field for field in cls._meta.concrete_fields if isinstance(field, models.FileField)]


def download(file, name: str) -> FileResponse:
    """An uploaded file sent as an attachment named after its record, never by the
    name it is stored under; 404 when the record has none."""
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=f"{name}{PurePath(file.name).suffix}"
    )
