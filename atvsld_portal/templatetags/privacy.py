"""Template helpers of the personal-data notice (templates/includes/_privacy_notice.html)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def personal_data_retention_years() -> int:
    """``{% personal_data_retention_years as years %}``: the retention setting, in years."""
    return settings.PERSONAL_DATA_RETENTION_YEARS
