"""Documents that carry a number (rule R10): "Số: N/YYYY/<suffix>", numbered by kind
and year from 1 without gaps, given at the document's event and never again."""

import subprocess
from datetime import date

import pytest
from django.db import transaction

from qms.models import DocumentKind, DocumentNumber, DocumentSequence
from qms.pdf import build_pdf, number_line
from tests.threads import run_together

REPORT, REFUSAL = DocumentKind.REFORM_REPORT, DocumentKind.REFUSAL


def numbers(kind: str, year: int) -> list[int]:
    return list(
        DocumentNumber.objects.filter(kind=kind, year=year)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_numbers_restart_at_1_for_each_kind_and_year(db):
    given = [
        DocumentNumber.assign(REPORT, date(2025, 3, 1)),
        DocumentNumber.assign(REPORT, date(2025, 6, 1)),
        DocumentNumber.assign(REFUSAL, date(2025, 6, 1)),
        DocumentNumber.assign(REPORT, date(2026, 1, 2)),
    ]
    assert [str(number) for number in given] == [
        "1/2025/BC-UBND",
        "2/2025/BC-UBND",
        "1/2025/PTC",
        "1/2026/BC-UBND",
    ]


def test_an_event_rolled_back_gives_its_number_back_and_a_number_never_changes(db):
    DocumentNumber.assign(REPORT, date(2025, 3, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        DocumentNumber.assign(REPORT, date(2025, 6, 1))
        raise RuntimeError("the report could not be sent")
    second = DocumentNumber.assign(REPORT, date(2025, 9, 1))
    assert numbers(REPORT, 2025) == [1, 2]
    second.number = 7
    with pytest.raises(ValueError):
        second.save()
    assert numbers(REPORT, 2025) == [1, 2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_documents_numbered_at_once_get_every_number_once():
    def issue():
        with transaction.atomic():
            DocumentNumber.assign(REFUSAL, date(2025, 10, 1))

    assert run_together(*[issue] * 6) == []
    assert numbers(REFUSAL, 2025) == [1, 2, 3, 4, 5, 6]
    assert DocumentSequence.objects.get(kind=REFUSAL, year=2025).last == 6


def test_the_number_is_printed_under_the_issuer(db):
    number = DocumentNumber.assign(REPORT, date(2025, 3, 1))
    data = build_pdf([number_line(number)], title="Báo cáo", footer="")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Số: 1/2025/BC-UBND" in text
