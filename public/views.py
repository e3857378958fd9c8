from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nonconformities.models import Complaint
from procedures import dossier_services
from procedures.models import Dossier
from public import limits
from public.forms import KioskForm, LookupForm, RatingForm
from public.tokens import status_path, token_for, token_matches
from qms.privacy import masked_name


def not_found(request):
    """One answer for a wrong token and an unknown code, on the citizens' layout."""
    return render(request, "public/not_found.html", status=404)


def _dossier(code: str) -> Dossier | None:
    return (
        Dossier.objects.select_related("procedure", "current_step", "current_unit")
        .filter(code=code)
        .first()
    )


def _status_page(request, dossier: Dossier, form: RatingForm | None = None, status: int = 200):
    """What the citizen may know of their dossier, and nothing of who they are but a
    masked name: never the ID number, phone, e-mail or address."""
    waiting_for = None
    if dossier.status == Dossier.Status.WAITING:
        waiting_for = dossier.supplements.filter(answered_at__isnull=True).first()
    rateable = dossier.status == Dossier.Status.RETURNED and not dossier.rating
    context = {
        "dossier": dossier,
        "applicant": masked_name(dossier.applicant_name),
        "waiting_for": waiting_for,
        "collect": dossier.delivery == "desk"
        and dossier.status in (*Dossier.OPEN_STATUSES, Dossier.Status.COMPLETED),
        "form": (form or RatingForm()) if rateable else None,
        "rate_url": reverse("public:rate", args=[dossier.code, token_for("dossier", dossier.code)]),
        # what the citizen sent from this page, with the ward's answer once given;
        # complaints brought to the desk about the dossier stay in the register
        "feedback": dossier.complaints.filter(source=Complaint.Source.STATUS_PAGE).order_by(
            "received_at"
        ),
        "feedback_url": reverse(
            "public:dossier_feedback", args=[dossier.code, token_for("dossier", dossier.code)]
        ),
    }
    return render(request, "public/status.html", context, status=status)


@limits.limited("read", limits.READ)
def status(request, code: str, token: str):
    """Where the dossier stands, for the citizen who holds its receipt."""
    dossier = _dossier(code)
    if dossier is None or not token_matches("dossier", code, token):
        return not_found(request)
    return _status_page(request, dossier)


@require_POST
@limits.limited("send", limits.SEND)
def rate(request, code: str, token: str):
    """The citizen's own rating, from the status page: once, after the return."""
    dossier = _dossier(code)
    if dossier is None or not token_matches("dossier", code, token):
        return not_found(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _status_page(request, dossier, form, status=400)
    try:
        dossier_services.dossier_rate(dossier=dossier, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        messages.error(request, " ".join(error.messages))
        return _status_page(request, dossier, form, status=400)
    messages.success(request, _("Thank you: your rating is recorded."))
    return redirect(status_path(code))


@limits.limited("lookup", limits.LOOKUP, method="POST")
def lookup(request):
    """Find a dossier by its code and the last four digits of the applicant's phone
    number. A wrong code and wrong digits get the same answer, so that the form
    does not tell which codes exist."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["code"].strip()
        dossier = Dossier.objects.filter(code__in={typed, typed.upper()}).first()
        digits = "".join(c for c in dossier.applicant_phone if c.isdigit()) if dossier else ""
        if len(digits) >= 4 and constant_time_compare(
            digits[-4:], form.cleaned_data["phone_digits"]
        ):
            return redirect(status_path(dossier.code))
        form.add_error(
            None,
            _(
                "No dossier matches this code and these phone digits. Check both on "
                "your receipt, or ask the one-stop desk."
            ),
        )
    return render(request, "public/lookup.html", {"form": form}, status=400 if form.errors else 200)


@limits.limited("read", limits.READ)
def kiosk(request):
    """The desk's tablet: a box for the dossier's code or a scan of its QR code."""
    return render(request, "public/kiosk.html", {"form": KioskForm()})


@limits.limited("kiosk", limits.LOOKUP)
def kiosk_rate(request):
    """The kiosk's rating of a dossier found by its code alone (the citizen stands
    at the desk): only one returned in the last days and not rated yet
    (`dossier_services.kiosk_may_rate`); then thanks, and back to the box."""
    found = KioskForm(request.POST or request.GET or None)
    if not found.is_bound:
        return redirect("public:kiosk")
    dossier = _dossier(found.cleaned_data["code"]) if found.is_valid() else None
    if dossier is None or not dossier_services.kiosk_may_rate(dossier, timezone.localdate()):
        found.add_error(
            "code",
            _(
                "No dossier returned in the last %(days)s days and not yet rated has "
                "this code. Check the code on your receipt, or ask the officer."
            )
            % {"days": dossier_services.KIOSK_RATING_DAYS},
        )
        return render(request, "public/kiosk.html", {"form": found}, status=400)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_services.dossier_rate(dossier=dossier, kiosk=True, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "public/kiosk_thanks.html")
    context = {"dossier": dossier, "applicant": masked_name(dossier.applicant_name), "form": form}
    return render(request, "public/kiosk_rate.html", context, status=400 if form.errors else 200)
