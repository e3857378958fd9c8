"""The citizens' feedback pages: send a complaint or recommendation, from the public
form or from a dossier's status page, and follow it by its reference's link.

Nothing of the citizen but what they wrote is ever shown back: the pages that a link
opens show the content, the dates and the answer, never the name nor the contacts."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nonconformities.models import Complaint
from nonconformities.services import complaint_send
from procedures.models import Dossier
from public import limits
from public.feedback_forms import DossierFeedbackForm, FeedbackForm
from public.tokens import complaint_url, token_for, token_matches
from public.views import not_found
from qms.feedback import form_service_error


def _sent(form, **fields) -> HttpResponse | None:
    """Record the feedback of a valid `form`: the way to its acknowledgement, or None
    with the service's refusal beside its field."""
    data = {name: form.cleaned_data[name] for name in ("citizen", "phone", "email", "content")}
    try:
        complaint = complaint_send(**data, **fields)
    except ValidationError as error:
        form_service_error(form, error)
        return None
    reference = complaint.reference
    return redirect("public:feedback_received", reference, token_for("complaint", reference))


@limits.limited("read", limits.READ)
@limits.limited("feedback", limits.SEND, method="POST")
def feedback(request: HttpRequest) -> HttpResponse:
    """The public form, for anyone with a phone or an e-mail to be answered at."""
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["dossier_code"].strip()
        dossier = Dossier.objects.filter(code=code).first() if code else None
        if code and dossier is None:
            form.add_error(
                "dossier_code", _("No dossier with the code %(codes)s.") % {"codes": code}
            )
        elif sent := _sent(form, source=Complaint.Source.PUBLIC_FORM, dossier=dossier):
            return sent
    return render(request, "public/feedback_form.html", {"form": form})


@limits.limited("read", limits.READ)
@limits.limited("feedback", limits.SEND, method="POST")
def dossier_feedback(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """Feedback about the dossier whose status page the citizen came from."""
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not token_matches("dossier", code, token):
        return not_found(request)
    form = DossierFeedbackForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (sent := _sent(form, source=Complaint.Source.STATUS_PAGE, dossier=dossier))
    ):
        return sent
    return render(
        request, "public/feedback_form.html", {"form": form, "dossier": dossier, "token": token}
    )


def _complaint(reference: str, token: str) -> Complaint | None:
    complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None or not token_matches("complaint", reference, token):
        return None
    return complaint


@limits.limited("read", limits.READ)
def feedback_received(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """The acknowledgement: the reference, the day the answer is due, and the link to
    follow the feedback by."""
    complaint = _complaint(reference, token)
    if complaint is None:
        return feedback_not_found(request)
    return render(
        request,
        "public/feedback_received.html",
        {"complaint": complaint, "link": complaint_url(complaint.reference)},
    )


@limits.limited("read", limits.READ)
def feedback_status(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """Where the feedback stands: what was written, when, the day the answer is due,
    and the answer once given."""
    complaint = _complaint(reference, token)
    if complaint is None:
        return feedback_not_found(request)
    return render(request, "public/feedback_status.html", {"complaint": complaint})


def feedback_not_found(request: HttpRequest) -> HttpResponse:
    """One answer for a wrong token and an unknown reference."""
    return render(request, "public/feedback_not_found.html", status=404)
