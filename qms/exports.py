"""The bound every download built from many records keeps (tracking book, registers,
periodic reports): past it the export is refused with a message before the file is
built, so a wide filter cannot make the server assemble a file of a million rows.

A PDF is laid out in memory page by page (a tracking book of 10,000 rows needs close
to half a gigabyte), so its bound is lower than the spreadsheet's.
"""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

ROW_CAPS = {"xlsx": 50_000, "pdf": 5_000}


def check_row_count(count: int, fmt: str) -> None:
    cap = ROW_CAPS[fmt]
    if count > cap:
        raise ValidationError(
            _(
                "A %(format)s export holds at most %(cap)s rows and this one has more: "
                "choose a shorter period or narrower filters."
            ),
            code="too_many_rows",
            params={"format": fmt.upper(), "cap": number_format(cap, force_grouping=True)},
        )


def capped(rows, fmt: str) -> list:
    """`rows` (a list, or a QuerySet read with a LIMIT) as a list, refused when there
    are more than the cap of `fmt`: one row past it is read to know, never all."""
    taken = list(rows[: ROW_CAPS[fmt] + 1])
    check_row_count(len(taken), fmt)
    return taken
