"""The core's pages: the working calendar, the due-date calculator, signing in and
changing one's password. The home page, which reads every app, is in
`qms.oversight.views`."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms import services
from qms.accounts import throttle
from qms.decorators import permission_required
from qms.filters import year_in
from qms.forms import (
    CalendarDayForm,
    ChangeReasonForm,
    DueDateForm,
    LoginForm,
    OrganisationIdentityForm,
    PasswordChangeForm,
)
from qms.idempotency import one_time_form
from qms.models import CalendarDay, Organisation, OrganisationIdentity
from qms.working_days import LimitUnit


@permission_required("qms.view_calendarday")
def calendar(request: HttpRequest) -> HttpResponse:
    try:
        engine = CalendarDay.objects.calendar()
    except ValidationError as error:
        return render(request, "qms/calendar.html", {"empty": error.messages[0]})
    years = range(engine.first.year, engine.last.year + 1)
    year = year_in(request.GET.get("year", ""), years) or localdate().year
    year = min(max(year, years.start), years.stop - 1)
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        working = engine.working_days_between(first, last) + engine.is_working_day(first)
        months.append({"first": first, "working_days": working})
    return render(
        request,
        "qms/calendar.html",
        {
            "year": year,
            "years": years,
            "days": CalendarDay.objects.filter(date__year=year),
            "months": months,
            "total_working_days": sum(m["working_days"] for m in months),
        },
    )


def _calendar_year_url(year: int) -> str:
    return f"{reverse('qms:calendar')}?year={year}"


@permission_required("qms.add_calendarday")
@one_time_form
def calendar_day_create(request: HttpRequest) -> HttpResponse:
    return _calendar_day_edit(request, CalendarDay())


@permission_required("qms.change_calendarday")
def calendar_day_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _calendar_day_edit(request, get_object_or_404(CalendarDay, pk=pk))


def _calendar_day_edit(request: HttpRequest, day: CalendarDay) -> HttpResponse:
    form = CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        services.calendar_day_save(
            day=form.instance, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Saved %(day)s.") % {"day": day})
        return redirect(_calendar_year_url(day.date.year))
    return _calendar_day_page(request, day, form, _delete_form())


def _delete_form(data=None) -> ChangeReasonForm:
    return ChangeReasonForm(data, auto_id="id_delete_%s")  # beside the day's own reason


def _calendar_day_page(
    request: HttpRequest, day: CalendarDay, form: CalendarDayForm, delete_form: ChangeReasonForm
) -> HttpResponse:
    return render(
        request,
        "qms/calendar_day_form.html",
        {
            "form": form,
            "day": day,
            "delete_form": delete_form,
            "history": day.history.select_related("history_user") if day.pk else [],
        },
    )


@require_POST
@permission_required("qms.delete_calendarday")
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    form = _delete_form(request.POST)
    if not form.is_valid():  # the day's page again, the reason's field told why
        return _calendar_day_page(request, day, CalendarDayForm(instance=day), form)
    label, year = str(day), day.date.year
    services.calendar_day_delete(day=day, user=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Deleted %(day)s.") % {"day": label})
    return redirect(_calendar_year_url(year))


@permission_required("qms.view_organisationidentity")
def identities(request: HttpRequest) -> HttpResponse:
    """What the organisation prints on its documents, from which day (R9)."""
    return render(
        request,
        "qms/identities.html",
        {"identities": OrganisationIdentity.objects.order_by("-valid_from")},
    )


@permission_required("qms.add_organisationidentity")
@one_time_form
def identity_create(request: HttpRequest) -> HttpResponse:
    try:
        organisation = Organisation.current()
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("qms:identities")
    return _identity_edit(request, OrganisationIdentity(organisation=organisation))


@permission_required("qms.change_organisationidentity")
def identity_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _identity_edit(request, get_object_or_404(OrganisationIdentity, pk=pk))


def _identity_edit(request: HttpRequest, identity: OrganisationIdentity) -> HttpResponse:
    form = OrganisationIdentityForm(request.POST or None, instance=identity)
    if request.method == "POST" and form.is_valid():
        services.organisation_identity_save(
            identity=form.instance, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Saved %(identity)s.") % {"identity": identity})
        return redirect("qms:identities")
    return render(
        request,
        "qms/identity_form.html",
        {
            "form": form,
            "identity": identity,
            "history": identity.history.select_related("history_user") if identity.pk else [],
        },
    )


@permission_required("qms.view_calendarday")
def due_date(request: HttpRequest) -> HttpResponse:
    form = DueDateForm(request.GET or None)
    due_text = ""
    if form.is_valid():
        hours = form.cleaned_data["limit"] == LimitUnit.WORKING_HOURS
        due, shown = form.cleaned_data["due"], "DATETIME_FORMAT" if hours else "DATE_FORMAT"
        due_text = f"{date_format(due, 'l')}, {date_format(due, shown)}"
    partial = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "qms/_due_date_result.html" if partial else "qms/due_date.html",
        {"form": form, "due_text": due_text},
    )


class LoginView(auth_views.LoginView):
    """Django's, with the project's form; its answer to a wrong password is also its
    answer to a paused user name (`accounts.locked_out`), so it states the pause."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "throttle": throttle()}


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the form that checks the current password through the throttle."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}
