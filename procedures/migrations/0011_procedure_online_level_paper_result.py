from django.db import migrations, models

LEVEL = models.CharField(
    choices=[
        ("none", "Not offered online"),
        ("partial", "Partly online (một phần)"),
        ("full", "Fully online (toàn trình)"),
    ],
    default="none",
    help_text="Decision 766 indicator 3.1 counts procedures offered online, partly or fully.",
    max_length=8,
    verbose_name="online public service",
)
PAPER = models.BooleanField(
    default=True,
    help_text="Decision 766 (3.3, 4.1, 4.2) then asks each dossier for an electronic result file.",
    verbose_name="issues a paper result",
)


def online_level_from_flag(apps, schema_editor):
    """"Online submission offered" said that a dossier could be submitted online, not
    that the whole procedure ran online: the partial level (một phần). Whoever knows
    a procedure to run fully online raises it by hand. Past versions in the history
    are read the same way."""
    for name in ("Procedure", "HistoricalProcedure"):
        apps.get_model("procedures", name).objects.filter(online_submission=True).update(
            online_level="partial"
        )


def flag_from_online_level(apps, schema_editor):
    for name in ("Procedure", "HistoricalProcedure"):
        apps.get_model("procedures", name).objects.exclude(online_level="none").update(
            online_submission=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0010_apology_draft_withdrawn_one_in_force"),
    ]

    operations = [
        migrations.AddField(model_name="historicalprocedure", name="online_level", field=LEVEL),
        migrations.AddField(model_name="historicalprocedure", name="paper_result", field=PAPER),
        migrations.AddField(model_name="procedure", name="online_level", field=LEVEL),
        migrations.AddField(model_name="procedure", name="paper_result", field=PAPER),
        migrations.RunPython(online_level_from_flag, flag_from_online_level),
        migrations.RemoveField(model_name="historicalprocedure", name="online_submission"),
        migrations.RemoveField(model_name="procedure", name="online_submission"),
    ]
