"""After receipt: the commune's steps and the investigation's time limits (DOMAIN §3.5, §3.9.5).

Every change that affects figures writes "recompute commune C, year Y" to the outbox."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import User
from incidents import workflow
from incidents.models import (
    Accident,
    InvestigationLevel,
)
from incidents.services.declarations import recompute_later


# ------------------------------------------------------------------------------
# Workflow: after receipt, the commune's steps and the investigation's time limits
# (DOMAIN §3.5, §3.6, §3.9.5; the rules of time are in incidents.workflow)
# ------------------------------------------------------------------------------
def _lock_for_transition(*, accident: Accident, allowed: frozenset[str]) -> Accident:
    """The accident locked for update, if its status is still the one the caller saw and the
    action is open from it (compare-and-set)."""
    locked = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=accident.pk)
    )
    if locked.status != accident.status:
        raise ApplicationError(
            _("The status of this accident has just changed; reload the page and try again."),
            code="stale_status",
        )
    if locked.status not in allowed:
        raise ApplicationError(
            _("This action is not possible in the accident's current status (%(status)s).")
            % {"status": locked.get_status_display()},
            code="invalid_status",
        )
    return locked


def _finish_transition(
    *, accident: Accident, locked: Accident, by: User, fields: list[str]
) -> Accident:
    locked._history_user = by
    locked.save(update_fields=[*fields, "updated_at"])
    recompute_later(locked)
    accident.refresh_from_db()
    return accident


@transaction.atomic
def accident_start_investigation(
    *,
    accident: Accident,
    by: User,
    level: str,
    needs_technical_examination: bool = False,
    note: str = "",
) -> Accident:
    """Received (or quick-reported) → under investigation by the team of `level`."""
    locked = _lock_for_transition(accident=accident, allowed=workflow.START_FROM)
    if level not in InvestigationLevel.values:
        raise ApplicationError(_("Choose who investigates the accident."), code="invalid_level")
    if needs_technical_examination and not workflow.severities(locked).fatal:
        raise ApplicationError(
            _("The 60-day limit with a technical examination applies to deaths only."),
            code="examination_without_death",
        )
    locked.status = Accident.Status.UNDER_INVESTIGATION
    locked.investigation_level = level
    locked.investigation_started_on = timezone.localdate()
    locked.needs_technical_examination = needs_technical_examination
    locked.status_note = note
    fields = [
        "status",
        "investigation_level",
        "investigation_started_on",
        "needs_technical_examination",
        "status_note",
    ]
    return _finish_transition(accident=accident, locked=locked, by=by, fields=fields)


@transaction.atomic
def accident_mark_quick_reported(
    *,
    accident: Accident,
    by: User,
    sent_at,
    method: str,
    recipients: str,
    note: str = "",
) -> Accident:
    """Received → quick report sent (Mẫu 06) to the police and the Department of Home Affairs:
    only for a worker without a contract who died, or two or more seriously injured."""
    locked = _lock_for_transition(accident=accident, allowed=workflow.QUICK_REPORT_FROM)
    if not workflow.can_quick_report(locked):
        raise ApplicationError(
            _(
                "The commune sends a quick report only for workers without a labour contract, "
                "when someone died or two or more were seriously injured."
            ),
            code="quick_report_not_needed",
        )
    if not recipients.strip():
        raise ApplicationError(_("Say to whom the quick report was sent."), code="no_recipients")
    if sent_at > timezone.now():
        raise ApplicationError(
            _("The quick report cannot be sent in the future."), code="future_sent_at"
        )
    locked.status = Accident.Status.QUICK_REPORTED
    locked.quick_report_sent_at = sent_at
    locked.quick_report_method = method
    locked.quick_report_recipients = recipients.strip()
    locked.status_note = note
    fields = [
        "status",
        "quick_report_sent_at",
        "quick_report_method",
        "quick_report_recipients",
        "status_note",
    ]
    return _finish_transition(accident=accident, locked=locked, by=by, fields=fields)


@transaction.atomic
def accident_close(
    *, accident: Accident, by: User, record_published_on: date | None, note: str = ""
) -> Accident:
    """Under investigation (or, for minor cases, received) → closed, the record published."""
    locked = _lock_for_transition(accident=accident, allowed=workflow.CLOSE_FROM)
    if locked.status == Accident.Status.RECEIVED and not workflow.can_close_on_receipt(locked):
        raise ApplicationError(
            _("This accident must be investigated before it is closed."),
            code="needs_investigation",
        )
    if record_published_on is None:
        raise ApplicationError(
            _("Give the date the record was published."), code="no_publication_date"
        )
    if record_published_on > timezone.localdate():
        raise ApplicationError(
            _("The record cannot be published in the future."), code="future_publication"
        )
    received = workflow.received_on(locked)
    if received and record_published_on < received:
        raise ApplicationError(
            _("The record cannot be published before the declaration was received."),
            code="publication_before_receipt",
        )
    locked.status = Accident.Status.CLOSED
    locked.record_published_on = record_published_on
    locked.status_note = note
    fields = ["status", "record_published_on", "status_note"]
    return _finish_transition(accident=accident, locked=locked, by=by, fields=fields)


@transaction.atomic
def accident_mark_not_occupational(*, accident: Accident, by: User, reason: str) -> Accident:
    """Received or under investigation → concluded not occupational; no longer counted."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the reason why it is not an occupational accident."), code="no_reason"
        )
    locked = _lock_for_transition(accident=accident, allowed=workflow.NOT_OCCUPATIONAL_FROM)
    locked.status = Accident.Status.NOT_OCCUPATIONAL
    locked.not_occupational_reason = reason
    locked.status_note = reason
    fields = ["status", "not_occupational_reason", "status_note"]
    return _finish_transition(accident=accident, locked=locked, by=by, fields=fields)


@transaction.atomic
def accident_transfer_to_police(*, accident: Accident, by: User, note: str) -> Accident:
    """Signs of a crime: the case goes to the police (Art 35.6.d); the clock stops."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("Describe the signs of a crime and the documents handed over."), code="no_note"
        )
    locked = _lock_for_transition(accident=accident, allowed=workflow.TRANSFER_FROM)
    locked.status = Accident.Status.TRANSFERRED_POLICE
    locked.status_note = note
    return _finish_transition(
        accident=accident, locked=locked, by=by, fields=["status", "status_note"]
    )


@transaction.atomic
def accident_extend(*, accident: Accident, by: User, days: int, note: str = "") -> Accident:
    """Extend the investigation once, by no more than the original limit (complex cases)."""
    locked = _lock_for_transition(accident=accident, allowed=workflow.EXTEND_FROM)
    if locked.extension_days:
        raise ApplicationError(
            _("The investigation has already been extended once."), code="already_extended"
        )
    limit = workflow.original_limit_days(locked)
    if not workflow.can_be_extended(locked) or limit is None:
        raise ApplicationError(
            _("Only the investigation of a death or of serious injuries can be extended."),
            code="not_extendable",
        )
    if days < 1 or days > limit:
        raise ApplicationError(
            _("The extension must be between 1 and %(limit)d days (the original limit).")
            % {"limit": limit},
            code="extension_too_long",
        )
    locked.extension_days = days
    locked.status_note = note
    return _finish_transition(
        accident=accident, locked=locked, by=by, fields=["extension_days", "status_note"]
    )
