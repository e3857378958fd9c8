"""Keyset pagination: each page is one indexed range scan, however deep it is, and
no page view counts the whole table."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet


@dataclass
class Page:
    rows: list
    next_query: str | None


def keyset_page(queryset: QuerySet, params, size: int = 50) -> Page:
    """The rows after the `after` cursor, newest first by (received_at, id)."""
    cursor = params.get("after", "")
    moment, _, pk = cursor.partition("_")
    if moment and pk.isdigit():
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            at = None
        if at is not None:
            # `received_at <= at` alone is a range the index can start from (PostgreSQL
            # cannot from the OR); the OR then drops the rows up to the cursor itself.
            queryset = queryset.filter(received_at__lte=at).filter(
                Q(received_at__lt=at) | Q(received_at=at, pk__lt=int(pk))
            )
    rows = list(queryset.order_by("-received_at", "-pk")[: size + 1])
    next_query = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        query = {key: value for key, value in params.items() if key != "after"}
        query["after"] = f"{last.received_at.isoformat()}_{last.pk}"
        next_query = urlencode(query)
    return Page(rows=rows, next_query=next_query)
