"""Uploaded files — a procedure's file, a dossier's scanned result, an action's
evidence: checked by extension, content and size; stored in the media folder (never
under the static root) under generated names; served only through their record's
page, to signed-in users allowed to see it, under a name made from the record."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nonconformities.forms import DoneForm
from nonconformities.models import Action
from procedures.forms import ReturnForm, RevisionForm
from procedures.models import Dossier, ProcedureRevision
from qms.roles import Role
from qms.uploads import OLE

PDF = b"%PDF-1.4 ban chinh thuc"


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
    with_preamble = SimpleUploadedFile("ket-qua.pdf", b"\r\n" * 10 + PDF)  # as scanners write
    assert not field_errors(form_class, name, with_preamble)


def office_file(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in names:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def test_each_accepted_kind_is_recognised_by_its_content(records):
    uploads = uploads_of(records)
    attachment = uploads["attachment"][:2]
    docx = office_file("[Content_Types].xml", "word/document.xml")
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.docx", docx))
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.doc", b"{\\rtf1 ..."))
    assert not field_errors(*attachment, SimpleUploadedFile("quy-trinh.doc", OLE + b"..."))
    assert field_errors(*attachment, SimpleUploadedFile("quy-trinh.docx", office_file("a.txt")))
    png = b"\x89PNG\r\n\x1a\n...."
    for which in ("result_scan", "evidence_file"):  # both take PNG and JPEG: the name may lie
        assert not field_errors(*uploads[which][:2], SimpleUploadedFile("anh.jpg", png))


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
