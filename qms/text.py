"""Text as people type it: Vietnamese with or without its marks, any case."""

import re
import unicodedata

NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """`text` without case, marks, or punctuation: "Tên tổ chức, cá nhân" and
    "ten to chuc  ca-nhan" fold alike, to "ten to chuc ca nhan". Decomposed (NFD)
    so that each mark can be dropped; đ is a letter of its own, not d with a mark,
    so Unicode leaves it to be mapped; every run of other characters is one space."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NOT_ALPHANUMERIC.sub(" ", bare).strip()
