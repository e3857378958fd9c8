"""What the bad-input tests check after each refusal: the project's tables are
unchanged, and the message is in Vietnamese."""

import re
from functools import cache

from django.apps import apps
from django.db import connection

PROJECT_APPS = ("qms", "procedures", "audits", "nonconformities", "governance", "isodocs")


@cache
def _reads() -> tuple[tuple[str, str], ...]:
    """(table, the statement reading all its rows) for each table of the project's
    apps, history and many-to-many tables included."""
    quote = connection.ops.quote_name
    models = [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    return tuple(
        (meta.db_table, f"SELECT * FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}")
        for meta in (model._meta for model in models)
        if meta.managed and not meta.proxy
    )


def database_state() -> dict:
    """Every row of every table of the project, as the database holds it (read
    without the ORM: a bad-input test reads the whole database twice per example)."""
    state = {}
    with connection.cursor() as cursor:
        for table, read in _reads():
            cursor.execute(read)
            state[table] = cursor.fetchall()
    return state


# Vietnamese writes with these letters; an English message (Django's, untranslated)
# has none of them, even with typographic quotes.
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


def is_vietnamese(message: str) -> bool:
    return bool(VIETNAMESE_LETTER.search(message))
