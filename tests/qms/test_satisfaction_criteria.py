"""The nine criteria scored beside the ratings (domain-vn.md §8.1) are reported:
their averages and the weakest, on the dashboard and in the review's input c1)."""

from datetime import date

import pytest
from django.urls import reverse

from qms.oversight import kpi, review_inputs, snapshot
from qms.oversight.kpi import Scope
from qms.oversight.pdf import review_minutes_pdf
from tests.qms.test_kpi import dossier
from tests.qms.test_review_minutes import meeting  # noqa: F401 (a fixture)
from tests.qms.test_reviews_reports import pdf_text

FIRST_HALF = Scope(date(2023, 1, 1), date(2023, 6, 30))


@pytest.fixture
def scored(effective):
    """Three dossiers returned in the first half of 2023 with the nine criteria, one
    rated without them and one returned in July."""
    for criteria in (
        [2, 2, 1, 2, 2, 0, 1, 2, 0],
        [2, 1, 1, 2, 2, 1, 2, 2, 0],
        [2, 2, 2, 2, 1, 0, 2, 2, 1],
    ):
        returned(effective, date(2023, 3, 6), criteria)
    returned(effective, date(2023, 3, 7), None)
    returned(effective, date(2023, 7, 3), [0] * 9)


def returned(revision, day, criteria):
    return dossier(
        revision,
        day,
        day,
        completed_on=day,
        status="returned",
        returned_on=day,
        rating="satisfied",
        criteria=criteria,
    )


def test_each_criterion_is_averaged_over_the_dossiers_that_scored_it(scored):
    figures = kpi.criteria(FIRST_HALF)

    assert figures["scored"] == 3
    assert figures["averages"] == [2.0, 1.67, 1.33, 2.0, 1.67, 0.33, 1.67, 2.0, 0.33]


def test_nothing_scored_gives_no_averages(db):
    assert kpi.criteria(FIRST_HALF) == {"scored": 0, "averages": [None] * 9}


def test_the_weakest_three_are_named_lowest_first(scored):
    section = snapshot.criteria_section(snapshot.snapshot(FIRST_HALF))

    facts = dict(section.facts)
    assert facts["Số hồ sơ được đánh giá theo chín tiêu chí"] == "3"
    weakest = facts["Tiêu chí thấp nhất"].split("; ")
    assert [name.split(".")[0] for name in weakest] == ["6", "9", "3"]
    assert section.rows[5] == ["6. Công khai thủ tục hành chính", "0,33"]


def test_the_dashboard_shows_the_criteria(client, personas, scored):
    from qms.roles import Role

    client.force_login(personas[Role.CHAIRMAN])
    page = client.get(reverse("qms:dashboard"), {"year": 2023, "period": "h1"})

    html = page.content.decode()
    block = html.split('data-testid="criteria"')[1].split("</section>")[0]
    assert "Tiêu chí thấp nhất" in block
    assert "0,33" in block


def test_the_review_minutes_report_them_in_input_c1(meeting, scored):  # noqa: F811
    text = pdf_text(review_minutes_pdf(meeting))

    c1 = " ".join(text.split("c1)")[1].split("c2)")[0].split())
    assert "Số hồ sơ được đánh giá theo chín tiêu chí 3" in c1
    assert "6. Công khai thủ tục hành chính 0,33" in c1


def test_minutes_signed_before_the_criteria_were_reported_still_print(meeting):  # noqa: F811
    stored = review_inputs.compile_inputs(meeting)
    del stored["criteria"]

    sections = review_inputs.sections(meeting, stored)

    assert sections[2].title.startswith("c1)")
    assert sections[2].rows == []
