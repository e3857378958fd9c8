from django.db import migrations

# Frozen copy of qms.roles.Role values at the time of this migration; the
# permissions of each group are applied from qms.roles.ROLE_PERMISSIONS after
# every migrate.
ROLES = (
    "officer",
    "specialist",
    "iso_secretary",
    "auditor",
    "vice_chairman",
    "chairman",
    "viewer",
)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("qms", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
