"""When late dossiers of one procedure form a pattern that calls for a corrective
action (rule R15 of domain-vn.md): two or more in one calendar month, or three or more
in one quarter. Plain dates in, no database. The data migration that applied the rule
to the records kept before it holds a frozen copy (migrations import no live code)."""

from collections.abc import Hashable, Iterable
from datetime import date

IN_A_MONTH = 2
IN_A_QUARTER = 3


def quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(day: date) -> tuple[date, date]:
    first = 3 * (quarter(day) - 1) + 1
    end = date(day.year + 1, 1, 1) if first == 10 else date(day.year, first + 3, 1)
    return date(day.year, first, 1), date.fromordinal(end.toordinal() - 1)


def late_pattern(
    day: date, outputs: Iterable[tuple[Hashable, date]]
) -> tuple[str, list[Hashable]] | None:
    """The pattern that the output found on `day` completes among `outputs` (key and
    day of each output of the procedure not yet in a corrective action, the new one
    included): ("month", keys) or ("quarter", keys), the month first since it is the
    narrower; None when there is none."""
    outputs = list(outputs)
    month = [key for key, found in outputs if (found.year, found.month) == (day.year, day.month)]
    if len(month) >= IN_A_MONTH:
        return "month", month
    same = [
        key for key, found in outputs if (found.year, quarter(found)) == (day.year, quarter(day))
    ]
    if len(same) >= IN_A_QUARTER:
        return "quarter", same
    return None
