"""What the bad-input tests check after each refusal: the project's tables are
unchanged, and the message is in Vietnamese."""

import re

from django.apps import apps

PROJECT_APPS = ("qms", "procedures", "audits", "nonconformities", "governance", "isodocs")


def database_state() -> dict:
    """Every row of every table of the project, history included."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


# Vietnamese writes with these letters; an English message (Django's, untranslated)
# has none of them, even with typographic quotes.
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


def is_vietnamese(message: str) -> bool:
    return bool(VIETNAMESE_LETTER.search(message))
