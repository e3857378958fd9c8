"""How often one address may use the citizens' pages (django-ratelimit).

The pages open without an account, so an address is the only thing to count by:
`qms.accounts.client_ip`, which reads `X-Forwarded-For` only from the trusted proxies.
A request over the limit gets 429 with a page saying to wait (`too_many`, the
`RATELIMIT_VIEW` of the settings).
"""

from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

from qms.accounts import client_ip

# Per address: reading a dossier's page, finding one by code and phone digits, sending
# a rating or feedback. Generous for a family at a kiosk, tight for a script.
READ = "60/m"
LOOKUP = "10/m"
SEND = "5/h"


def _address(group: str, request) -> str:
    return client_ip(request) or "-"


def limited(group: str, rate: str, method=ratelimit.ALL):
    """Refuse a view with 429 beyond `rate` requests per address in `group`."""
    return ratelimit(group=f"public.{group}", key=_address, rate=rate, method=method, block=True)


def too_many(request, exception=None):
    return render(request, "public/too_many.html", status=429)
