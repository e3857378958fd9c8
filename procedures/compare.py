"""What changed between two revisions of a procedure, field by field and step by step."""

from dataclasses import dataclass
from itertools import zip_longest

from procedures.models import ProcedureRevision, decimal_text
from qms.dates import short_date

COMPARED_FIELDS = (
    "purpose",
    "scope",
    "references",
    "limit_unit",
    "limit_amount",
    "cutoff",
    "forms_used",
    "change_summary",
    "decision_number",
    "decision_date",
    "effective_from",
)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        if not self.old:
            return "added"
        if not self.new:
            return "removed"
        return "changed"


def _display(revision: ProcedureRevision, name: str) -> str:
    value = getattr(revision, name)
    display = getattr(revision, f"get_{name}_display", None)
    if display:
        return str(display())
    if hasattr(value, "strftime"):
        return short_date(value) if name != "cutoff" else value.strftime("%H:%M")
    return "" if value is None else str(value)


def _step_line(step) -> str:
    who = step.responsible_display()
    return f"{step.name} — {who} — {decimal_text(step.allotment)}"


def _record_line(record) -> str:
    return " — ".join(part for part in (record.name, record.keeper, record.retention) if part)


def _component_line(component) -> str:
    return f"{component.name} — {component.get_copy_type_display()} — {component.quantity}"


def _parts(old_items, new_items, line) -> list[Change]:
    """Rows compared by position: row N of the old table against row N of the new."""
    pairs = zip_longest(map(line, old_items), map(line, new_items), fillvalue="")
    return [
        Change(label=str(number), old=old, new=new)
        for number, (old, new) in enumerate(pairs, start=1)
        if old != new
    ]


def compare_revisions(old: ProcedureRevision, new: ProcedureRevision) -> dict[str, list[Change]]:
    fields = [
        Change(
            label=str(ProcedureRevision._meta.get_field(name).verbose_name).capitalize(),
            old=_display(old, name),
            new=_display(new, name),
        )
        for name in COMPARED_FIELDS
    ]
    return {
        "fields": [change for change in fields if change.old != change.new],
        "steps": _parts(
            old.steps.select_related("unit"), new.steps.select_related("unit"), _step_line
        ),
        "records": _parts(old.records.all(), new.records.all(), _record_line),
        "components": _parts(old.components.all(), new.components.all(), _component_line),
    }
