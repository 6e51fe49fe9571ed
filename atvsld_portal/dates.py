"""Date helpers: quarters, local-day ranges and the date line of official documents."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def document_date(value: date) -> str:
    """The date as written in official documents (Decree 30/2020).

    Days below 10 and months 1-2 are zero-padded: ``ngày 05 tháng 01 năm 2026``,
    ``ngày 15 tháng 3 năm 2026``.
    """
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def document_place_date(place: str, value: date) -> str:
    """``Ea Ly, ngày 05 tháng 01 năm 2026``."""
    return f"{place}, {document_date(value)}"


def quarter_of(value: date) -> int:
    return (value.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter (1-4)."""
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be between 1 and 4")
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def half_year_bounds(year: int, half: int) -> tuple[date, date]:
    """First and last day of a half year (1 = Jan-Jun, 2 = Jul-Dec)."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    if half == 2:
        return date(year, 7, 1), date(year, 12, 31)
    raise ValueError("half must be 1 or 2")


def local_day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Aware datetimes from local midnight of ``first`` to local midnight after ``last``.

    Filtering ``occurred_at >= start, < end`` selects the same rows as ``occurred_at__date``
    between both days (in the current time zone), but an index on the column serves it; the
    cast to a local date is not indexable."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end
