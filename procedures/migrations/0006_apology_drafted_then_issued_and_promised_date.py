import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Form 04 is drafted by the unit at fault and issued by the head's approval
    (R11): the apologies recorded before were issued by a desk officer, so they
    become drafts waiting for the chairman or a vice-chairman."""

    dependencies = [
        ("procedures", "0005_receipt_documents_delivery_and_book_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("apology", "issued_at", "drafted_at"),
        migrations.RenameField("apology", "issued_by", "drafted_by"),
        migrations.RenameField("historicalapology", "issued_at", "drafted_at"),
        migrations.RenameField("historicalapology", "issued_by", "drafted_by"),
        migrations.AlterModelOptions(
            name="apology",
            options={
                "permissions": [("approve_apology", "Can issue an apology letter by approving it")],
                "verbose_name": "apology letter",
                "verbose_name_plural": "apology letters",
            },
        ),
        migrations.AddField(
            model_name="apology",
            name="approved_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="approved at"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="promised_date",
            field=models.DateField(
                blank=True,
                help_text="The new date of the issued apology (form 04): worklists follow it; the outcome is still measured against the appointment.",
                null=True,
                verbose_name="promised date",
            ),
        ),
        migrations.AddField(
            model_name="historicalapology",
            name="approved_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="approved at"
            ),
        ),
        migrations.AddField(
            model_name="historicaldossier",
            name="promised_date",
            field=models.DateField(
                blank=True,
                help_text="The new date of the issued apology (form 04): worklists follow it; the outcome is still measured against the appointment.",
                null=True,
                verbose_name="promised date",
            ),
        ),
        migrations.AlterField(
            model_name="apology",
            name="drafted_at",
            field=models.DateTimeField(verbose_name="drafted at"),
        ),
        migrations.AlterField(
            model_name="apology",
            name="drafted_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="drafted by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalapology",
            name="drafted_at",
            field=models.DateTimeField(verbose_name="drafted at"),
        ),
        migrations.AlterField(
            model_name="historicalapology",
            name="drafted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="drafted by",
            ),
        ),
    ]
