"""The moment a dossier was stopped or withdrawn, which dates its stop notice (R11).
Dossiers stopped before are given the moment of the first history row that shows
them stopped: every stop went through `dossier_stop`, which writes one."""

from django.db import migrations, models

ENDED = ("stopped", "withdrawn")


def ended_at_from_history(apps, schema_editor):
    Dossier = apps.get_model("procedures", "Dossier")
    HistoricalDossier = apps.get_model("procedures", "HistoricalDossier")
    for dossier in Dossier.objects.filter(status__in=ENDED, ended_at__isnull=True):
        first = (
            HistoricalDossier.objects.filter(id=dossier.pk, status__in=ENDED)
            .order_by("history_date")
            .first()
        )
        if first is not None:
            Dossier.objects.filter(pk=dossier.pk).update(ended_at=first.history_date)


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0003_upload_content_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='ended_at',
            field=models.DateTimeField(blank=True, help_text="When the citizen stopped or withdrew the dossier: the stop notice's date.", null=True, verbose_name='stopped at'),
        ),
        migrations.AddField(
            model_name='historicaldossier',
            name='ended_at',
            field=models.DateTimeField(blank=True, help_text="When the citizen stopped or withdrew the dossier: the stop notice's date.", null=True, verbose_name='stopped at'),
        ),
        migrations.RunPython(ended_at_from_history, migrations.RunPython.noop),
    ]
