"""The UI speaks Vietnamese: every message is translated and the compiled catalogue is current."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "qms" / "locale" / "vi" / "LC_MESSAGES"


def _unquote(line: str) -> str:
    # PO strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(line[line.index('"') :])


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header."""
    entries, current, field, fuzzy = [], None, None, False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            current, field = {"msgid": _unquote(line), "msgstr": ""}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], field = _unquote(line), "msgstr"
        elif line.startswith('"') and current is not None:
            current[field] += _unquote(line)
        elif not line.strip() and current is not None:
            if current["msgid"]:
                entries.append((current["msgid"], current["msgstr"], fuzzy))
            current, fuzzy = None, False
    return entries


def test_every_message_is_translated():
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == []


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\(\w+\)s")
    for msgid, msgstr, _fuzzy in read_po(CATALOGUE / "django.po"):
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _fuzzy in read_po(CATALOGUE / "django.po")
        if compiled.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile django.mo"
