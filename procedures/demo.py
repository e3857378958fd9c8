"""Demo procedures of the ward's one-stop desk, for `seed_demo`.

Statutory times follow the laws named in each legal basis (Luật Hộ tịch 2014,
Nghị định 123/2015, Nghị định 23/2015, Luật Xây dựng, Nghị định 01/2021); they are
demo data, to be checked against the province's TTHC announcement before use.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from procedures import dossier_services, services
from procedures.importer import build_dossiers, number_the_book
from procedures.models import (
    Apology,
    Delivery,
    Dossier,
    DossierDocument,
    Field,
    Handoff,
    LimitUnit,
    OnlineLevel,
    Outcome,
    Procedure,
    ProcedureRevision,
    Reception,
    ResultValidity,
    RevisionComponent,
    SupplementRequest,
)
from procedures.models.controlled import Appointment
from qms.models import (
    CalendarDay,
    DocumentKind,
    DocumentNumber,
    Organisation,
    Signature,
    Unit,
    User,
)
from qms.roles import Role
from qms.signatures import content_hash
from qms.signing import digitally_sign, shown_sha256
from qms.working_days import LOCAL_TZ

D = Decimal
HOTICH_RECORDS = [
    ("Tờ khai và giấy tờ kèm theo", "Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"),
    ("Sổ đăng ký hộ tịch", "Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"),
    ("Phiếu kiểm soát quá trình giải quyết hồ sơ", "Bộ phận Một cửa", "1 năm"),
]
CHUNGTHUC_RECORDS = [
    (
        "Bản sao đã chứng thực hoặc giấy tờ đã chứng thực chữ ký",
        "Công chức Tư pháp - Hộ tịch",
        "2 năm",
    ),
    ("Sổ chứng thực", "Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"),
]
GENERAL_RECORDS = [
    ("Đơn đề nghị và hồ sơ kèm theo", "Đơn vị chủ trì", "5 năm"),
    ("Kết quả giải quyết (bản lưu)", "Văn phòng - Thống kê", "10 năm"),
    ("Phiếu kiểm soát quá trình giải quyết hồ sơ", "Bộ phận Một cửa", "1 năm"),
]


def _components(name: str) -> list[dict]:
    """The demo's dossier components: the request form and the applicant's papers."""
    return [
        {"name": f"Tờ khai, đơn đề nghị {name.lower()}", "copy_type": "original", "quantity": 1},
        {
            "name": "Giấy tờ tùy thân của người nộp hồ sơ",
            "copy_type": "photocopy",
            "quantity": 1,
        },
    ]


def _same_day_steps(unit: str) -> list[tuple]:
    return [
        ("Tiếp nhận, kiểm tra hồ sơ", "BP-MC", Role.OFFICER, D("0.5")),
        ("Thẩm định, dự thảo kết quả", unit, Role.SPECIALIST, D("2")),
        ("Lãnh đạo UBND phường ký duyệt", None, Role.VICE_CHAIRMAN, D("1")),
        ("Vào sổ, đóng dấu, trả kết quả", "BP-MC", Role.OFFICER, D("0.5")),
    ]


def _day_steps(unit: str, days: int) -> list[tuple]:
    return [
        ("Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý", "BP-MC", Role.OFFICER, D("0.5")),
        ("Thẩm định, xác minh, dự thảo kết quả", unit, Role.SPECIALIST, D(days) - D("1.5")),
        ("Lãnh đạo UBND phường ký duyệt", None, Role.VICE_CHAIRMAN, D("0.5")),
        ("Vào sổ, đóng dấu, trả kết quả", "BP-MC", Role.OFFICER, D("0.5")),
    ]


# code, name, field, unit, limit (unit, amount, cutoff), legal basis, fee, result, online, records
PROCEDURES = [
    (
        "QT-TP-01",
        "Đăng ký khai sinh",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Luật Hộ tịch 2014, Điều 16; Nghị định 123/2015/NĐ-CP",
        "Miễn lệ phí",
        "Giấy khai sinh",
        True,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-02",
        "Đăng ký kết hôn",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Luật Hộ tịch 2014, Điều 18; Nghị định 123/2015/NĐ-CP",
        "Miễn lệ phí",
        "Giấy chứng nhận kết hôn",
        False,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-03",
        "Đăng ký khai tử",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Luật Hộ tịch 2014, Điều 33, 34",
        "Miễn lệ phí",
        "Trích lục khai tử",
        True,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-04",
        "Cấp bản sao trích lục hộ tịch",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Luật Hộ tịch 2014, Điều 64; Nghị định 123/2015/NĐ-CP",
        "8.000 đồng/bản",
        "Bản sao trích lục hộ tịch",
        True,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-05",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.WORKING_DAYS, 3, None),
        "Nghị định 123/2015/NĐ-CP, Điều 21, 22",
        "Miễn lệ phí",
        "Giấy xác nhận tình trạng hôn nhân",
        True,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-06",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.WORKING_DAYS, 3, None),
        "Luật Hộ tịch 2014, Điều 27, 28",
        "Miễn lệ phí",
        "Trích lục thay đổi, cải chính hộ tịch",
        False,
        HOTICH_RECORDS,
    ),
    (
        "QT-TP-07",
        "Đăng ký nhận cha, mẹ, con",
        Field.CIVIL_STATUS,
        "TP-HT",
        (LimitUnit.WORKING_DAYS, 3, None),
        "Luật Hộ tịch 2014, Điều 24, 25",
        "Miễn lệ phí",
        "Trích lục đăng ký nhận cha, mẹ, con",
        False,
        HOTICH_RECORDS,
    ),
    (
        "QT-CT-01",
        "Chứng thực bản sao từ bản chính",
        Field.CERTIFICATION,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Nghị định 23/2015/NĐ-CP, Điều 20, 21",
        "2.000 đồng/trang",
        "Bản sao được chứng thực",
        False,
        CHUNGTHUC_RECORDS,
    ),
    (
        "QT-CT-02",
        "Chứng thực chữ ký",
        Field.CERTIFICATION,
        "TP-HT",
        (LimitUnit.SAME_DAY, None, time(15)),
        "Nghị định 23/2015/NĐ-CP, Điều 24",
        "10.000 đồng/trường hợp",
        "Giấy tờ, văn bản được chứng thực chữ ký",
        False,
        CHUNGTHUC_RECORDS,
    ),
    (
        "QT-CT-03",
        "Chứng thực hợp đồng, giao dịch liên quan đến nhà ở, quyền sử dụng đất",
        Field.CERTIFICATION,
        "TP-HT",
        (LimitUnit.WORKING_DAYS, 2, None),
        "Nghị định 23/2015/NĐ-CP, Điều 35-37",
        "50.000 đồng/hợp đồng",
        "Hợp đồng, giao dịch được chứng thực",
        False,
        CHUNGTHUC_RECORDS,
    ),
    (
        "QT-ĐC-01",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        Field.LAND_CONSTRUCTION,
        "ĐC-XD",
        (LimitUnit.WORKING_DAYS, 15, None),
        "Luật Xây dựng 2014, Điều 102 (sửa đổi 2020)",
        "75.000 đồng/giấy phép",
        "Giấy phép xây dựng",
        True,
        GENERAL_RECORDS,
    ),
    (
        "QT-TC-01",
        "Đăng ký thành lập hộ kinh doanh",
        Field.HOUSEHOLD_BUSINESS,
        "TC-KT",
        (LimitUnit.WORKING_DAYS, 3, None),
        "Nghị định 01/2021/NĐ-CP, Điều 87",
        "100.000 đồng/lần",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        True,
        GENERAL_RECORDS,
    ),
    (
        "QT-VX-01",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        Field.CULTURE_SOCIETY,
        "VH-XH",
        (LimitUnit.WORKING_DAYS, 3, None),
        "Nghị định 20/2021/NĐ-CP, Điều 11",
        "Không",
        "Quyết định hỗ trợ chi phí mai táng",
        False,
        GENERAL_RECORDS,
    ),
    (
        "QT-VX-02",
        "Thông báo tổ chức lễ hội cấp xã",
        Field.CULTURE_SOCIETY,
        "VH-XH",
        (LimitUnit.WORKING_DAYS, 5, None),
        "Nghị định 110/2018/NĐ-CP, Điều 12",
        "Không",
        "Văn bản trả lời",
        False,
        GENERAL_RECORDS,
    ),
]

FIRST_ISSUE = {
    "decision_number": "125/QĐ-UBND",
    "decision_date": date(2022, 12, 20),
    "effective_from": date(2023, 1, 1),
}
REISSUED = "QT-TP-05"
SECOND_ISSUE = {
    "decision_number": "48/QĐ-UBND",
    "decision_date": date(2023, 5, 25),
    "effective_from": date(2023, 6, 1),
}


# How long each demo procedure's result stays valid (R16), where it is not without a
# time limit: a marital status certificate 6 months from issue (Decree 123/2015,
# Art. 23), a building permit lapses when building has not started within 12 months
# (Construction Law 2014, Art. 90); certified copies and signatures, a one-off
# support decision and the reply to a festival notice are used once, not kept valid.
RESULT_VALIDITY = {
    "QT-TP-05": {"result_validity": ResultValidity.MONTHS, "result_valid_months": 6},
    "QT-ĐC-01": {"result_validity": ResultValidity.MONTHS, "result_valid_months": 12},
    "QT-CT-01": {"result_validity": ResultValidity.NOT_LASTING},
    "QT-CT-02": {"result_validity": ResultValidity.NOT_LASTING},
    "QT-VX-01": {"result_validity": ResultValidity.NOT_LASTING},
    "QT-VX-02": {"result_validity": ResultValidity.NOT_LASTING},
}


# The secretary drafts an issue a week before the chairman's decision approves it.
DRAFTED_BEFORE_DECISION = timedelta(days=7)


def at(day: date, hour: int, minute: int = 0) -> time_machine.travel:
    """Back to that moment of `day` (the ward's time), so that what the services
    stamp with the present moment (signatures, approvals, history) carries the date
    of its own event, not the day the demo is seeded."""
    return time_machine.travel(
        datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ), tick=False
    )


def seed_procedures(*, secretary: User, approver: User, password: str) -> int:
    """Create the demo procedures that do not exist yet; returns how many were created.
    Each issue is drafted, approved on its decision's date and put in force on its
    effective date, as the schedule (`activate_revisions`) does."""
    units = Unit.objects.in_bulk(field_name="code")
    created = 0
    for code, name, field, unit, limit, basis, fee, result, online, records in PROCEDURES:
        if Procedure.objects.filter(code=code).exists():
            continue
        issues = [FIRST_ISSUE, SECOND_ISSUE] if code == REISSUED else [FIRST_ISSUE]
        limit_unit, amount, cutoff = limit
        steps = (
            _same_day_steps(unit) if limit_unit == LimitUnit.SAME_DAY else _day_steps(unit, amount)
        )
        with at(issues[0]["decision_date"] - DRAFTED_BEFORE_DECISION, 8):
            procedure = services.procedure_save(
                procedure=Procedure(
                    code=code,
                    name=name,
                    field=field,
                    unit=units[unit],
                    legal_basis=basis,
                    fee=fee,
                    result_document=result,
                    online_level=OnlineLevel.PARTIAL if online else OnlineLevel.NONE,
                    **RESULT_VALIDITY.get(code, {}),
                ),
                user=secretary,
                reason="Dữ liệu mẫu",
            )
        for number, issue in enumerate(issues, start=1):
            with at(issue["decision_date"] - DRAFTED_BEFORE_DECISION, 8):
                revision = services.revision_draft(procedure=procedure, user=secretary)
                revision.purpose = f"Quy định trình tự, thời hạn giải quyết thủ tục {name.lower()}."
                revision.scope = (
                    "Áp dụng tại Bộ phận Một cửa và các bộ phận chuyên môn của UBND phường."
                )
                revision.references = basis
                revision.limit_unit, revision.limit_amount = limit_unit, amount
                revision.cutoff = cutoff
                revision.forms_used = (
                    "Mẫu 01, 02, 03, 04 và Phiếu kiểm soát quá trình giải quyết hồ sơ"
                )
                revision.change_summary = (
                    ""
                    if number == 1
                    else "Cập nhật căn cứ pháp lý; điều chỉnh thời gian thẩm định."
                )
                step_rows = steps if number == len(issues) else _older(steps)
                services.revision_update(
                    revision=revision,
                    steps=[
                        {"name": n, "unit": units.get(u), "role": r, "allotment": a}
                        for n, u, r, a in step_rows
                    ],
                    records=[{"name": n, "keeper": k, "retention": t} for n, k, t in records],
                    components=_components(name),
                    user=secretary,
                    reason="Dữ liệu mẫu",
                )
                services.revision_submit(revision=revision, user=secretary)
            with at(issue["decision_date"], 9):
                services.revision_approve(
                    revision=revision,
                    user=approver,
                    password=password,
                    seen_sha256=shown_sha256(revision),
                    **issue,
                )
            with at(issue["effective_from"], 0):
                services.revision_make_effective(revision=revision, user=None)
        created += 1
    return created


def _older(steps: list[tuple]) -> list[tuple]:
    """The first issue of the re-issued procedure gave the desk half a day more."""
    (first, *middle, last) = steps
    (name, unit, role, allotment) = middle[0]
    return [
        (first[0], first[1], first[2], first[3] + D("0.5")),
        (name, unit, role, allotment - D("0.5")),
        *middle[1:],
        last,
    ]


# -- a year of dossiers (2023), then a few open today --------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Sơn"]
DEMO_YEAR = 2023
DOSSIERS_PER_WORKING_DAY = 12


def _name(rng) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _completion_day(rng: random.Random, calendar, received: datetime, due: datetime) -> date:
    """Mostly early or on time, about 2% late (the desk's record in 2023)."""
    roll = rng.random()
    if roll < 0.02:
        return calendar.add_working_days(due.date(), rng.randint(1, 3))
    spare = calendar.working_days_between(received.date(), due.date())
    if roll < 0.45 or spare < 1:
        return due.date()
    offset = rng.randint(0, spare - 1)
    return received.date() if offset == 0 else calendar.add_working_days(received.date(), offset)


def _year_rows(rng: random.Random, calendar, office_hours, organisation) -> list[dict]:
    procedures = list(Procedure.objects.order_by("code"))
    weights = [
        8 if p.field == Field.CERTIFICATION else 4 if p.field == Field.CIVIL_STATUS else 1
        for p in procedures
    ]
    rows, day = [], date(DEMO_YEAR, 1, 1)
    while day.year == DEMO_YEAR:
        if calendar.is_working_day(day):
            for number in range(1, rng.randint(6, 2 * DOSSIERS_PER_WORKING_DAY - 6) + 1):
                procedure = rng.choices(procedures, weights)[0]
                received = datetime.combine(day, time(7, 30), tzinfo=LOCAL_TZ) + timedelta(
                    minutes=rng.randint(0, 540)
                )
                revision = procedure.revisions.in_force_on(day).first()
                due = revision.appointment(calendar, received, office_hours).due_at
                completed_at = max(
                    datetime.combine(
                        _completion_day(rng, calendar, received, due), time(15), tzinfo=LOCAL_TZ
                    ),
                    received + timedelta(minutes=30),
                )
                rows.append(
                    {
                        "code": f"{organisation.code}-{day:%y%m%d}-{number:04d}",
                        "procedure_code": procedure.code,
                        "applicant_name": _name(rng),
                        "channel": rng.choices(["direct", "online", "post"], [70, 27, 3])[0],
                        "received_at": received.isoformat(),
                        "completed_at": completed_at.isoformat(),
                        "returned_at": (
                            completed_at + timedelta(hours=rng.choice([1, 2, 20]))
                        ).isoformat(),
                        "digitised": "1" if rng.random() < 0.62 else "0",
                        "rating": rng.choices(
                            ["very_satisfied", "satisfied", "unsatisfied", ""], [55, 38, 2, 5]
                        )[0],
                    }
                )
        day += timedelta(days=1)
    return rows


def _hand_over_trail(dossiers, saved, paused, calendar, office_hours, officer) -> list[Handoff]:
    """Each finished dossier's control slip (R11): one hand-over per step, the last
    the completion, the steps' share of the time from receipt (or, after a
    supplement, from the restart) to completion in proportion to their allotments.
    Built in memory for one bulk insert, so the year still seeds in seconds."""
    revisions = {
        revision.pk: revision
        for revision in ProcedureRevision.objects.filter(
            pk__in={d.revision_id for d in dossiers}
        ).prefetch_related("steps__unit")
    }
    takers = {}

    def taker(step) -> User:
        key = (step.unit_id, step.role)
        if key not in takers:
            users = User.objects.filter(is_active=True, groups__name=step.role)
            takers[key] = (users.filter(unit=step.unit) if step.unit else users).first() or officer
        return takers[key]

    handoffs = []
    for dossier in dossiers:
        revision = revisions[dossier.revision_id]
        steps = list(revision.steps.all())
        appointment = Appointment(dossier.clock_started_at, dossier.due_at)
        total = sum((step.allotment for step in steps), D(0)) or D(1)
        start, elapsed = dossier.received_at, D(0)
        back = paused.get(dossier.code)
        for index, step in enumerate(steps):
            following = steps[index + 1] if index + 1 < len(steps) else None
            elapsed += step.allotment
            if following is None:
                handed = dossier.completed_at
            elif back and index == 0:  # the desk hands on before the request
                handed = dossier.received_at + timedelta(hours=1)
                start = back
            else:
                handed = start + (dossier.completed_at - start) * float(elapsed / total)
            deadline = revision.step_deadline(step, calendar, appointment, office_hours)
            handoffs.append(
                Handoff(
                    dossier=saved[dossier.code],
                    step=step,
                    # the slip's first row is the desk's receipt
                    from_user=dossier.received_by if index == 0 else taker(step),
                    to_unit=following.unit if following else None,
                    to_role=following.role if following else "",
                    handed_at=handed,
                    deadline=deadline,
                    result=Outcome.compare(
                        timezone.localdate(handed), timezone.localdate(deadline)
                    ),
                )
            )
    return handoffs


def seed_dossiers(*, officer: User, chairman: User, seed: int = DEMO_YEAR) -> int:
    """A plausible year at the desk, built through the importer's rules (R1, R3, R5):
    about 3,000 dossiers, mostly early or on time, a few late (most with an apology
    drafted by the desk and issued by the chairman's signature, R11),
    some paused for a supplement (R4), most digitised and rated. Skipped when the
    year is already there."""
    if Dossier.objects.filter(received_on__year=DEMO_YEAR).exists():
        return 0
    rng = random.Random(seed)
    calendar = CalendarDay.objects.calendar()
    office_hours = Organisation.current_office_hours()
    rows = _year_rows(rng, calendar, office_hours, Organisation.current())
    dossiers, _skipped, errors = build_dossiers(rows)
    if errors:
        raise ValueError("; ".join(map(str, errors[:5])))
    supplements, apologies = [], []
    for dossier in dossiers:
        # The desk officer who received it signs form 01 and the control slip's
        # first row (R11); the importer, which cannot know who did, leaves it empty.
        dossier.received_by = officer
        roll = rng.random()
        if roll < 0.04 and dossier.outcome != Outcome.LATE:
            asked = dossier.received_at + timedelta(hours=3)
            back = asked + timedelta(days=rng.randint(2, 6))
            dossier.supplement_count = 1
            dossier.waiting_total = back - asked
            dossier.start_clock(calendar, back, office_hours)
            dossier.finish(max(dossier.completed_at, back + timedelta(hours=2)))
            dossier.returned_at = dossier.completed_at + timedelta(hours=2)
            dossier.returned_on = timezone.localdate(dossier.returned_at)
            supplements.append((dossier, asked, back))
        elif dossier.outcome == Outcome.LATE and roll < 0.7:
            # Issued, as R5 requires, on the working day before the appointment.
            issued_on = calendar.previous_working_day(dossier.due_date)
            if issued_on > dossier.received_on:
                apologies.append((dossier, issued_on))
                dossier.promised_date = calendar.add_working_days(dossier.due_date, 3)
    for dossier in dossiers:
        dossier.delivery = rng.choices(list(Delivery), [80, 5, 15])[0]
    history = {"default_user": officer, "default_change_reason": "Dữ liệu mẫu"}
    with transaction.atomic():
        for dossier, year, row in number_the_book((d.received_at, d.code, d) for d in dossiers):
            dossier.book_year, dossier.book_row = year, row
        bulk_create_with_history(dossiers, Dossier, batch_size=2000, **history)
        saved = Dossier.objects.in_bulk([d.code for d in dossiers], field_name="code")
        components = {}
        for component in RevisionComponent.objects.all():
            components.setdefault(component.revision_id, []).append(component)
        bulk_create_with_history(
            [
                DossierDocument(
                    dossier=saved[d.code],
                    order=c.order,
                    name=c.name,
                    copy_type=c.copy_type,
                    quantity=c.quantity,
                )
                for d in dossiers
                for c in components.get(d.revision_id, [])
            ],
            DossierDocument,
            batch_size=2000,
            **history,
        )
        bulk_create_with_history(
            _hand_over_trail(
                dossiers,
                saved,
                {d.code: back for d, _asked, back in supplements},
                calendar,
                office_hours,
                officer,
            ),
            Handoff,
            batch_size=2000,
            **history,
        )
        bulk_create_with_history(
            [
                SupplementRequest(
                    dossier=saved[d.code],
                    requested_at=asked,
                    requested_by=officer,
                    reason="Bổ sung bản sao giấy tờ tùy thân có chứng thực.",
                    answered_at=back,
                    new_due_date=d.due_date,
                    number=DocumentNumber.assign(
                        DocumentKind.SUPPLEMENT_REQUEST, timezone.localdate(asked)
                    ),
                )
                for d, asked, back in sorted(supplements, key=lambda row: row[1])
            ],
            SupplementRequest,
            **history,
        )
        issued = bulk_create_with_history(
            [
                Apology(
                    dossier=saved[d.code],
                    drafted_at=datetime.combine(issued_on, time(8), tzinfo=LOCAL_TZ),
                    drafted_by=officer,
                    reason="Hồ sơ cần xác minh thêm tại nơi cư trú.",
                    new_due_date=d.promised_date,
                    approved_at=datetime.combine(issued_on, time(9), tzinfo=LOCAL_TZ),
                    number=DocumentNumber.assign(DocumentKind.APOLOGY, issued_on),
                )
                for d, issued_on in sorted(apologies, key=lambda row: row[1])
            ],
            Apology,
            **history,
        )
        # signed as `apology_approve` signs, on the day of issue long past
        signatures = [
            (
                Signature(
                    record=apology,
                    signer=chairman,
                    role=Role.CHAIRMAN,
                    meaning=Signature.Meaning.APPROVED,
                    signed_at=apology.approved_at,
                    content_sha256=content_hash(apology.signed_content()),
                ),
                apology.signed_content(),
            )
            for apology in issued
        ]
        digitally_sign(signatures)
        Signature.objects.bulk_create(signature for signature, _content in signatures)
    return len(dossiers)


TURNED_AWAY = [
    (Reception.INCOMPLETE, "Thiếu bản sao giấy tờ tùy thân có chứng thực."),
    (Reception.REFUSE, "Việc đề nghị không thuộc thẩm quyền giải quyết của phường."),
]


def seed_open_dossiers(*, officer: User) -> int:
    """A few dossiers in hand today, received over the last working days, so that the
    worklists and the queues have something in them."""
    if Dossier.objects.open().exists():
        return 0
    rng = random.Random(DEMO_YEAR + 1)
    calendar = CalendarDay.objects.calendar()
    procedures = list(Procedure.objects.controlled().order_by("code"))
    count = 0
    for back in (6, 4, 3, 2, 1, 0):
        day = timezone.localdate()
        while back:
            day -= timedelta(days=1)
            back -= calendar.is_working_day(day)
        received = min(datetime.combine(day, time(8, 30), tzinfo=LOCAL_TZ), timezone.now())
        for procedure in rng.sample(procedures, 2):
            dossier = dossier_services.dossier_receive(
                procedure=procedure,
                user=officer,
                applicant_name=_name(rng),
                channel="direct",
                delivery=rng.choices(list(Delivery), [80, 5, 15])[0],
                received_at=received,
            )
            if count % 2:
                dossier_services.dossier_hand_on(dossier=dossier, user=officer)
            count += 1
    # two requests turned away at the desk this week (R13): never received, in the
    # register of requests turned away with their form 02 or 03
    for decision, reason in TURNED_AWAY:
        dossier_services.dossier_receive(
            procedure=rng.choice(procedures),
            user=officer,
            applicant_name=_name(rng),
            channel="direct",
            decision=decision,
            reason=reason,
            received_at=received,
        )
    return count
