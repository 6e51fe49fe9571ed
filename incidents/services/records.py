"""The commune's records for the informal sector: the biên bản and the quick report.

Every change that affects figures writes "recompute commune C, year Y" to the outbox."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import User
from incidents.models import (
    Accident,
    Victim,
)
from incidents.services.declarations import is_urgent

# ------------------------------------------------------------------------------
# Informal sector records
# ------------------------------------------------------------------------------
INCIDENT_RECORD_FIELDS = (
    "recorded_at",
    "recorded_place",
    "members_present",
    "work_being_done",
    "injuries_and_treatment",
    "preliminary_cause",
)


def _check_informal_accident(accident: Accident) -> None:
    if accident.sector != Accident.Sector.INFORMAL or accident.kind != Accident.Kind.ACCIDENT:
        raise ApplicationError(
            _("Only an accident of a worker without a labour contract has this document.")
        )
    if accident.is_draft:
        raise ApplicationError(_("The declaration has not been submitted yet."))


def needs_incident_record(victims: list[Victim]) -> bool:
    """DOMAIN §3.6 step 3: exactly one seriously injured worker and nobody died."""
    fatal = sum(v.severity == Victim.Severity.FATAL for v in victims)
    serious = sum(v.severity == Victim.Severity.SERIOUS for v in victims)
    return fatal == 0 and serious == 1


@transaction.atomic
def incident_record_save(*, accident: Accident, by: User, data: dict[str, Any]):
    """Create or update the commune's biên bản ghi nhận sự việc (NĐ 129/2025 Art 43.1)."""
    from incidents.models import IncidentRecord

    locked = Accident.objects.select_for_update().get(pk=accident.pk)
    _check_informal_accident(locked)
    if not needs_incident_record(list(locked.victims.all())):
        raise ApplicationError(
            _(
                "An incident record is made only when exactly one worker was seriously injured "
                "and nobody died."
            )
        )
    record = IncidentRecord.objects.filter(accident=locked).first() or IncidentRecord(
        accident=locked
    )
    for field in INCIDENT_RECORD_FIELDS:
        if field in data:
            setattr(record, field, data[field])
    record.recorded_by = by
    record.full_clean()
    record._history_user = by
    record.save()
    return record


@transaction.atomic
def quick_report_record(
    *, accident: Accident, by: User, sent_at, method: str, recipients: str
) -> Accident:
    """Keep when, how and to whom the commune sent its quick report (Mẫu số 06, NĐ 129/2025).

    Only the sending details; the status transition is the workflow's business.
    """
    locked = Accident.objects.select_for_update().get(pk=accident.pk)
    _check_informal_accident(locked)
    if not is_urgent(list(locked.victims.all())):
        raise ApplicationError(
            _(
                "A quick report is sent only when a worker died or two or more were "
                "seriously injured."
            )
        )
    locked.quick_report_sent_at = sent_at
    locked.quick_report_method = method
    locked.quick_report_recipients = recipients
    locked._history_user = by
    locked.save(
        update_fields=[
            "quick_report_sent_at",
            "quick_report_method",
            "quick_report_recipients",
            "updated_at",
        ]
    )
    return locked
