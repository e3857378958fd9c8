from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate, pre_delete, pre_migrate
from django.utils.translation import gettext_lazy as _


class QmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qms"
    verbose_name = _("Quality management system")

    def ready(self) -> None:
        from qms import accounts
        from qms.history import (
            freeze_history_tables,
            history_models,
            refuse_history_deletion,
            thaw_history_tables,
        )
        from qms.models import ManagementReview
        from qms.oversight.pdf import review_minutes_pdf
        from qms.pdf import register_exporter
        from qms.roles import sync_role_permissions

        accounts.connect()
        register_exporter(
            "review-minutes", lambda pk: review_minutes_pdf(ManagementReview.objects.get(pk=pk))
        )

        for model in history_models():
            pre_delete.connect(
                refuse_history_deletion, sender=model, dispatch_uid=f"keep_{model._meta.label}"
            )
        # Sent once for the whole migrate run (before it, and after every app has
        # migrated), whatever apps it concerns.
        pre_migrate.connect(
            thaw_history_tables, sender=self, dispatch_uid="qms_thaw_history_tables"
        )
        post_migrate.connect(
            freeze_history_tables, sender=self, dispatch_uid="qms_freeze_history_tables"
        )

        # Every app's permissions are created in its own post_migrate, so the role
        # table is applied after each of them.
        post_migrate.connect(sync_role_permissions, dispatch_uid="qms_sync_role_permissions")


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site's AdminSite (qms.admin_site)."""

    default = False  # "qms" in INSTALLED_APPS still means QmsConfig
    default_site = "qms.admin_site.AdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        from qms.admin_site import boolean_icon

        admin_list._boolean_icon = boolean_icon
