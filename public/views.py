from django.http import Http404
from django.shortcuts import render

from procedures.models import Dossier
from public.tokens import token_matches


def status(request, code: str, token: str):
    """Where the dossier stands, for the citizen who holds its receipt. A wrong token
    and an unknown code get the same answer."""
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first()
    if dossier is None or not token_matches("dossier", code, token):
        raise Http404
    return render(request, "public/status.html", {"dossier": dossier})
