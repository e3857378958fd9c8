from django.db import migrations
from django.utils import timezone


def measure_ended_dossiers(apps, schema_editor):
    """Stopped and withdrawn dossiers ended their processing too (Decision 766, 2.1):
    their flag is measured at the stop as `Dossier.end_processing` now does."""
    Dossier = apps.get_model("procedures", "Dossier")
    ended = Dossier.objects.filter(
        status__in=["stopped", "withdrawn"], ended_at__isnull=False, first_due_date__isnull=False
    )
    for dossier in ended.iterator():
        measured_on = timezone.localdate(dossier.ended_at - dossier.waiting_total)
        dossier.on_time_766 = (
            dossier.supplement_count <= 1 and measured_on <= dossier.first_due_date
        )
        dossier.save(update_fields=["on_time_766"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0011_procedure_online_level_paper_result"),
    ]

    operations = [
        migrations.RunPython(measure_ended_dossiers, migrations.RunPython.noop),
    ]
