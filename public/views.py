from django.shortcuts import render

from procedures.models import Dossier
from public import limits
from public.tokens import token_matches


def not_found(request):
    """One answer for a wrong token and an unknown code, on the citizens' layout."""
    return render(request, "public/not_found.html", status=404)


@limits.limited("read", limits.READ)
def status(request, code: str, token: str):
    """Where the dossier stands, for the citizen who holds its receipt."""
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first()
    if dossier is None or not token_matches("dossier", code, token):
        return not_found(request)
    return render(request, "public/status.html", {"dossier": dossier})
