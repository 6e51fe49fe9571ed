"""The personal-data view log (Decree 13/2023 on personal data protection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models

from atvsld_portal.models import PersonalDataView

if TYPE_CHECKING:
    from atvsld_portal.models import User


def record_personal_data_view(
    user: User, obj: models.Model, *, purpose: str = ""
) -> PersonalDataView:
    """Log that ``user`` saw the personal data of ``obj`` (a victim, a disease case...).

    Call it from the view that shows the data, after the access check, never from a list.
    """
    identifier = getattr(obj, "public_id", None) or obj.pk
    return PersonalDataView.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(identifier),
        purpose=purpose[:100],
    )


def personal_data_view_list(*, obj: models.Model):
    identifier = getattr(obj, "public_id", None) or obj.pk
    return PersonalDataView.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(identifier)
    ).select_related("user")
