"""The question bank as migrations leave it: each clause asked as a ward's one-stop
desk meets it, not one general question shared by every clause."""

from django.db.models import Count, Q

from audits.models import Clause, Question


def bank():
    return Question.objects.filter(procedure__isnull=True)


def test_every_clause_has_a_question_of_its_own(db):
    assert Clause.objects.count() == 84
    assert bank().count() == 96  # one each, and 0002's 12 specific ones: 0004's docstring
    assert (
        not Clause.objects.annotate(
            asked=Count("questions", filter=Q(questions__procedure__isnull=True))
        )
        .filter(asked=0)
        .exists()
    )
    shared = bank().values("text").annotate(clauses=Count("clause", distinct=True))
    assert [row["text"] for row in shared.filter(clauses__gt=1)] == []


def test_no_clause_keeps_the_general_question(db):
    assert not bank().filter(text__startswith="Tổ chức có đáp ứng yêu cầu").exists()


def test_the_desk_is_what_the_questions_ask_about(db):
    def asked(number):
        texts = bank().filter(clause__number=number).values_list("text", flat=True)
        return " ".join(texts).casefold()

    assert "máy cấp số" in asked("7.1.5") and "máy quét" in asked("7.1.5")
    assert "công khai" in asked("8.2.1") and "cổng dịch vụ công" in asked("8.2.1")
    assert "tại quầy" in asked("9.1.2")
