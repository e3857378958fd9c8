"""The organisation's printed identity becomes effective-dated records (R9): today's
name, superior authority, address and place name move into a first record, valid
from 1/1/2000 (the first year the application takes) so that every document older
than the next record keeps printing what it printed before; the desk's name is the
one the forms printed until now."""

from datetime import date

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FIRST_DAY = date(2000, 1, 1)
DESK_NAME = "Bộ phận Một cửa"
FIELDS = ("name", "superior", "address", "place_name")
OLD_FIELDS = {
    "name": models.CharField(max_length=200, verbose_name="name", default=""),
    "superior": models.CharField(
        help_text="Printed above the name.",
        max_length=200,
        verbose_name="superior authority",
        default="",
    ),
    "address": models.CharField(max_length=300, verbose_name="address", default=""),
    "place_name": models.CharField(
        help_text='Written before the date on documents: "An Dương, ngày … tháng … năm …".',
        max_length=100,
        verbose_name="place name",
        default="",
    ),
}


def identity_from_organisation(apps, schema_editor):
    Organisation = apps.get_model("qms", "Organisation")
    OrganisationIdentity = apps.get_model("qms", "OrganisationIdentity")
    HistoricalIdentity = apps.get_model("qms", "HistoricalOrganisationIdentity")
    for organisation in Organisation.objects.all():
        identity = OrganisationIdentity.objects.create(
            organisation=organisation,
            valid_from=FIRST_DAY,
            desk_name=DESK_NAME,
            **{field: getattr(organisation, field) for field in FIELDS},
        )
        HistoricalIdentity.objects.create(
            id=identity.id,
            organisation_id=organisation.pk,
            valid_from=FIRST_DAY,
            desk_name=DESK_NAME,
            **{field: getattr(organisation, field) for field in FIELDS},
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="Chuyển từ thông tin cơ quan (thể thức theo thời gian)",
        )


def organisation_from_identity(apps, schema_editor):
    """Back: the organisation takes the identity in force today."""
    Organisation = apps.get_model("qms", "Organisation")
    OrganisationIdentity = apps.get_model("qms", "OrganisationIdentity")
    for organisation in Organisation.objects.all():
        identity = (
            OrganisationIdentity.objects.filter(
                organisation=organisation, valid_from__lte=timezone.localdate()
            )
            .order_by("valid_from")
            .last()
        ) or OrganisationIdentity.objects.filter(organisation=organisation).first()
        if identity is not None:
            for field in FIELDS:
                setattr(organisation, field, getattr(identity, field))
            organisation.save(update_fields=FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("qms", "0012_unit_is_active"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalOrganisationIdentity",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="valid from")),
                (
                    "superior",
                    models.CharField(
                        help_text="Printed above the organisation's name, e.g. Ủy ban nhân dân quận Lê Chân.",
                        max_length=200,
                        verbose_name="superior authority",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. Ủy ban nhân dân phường An Dương.",
                        max_length=200,
                        verbose_name="name",
                    ),
                ),
                (
                    "desk_name",
                    models.CharField(
                        help_text="Printed at the head of the desk's forms, below the organisation's name, e.g. Bộ phận Một cửa, or Trung tâm Phục vụ hành chính công.",
                        max_length=200,
                        verbose_name="one-stop desk's name",
                    ),
                ),
                (
                    "place_name",
                    models.CharField(
                        help_text='Written before the date on documents: "An Dương, ngày … tháng … năm …".',
                        max_length=100,
                        verbose_name="place name",
                    ),
                ),
                ("address", models.CharField(max_length=300, verbose_name="address")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="qms.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical identity of the organisation",
                "verbose_name_plural": "historical identities of the organisation",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="OrganisationIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="valid from")),
                (
                    "superior",
                    models.CharField(
                        help_text="Printed above the organisation's name, e.g. Ủy ban nhân dân quận Lê Chân.",
                        max_length=200,
                        verbose_name="superior authority",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. Ủy ban nhân dân phường An Dương.",
                        max_length=200,
                        verbose_name="name",
                    ),
                ),
                (
                    "desk_name",
                    models.CharField(
                        help_text="Printed at the head of the desk's forms, below the organisation's name, e.g. Bộ phận Một cửa, or Trung tâm Phục vụ hành chính công.",
                        max_length=200,
                        verbose_name="one-stop desk's name",
                    ),
                ),
                (
                    "place_name",
                    models.CharField(
                        help_text='Written before the date on documents: "An Dương, ngày … tháng … năm …".',
                        max_length=100,
                        verbose_name="place name",
                    ),
                ),
                ("address", models.CharField(max_length=300, verbose_name="address")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="identities",
                        to="qms.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "identity of the organisation",
                "verbose_name_plural": "identities of the organisation",
                "ordering": ["-valid_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "valid_from"),
                        name="qms_identity_one_per_day",
                        violation_error_message="The organisation already has an identity valid from this day: edit it.",
                    )
                ],
            },
        ),
        migrations.RunPython(identity_from_organisation, organisation_from_identity),
        # A default before the columns go, so that migrating back can add them again
        # to the existing row before `organisation_from_identity` fills them in.
        *[
            migrations.AlterField(model_name=model, name=name, field=field)
            for model in ("organisation", "historicalorganisation")
            for name, field in OLD_FIELDS.items()
        ],
        migrations.RemoveField(
            model_name="historicalorganisation",
            name="address",
        ),
        migrations.RemoveField(
            model_name="historicalorganisation",
            name="name",
        ),
        migrations.RemoveField(
            model_name="historicalorganisation",
            name="place_name",
        ),
        migrations.RemoveField(
            model_name="historicalorganisation",
            name="superior",
        ),
        migrations.RemoveField(
            model_name="organisation",
            name="address",
        ),
        migrations.RemoveField(
            model_name="organisation",
            name="name",
        ),
        migrations.RemoveField(
            model_name="organisation",
            name="place_name",
        ),
        migrations.RemoveField(
            model_name="organisation",
            name="superior",
        ),
    ]
