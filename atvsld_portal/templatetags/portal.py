"""Template helpers shared by every app."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from atvsld_portal.dates import document_date

register = template.Library()


@register.filter(name="document_date")
def document_date_filter(value: date | datetime | None) -> str:
    """``{{ report.issued_on|document_date }}`` → ``ngày 05 tháng 01 năm 2026``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return document_date(value)
