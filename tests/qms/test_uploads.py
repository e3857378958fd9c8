"""Uploaded files — a procedure's file, a dossier's scanned result, an action's
evidence: checked by extension, content and size; stored in the media folder (never
under the static root) under generated names; served only through their record's
page, to signed-in users allowed to see it, under a name made from the record."""

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook
from pypdf import PdfWriter

from nonconformities.forms import DoneForm
from nonconformities.models import Action
from procedures import services
from procedures.forms import ImportForm, ReturnForm, RevisionForm
from procedures.models import Dossier, ProcedureRevision
from qms.roles import Role
from qms.uploads import OLE, ZIP
from tests.factories import image_bytes, pdf_bytes

PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def uploads_of(records):
    """Per upload field: the form field, its size limit in MB, the record holding
    it, the file field and folder, and the URL that serves it."""
    draft = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    dossier = Dossier.objects.get(code=records["dossier"]["code"])
    action = Action.objects.get(pk=records["action"]["pk"])
    return {
        "attachment": (
            RevisionForm,
            "attachment",
            10,
            draft.attachment,
            "procedures",
            reverse("procedures:revision_attachment", args=[draft.pk]),
            f"{draft.procedure.code}-lan-{draft.number}.pdf",
        ),
        "result_scan": (
            ReturnForm,
            "result_scan",
            20,
            dossier.result_scan,
            "results",
            reverse("procedures:dossier_scan", args=[dossier.code]),
            f"{dossier.code}-ket-qua.pdf",
        ),
        "evidence_file": (
            DoneForm,
            "evidence_file",
            10,
            action.evidence_file,
            "evidence",
            reverse("nonconformities:action_evidence", args=[action.pk]),
            f"{action.nonconformity.code}-bang-chung-{action.pk}.pdf",
        ),
    }


def field_errors(form_class, name, upload) -> list[str]:
    form = form_class(data={}, files={name: upload})
    form.is_valid()
    return form.errors.get(name, [])


def error_codes(form_class, name, upload) -> list[str]:
    form = form_class(data={}, files={name: upload})
    form.is_valid()
    return [error.code for error in form.errors.as_data().get(name, [])]


@pytest.mark.parametrize("which", ["attachment", "result_scan", "evidence_file"])
def test_type_content_and_size_are_checked(records, which):
    form_class, name, megabytes, *_ = uploads_of(records)[which]
    cases = {
        "wrong extension": SimpleUploadedFile("ket-qua.exe", PDF),
        "not what it says": SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 an exe"),
        "too large": SimpleUploadedFile("ket-qua.pdf", PDF + b"0" * (megabytes * 1024 * 1024)),
    }
    for case, upload in cases.items():
        errors = field_errors(form_class, name, upload)
        assert errors and all(not error.isascii() for error in errors), (case, errors)
    assert not field_errors(form_class, name, SimpleUploadedFile("Kết quả.PDF", PDF))
    # The signature is where the format puts it: at the first byte, not after a preamble.
    with_preamble = SimpleUploadedFile("ket-qua.pdf", b"\r\n " + PDF)
    assert error_codes(form_class, name, with_preamble) == ["content_mismatch"]


def office_file(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in names:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def compound_file() -> bytes:
    """The smallest Word 97–2003 file a version-3 compound-file header describes:
    the header, then one FAT sector and one directory sector of 512 bytes."""
    header = bytearray(512)
    header[:8] = OLE
    struct.pack_into("<5H", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<2I", header, 44, 1, 1)  # one FAT sector; the directory in sector 1
    return bytes(header) + bytes(1024)


def workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


DOCX = office_file("[Content_Types].xml", "word/document.xml")
XLSX = workbook()


def test_each_accepted_kind_is_recognised_by_its_content(records):
    uploads = uploads_of(records)
    attachment = uploads["attachment"][:2]
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.docx", DOCX))
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.doc", b"{\\rtf1 ...}\r\n"))
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.doc", compound_file()))
    assert not field_errors(*attachment, SimpleUploadedFile("bao-mat.docx", compound_file()))
    assert error_codes(*attachment, SimpleUploadedFile("quy-trinh.docx", PNG)) == [
        "content_mismatch"
    ]
    assert not field_errors(ImportForm, "file", SimpleUploadedFile("ho-so.xlsx", XLSX))
    for which in ("result_scan", "evidence_file"):  # both take PNG and JPEG: the name may lie
        for image in (PNG, JPEG):
            assert not field_errors(*uploads[which][:2], SimpleUploadedFile("anh.jpg", image))


def test_a_password_protected_pdf_is_accepted(records):
    """Its pages cannot be read without the key: the structure up to its encryption
    is what parses. The AES file (an owner password, as Acrobat's "restrict
    editing" writes) was made with pypdf and `cryptography`, which pypdf needs to
    read AES and the project does not install."""
    form, name = uploads_of(records)["result_scan"][:2]
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="mo-tep", owner_password="chu-tich", algorithm="RC4-128")
    rc4 = io.BytesIO()
    writer.write(rc4)
    aes = (Path(__file__).parent / "files" / "aes-256-owner-password.pdf").read_bytes()
    for content in (rc4.getvalue(), aes):
        assert not field_errors(form, name, SimpleUploadedFile("kq.pdf", content))


def cut(content: bytes) -> bytes:
    return content[: len(content) // 2]


BROKEN = {  # each starts with its kind's signature, and does not open as that kind
    "pdf": [b"%PDF-1.4 ban chinh thuc", cut(PDF)],
    "png": [b"\x89PNG\r\n\x1a\n....", cut(PNG)],
    "jpg": [b"\xff\xd8\xff\xe0....", cut(JPEG)],
    "doc": [OLE + b"...", compound_file()[:1024], b"{\\rtf1 cut short"],
    "docx": [
        ZIP + b"...",
        DOCX.replace(b"<x/>", b"<y/>", 1),  # a member that no longer matches its checksum
        office_file("[Content_Types].xml"),  # no document in it
    ],
    "xlsx": [office_file("[Content_Types].xml"), cut(XLSX)],
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_file_that_only_starts_like_its_kind_is_refused_as_damaged(records, kind):
    uploads = uploads_of(records)
    form, name = {
        "pdf": uploads["result_scan"][:2],
        "png": uploads["result_scan"][:2],
        "jpg": uploads["evidence_file"][:2],
        "doc": uploads["attachment"][:2],
        "docx": uploads["attachment"][:2],
        "xlsx": (ImportForm, "file"),
    }[kind]
    for content in BROKEN[kind]:
        upload = SimpleUploadedFile(f"tep.{kind}", content)
        assert error_codes(form, name, upload) == ["damaged"], content[:40]
        assert all(not error.isascii() for error in field_errors(form, name, upload))


@pytest.mark.parametrize("which", ["attachment", "result_scan", "evidence_file"])
def test_a_replaced_file_is_deleted_once_the_change_commits(
    records, which, django_capture_on_commit_callbacks
):
    file = uploads_of(records)[which][3]
    model, field = type(file.instance), file.field.name
    file.save("cu.pdf", ContentFile(PDF), save=True)
    record = model.objects.get(pk=file.instance.pk)
    old = Path(getattr(record, field).path)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            setattr(record, field, SimpleUploadedFile("moi.pdf", PDF))
            record.save()
        assert old.exists()  # not before the commit
    assert not old.exists()
    assert Path(getattr(model.objects.get(pk=record.pk), field).path).read_bytes() == PDF


def test_a_rolled_back_replacement_keeps_the_old_file(
    records, secretary, django_capture_on_commit_callbacks
):
    draft = ProcedureRevision.objects.get(pk=records["draft"]["pk"])
    old = draft.attachment.name
    draft.attachment = SimpleUploadedFile("moi.pdf", PDF)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),  # a step without a name: saved, then refused
    ):
        services.revision_update(
            revision=draft,
            steps=[{"name": "", "allotment": "1"}],
            records=[],
            user=secretary,
            reason="Thay tệp",
        )
    assert callbacks == []
    assert ProcedureRevision.objects.get(pk=draft.pk).attachment.name == old
    assert Path(settings.MEDIA_ROOT, old).exists()


@pytest.mark.parametrize("which", ["attachment", "result_scan", "evidence_file"])
def test_stored_under_a_generated_name_and_served_to_allowed_users(records, personas, which):
    *_, file, folder, url, download_name = uploads_of(records)[which]
    file.save("../../Quyết định <mật>.pdf", SimpleUploadedFile("x.pdf", PDF), save=True)
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}\.pdf", file.name), file.name
    stored = Path(file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())

    viewer = Client()
    viewer.force_login(personas[Role.VIEWER])
    response = viewer.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == f'attachment; filename="{download_name}"'
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    # The media folder has no URL of its own: files go out only through the record.
    assert viewer.get(f"/media/{file.name}").status_code == 404
