from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from notices.models import Notice
from qms.decorators import permission_required

SHOWN = 200


@permission_required("notices.view_notice")
def undelivered(request: HttpRequest) -> HttpResponse:
    """The notices not sent yet (still retried) or given up, newest first, each with its
    last error: the ISO secretary sees who was never told."""
    notices = Notice.objects.undelivered().select_related("dossier").prefetch_related("log")
    return render(
        request,
        "notices/undelivered.html",
        {
            "notices": notices[:SHOWN],
            "total": notices.count(),
            "shown": SHOWN,
            "failed": Notice.objects.filter(status=Notice.Status.FAILED).count(),
            "max_attempts": Notice.MAX_ATTEMPTS,
        },
    )
