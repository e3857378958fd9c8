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
    """(msgid, msgstr, fuzzy) for every entry but the header. A msgid with a context
    is read as gettext keys it ("context\x04msgid"); a plural entry as its singular,
    with its one Vietnamese form (msgstr[0])."""
    entries, current, field, fuzzy, context = [], None, None, False, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            context = _unquote(line) + "\x04"
        elif line.startswith("msgid "):
            current, field = {"msgid": _unquote(line), "msgstr": ""}, "msgid"
        elif line.startswith("msgid_plural "):
            field = "plural"
            current[field] = _unquote(line)
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            current["msgstr"], field = _unquote(line), "msgstr"
        elif line.startswith('"') and current is not None:
            current[field] += _unquote(line)
        elif not line.strip() and current is not None:
            if current["msgid"]:
                entries.append((context + current["msgid"], current["msgstr"], fuzzy))
            current, fuzzy, context = None, False, ""
    return entries


def _compiled_translation(compiled: gettext.GNUTranslations, msgid: str) -> str:
    translated = compiled.gettext(msgid)
    return compiled.ngettext(msgid, msgid, 1) if translated == msgid else translated


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
        if _compiled_translation(compiled, msgid) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile django.mo"
