"""Keyset pagination: each page is one indexed range scan, however deep it is, and
no page view counts the whole table."""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


@dataclass
class Page:
    rows: list
    next_query: str | None


def _cursor(value: str) -> tuple[datetime, int]:
    """The (received_at, pk) of an `after` cursor as `keyset_page` writes it: an ISO
    moment with its offset, "_", the id. Anything else, such as a moment whose UTC
    value falls before year 1 or after 9999, is refused rather than half read."""
    moment, _sep, pk = value.partition("_")
    try:
        if not pk.isdecimal():
            raise ValueError(pk)
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None:
            raise ValueError(moment)
        return at.astimezone(UTC), int(pk)
    except (ValueError, OverflowError) as error:
        raise ValidationError(
            _("The link to this page of the list is not valid: the first page is shown."),
            code="bad_cursor",
        ) from error


def keyset_page(queryset: QuerySet, params, size: int = 50) -> Page:
    """The rows after the `after` cursor, newest first by (received_at, id); a cursor
    that is not one is a ValidationError."""
    cursor = params.get("after", "")
    if cursor:
        at, pk = _cursor(cursor)
        # `received_at <= at` alone is a range the index can start from (PostgreSQL
        # cannot from the OR); the OR then drops the rows up to the cursor itself.
        queryset = queryset.filter(received_at__lte=at).filter(
            Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk)
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
