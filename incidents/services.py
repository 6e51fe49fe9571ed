"""Write-side rules of accidents: drafts, submission with a gapless receipt number, receipt by the
commune. Every change that affects figures writes "recompute commune C, year Y" to the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, Filing, User
from atvsld_portal.services import outbox_enqueue
from incidents import workflow
from incidents.models import (
    Accident,
    AccidentDeclaration,
    InvestigationLevel,
    ReceiptCounter,
    Victim,
)

RECOMPUTE_TASK = "reporting.tasks.recompute_indicators_task"
NOTIFY_TASK = "incidents.tasks.notify_accident_declared_task"


def accident_year(accident: Accident) -> int:
    """The local (Asia/Ho_Chi_Minh) date decides the year an accident counts in."""
    return timezone.localtime(accident.occurred_at).year


def recompute_later(accident: Accident) -> None:
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    for commune_id in sorted(communes):
        outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune_id, accident_year(accident)])


def is_urgent(victims: list[Victim]) -> bool:
    """A death, or two or more seriously injured: other authorities must be told immediately."""
    fatal = sum(v.severity == Victim.Severity.FATAL for v in victims)
    serious = sum(v.severity == Victim.Severity.SERIOUS for v in victims)
    return fatal >= 1 or serious >= 2


def victim_rule_errors(*, severity: str, injury_code_count: int) -> str | None:
    """DOMAIN §3.2: a serious injury needs a code of the list; a minor one must have none."""
    if severity == Victim.Severity.SERIOUS and injury_code_count == 0:
        return str(_("A serious injury needs at least one code from the serious-injury list."))
    if severity == Victim.Severity.MINOR and injury_code_count > 0:
        return str(_("A minor injury cannot have a code from the serious-injury list."))
    return None


def next_receipt_number(*, commune: AdministrativeUnit, year: int) -> str:
    """Take the next number of the commune's year from its locked counter row (gapless).

    Must run inside the submit transaction: a rolled-back submission gives its number back.
    """
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(commune=commune, year=year)
    except IntegrityError:
        pass  # created by a concurrent submission
    counter = ReceiptCounter.objects.select_for_update().get(commune=commune, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{commune.display_code}/{year}/{counter.last:05d}"


def accident_snapshot(accident: Accident) -> dict[str, Any]:
    """What was declared, frozen in the declaration (names and labels as shown at the time)."""
    local = timezone.localtime(accident.occurred_at)
    enterprise = accident.enterprise
    return {
        "receipt_number": accident.receipt_number,
        "commune": accident.commune.display_name,
        "sector": accident.get_sector_display(),
        "kind": accident.get_kind_display(),
        "enterprise": enterprise.master_data() if enterprise else None,
        "occurred_at": local.strftime("%d/%m/%Y %H:%M"),
        "place": accident.place,
        "village": str(accident.village) if accident.village_id else "",
        "account": accident.account,
        "main_cause": accident.get_main_cause_display() if accident.main_cause else "",
        "injury_factor": str(accident.injury_factor) if accident.injury_factor_id else "",
        "commuting": accident.commuting,
        "property_damage": accident.property_damage,
        "declarant": {
            "name": accident.declarant_name,
            "position": accident.declarant_position,
            "phone": accident.declarant_phone,
        },
        "victims": [
            {
                "full_name": v.full_name,
                "sex": v.get_sex_display(),
                "birth_year": v.birth_year or (v.birth_date.year if v.birth_date else None),
                "occupation": v.occupation_name,
                "severity": v.get_severity_display(),
                "severity_code": v.severity,
                "injury_codes": [f"{c.code} {c.name}" for c in v.injury_codes.all()],
                "treatment_place": v.treatment_place,
                "under_management": v.under_management,
            }
            for v in accident.victims.prefetch_related("injury_codes")
        ],
    }


@transaction.atomic
def accident_save_draft(*, accident: Accident, victims_formset, by: User) -> Accident:
    """Save a draft with its victims (the formset is valid); the enterprise resumes it later."""
    if accident.pk and accident.status != Accident.Status.DRAFT:
        raise ApplicationError(
            _("This declaration has been submitted and can no longer be edited.")
        )
    if accident.pk is None:
        accident.created_by = by
    accident.full_clean()
    accident._history_user = by
    accident.save()
    victims_formset.instance = accident
    victims_formset.save()
    return accident


@transaction.atomic
def accident_submit(
    *, accident: Accident, by: User, channel: str = Filing.Channel.ONLINE, scan=None
) -> AccidentDeclaration:
    """File the declaration: version 1 frozen, a receipt number, officials notified after commit."""
    locked = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("commune", "enterprise")
        .get(pk=accident.pk)
    )
    if locked.status != Accident.Status.DRAFT:
        raise ApplicationError(
            _("This declaration has already been submitted."), code="stale_status"
        )
    victims = list(locked.victims.prefetch_related("injury_codes"))
    if locked.kind == Accident.Kind.ACCIDENT and not victims:
        raise ApplicationError(_("Add at least one victim before submitting."))
    for victim in victims:
        problem = victim_rule_errors(
            severity=victim.severity, injury_code_count=len(victim.injury_codes.all())
        )
        if problem:
            raise ApplicationError(f"{victim.full_name}: {problem}")
    locked.receipt_number = next_receipt_number(commune=locked.commune, year=accident_year(locked))
    locked.status = Accident.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.channel = channel
    if channel != Filing.Channel.ONLINE:
        locked.entered_by = by
    locked._history_user = by
    locked.save()
    declaration = AccidentDeclaration(
        accident=locked,
        version=1,
        snapshot=accident_snapshot(locked),
        channel=channel,
        submitted_by=by,
    )
    if scan is not None:
        declaration.scan.save(scan.name, scan, save=False)
    declaration.save()
    outbox_enqueue(task_name=NOTIFY_TASK, args=[locked.pk])
    recompute_later(locked)
    return declaration


@transaction.atomic
def accident_receive(*, accident: Accident, by: User) -> Accident:
    updated = Accident.objects.filter(pk=accident.pk, status=Accident.Status.SUBMITTED).update(
        status=Accident.Status.RECEIVED, received_at=timezone.now(), received_by=by
    )
    if updated != 1:
        raise ApplicationError(
            _("This declaration has already been received."), code="stale_status"
        )
    accident.refresh_from_db()
    return accident


def notify_officials_of_declaration(*, accident_id: int) -> int:
    """Email the commune officials concerned (where it happened and the enterprise's commune)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    accident = (
        Accident.objects.select_related("commune", "enterprise__commune")
        .filter(pk=accident_id)
        .first()
    )
    if accident is None or accident.is_draft:
        return 0
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    recipients = list(
        User.objects.filter(
            administrative_unit_id__in=communes, role=User.Role.COMMUNE_OFFICIAL, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    context = {"accident": accident, "urgent": is_urgent(list(accident.victims.all()))}
    subject = render_to_string("emails/accident_declared-subject.txt", context).strip()
    body = render_to_string("emails/accident_declared-body.txt", context)
    send_mail(subject, body, None, recipients)
    return len(recipients)


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


# ------------------------------------------------------------------------------
# Corrections: a draft declaration (with a reason) becomes version n+1 under the same receipt
# number on submit; an official applies it to the canonical accident. Every version stays.
# ------------------------------------------------------------------------------
CORRECTION_CLOSED = frozenset(
    {
        Accident.Status.DRAFT,
        Accident.Status.CLOSED,
        Accident.Status.NOT_OCCUPATIONAL,
        Accident.Status.TRANSFERRED_POLICE,
    }
)
SNAPSHOT_DATETIME = "%d/%m/%Y %H:%M"
# (snapshot key, label) compared between two versions, in the order shown.
DIFFERENCE_FIELDS = (
    ("occurred_at", _("Date and time")),
    ("place", _("Place")),
    ("village", _("Village")),
    ("account", _("What happened")),
    ("main_cause", _("Main cause")),
    ("injury_factor", _("Injury factor")),
    ("property_damage", _("Property damage (VND)")),
)
VICTIM_DIFFERENCE_FIELDS = (
    ("severity", _("severity")),
    ("days_off", _("working days lost")),
    ("treatment_place", _("treatment place")),
)


def correction_is_open(accident: Accident) -> bool:
    """Corrections are allowed from the declaration until the commune closes the case."""
    return accident.status not in CORRECTION_CLOSED


def _check_correction_open(accident: Accident) -> None:
    if not correction_is_open(accident):
        raise ApplicationError(
            _("This declaration can no longer be corrected (%(status)s).")
            % {"status": accident.get_status_display()},
            code="correction_closed",
        )


def _correction_base_snapshot(accident: Accident) -> dict[str, Any]:
    """The current accident as a snapshot, with the figures a correction may change."""
    snapshot = accident_snapshot(accident)
    for item, victim in zip(snapshot["victims"], accident.victims.all(), strict=True):
        item["days_off"] = victim.days_off
    return snapshot


@transaction.atomic
def correction_start(*, accident: Accident, by: User, reason: str) -> AccidentDeclaration:
    """Open a draft correction: the next version, starting from the accident as it stands."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the correction."), code="no_reason")
    locked = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("commune", "enterprise", "village", "injury_factor")
        .get(pk=accident.pk)
    )
    _check_correction_open(locked)
    if locked.declarations.filter(is_draft=True).exists():
        raise ApplicationError(
            _("A correction is already being prepared; submit it before starting another."),
            code="draft_exists",
        )
    last = locked.declarations.order_by("-version").first()
    declaration = AccidentDeclaration(
        accident=locked,
        version=(last.version if last else 0) + 1,
        snapshot=_correction_base_snapshot(locked),
        channel=last.channel if last else locked.channel,
        submitted_by=by,
        reason=reason,
        is_draft=True,
    )
    declaration.save()
    return declaration


def _lock_draft(declaration: AccidentDeclaration) -> AccidentDeclaration:
    locked = (
        AccidentDeclaration.objects.select_for_update(of=("self",))
        .select_related("accident")
        .get(pk=declaration.pk)
    )
    if not locked.is_draft:
        raise ApplicationError(
            _("This correction has already been submitted."), code="stale_status"
        )
    _check_correction_open(locked.accident)
    return locked


@transaction.atomic
def correction_update(
    *,
    declaration: AccidentDeclaration,
    by: User,
    account: str | None = None,
    place: str | None = None,
    occurred_at=None,
    victims: list[dict] | None = None,
) -> AccidentDeclaration:
    """Change what the draft correction proposes (kept in its snapshot, not on the accident).

    ``victims`` lists, in the snapshot's order, dicts with severity, days_off, treatment_place.
    """
    locked = _lock_draft(declaration)
    snapshot = dict(locked.snapshot)
    if account is not None:
        snapshot["account"] = account.strip()
    if place is not None:
        snapshot["place"] = place.strip()
    if occurred_at is not None:
        if occurred_at > timezone.now():
            raise ApplicationError(_("The accident cannot be in the future."), code="future")
        snapshot["occurred_at"] = timezone.localtime(occurred_at).strftime(SNAPSHOT_DATETIME)
    if victims is not None:
        items = [dict(v) for v in snapshot["victims"]]
        if len(victims) != len(items):
            raise ApplicationError(_("The list of victims has changed; reload the page."))
        codes = {
            v.full_name: len(v.injury_codes.all())
            for v in locked.accident.victims.prefetch_related("injury_codes")
        }
        for item, change in zip(items, victims, strict=True):
            severity = change.get("severity", item["severity_code"])
            problem = victim_rule_errors(
                severity=severity, injury_code_count=codes.get(item["full_name"], 0)
            )
            if problem:
                raise ApplicationError(f"{item['full_name']}: {problem}")
            item["severity_code"] = severity
            item["severity"] = str(Victim.Severity(severity).label)
            if "days_off" in change:
                item["days_off"] = int(change["days_off"])
            if "treatment_place" in change:
                item["treatment_place"] = change["treatment_place"].strip()
        snapshot["victims"] = items
    locked.snapshot = snapshot
    locked.submitted_by = by
    locked.save(update_fields=["snapshot", "submitted_by"])
    declaration.refresh_from_db()
    return declaration


@transaction.atomic
def correction_submit(*, declaration: AccidentDeclaration, by: User) -> AccidentDeclaration:
    """The draft becomes the next version, under the same receipt number; officials are told."""
    locked = _lock_draft(declaration)
    updated = AccidentDeclaration.objects.filter(pk=locked.pk, is_draft=True).update(
        is_draft=False, submitted_at=timezone.now(), submitted_by=by
    )
    if updated != 1:
        raise ApplicationError(
            _("This correction has already been submitted."), code="stale_status"
        )
    outbox_enqueue(task_name=NOTIFY_TASK, args=[locked.accident_id])
    declaration.refresh_from_db()
    return declaration


def _recompute_year(accident: Accident, year: int) -> None:
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    for commune_id in sorted(communes):
        outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune_id, year])


@transaction.atomic
def correction_apply(*, declaration: AccidentDeclaration, by: User) -> AccidentDeclaration:
    """Write a submitted correction onto the canonical accident and its victims (officials)."""
    accident = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=declaration.accident_id)
    )
    locked = AccidentDeclaration.objects.select_for_update(of=("self",)).get(pk=declaration.pk)
    if locked.is_draft:
        raise ApplicationError(_("This correction has not been submitted yet."), code="draft")
    if locked.applied_at is not None:
        raise ApplicationError(_("This correction has already been applied."), code="applied")
    _check_correction_open(accident)
    if accident.declarations.filter(version__gt=locked.version, applied_at__isnull=False).exists():
        raise ApplicationError(_("A later correction has already been applied."), code="superseded")
    snapshot = locked.snapshot
    old_year = accident_year(accident)
    accident.occurred_at = datetime.strptime(snapshot["occurred_at"], SNAPSHOT_DATETIME).replace(
        tzinfo=timezone.get_default_timezone()
    )
    accident.place = snapshot["place"]
    accident.account = snapshot["account"]
    accident.full_clean()
    accident._history_user = by
    accident.save(update_fields=["occurred_at", "place", "account", "updated_at"])
    victims = list(accident.victims.prefetch_related("injury_codes"))
    by_name = {v.full_name: v for v in victims}
    for index, item in enumerate(snapshot["victims"]):
        victim = victims[index] if index < len(victims) else None
        if victim is None or victim.full_name != item["full_name"]:
            victim = by_name.get(item["full_name"])
        if victim is None:
            raise ApplicationError(
                _("Victim %(name)s is no longer on the accident.") % {"name": item["full_name"]}
            )
        problem = victim_rule_errors(
            severity=item["severity_code"], injury_code_count=len(victim.injury_codes.all())
        )
        if problem:
            raise ApplicationError(f"{victim.full_name}: {problem}")
        victim.severity = item["severity_code"]
        victim.days_off = item.get("days_off", victim.days_off)
        victim.treatment_place = item["treatment_place"]
        victim._history_user = by
        victim.save(update_fields=["severity", "days_off", "treatment_place"])
    updated = AccidentDeclaration.objects.filter(
        pk=locked.pk, is_draft=False, applied_at__isnull=True
    ).update(applied_at=timezone.now(), applied_by=by)
    if updated != 1:
        raise ApplicationError(_("This correction has already been applied."), code="applied")
    recompute_later(accident)
    if accident_year(accident) != old_year:
        _recompute_year(accident, old_year)
    declaration.refresh_from_db()
    return declaration


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)


def declaration_differences(
    older: dict[str, Any], newer: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(label, old, new) for what changed between two snapshots; a key the older snapshot did not
    record is not reported as a change."""
    changes: list[tuple[str, str, str]] = []
    for key, label in DIFFERENCE_FIELDS:
        if key in older and key in newer and older[key] != newer[key]:
            changes.append((str(label), _shown(older[key]), _shown(newer[key])))
    old_victims = {v["full_name"]: v for v in older.get("victims", [])}
    for item in newer.get("victims", []):
        before = old_victims.get(item["full_name"])
        if before is None:
            continue
        for key, label in VICTIM_DIFFERENCE_FIELDS:
            if key in before and key in item and before[key] != item[key]:
                changes.append(
                    (f"{item['full_name']}: {label}", _shown(before[key]), _shown(item[key]))
                )
    return changes
