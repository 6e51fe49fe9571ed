"""Drafts, submission with a gapless receipt number, receipt by the commune.

Every change that affects figures writes "recompute commune C, year Y" to the outbox."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.files import validate_private_upload
from atvsld_portal.models import AdministrativeUnit, Filing, User
from atvsld_portal.services import indicators_recompute_later, outbox_enqueue
from incidents.models import (
    Accident,
    AccidentDeclaration,
    ReceiptCounter,
    Victim,
)

NOTIFY_TASK = "incidents.tasks.notify_accident_declared_task"


def accident_year(accident: Accident) -> int:
    """The local (Asia/Ho_Chi_Minh) date decides the year an accident counts in."""
    return timezone.localtime(accident.occurred_at).year


def recompute_later(accident: Accident) -> None:
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    for commune_id in sorted(communes):
        indicators_recompute_later(commune_id=commune_id, year=accident_year(accident))


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
        validate_private_upload(scan)  # the service checks the file whatever the caller did
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
