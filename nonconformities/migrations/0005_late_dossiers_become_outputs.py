"""Rule R15 applied to the records kept before it: every late-dossier case becomes a
nonconforming output, in place (its row, code and history kept), closed on the day
its result was delivered if it was; a case on which the 10.2 work had started (a root
cause written or an action planned) hands that work to a corrective action of its own,
as if the ISO secretary had escalated it, so that no open action is lost; and the late
dossiers that form a pattern open their corrective action, in the order they were
found, as the service does for new ones. Every changed or new row gets its history row.
"""

from django.db import migrations, models
from django.utils import timezone

REASON = "Quy tắc R15: hồ sơ trễ hạn là đầu ra không phù hợp (ISO 9001:2015, 8.7)"
OPEN = ("draft", "analysis", "action_plan", "in_progress", "verification")
MOVED = ("root_cause", "verdict_effective", "verification_evidence", "verified_by_id")


# A frozen copy of the rule of R15 as it stood when this migration was written
# (nonconformities/patterns.py): migrations never import live code.
def quarter(day):
    return (day.month - 1) // 3 + 1


def late_pattern(day, outputs):
    outputs = list(outputs)
    month = [key for key, found in outputs if (found.year, found.month) == (day.year, day.month)]
    if len(month) >= 2:
        return "month", month
    same = [
        key for key, found in outputs if (found.year, quarter(found)) == (day.year, quarter(day))
    ]
    if len(same) >= 3:
        return "quarter", same
    return None


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def late_dossiers_become_outputs(apps, schema_editor):
    Nonconformity = apps.get_model("nonconformities", "Nonconformity")
    Action = apps.get_model("nonconformities", "Action")
    now = timezone.now()

    def remember(record, kind: str, reason: str) -> None:
        """The history row a tracked save would have written."""
        model = apps.get_model(record._meta.app_label, f"Historical{record._meta.object_name}")
        model.objects.create(
            history_date=now,
            history_type=kind,
            history_change_reason=reason,
            history_user=None,
            **{
                field.attname: (
                    getattr(record, field.attname).name
                    if isinstance(field, models.FileField)
                    else getattr(record, field.attname)
                )
                for field in record._meta.fields
            },
        )

    def raise_case(template, **fields):
        prefix = f"NC-{template.found_on.year}-"
        codes = Nonconformity.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        number = max((int(code.rsplit("-", 1)[1]) for code in codes), default=0) + 1
        case = Nonconformity.objects.create(
            code=f"{prefix}{number:03d}",
            kind="corrective",
            severity=template.severity,
            clause="10.2",
            unit_id=template.unit_id,
            procedure_id=template.procedure_id,
            found_on=template.found_on,
            **fields,
        )
        remember(case, "+", REASON)
        return case

    def join(output, case) -> None:
        output.corrective_action = case
        output.save()
        remember(output, "~", f"Đưa vào hành động khắc phục {case.code}")

    late = Nonconformity.objects.filter(source="late_dossier", kind="corrective")
    for nc in late.select_related("dossier").order_by("found_on", "pk"):
        worked = nc.stage != "cancelled" and (
            nc.root_cause.strip() or Action.objects.filter(nonconformity=nc).exists()
        )
        if worked:
            case = raise_case(
                nc,
                source="escalation",
                description=f"Hồ sơ {nc.dossier.code} trễ hạn, đã được phân tích nguyên nhân "
                f"và lập hành động khắc phục trong hồ sơ {nc.code}.",
                evidence=f"{nc.code}: {nc.description}",
                stage=nc.stage,
                verified_on=nc.verified_on,
                **{field: getattr(nc, field) for field in MOVED},
            )
            for action in Action.objects.filter(nonconformity=nc):
                action.nonconformity = case
                action.save()
                remember(action, "~", f"Chuyển sang hành động khắc phục {case.code}")
            nc.corrective_action = case
            nc.root_cause, nc.verdict_effective, nc.verification_evidence = "", None, ""
            nc.verified_by_id = nc.verified_on = None
        nc.kind = "output"
        returned = nc.dossier.returned_on if nc.dossier_id else None
        if nc.stage != "cancelled":
            nc.stage = "draft"
            if returned:
                delivered = f"Đã trả kết quả cho công dân ngày {_day(returned)}."
                nc.correction = "\n".join(part for part in (nc.correction, delivered) if part)
                nc.stage, nc.verified_on = "closed", returned
        nc.save()
        remember(nc, "~", REASON)

    free: dict[int, list] = {}
    outputs = Nonconformity.objects.filter(
        kind="output", corrective_action__isnull=True, procedure__isnull=False
    ).exclude(stage="cancelled")
    for output in outputs.select_related("procedure").order_by("found_on", "pk"):
        pending = free.setdefault(output.procedure_id, [])
        pending.append(output)
        found = late_pattern(output.found_on, [(each, each.found_on) for each in pending])
        if found is None:
            continue
        rule, members = found
        day = output.found_on
        period = (
            f"trong tháng {day.month:02d}/{day.year}"
            if rule == "month"
            else f"trong quý {quarter(day)}/{day.year}"
        )
        case = raise_case(
            output,
            source="late_pattern",
            description=f"{len(members)} hồ sơ của thủ tục {output.procedure.code} "
            f"hoàn thành trễ hạn {period}.",
            evidence=", ".join(each.code for each in members),
        )
        for each in members:
            join(each, case)
            pending.remove(each)


class Migration(migrations.Migration):
    dependencies = [("nonconformities", "0004_kinds_output_and_corrective_action")]

    operations = [
        migrations.RunPython(late_dossiers_become_outputs, migrations.RunPython.noop),
    ]
