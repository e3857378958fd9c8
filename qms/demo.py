"""Demo quality objectives for `seed_demo`: the targets of the ward's 2023 plan
(section I.2 of Kế hoạch 07/KH-UBND, `../shared/seed/`), approved by the chairman."""

from decimal import Decimal

from qms import signing
from qms.models import Objective, User

PLAN_YEAR = 2023
TARGETS = [
    ("100% hồ sơ TTHC giải quyết đúng hạn", Objective.Measure.ON_TIME, "gte", "100"),
    ("Mức độ hài lòng của người dân đạt trên 95%", Objective.Measure.SATISFACTION, "gt", "95"),
    (
        "Số hóa kết quả giải quyết TTHC đạt tối thiểu 55%",
        Objective.Measure.DIGITISED,
        "gte",
        "55",
    ),
    (
        "Hoàn thành 100% thực hiện quản lý chất lượng theo TCVN ISO 9001:2015",
        Objective.Measure.ISO_COVERAGE,
        "gte",
        "100",
    ),
    (
        "Hoàn thành đúng tiến độ 100% nhiệm vụ của Kế hoạch CCHC năm 2023",
        Objective.Measure.PLAN_TASKS,
        "gte",
        "100",
    ),
]


def seed_objectives(*, chairman: User, password: str) -> int:
    if Objective.objects.filter(year=PLAN_YEAR).exists():
        return 0
    for title, measure, comparison, target in TARGETS:
        objective = Objective.objects.create(
            year=PLAN_YEAR,
            title=title,
            measure=measure,
            comparison=comparison,
            target=Decimal(target),
        )
        signing.chairman_approve(record=objective, user=chairman, password=password)
    return len(TARGETS)
