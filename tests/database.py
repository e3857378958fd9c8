"""The whole state of the project's tables, to show that a refusal wrote nothing."""

from django.apps import apps

PROJECT_APPS = ("qms", "procedures", "audits", "nonconformities")


def database_state() -> dict:
    """Every row of every table of the project, history included."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }
