"""Rule R16: the plan's digitisation target is the stock of results still valid at
the cutoff, not the share of the period's returns."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from procedures.forms import ProcedureForm
from procedures.models import Procedure, ResultValidity
from qms.models import Objective
from qms.oversight.demo import TARGETS
from qms.oversight.kpi import Scope, compute
from tests.factories import ProcedureFactory, issue_revision
from tests.qms.test_kpi import dossier

YEAR_2023 = Scope(date(2023, 1, 1), date(2023, 12, 31))


@pytest.fixture
def revisions(units, secretary, chairman):
    """One procedure of each kind of validity, each with a revision in force."""

    def revision(code, **validity):
        procedure = ProcedureFactory(code=code, **validity)
        return issue_revision(procedure, secretary=secretary, approver=chairman)

    return {
        "permanent": revision("QT-TP-01"),
        "six_months": revision(
            "QT-TP-05", result_validity=ResultValidity.MONTHS, result_valid_months=6
        ),
        "once": revision("QT-CT-01", result_validity=ResultValidity.NOT_LASTING),
    }


def returned(revision, completed_on, returned_on, *, digitised):
    return dossier(
        revision,
        completed_on,
        completed_on,
        completed_on=completed_on,
        status="returned",
        returned_on=returned_on,
        digitised=digitised,
    )


def test_the_stock_counts_every_valid_result_whenever_it_was_issued(revisions):
    d = date
    permanent, six_months, once = revisions["permanent"], revisions["six_months"], revisions["once"]
    # issued years before the period, still valid: in the stock, digitised
    returned(permanent, d(2019, 5, 6), d(2019, 5, 6), digitised=True)
    returned(permanent, d(2021, 3, 1), d(2021, 3, 2), digitised=False)
    returned(permanent, d(2023, 6, 1), d(2023, 6, 1), digitised=False)
    # valid 6 months: issued on 30/06 it lapses on 30/12, issued on 01/07 it is in force
    returned(six_months, d(2023, 6, 30), d(2023, 6, 30), digitised=True)
    returned(six_months, d(2023, 7, 1), d(2023, 7, 3), digitised=True)
    # not a lasting result: never in the stock
    returned(once, d(2023, 9, 1), d(2023, 9, 1), digitised=True)
    # no result yet, or a result issued after the cutoff
    dossier(permanent, d(2023, 12, 28), d(2024, 1, 3))
    returned(permanent, d(2024, 1, 2), d(2024, 1, 2), digitised=True)
    # a result ready before the cutoff and scanned at its return after it: not yet digitised
    returned(permanent, d(2023, 12, 29), d(2024, 1, 2), digitised=True)

    figures = compute(YEAR_2023)

    # in force: 2019, 2021, 01/06/2023, 01/07/2023, 29/12/2023; digitised by then:
    # 2019 and 01/07/2023
    assert figures["digitised_in_force_rate"] == 40.0
    # the flow beside it: the results of 2023 marked digitised (all but 01/06) / 5
    assert figures["digitised_rate"] == 80.0


def test_the_stock_is_read_on_the_cutoff(revisions):
    six_months = revisions["six_months"]
    returned(six_months, date(2023, 1, 10), date(2023, 1, 10), digitised=True)
    returned(six_months, date(2023, 3, 1), date(2023, 3, 1), digitised=False)

    spring = compute(Scope(date(2023, 1, 1), date(2023, 3, 31)))
    autumn = compute(Scope(date(2023, 1, 1), date(2023, 8, 31)))

    assert spring["digitised_in_force_rate"] == 50.0
    assert autumn["digitised_in_force_rate"] == 0.0  # the digitised one lapsed on 10/07
    assert compute(YEAR_2023)["digitised_in_force_rate"] is None  # both lapsed


@pytest.mark.parametrize(
    ("validity", "months", "field"),
    [(ResultValidity.MONTHS, None, "result_valid_months"), (ResultValidity.PERMANENT, 6, None)],
)
def test_months_go_with_a_limited_validity_only(units, validity, months, field):
    procedure = ProcedureFactory.build(
        code="QT-TP-09", unit=units["TP-HT"], result_validity=validity, result_valid_months=months
    )
    with pytest.raises(ValidationError) as refused:
        procedure.full_clean()
    assert list(refused.value.message_dict) == ["result_valid_months"]
    assert not Procedure.objects.filter(code="QT-TP-09").exists()


def test_the_procedure_form_puts_the_missing_months_beside_their_field(units):
    form = ProcedureForm(
        data={
            "code": "QT-TP-09",
            "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
            "field": "civil_status",
            "unit": units["TP-HT"].pk,
            "legal_basis": "Nghị định 123/2015/NĐ-CP",
            "result_document": "Giấy xác nhận tình trạng hôn nhân",
            "result_validity": ResultValidity.MONTHS,
            "result_valid_months": "",
            "review_interval_months": 12,
            "reason": "Thêm thủ tục",
        }
    )
    assert not form.is_valid()
    assert form.errors["result_valid_months"] == ["Nhập số tháng kết quả còn hiệu lực."]


def test_the_plan_objective_measures_the_stock_in_the_plans_words():
    label = Objective.Measure("digitised_in_force_rate").label
    assert label == "Kết quả còn hiệu lực được số hóa (%)"

    titles = {measure: title for title, measure, _comparison, _target in TARGETS}
    assert "đang còn hiệu lực" in titles[Objective.Measure.DIGITISED_IN_FORCE]
    assert Objective.Measure.DIGITISED not in titles
