"""The receipt form's procedure field: what the officer types, with or without
Vietnamese marks, names a procedure by code, name or "code – name"; the list in the
browser and the form's resolution read the same matches."""

import pytest
from django.urls import reverse

from procedures.forms import ReceiveForm
from procedures.models import Dossier
from qms.roles import Role
from qms.text import fold, search_key
from tests.factories import ProcedureFactory, issue_revision


@pytest.fixture
def birth(effective, secretary, chairman):
    """Beside QT-TP-05 (marital status), two birth procedures in force and one out of use."""
    for code, name, in_use in [
        ("QT-TP-01", "Đăng ký khai sinh", True),
        ("QT-TP-02", "Đăng ký khai sinh có yếu tố nước ngoài", True),
        ("QT-TP-09", "Đăng ký lại khai sinh", False),
    ]:
        procedure = ProcedureFactory(code=code, name=name)
        issue_revision(procedure, secretary=secretary, approver=chairman)
        procedure.in_use = in_use
        procedure.save()


def test_fold_drops_case_and_marks_and_reads_d_bar_as_d():
    assert fold("Đăng Ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Người được ủy quyền") == "nguoi duoc uy quyen"
    assert search_key("QT-TP-05  —  Cấp giấy") == search_key("qt-tp-05 - cap GIAY")
    assert search_key("QT-TP-05") == "qt-tp-05"  # a code's own hyphens stay


def _resolved(typed: str):
    form = ReceiveForm({"procedure": typed})
    form.is_valid()
    return form.cleaned_data.get("procedure"), form.errors.get("procedure")


@pytest.mark.parametrize(
    "typed",
    [
        "QT-TP-01",
        "qt-tp-01",
        "Đăng ký khai sinh",  # exact: wins over QT-TP-02, whose name holds it
        "dang ky khai sinh",
        "DANG KY KHAI SINH",
        "QT-TP-01 – Đăng ký khai sinh",
        "qt-tp-01 - dang ky khai sinh",
        "QT-TP-01—Đăng ký khai sinh",
    ],
)
def test_the_code_the_name_or_both_name_one_procedure(birth, typed):
    procedure, errors = _resolved(typed)
    assert errors is None and procedure.code == "QT-TP-01"


def test_a_unique_part_names_its_procedure_out_of_use_ones_are_not_offered(birth):
    assert _resolved("nuoc ngoai")[0].code == "QT-TP-02"
    assert _resolved("hon nhan")[0].code == "QT-TP-05"
    # "Đăng ký lại khai sinh" is out of use: nothing else has "lai"
    assert _resolved("dang ky lai")[1] == [
        "Không có thủ tục nào đang áp dụng khớp với “dang ky lai”: "
        "hãy gõ một phần mã hoặc tên thủ tục."
    ]


def test_several_matches_are_refused_naming_what_was_typed_and_the_codes(birth):
    assert _resolved("khai sinh")[1] == [
        "“khai sinh” khớp với 2 thủ tục (QT-TP-01, QT-TP-02): hãy chọn một thủ tục trong danh sách."
    ]


def test_a_refused_procedure_comes_back_as_typed_and_nothing_is_written(
    birth, personas, client_for
):
    response = client_for(personas[Role.OFFICER]).post(
        reverse("procedures:dossier_receive"),
        {
            "procedure": "khai sinh",
            "applicant_name": "Phan Thị Hạnh",
            "channel": "direct",
            "documents_count": "1",
            "decision": "accept",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert 'value="khai sinh"' in page and "khớp với 2 thủ tục" in page


def test_the_list_shows_the_matches_the_form_resolves_exact_ones_first(birth, personas, client_for):
    client = client_for(personas[Role.OFFICER])
    url = reverse("procedures:dossier_receive_matches")

    def listed(typed: str) -> list[str]:
        return [match["value"] for match in client.get(url, {"q": typed}).json()["matches"]]

    assert listed("dang ky khai sinh") == [
        "QT-TP-01 – Đăng ký khai sinh",
        "QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài",
    ]
    assert listed("ngoai khai") == ["QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài"]
    assert listed("QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài") == [
        "QT-TP-02 – Đăng ký khai sinh có yếu tố nước ngoài"
    ]
    assert listed("   ") == [] and listed("lai khai sinh") == []
