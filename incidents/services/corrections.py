"""Corrections: a draft declaration becomes version n+1 under the same receipt number.

Every change that affects figures writes "recompute commune C, year Y" to the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import User
from atvsld_portal.services import indicators_recompute_later, outbox_enqueue
from incidents.models import (
    Accident,
    AccidentDeclaration,
    Victim,
)
from incidents.services.declarations import (
    NOTIFY_TASK,
    accident_snapshot,
    accident_year,
    recompute_later,
    victim_rule_errors,
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
        indicators_recompute_later(commune_id=commune_id, year=year)


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
