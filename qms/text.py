"""Text as people type it: Vietnamese with or without its marks, any case."""

import re
import unicodedata
from functools import lru_cache

# Dashes typed between a code and a name: an en or em dash anywhere, a hyphen only
# with spaces around it (codes such as QT-TP-05 keep theirs).
SEPARATOR = re.compile(r"\s*[\u2012\u2013\u2014\u2015\u2212]\s*|\s+[-\u2010\u2011]\s+")
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def fold(value: str) -> str:
    """`value` without case or marks: "Đăng Ký" and "dang ky" fold alike (đ is a
    letter of its own, not d with a mark, so Unicode leaves it to be mapped)."""
    decomposed = unicodedata.normalize("NFD", value.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_key(value: str) -> str:
    """`value` folded, a dash between its parts and runs of spaces read as one space:
    what two spellings of the same words have in common."""
    return " ".join(SEPARATOR.sub(" ", fold(value)).split())


@lru_cache(maxsize=4096)  # an import asks for the same few values on every row
def words_key(value: str) -> str:
    """`value` folded and without punctuation, every run of other characters one
    space: "Tên tổ chức, cá nhân" and "ten to chuc  ca-nhan" give "ten to chuc ca
    nhan" (a column's header or a value in a file, however it is written)."""
    return NOT_ALPHANUMERIC.sub(" ", fold(value)).strip()
