"""The ISO 9001:2015 clauses 4.1-10.3 with their TCVN titles, and a question for each."""

from django.db import migrations

from audits.clauses import CLAUSES, SPECIFIC_QUESTIONS, question_for


def seed(apps, schema_editor):
    Clause = apps.get_model("audits", "Clause")
    Question = apps.get_model("audits", "Question")
    for order, (number, title) in enumerate(CLAUSES, start=1):
        clause = Clause.objects.create(number=number, title=title, order=order)
        for text in [question_for(number, title), *SPECIFIC_QUESTIONS.get(number, [])]:
            Question.objects.create(clause=clause, text=text)


def unseed(apps, schema_editor):
    apps.get_model("audits", "Question").objects.filter(procedure__isnull=True).delete()
    apps.get_model("audits", "Clause").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
