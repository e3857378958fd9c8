"""Seed the working-day calendar for 2020-2030 (rule R2 of domain-vn.md).

The `holidays` package's Vietnam calendar is the default; the official
corrections of domain-vn.md section 7.2 are applied on top, and the days that
rest on the package's own source are flagged for confirmation.
"""

from datetime import date

import holidays
from django.db import migrations

YEARS = range(2020, 2031)
LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112 (lịch Việt Nam của gói holidays)"
CV_2024 = "Công văn 2450/VPCP-KGVX ngày 12/4/2024"
CV_2026 = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"

# date: (kind, name, legal basis, to confirm)
OFFICIAL = {
    date(2024, 4, 29): ("day_off", "Nghỉ hoán đổi dịp 30/4 - 1/5", CV_2024, False),
    date(2024, 5, 4): ("working_day", "Làm bù cho ngày 29/04/2024", CV_2024, False),
    date(2026, 1, 2): ("day_off", "Nghỉ hoán đổi dịp Tết Dương lịch", CV_2026, False),
    date(2026, 1, 10): ("working_day", "Làm bù cho ngày 02/01/2026", CV_2026, False),
}
TO_CONFIRM = {date(2026, 8, 22), date(2026, 8, 31), date(2026, 11, 24)}


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("qms", "CalendarDay")
    library = holidays.country_holidays("VN", years=YEARS, language="vi")
    rows = {
        day: ("day_off", name, LABOUR_CODE, "library", day in TO_CONFIRM)
        for day, name in library.items()
    }
    for day in library.weekend_workdays:
        if day.year in YEARS:
            rows[day] = (
                "working_day", "Ngày làm bù", LABOUR_CODE, "library", day in TO_CONFIRM
            )
    for day, (kind, name, basis, to_confirm) in OFFICIAL.items():
        rows[day] = (kind, name, basis, "official", to_confirm)
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=day, kind=kind, name=name, legal_basis=basis, source=source, to_confirm=flag
        )
        for day, (kind, name, basis, source, flag) in sorted(rows.items())
    )


def unseed(apps, schema_editor):
    apps.get_model("qms", "CalendarDay").objects.filter(date__year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("qms", "0002_roles")]

    operations = [migrations.RunPython(seed, unseed)]
