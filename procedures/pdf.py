"""The controlled copy of a procedure revision."""

import copy
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.timezone import localdate
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from procedures.models import (
    Apology,
    Delivery,
    Dossier,
    ProcedureRevision,
    SupplementRequest,
    decimal_text,
)
from public.tokens import status_url
from qms.dates import date_words, local_day, moment_words, short_date, short_moment
from qms.models import Organisation
from qms.pdf import (
    Signer,
    build_pdf,
    columns,
    grid,
    number_line,
    official_heading,
    paragraph,
    place_and_date,
    qr_code,
    signature_block,
    styles,
    text,
)
from qms.pdfsign import sign_record_pdf
from qms.privacy import CitizenContact
from qms.roles import Role

QR_CAPTION = "Quét mã để tra cứu hồ sơ"


def _status_address(dossier: Dossier) -> Paragraph:
    """The address of the dossier's public status page written out, for who types it
    rather than scans the QR code at the left of the signatures (`_status_qr`)."""
    return paragraph(f"Tra cứu hồ sơ: {status_url(dossier.code)}", "tiny")


def _status_qr(dossier: Dossier) -> list:
    """The QR code of that page, beside the signatures: never in the heading, which
    Decree 30 lays out (R10)."""
    return qr_code(status_url(dossier.code), QR_CAPTION)


Status = ProcedureRevision.Status
WATERMARKS = {
    Status.DRAFT: "DỰ THẢO",
    Status.SUBMITTED: "DỰ THẢO",
    Status.APPROVED: "CHƯA CÓ HIỆU LỰC",
    Status.SUPERSEDED: "HẾT HIỆU LỰC",
    Status.WITHDRAWN: "HẾT HIỆU LỰC",
}


def revision_pdf(revision: ProcedureRevision) -> bytes:
    procedure = revision.procedure
    day = revision.effective_from or localdate()
    identity = Organisation.current().identity_on(day)
    steps = list(revision.steps.select_related("unit"))
    approval = revision.approval
    story = [
        official_heading(identity),
        place_and_date(identity, day),
        paragraph(f"QUY TRÌNH\n{procedure.name.upper()}", "title"),
        grid(
            [
                ["Mã hiệu", "Lần ban hành", "Ngày hiệu lực", "Thời hạn giải quyết"],
                [
                    procedure.code,
                    f"{revision.number:02d}",
                    short_date(revision.effective_from),
                    revision.limit_display(),
                ],
            ],
            columns(1, 1, 1, 1),
        ),
        Spacer(1, 4 * mm),
        paragraph(
            f"Lĩnh vực: {procedure.get_field_display()}. Đơn vị chủ trì: {procedure.unit.name}. "
            f"Tình trạng: {revision.status_display()}"
            + (f" từ {short_date(revision.ended_on)}." if revision.ended_on else ".")
        ),
        paragraph("1. Mục đích", "heading"),
        paragraph(revision.purpose),
        paragraph("2. Phạm vi áp dụng", "heading"),
        paragraph(revision.scope),
        paragraph("3. Tài liệu viện dẫn", "heading"),
        paragraph(revision.references),
        paragraph("4. Trình tự thực hiện", "heading"),
        grid(
            [["TT", "Bước thực hiện", "Trách nhiệm", f"Thời gian ({revision.step_unit_label()})"]]
            + [
                [
                    str(step.order),
                    step.name,
                    step.responsible_display(),
                    decimal_text(step.allotment),
                ]
                for step in steps
            ]
            + [["", "Tổng cộng", "", decimal_text(sum(step.allotment for step in steps))]],
            columns(12, 78, 50, 30),
        ),
        paragraph("5. Biểu mẫu sử dụng", "heading"),
        paragraph(revision.forms_used or "Không có."),
        paragraph("6. Hồ sơ lưu", "heading"),
        grid(
            [["TT", "Hồ sơ", "Nơi lưu", "Thời gian lưu"]]
            + [
                [str(record.order), record.name, record.keeper, record.retention]
                for record in revision.records.all()
            ],
            columns(12, 88, 40, 30),
        ),
        paragraph("7. Theo dõi sửa đổi", "heading"),
        grid(
            [["Lần", "Ngày hiệu lực", "Quyết định ban hành", "Nội dung sửa đổi"]]
            + [
                [
                    f"{earlier.number:02d}",
                    short_date(earlier.effective_from),
                    f"{earlier.decision_number} ngày {short_date(earlier.decision_date)}",
                    earlier.change_summary or "Ban hành lần đầu",
                ]
                for earlier in procedure.revisions.locked()
                .filter(number__lte=revision.number)
                .order_by("number")
            ],
            columns(14, 28, 48, 80),
        ),
        signature_block(
            Signer("Người soạn thảo", revision.created_by.get_full_name()),
            Signer(
                "Người phê duyệt",
                approval.signer.get_full_name() if approval else "",
                _approval_text(approval) if approval else "Chưa phê duyệt",
                approval,
            ),
        ),
    ]
    pdf = build_pdf(
        story,
        title=f"{procedure.code} – {procedure.name}",
        footer=f"{procedure.code} · Lần ban hành {revision.number:02d} · "
        f"Hiệu lực từ {short_date(revision.effective_from)}",
        watermark=WATERMARKS.get(revision.status),
    )
    return sign_record_pdf(pdf, [(approval, "Người phê duyệt")])


def _approval_text(signature) -> str:
    signed_at = short_moment(signature.signed_at)
    return (
        f"{signature.get_role_display()}\n"
        f"Đã ký điện tử lúc {signed_at}\nSHA-256: {signature.content_sha256[:16]}…"
    )


# -- the one-stop forms of a dossier, in the version of its rule set (R1) -------------

# A form's two-column table of labels and their values.
LABEL_COLUMNS = columns(60, 110)

CIRCULAR = {"2018": "Thông tư số 01/2018/TT-VPCP", "2025": "Thông tư số 03/2025/TT-VPCP"}


def _accepted(dossier: Dossier) -> bool:
    return dossier.is_accepted


# kind: (title, for which dossiers, form number by rule set)
DOSSIER_FORMS = {
    "receipt": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", _accepted),
    "supplement-request": (
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        lambda d: d.status == Dossier.Status.INCOMPLETE or d.supplements.exists(),
    ),
    "refusal": (
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        lambda d: d.status == Dossier.Status.REFUSED,
    ),
    "apology": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", lambda d: hasattr(d, "apology")),
    "control-slip": ("Phiếu kiểm soát quá trình giải quyết hồ sơ", _accepted),
    "stop-notice": (
        "Thông báo dừng giải quyết hồ sơ",
        lambda d: (
            d.rule_set == "2025" and d.status in (Dossier.Status.STOPPED, Dossier.Status.WITHDRAWN)
        ),
    ),
}
FORM_NUMBERS = {
    "2018": {"receipt": 1, "supplement-request": 2, "refusal": 3, "apology": 4, "control-slip": 5},
    "2025": {
        "receipt": 1,
        "supplement-request": 2,
        "refusal": 3,
        "apology": 4,
        "stop-notice": 5,
        "control-slip": 6,
    },
}
TITLES_2025 = {"apology": "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"}


def _applicant_rows(dossier: Dossier, contact: CitizenContact) -> list[list[str]]:
    """Whose dossier and what it asks (§2.2: forms 02, 03 and the stop notice)."""
    receiving_desk = Organisation.current().identity_on(dossier.received_on).desk_name
    return [
        ["Mã hồ sơ", dossier.code],
        ["Nơi tiếp nhận hồ sơ", receiving_desk],
        ["Người nộp hồ sơ", dossier.applicant_name],
        ["Số định danh cá nhân", contact.id_number or "—"],
        ["Địa chỉ", contact.address or "—"],
        ["Số điện thoại", contact.phone or "—"],
        ["Thư điện tử", dossier.applicant_email or "—"],
        ["Nội dung yêu cầu giải quyết", dossier.procedure.name],
        ["Thời gian nộp hồ sơ", moment_words(dossier.received_at)],
    ]


# Form 01 is made in two copies (liên), each marked under the title as the model
# form's "(Liên: Lưu/giao khách hàng)" says: the one given to the applicant, the one
# the desk keeps.
RECEIPT_COPIES = ("(Liên: Giao khách hàng)", "(Liên: Lưu)")


def _copy_mark(mark: str) -> Paragraph:
    marked = Paragraph(f"<i>{text(mark)}</i>", styles()["centred"])
    marked.receipt_copy = True
    return marked


def _representative_rows(dossier: Dossier, contact: CitizenContact) -> list[list[str]]:
    """The person who brought the dossier on the applicant's behalf, in the model
    form's words and order ("trường hợp ủy quyền …: họ và tên, địa chỉ, số định danh
    cá nhân, số điện thoại, email, giấy tờ ủy quyền"), the phone and the e-mail on one
    row as the model form writes the applicant's, to keep the copy short; no row when
    there is none."""
    if not dossier.has_representative:
        return []
    return [
        ["Người được ủy quyền", dossier.representative_name],
        ["Địa chỉ", contact.address or "—"],
        ["Số định danh cá nhân", contact.id_number or "—"],
        [
            "Số điện thoại; email",
            f"{contact.phone or '—'}; {dossier.representative_email or '—'}",
        ],
        ["Giấy tờ ủy quyền", dossier.representative_authorisation],
    ]


def _receipt_body(
    dossier: Dossier,
    contact: CitizenContact,
    received_by: str,
    identity,
    representative: CitizenContact,
) -> list:
    """Form 01 (R11): what was received, when, when the result is due and how it
    goes back, the tracking-book row; after a supplement restart (R4), the new
    appointment beside the original one."""
    label_width = columns(68, 102)
    documents = list(dossier.documents.all())
    restarted = dossier.supplements.filter(answered_at__isnull=False).last()
    if restarted:
        due = [
            ["Hẹn trả kết quả ban đầu", _first_appointment(dossier)],
            [
                "Hẹn trả kết quả mới",
                f"{moment_words(dossier.due_at)} (tính lại từ khi nhận đủ hồ sơ bổ sung "
                f"{moment_words(restarted.answered_at)})",
            ],
        ]
    else:
        due = [["Thời gian hẹn trả kết quả", moment_words(dossier.due_at)]]
    signatures = signature_block(
        Signer("NGƯỜI NỘP HỒ SƠ"),
        Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", received_by),
        left=_status_qr(dossier),
    )
    # The address line above gives the room the block keeps before it, so that the
    # receipt is no longer than it was without the QR code.
    signatures.spaceBefore = 2 * mm
    return [
        _copy_mark(RECEIPT_COPIES[0]),
        grid(
            [
                ["Mã hồ sơ", dossier.code],
                ["Nơi tiếp nhận hồ sơ", identity.desk_name],
                ["Người nộp hồ sơ", dossier.applicant_name],
                ["Số định danh cá nhân", contact.id_number or "—"],
                ["Địa chỉ", contact.address or "—"],
                ["Số điện thoại", contact.phone or "—"],
                ["Thư điện tử", dossier.applicant_email or "—"],
                *_representative_rows(dossier, representative),
                ["Nội dung yêu cầu giải quyết", dossier.procedure.name],
            ],
            label_width,
            header_rows=0,
            compact=True,
        ),
        paragraph("Thành phần hồ sơ nộp gồm:", "heading"),
        grid(
            [["TT", "Tên giấy tờ", "Hình thức", "Số lượng"]]
            + [
                [str(d.order), d.name, d.get_copy_type_display(), str(d.quantity)]
                for d in documents
            ]
            if documents
            else [["TT", "Tên giấy tờ", "Hình thức", "Số lượng"], ["", "—", "", ""]],
            columns(14, 86, 45, 25),
            compact=True,
        ),
        Spacer(1, 3 * mm),
        grid(
            [
                ["Số lượng hồ sơ", f"{dossier.documents_count} bộ"],
                ["Hình thức nộp", dossier.get_channel_display()],
                [
                    "Thời gian giải quyết theo quy định",
                    dossier.revision.limit_display() if dossier.revision else "—",
                ],
                ["Thời gian nhận hồ sơ", moment_words(dossier.received_at)],
                *due,
                ["Phương thức nhận kết quả", dossier.get_delivery_display()],
                *(
                    [["Nhận kết quả tại", identity.desk_name]]
                    if dossier.delivery == Delivery.DESK
                    else []
                ),
                ["Vào Sổ theo dõi hồ sơ", _book_entry(dossier)],
            ],
            label_width,
            header_rows=0,
            compact=True,
        ),
        _status_address(dossier),
        signatures,
    ]


def _book_entry(dossier: Dossier) -> str:
    """Rule R12's volume and row; a dash for a dossier never received (R13)."""
    if dossier.book_row is None:
        return "—"
    return f"Quyển số: {dossier.book_year} — Số thứ tự: {dossier.book_row}"


def _first_appointment(dossier: Dossier) -> str:
    """The appointment given at receipt, from the receipt's history row; an imported
    dossier's history starts later, so only its first appointment date is known."""
    first = dossier.history.order_by("history_date", "history_id").first()
    if first and first.due_at and first.history_type == "+":
        return moment_words(first.due_at)
    return date_words(dossier.first_due_date)


def receipt_copies(story: list) -> list:
    """Both copies of form 01, the second marked as the one kept with the dossier."""
    second = copy.deepcopy(story)
    for index, flowable in enumerate(second):
        if getattr(flowable, "receipt_copy", False):
            second[index] = _copy_mark(RECEIPT_COPIES[1])
    return [*story, PageBreak(), *second]


def supplement_request(dossier: Dossier, number: int | None = None) -> SupplementRequest | None:
    """The request that form 02 is printed for: the `number`-th of the dossier's
    requests (1 is the first; None the latest), or None for the slip given at intake
    to a dossier found incomplete (R11: one slip per request)."""
    requests = list(dossier.supplements.order_by("requested_at"))
    if not requests:
        return None
    if number is None:
        return requests[-1]
    if not 1 <= number <= len(requests):
        raise ValidationError(
            f"Hồ sơ {dossier.code} không có yêu cầu bổ sung lần {number} (có {len(requests)} lần)."
        )
    return requests[number - 1]


def _supplement_body(
    dossier: Dossier, contact: CitizenContact, identity, request: SupplementRequest | None
) -> list:
    """Form 02 (§2.2): the items to supplement, numbered, with the reason; the
    officer who asks (the desk at intake, the specialist during processing) as the
    contact, with the desk's phone; signed by that officer."""
    asker = request.requested_by if request else dossier.received_by
    asker_name = asker.get_full_name() if asker else ""
    reasons = request.reason if request else dossier.reception_reason
    items = [line.strip() for line in reasons.splitlines() if line.strip()]
    return [
        grid(_applicant_rows(dossier, contact), LABEL_COLUMNS, header_rows=0),
        paragraph("Hồ sơ cần bổ sung, hoàn thiện những nội dung sau:", "heading"),
        *[paragraph(f"{index}. {item}") for index, item in enumerate(items, 1)],
        # The request records its items with their reasons in one text; the form's
        # "Lý do" line states the ground every request shares.
        paragraph(
            "Lý do: hồ sơ chưa đầy đủ, hợp lệ theo quy định của thủ tục hành chính "
            f"{dossier.procedure.name} (chi tiết tại từng nội dung nêu trên)."
        ),
        paragraph(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
            f"{asker_name or identity.desk_name} ({identity.desk_name}), số điện thoại "
            f"{identity.desk_phone or '—'} để được hướng dẫn."
        ),
        signature_block(Signer("NGƯỜI NỘP HỒ SƠ"), Signer("NGƯỜI HƯỚNG DẪN", asker_name)),
    ]


def _form_body(
    kind: str,
    dossier: Dossier,
    contact: CitizenContact,
    identity,
    request: SupplementRequest | None = None,
    representative: CitizenContact | None = None,
) -> list:
    received_by = dossier.received_by.get_full_name() if dossier.received_by else ""
    label_width = LABEL_COLUMNS
    if kind == "receipt":
        return _receipt_body(dossier, contact, received_by, identity, representative)
    if kind == "supplement-request":
        return _supplement_body(dossier, contact, identity, request)
    if kind == "refusal":
        return [
            grid(_applicant_rows(dossier, contact), label_width, header_rows=0),
            paragraph("Lý do từ chối tiếp nhận:", "heading"),
            paragraph(dossier.reception_reason),
            signature_block(
                Signer("NGƯỜI NỘP HỒ SƠ"), Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", received_by)
            ),
        ]
    if kind == "apology":
        return _apology_body(dossier, contact)
    if kind == "stop-notice":
        stopped_by = _stopped_by(dossier)
        return [
            grid(_applicant_rows(dossier, contact), label_width, header_rows=0),
            paragraph(
                f"Theo đề nghị của ông/bà {date_words(dossier.ended_at)}, hồ sơ mã số "
                f"{dossier.code} đã được dừng giải quyết. Lý do: {dossier.ended_reason}"
            ),
            signature_block(
                Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", stopped_by.get_full_name() if stopped_by else "")
            ),
        ]
    return _control_slip_body(dossier, contact, identity)


def _apology_body(dossier: Dossier, contact: CitizenContact) -> list:
    """Form 04 in the words of the model form (§2.2): to whom, the receipt and its
    appointment, that the result was not returned on time and why, the apology and
    the new date, signed by the head who issued it."""
    apology = dossier.apology
    receiving_desk = Organisation.current().identity_on(dossier.received_on).desk_name
    identifier = f" (số định danh cá nhân: {contact.id_number})" if contact.id_number else ""
    return [
        paragraph(f"Kính gửi: ông/bà {dossier.applicant_name}{identifier}"),
        paragraph(
            f"{receiving_desk} tiếp nhận hồ sơ của ông/bà đề nghị giải quyết thủ tục hành chính "
            f"{dossier.procedure.name}, mã hồ sơ {dossier.code}, {date_words(dossier.received_on)}."
            f" Thời gian hẹn trả kết quả giải quyết hồ sơ: {moment_words(dossier.due_at)}."
        ),
        paragraph(
            "Tuy nhiên đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ của ông/bà đúng hạn "
            "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
        ),
        paragraph(f"Lý do: {apology.reason}"),
        paragraph(
            "Sự chậm trễ này đã gây phiền hà cho ông/bà. Cơ quan xin lỗi ông/bà và sẽ trả kết "
            f"quả giải quyết hồ sơ cho ông/bà vào {date_words(apology.new_due_date)}."
        ),
        paragraph("Xin trân trọng cảm ơn./."),
        _status_address(dossier),
        signature_block(_apology_signer(apology), left=_status_qr(dossier)),
    ]


def _stopped_by(dossier: Dossier):
    """The desk officer who recorded the stop, from the dossier's history."""
    stop = (
        dossier.history.filter(status=dossier.status, ended_at=dossier.ended_at)
        .order_by("history_date", "history_id")
        .select_related("history_user")
        .first()
    )
    return stop.history_user if stop else None


def _party(unit, desk_name: str) -> str:
    """A step's unit as the slip names it: the one-stop desk by its printed name of
    the identity (§2.2: the first row is "Giao: Bộ phận TN&TKQ"), the leadership
    when the step has no unit."""
    if unit is None:
        return "Lãnh đạo UBND"
    return desk_name if unit.is_one_stop_desk else unit.name


def _signed(user) -> str:
    """A hand-over confirmed in the system: the system's record stands for the
    signature (§2.2, 2025: the electronic slip logs the trail)."""
    return f"{user.get_full_name()}\n(đã ký điện tử)" if user else "(ký, ghi rõ họ tên)"


def _control_slip_body(dossier: Dossier, contact: CitizenContact, identity) -> list:
    """The control slip (R11): one row per hand-over from the desk's receipt to the
    return to the citizen, with the giver's and receiver's names (signed in the
    system) and the step's result, plus a row for each supplement's pause and
    restart. An imported dossier has no recorded hand-overs: it prints the moments
    its data holds (receipt, completion, return) and says so."""
    desk = identity.desk_name
    citizen = f"{dossier.applicant_name} (người nộp hồ sơ)"
    handoffs = list(
        dossier.handoffs.select_related("step__unit", "to_unit", "from_user").order_by(
            "handed_at", "id"
        )
    )
    events = []  # (moment, giver, receiver, giver's name, receiver's name, result, note)
    for index, handoff in enumerate(handoffs):
        following = handoffs[index + 1].from_user if index + 1 < len(handoffs) else None
        if handoff.to_unit is None and not handoff.to_role:
            receiver, taker = "Trả kết quả", _signed(following) if following else ""
        else:
            receiver = (
                _party(handoff.to_unit, desk)
                if handoff.to_unit
                else f"Lãnh đạo UBND ({handoff.get_to_role_display()})"
            )
            taker = _signed(following)
        events.append(
            (
                handoff.handed_at,
                _party(handoff.step.unit, desk),
                receiver,
                _signed(handoff.from_user),
                taker,
                handoff.get_result_display(),
                handoff.note,
            )
        )
    # Only the importer (and the demo's history, built like an import) leaves a
    # dossier without the officer who received it.
    imported = not handoffs and dossier.received_by_id is None
    if imported:
        events.append(
            (dossier.received_at, desk, dossier.procedure.unit.name, "", "", "", "Tiếp nhận")
        )
        if dossier.completed_at:
            events.append(
                (
                    dossier.completed_at,
                    dossier.procedure.unit.name,
                    desk,
                    "",
                    "",
                    dossier.get_outcome_display(),
                    "Có kết quả giải quyết",
                )
            )
    for request in dossier.supplements.select_related("requested_by"):
        events.append(
            (
                request.requested_at,
                desk,
                citizen,
                _signed(request.requested_by),
                "(ký, ghi rõ họ tên)",
                "",
                f"Tạm dừng: yêu cầu bổ sung, hoàn thiện hồ sơ. {request.reason}",
            )
        )
        if request.answered_at:
            events.append(
                (
                    request.answered_at,
                    citizen,
                    desk,
                    "(ký, ghi rõ họ tên)",
                    "",
                    "",
                    "Tiếp tục: nhận đủ hồ sơ bổ sung, hẹn trả kết quả mới "
                    f"{date_words(request.new_due_date)}"
                    if request.new_due_date
                    else "Tiếp tục: nhận đủ hồ sơ bổ sung",
                )
            )
    if dossier.returned_at:
        events.append(
            (
                dossier.returned_at,
                desk,
                citizen,
                "",
                "(ký, ghi rõ họ tên)",
                dossier.get_outcome_display(),
                "Trả kết quả cho tổ chức, cá nhân",
            )
        )
    events.sort(key=lambda event: event[0])
    rows = [
        [
            "Tên đơn vị giao, nhận",
            "Thời gian giao, nhận",
            "Người giao",
            "Người nhận",
            "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
            "Ghi chú",
        ]
    ]
    for moment, giver, receiver, giver_name, receiver_name, result, note in events:
        rows.append(
            [
                f"1. Giao: {giver}\n2. Nhận: {receiver}",
                moment_words(moment).replace(", ", ",\n", 1),
                giver_name,
                receiver_name,
                result,
                note,
            ]
        )
    steps_units = {
        step.unit
        for step in (dossier.revision.steps.select_related("unit") if dossier.revision else [])
        if step.unit and not step.unit.is_one_stop_desk and step.unit != dossier.procedure.unit
    }
    if dossier.rule_set == "2018":  # the 2018 slip's own wording and applicant fields
        header = [["Kèm theo hồ sơ số", dossier.code], ["Người nộp hồ sơ", dossier.applicant_name]]
        header += [
            ["Địa chỉ", contact.address or "—"],
            ["Số điện thoại", contact.phone or "—"],
            ["Thư điện tử", dossier.applicant_email or "—"],
        ]
    else:
        header = [["Mã hồ sơ", dossier.code], ["Người nộp hồ sơ", dossier.applicant_name]]
    header += [
        ["Thủ tục hành chính", dossier.procedure.name],
        ["Cơ quan (bộ phận) giải quyết", dossier.procedure.unit.name],
        [
            "Cơ quan phối hợp giải quyết",
            ", ".join(sorted(unit.name for unit in steps_units)) or "—",
        ],
        ["Thời gian nhận hồ sơ", moment_words(dossier.received_at)],
        ["Thời gian hẹn trả kết quả", moment_words(dossier.due_at)],
    ]
    story = [
        grid(header, LABEL_COLUMNS, header_rows=0),
        Spacer(1, 4 * mm),
        grid(rows, columns(40, 36, 25, 25, 18, 26), small=True),
    ]
    if imported:
        story.append(
            paragraph(
                "Hồ sơ nhập từ hệ thống khác: chỉ có các mốc đã ghi nhận "
                "(tiếp nhận, có kết quả, trả kết quả).",
                "small",
            )
        )
    return story


# The head who issues form 04 signs as the chairman, or for the chairman (R11).
APOLOGY_TITLES = {Role.CHAIRMAN: "CHỦ TỊCH", Role.VICE_CHAIRMAN: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}


def _apology_signer(apology: Apology) -> Signer:
    """The chairman or the vice-chairman who approved the apology; a draft is
    unsigned (and watermarked)."""
    approval = apology.approval
    if approval is None:
        return Signer(APOLOGY_TITLES[Role.CHAIRMAN])
    return Signer(
        APOLOGY_TITLES[Role(approval.role)],
        approval.signer.get_full_name(),
        f"Đã ký điện tử lúc {short_moment(approval.signed_at)}",
        approval,
    )


def _issued_on(kind: str, dossier: Dossier, request: SupplementRequest | None) -> date:
    """The day of the form's own event (R11), never the day it is printed: form 02
    its supplement request, or the receipt that found the dossier incomplete; form
    04 its issue (a draft, the day it was drafted); the stop notice the stop; the
    receipt, the refusal at intake and the control slip, which opens at receipt,
    the receipt."""
    if kind == "supplement-request":
        moment = request.requested_at if request else dossier.received_at
    elif kind == "apology":
        moment = dossier.apology.approved_at or dossier.apology.drafted_at
    elif kind == "stop-notice":
        moment = dossier.ended_at
    else:
        moment = dossier.received_at
    return local_day(moment)


# Forms that carry a "Số:" (R10, §2.2); the receipt and the control slip carry the
# dossier's code instead.
NUMBERED = {"supplement-request", "refusal", "apology"}


def _form_number(kind: str, dossier: Dossier, request):
    """The number the form was given at its event: form 04 at its issue (a draft has
    none), form 02 at its supplement `request`, else at the receipt that found the
    dossier incomplete or refused it (None for a dossier imported without one: the
    form prints the blank)."""
    if kind == "apology":
        return dossier.apology.number
    if request is not None:
        return request.number
    return dossier.reception_number


# Forms issued by the apology's signer, the head of the organisation; the others are
# the desk's own (§2.2's common header: the organisation above the desk).
ISSUED_BY_THE_ORGANISATION = {"apology"}


def dossier_pdf(kind: str, dossier: Dossier, user=None, number: int | None = None) -> bytes:
    """One of the official forms of `dossier`, in the version of its rule set, with
    the applicant's and the authorised person's contact details as `user` may see
    them (None: in full); form 02 for its `number`-th supplement request (None: the latest)."""
    if not DOSSIER_FORMS[kind][1](dossier):
        raise ValidationError(
            f"Hồ sơ {dossier.code} không có {DOSSIER_FORMS[kind][0].lower()} "
            f"(bộ biểu mẫu {dossier.rule_set})."
        )
    request = supplement_request(dossier, number) if kind == "supplement-request" else None
    day = _issued_on(kind, dossier, request)
    identity = Organisation.current().identity_on(day)
    number = FORM_NUMBERS[dossier.rule_set][kind]
    title = DOSSIER_FORMS[kind][0]
    if dossier.rule_set == "2025":
        title = TITLES_2025.get(kind, title)
    story = [
        paragraph(f"Mẫu số {number:02d} ({CIRCULAR[dossier.rule_set]})", "small"),
        official_heading(identity, desk=kind not in ISSUED_BY_THE_ORGANISATION),
        *([number_line(_form_number(kind, dossier, request))] if kind in NUMBERED else []),
        place_and_date(identity, day),
        paragraph(title.upper(), "title"),
        *_form_body(
            kind,
            dossier,
            dossier.contact_for(user),
            identity,
            request,
            dossier.representative_contact_for(user),
        ),
    ]
    if kind == "receipt":
        story = receipt_copies(story)
    draft = kind == "apology" and not dossier.apology.approved_at
    pdf = build_pdf(
        story,
        title=f"{title} {dossier.code}",
        footer=dossier.code,
        watermark="DỰ THẢO" if draft else None,
    )
    approval = dossier.apology.approval if kind == "apology" and not draft else None
    if approval is not None:
        # issued by the body: the head's signature, then the organisation's seal
        return sign_record_pdf(pdf, [(approval, APOLOGY_TITLES[Role(approval.role)])], seal=True)
    return pdf
