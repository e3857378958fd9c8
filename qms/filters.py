"""The years the system accepts, and the year field and filter every app's lists use."""

import django_filters
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django_filters.conf import settings as filter_settings

# The years a report, the dashboard, an objective or a list's year filter can be asked for.
YEARS = range(2000, 2101)


def year_in(value: str, years: range = YEARS) -> int | None:
    """The year typed in `value` if it is one of `years`, else None. Only decimal
    digits, four at most: `int` refuses "²" (a digit to `isdigit`) and strings of
    thousands of digits."""
    if value.isdecimal() and len(value) <= 4 and int(value) in years:
        return int(value)
    return None


def _year_error() -> str:
    return gettext("Enter a year from %(first)s to %(last)s.") % {
        "first": YEARS.start,
        "last": YEARS.stop - 1,
    }


class YearField(forms.IntegerField):
    """A year of `YEARS`. Whatever else is typed (a year outside them, "²",
    "1e400", a thousand digits) gets the one message naming the range, and no date
    lookup is ever built from it."""

    default_error_messages = dict.fromkeys(
        ("invalid", "min_value", "max_value"), lazy(_year_error, str)()
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=YEARS.start, max_value=YEARS.stop - 1, **kwargs)


class YearFilter(django_filters.Filter):
    field_class = YearField


class BooleanWidget(django_filters.widgets.BooleanWidget):
    """django-filter's yes/no select, whose blank reads like every other filter's
    (`FILTERS_EMPTY_CHOICE_LABEL`, "All") instead of "Unknown"."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.choices = [("", filter_settings.EMPTY_CHOICE_LABEL), *self.choices[1:]]
