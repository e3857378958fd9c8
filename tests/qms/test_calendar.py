"""The editable working-day calendar: its seed, its edits, their history and the engine cache."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qms import services
from qms.models import CalendarDay
from qms.roles import Role


def test_seed_holds_the_official_corrections(db):
    days = CalendarDay.objects.in_bulk(
        [date(2026, 1, 2), date(2026, 1, 10), date(2024, 5, 4)], field_name="date"
    )
    assert days[date(2026, 1, 2)].kind == CalendarDay.Kind.DAY_OFF
    assert days[date(2026, 1, 10)].kind == CalendarDay.Kind.WORKING_DAY
    assert "12729/VPCP-KGVX" in days[date(2026, 1, 10)].legal_basis
    assert days[date(2024, 5, 4)].kind == CalendarDay.Kind.WORKING_DAY
    assert set(CalendarDay.objects.filter(to_confirm=True).values_list("date", flat=True)) == {
        date(2026, 8, 22),
        date(2026, 8, 31),
        date(2026, 11, 24),
    }
    years = CalendarDay.objects.dates("date", "year")
    assert [d.year for d in years] == list(range(2020, 2031))


def test_a_make_up_day_must_fall_on_a_weekend(db):
    day = CalendarDay(
        date=date(2027, 3, 3), kind=CalendarDay.Kind.WORKING_DAY, name="x", legal_basis="y"
    )
    with pytest.raises(ValidationError) as error:
        day.full_clean()
    assert "03/03/2027" in str(error.value.message_dict["kind"])


def test_edits_reach_the_engine_and_the_history(personas):
    secretary = personas[Role.ISO_SECRETARY]
    assert CalendarDay.objects.calendar().is_working_day(date(2027, 3, 3))

    day = services.calendar_day_save(
        day=CalendarDay(
            date=date(2027, 3, 3),
            kind=CalendarDay.Kind.DAY_OFF,
            name="Nghỉ đột xuất",
            legal_basis="Thông báo 01/TB-UBND",
        ),
        user=secretary,
        reason="Thông báo của UBND quận",
    )
    assert not CalendarDay.objects.calendar().is_working_day(date(2027, 3, 3))

    day.name = "Nghỉ bão"
    services.calendar_day_save(day=day, user=secretary, reason="Đổi tên")
    services.calendar_day_delete(day=day, user=secretary, reason="Thu hồi thông báo")
    assert CalendarDay.objects.calendar().is_working_day(date(2027, 3, 3))

    history = CalendarDay.history.filter(date=date(2027, 3, 3)).order_by("history_id")
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in history] == [
        ("+", secretary, "Thông báo của UBND quận"),
        ("~", secretary, "Đổi tên"),
        ("-", secretary, "Thu hồi thông báo"),
    ]


def test_a_new_year_extends_the_calendar(personas):
    with pytest.raises(ValueError):
        CalendarDay.objects.calendar().is_working_day(date(2031, 1, 1))
    services.calendar_day_save(
        day=CalendarDay(
            date=date(2031, 1, 1), kind="day_off", name="Tết Dương lịch", legal_basis="BLLĐ"
        ),
        user=personas[Role.ISO_SECRETARY],
        reason="Lịch năm 2031",
    )
    assert not CalendarDay.objects.calendar().is_working_day(date(2031, 1, 1))
    assert CalendarDay.objects.calendar().is_working_day(date(2031, 12, 31))


def test_a_year_without_records_is_refused_not_guessed(personas):
    services.calendar_day_save(
        day=CalendarDay(
            date=date(2032, 1, 1), kind="day_off", name="Tết Dương lịch", legal_basis="BLLĐ"
        ),
        user=personas[Role.ISO_SECRETARY],
        reason="Lịch năm 2032",
    )
    engine = CalendarDay.objects.calendar()
    assert engine.is_working_day(date(2032, 1, 2))
    with pytest.raises(ValueError, match="01/06/2031"):
        engine.is_working_day(date(2031, 6, 1))
    with pytest.raises(ValueError, match="2031"):
        engine.add_working_days(date(2030, 12, 30), 5)


def test_everyone_reads_the_calendar(personas, client_for):
    for role, user in personas.items():
        response = client_for(user).get(reverse("qms:calendar"), {"year": 2026})
        assert response.status_code == 200, role
        assert "Làm bù cho ngày 02/01/2026" in response.content.decode()
        assert ("Thêm ngày" in response.content.decode()) == (role == Role.ISO_SECRETARY)


def test_working_days_per_month(personas, client_for):
    response = client_for(personas[Role.VIEWER]).get(reverse("qms:calendar"), {"year": 2026})
    months = dict((m["first"].month, m["working_days"]) for m in response.context["months"])
    # January 2026: 22 weekdays, minus 1/1 and 2/1, plus Saturday 10/1.
    assert months[1] == 21
    # February 2026: 20 weekdays, minus Tết 16-20/2.
    assert months[2] == 15


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ISO_SECRETARY])
def test_only_the_iso_secretary_edits_the_calendar(personas, client_for, role):
    client = client_for(personas[role])
    day = CalendarDay.objects.get(date=date(2026, 1, 2))
    assert client.get(reverse("qms:calendar_day_create")).status_code == 403
    assert client.get(reverse("qms:calendar_day_update", args=[day.pk])).status_code == 403
    response = client.post(reverse("qms:calendar_day_delete", args=[day.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_the_iso_secretary_adds_edits_and_deletes_a_day(personas, client_for):
    secretary = personas[Role.ISO_SECRETARY]
    client = client_for(secretary)
    response = client.post(
        reverse("qms:calendar_day_create"),
        {
            "date": "26/12/2026",
            "kind": "working_day",
            "name": "Làm bù",
            "legal_basis": "CV 1/BNV",
            "reason": "Thông báo của Bộ Nội vụ",
        },
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 12, 26))
    assert CalendarDay.objects.calendar().is_working_day(day.date)

    page = client.get(reverse("qms:calendar_day_update", args=[day.pk])).content.decode()
    assert "Thông báo của Bộ Nội vụ" in page and secretary.full_name in page

    response = client.post(reverse("qms:calendar_day_delete", args=[day.pk]), {"reason": ""})
    assert response.status_code == 200  # the day's page again, the reason refused beside it
    assert response.context["delete_form"].errors["reason"]
    assert CalendarDay.objects.filter(pk=day.pk).exists()

    client.post(reverse("qms:calendar_day_delete", args=[day.pk]), {"reason": "Nhập nhầm"})
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_bad_input_is_named_in_vietnamese_and_nothing_is_written(personas, client_for):
    client = client_for(personas[Role.ISO_SECRETARY])
    before = CalendarDay.objects.count()
    response = client.post(
        reverse("qms:calendar_day_create"),
        {"date": "31/02/2026", "kind": "day_off", "name": "", "legal_basis": "", "reason": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"date", "name", "legal_basis", "reason"}
    assert "Nhập một ngày hợp lệ" in response.content.decode()
    response = client.post(
        reverse("qms:calendar_day_create"),
        {
            "date": "03/03/2027",
            "kind": "working_day",
            "name": "Làm bù",
            "legal_basis": "CV",
            "reason": "x",
        },
    )
    assert "chỉ thứ Bảy hoặc Chủ nhật mới có thể là ngày làm bù" in response.content.decode()
    response = client.post(
        reverse("qms:calendar_day_create"),
        {
            "date": "02/01/2026",
            "kind": "day_off",
            "name": "Trùng",
            "legal_basis": "CV",
            "reason": "x",
        },
    )
    assert "date" in response.context["form"].errors
    assert CalendarDay.objects.count() == before


def test_an_empty_calendar_is_explained_not_a_crash(personas, client_for):
    CalendarDay.objects.all().delete()
    response = client_for(personas[Role.ISO_SECRETARY]).get(reverse("qms:calendar"))
    assert response.status_code == 200
    assert "Lịch làm việc chưa có dữ liệu" in response.content.decode()
