"""A first retention schedule, one rule per kind of record, for the ward to adjust
to its own archives' rules (the page keeps each change in the history)."""

from django.db import migrations

DEFAULTS = {
    "dossier": (5, "năm trả kết quả hoặc kết thúc giải quyết hồ sơ"),
    "tracking_book": (10, "năm kết thúc quyển sổ"),
    "audit": (5, "năm kết thúc cuộc đánh giá"),
    "nonconformity": (5, "năm đóng sự không phù hợp"),
    "review": (10, "năm họp xem xét của lãnh đạo"),
}


def create(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    for kind, (years, counted_from) in DEFAULTS.items():
        RetentionRule.objects.get_or_create(
            kind=kind, defaults={"years": years, "counted_from": counted_from}
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
