"""Demo procedures of the ward's one-stop desk, for `seed_demo`.

Statutory times follow the laws named in each legal basis (Luật Hộ tịch 2014,
Nghị định 123/2015, Nghị định 23/2015, Luật Xây dựng, Nghị định 01/2021); they are
demo data, to be checked against the province's TTHC announcement before use.
"""

from datetime import date, time
from decimal import Decimal

from procedures import services
from procedures.models import Field, LimitUnit, Procedure
from qms.models import Unit, User
from qms.roles import Role

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


def seed_procedures(*, secretary: User, approver: User, password: str) -> int:
    """Create the demo procedures that do not exist yet; returns how many were created."""
    units = Unit.objects.in_bulk(field_name="code")
    created = 0
    for code, name, field, unit, limit, basis, fee, result, online, records in PROCEDURES:
        if Procedure.objects.filter(code=code).exists():
            continue
        procedure = services.procedure_save(
            procedure=Procedure(
                code=code,
                name=name,
                field=field,
                unit=units[unit],
                legal_basis=basis,
                fee=fee,
                result_document=result,
                online_submission=online,
            ),
            user=secretary,
            reason="Dữ liệu mẫu",
        )
        limit_unit, amount, cutoff = limit
        steps = (
            _same_day_steps(unit) if limit_unit == LimitUnit.SAME_DAY else _day_steps(unit, amount)
        )
        issues = [FIRST_ISSUE, SECOND_ISSUE] if code == REISSUED else [FIRST_ISSUE]
        for number, issue in enumerate(issues, start=1):
            revision = services.revision_draft(procedure=procedure, user=secretary)
            revision.purpose = f"Quy định trình tự, thời hạn giải quyết thủ tục {name.lower()}."
            revision.scope = (
                "Áp dụng tại Bộ phận Một cửa và các bộ phận chuyên môn của UBND phường."
            )
            revision.references = basis
            revision.limit_unit, revision.limit_amount, revision.cutoff = limit_unit, amount, cutoff
            revision.forms_used = "Mẫu 01, 02, 03, 04 và Phiếu kiểm soát quá trình giải quyết hồ sơ"
            revision.change_summary = (
                "" if number == 1 else "Cập nhật căn cứ pháp lý; điều chỉnh thời gian thẩm định."
            )
            step_rows = steps if number == len(issues) else _older(steps)
            services.revision_update(
                revision=revision,
                steps=[
                    {"name": n, "unit": units.get(u), "role": r, "allotment": a}
                    for n, u, r, a in step_rows
                ],
                records=[{"name": n, "keeper": k, "retention": t} for n, k, t in records],
                user=secretary,
                reason="Dữ liệu mẫu",
            )
            services.revision_submit(revision=revision, user=secretary)
            services.revision_approve(revision=revision, user=approver, password=password, **issue)
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
