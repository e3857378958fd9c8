"""What the applicant is told when the dossier needs them or has news (issue 20): a
supplement requested, an apology issued, the result ready. One function per event
writes its (subject, body); `tell_applicant` puts the notice in the outbox, in the
transaction of the event, when the dossier gives an e-mail address."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notices.models import Event, Notice
from notices.services import notify
from procedures.models import Apology, Delivery, Dossier, SupplementRequest
from public.tokens import status_url
from qms.dates import short_date
from qms.models import Organisation, OrganisationIdentity

Message = tuple[str, str]


def recipient(dossier: Dossier) -> str:
    """The applicant's e-mail, else that of the authorised person who brought the
    dossier on their behalf (and collects the result for them)."""
    return dossier.applicant_email or dossier.representative_email


def tell_applicant(
    dossier: Dossier, event: Event, build: Callable[..., Message], *args
) -> Notice | None:
    """Queue the notice `build(dossier, *args)` writes; nothing without an address.
    Written in the site's language whoever acts (an API call in English included):
    the citizen reads Vietnamese."""
    address = recipient(dossier)
    if not address:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = build(dossier, *args)
    return notify(event=event, recipient=address, subject=subject, body=body, dossier=dossier)


def supplement_requested(dossier: Dossier, request: SupplementRequest) -> Message:
    identity = _identity()
    subject = _("Dossier %(code)s: please supplement your dossier") % {"code": dossier.code}
    return subject, _letter(
        dossier,
        identity,
        _(
            "Your dossier %(code)s (%(procedure)s) must be supplemented before it can be "
            "processed further (request no. %(number)s of %(day)s)."
        )
        % {
            **_about(dossier),
            "number": request.number,
            "day": short_date(request.requested_at),
        },
        _("Items to supplement: %(items)s") % {"items": request.reason.strip()},
        _(
            "Please bring the complete dossier to %(desk)s. The processing time is paused "
            "until then and counts again from the day the complete dossier is received, "
            "with a new appointment date."
        )
        % {"desk": _desk(identity)},
    )


def apology_issued(dossier: Dossier, apology: Apology) -> Message:
    identity = _identity()
    subject = _("Dossier %(code)s: apology and new appointment date") % {"code": dossier.code}
    return subject, _letter(
        dossier,
        identity,
        _(
            "Your dossier %(code)s (%(procedure)s) could not be completed by the appointment "
            "date, %(due)s. %(organisation)s apologises for the delay (letter no. %(number)s)."
        )
        % {
            **_about(dossier),
            "due": short_date(dossier.due_date),
            "organisation": identity.name if identity else _("The People's Committee"),
            "number": apology.number,
        },
        _("Reason for the delay: %(reason)s") % {"reason": apology.reason.strip()},
        _("The new appointment date is %(day)s.") % {"day": short_date(apology.new_due_date)},
    )


def result_ready(dossier: Dossier) -> Message:
    identity = _identity()
    subject = _("Dossier %(code)s: the result is ready") % {"code": dossier.code}
    if dossier.delivery == Delivery.POST:
        how = _(
            "It will be sent to you by public postal service, as you chose when you "
            "submitted the dossier."
        )
    elif dossier.delivery == Delivery.ONLINE:
        how = _(
            "It is returned online as an electronic result, as you chose when you "
            "submitted the dossier."
        )
    else:
        how = _(
            "Please collect it at %(desk)s during office hours (%(hours)s), bringing the "
            "receipt of your dossier and your identity document."
        ) % {"desk": _desk(identity), "hours": _office_hours()}
    return subject, _letter(
        dossier,
        identity,
        _("The result of your dossier %(code)s (%(procedure)s) is ready.") % _about(dossier),
        how,
    )


def _about(dossier: Dossier) -> dict[str, str]:
    return {"code": dossier.code, "procedure": dossier.procedure.name}


def _identity() -> OrganisationIdentity | None:
    """Today's identity; None before the organisation is set up, when the letter is
    signed by the desk alone rather than refused: the desk's action must go through."""
    try:
        return Organisation.current().identity_on(timezone.localdate())
    except ValidationError:
        return None


def _desk(identity: OrganisationIdentity | None) -> str:
    if identity is None:
        return _("the one-stop desk")
    return f"{identity.desk_name}, {identity.address}"


def _office_hours() -> str:
    return ", ".join(
        f"{start:%H:%M}–{end:%H:%M}" for start, end in Organisation.current_office_hours().periods
    )


def _letter(dossier: Dossier, identity: OrganisationIdentity | None, *paragraphs: str) -> str:
    """The greeting, the paragraphs, the link to the dossier's public status page, and
    who writes with their address and phone."""
    lines = [
        _("Dear %(name)s,") % {"name": dossier.applicant_name},
        *paragraphs,
        _("Follow your dossier: %(url)s") % {"url": status_url(dossier.code)},
    ]
    signature = [identity.desk_name, identity.name, identity.address] if identity else []
    if identity and identity.desk_phone:
        signature.append(_("Phone: %(phone)s") % {"phone": identity.desk_phone})
    return "\n\n".join(lines) + ("\n\n" + "\n".join(signature) if signature else "") + "\n"
