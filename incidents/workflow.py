"""The commune's workflow of an accident after receipt (DOMAIN §3.9.5) and the legal time limits
of its investigation (Luật ATVSLĐ Art 35, DOMAIN §3.5, §3.6). Plain functions: the services
enforce the transitions, the detail page shows what these functions compute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from atvsld_portal.models import User
from enterprises.access import can_manage_registry
from incidents import workflow_forms
from incidents.models import Accident, InvestigationLevel, Victim

# Days from the commune's receipt of the declaration to the publication of the record (Art 35).
DEATH_DAYS = 30
DEATH_WITH_EXAMINATION_DAYS = 60
SEVERAL_SERIOUS_DAYS = 20
ONE_SERIOUS_DAYS = 7
MINOR_DAYS = 4
DUE_SOON_DAYS = 3

# Statuses in which no clock runs any more.
FINISHED = frozenset(
    {
        Accident.Status.CLOSED,
        Accident.Status.NOT_OCCUPATIONAL,
        Accident.Status.TRANSFERRED_POLICE,
    }
)


class DeadlineState:
    NONE = "none"
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


# Who sees the workflow card (officials act, the others read).
WORKFLOW_READERS = frozenset(
    {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}
)

# Which action may be taken from which status (the services check the same table).
START_FROM = frozenset({Accident.Status.RECEIVED, Accident.Status.QUICK_REPORTED})
QUICK_REPORT_FROM = frozenset({Accident.Status.RECEIVED})
CLOSE_FROM = frozenset({Accident.Status.UNDER_INVESTIGATION, Accident.Status.RECEIVED})
NOT_OCCUPATIONAL_FROM = frozenset({Accident.Status.RECEIVED, Accident.Status.UNDER_INVESTIGATION})
TRANSFER_FROM = frozenset(
    {
        Accident.Status.RECEIVED,
        Accident.Status.QUICK_REPORTED,
        Accident.Status.UNDER_INVESTIGATION,
    }
)
EXTEND_FROM = frozenset({Accident.Status.UNDER_INVESTIGATION})


@dataclass(frozen=True)
class Severities:
    fatal: int
    serious: int
    minor: int


def severities(accident: Accident) -> Severities:
    """Victim counts by severity, over the (prefetched) victims."""
    victims = list(accident.victims.all())
    return Severities(
        fatal=sum(v.severity == Victim.Severity.FATAL for v in victims),
        serious=sum(v.severity == Victim.Severity.SERIOUS for v in victims),
        minor=sum(v.severity == Victim.Severity.MINOR for v in victims),
    )


def is_urgent(accident: Accident) -> bool:
    counts = severities(accident)
    return counts.fatal >= 1 or counts.serious >= 2


def expected_level(accident: Accident) -> str | None:
    """The team the law gives the case: a death or two or more seriously injured → the province;
    one seriously injured worker without a contract → the commune's biên bản; otherwise the
    employer's base-level team. A technical incident, an accident without victims or a minor
    injury of a worker without a contract has no statutory investigation (DOMAIN §3.6.4)."""
    if accident.kind == Accident.Kind.TECHNICAL_INCIDENT:
        return None
    counts = severities(accident)
    informal = accident.sector == Accident.Sector.INFORMAL
    if counts.fatal or counts.serious >= 2:
        return InvestigationLevel.PROVINCE
    if counts.serious == 1:
        return InvestigationLevel.COMMUNE_RECORD if informal else InvestigationLevel.BASE
    if counts.minor and not informal:
        return InvestigationLevel.BASE
    return None


def original_limit_days(accident: Accident) -> int | None:
    """The statutory limit in days before any extension, or None where none applies."""
    if accident.kind == Accident.Kind.TECHNICAL_INCIDENT:
        return None
    counts = severities(accident)
    informal = accident.sector == Accident.Sector.INFORMAL
    if counts.fatal:
        if accident.needs_technical_examination:
            return DEATH_WITH_EXAMINATION_DAYS
        return DEATH_DAYS
    if counts.serious >= 2:
        return SEVERAL_SERIOUS_DAYS
    if counts.serious == 1:
        return None if informal else ONE_SERIOUS_DAYS
    if counts.minor and not informal:
        return MINOR_DAYS
    return None


def can_be_extended(accident: Accident) -> bool:
    """Only complex cases (a death, serious injuries) may be extended, and only once."""
    counts = severities(accident)
    return bool(
        original_limit_days(accident) is not None
        and (counts.fatal or counts.serious)
        and not accident.extension_days
    )


def received_on(accident: Accident) -> date | None:
    if accident.received_at is None:
        return None
    return timezone.localtime(accident.received_at).date()


def investigation_deadline(accident: Accident) -> date | None:
    """The last day to publish the record, counted from the local date of receipt."""
    start = received_on(accident)
    days = original_limit_days(accident)
    if start is None or days is None:
        return None
    return start + timedelta(days=days + (accident.extension_days or 0))


def deadline_state(accident: Accident, today: date) -> str:
    if accident.status in FINISHED:
        return DeadlineState.NONE
    deadline = investigation_deadline(accident)
    if deadline is None:
        return DeadlineState.NONE
    if today > deadline:
        return DeadlineState.OVERDUE
    if (deadline - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.OK


def allowed_actions(accident: Accident) -> list[str]:
    """The workflow actions open from the accident's current status, in display order."""
    status = accident.status
    actions = []
    if status in QUICK_REPORT_FROM and can_quick_report(accident):
        actions.append("quick_reported")
    if status in START_FROM:
        actions.append("investigate")
    if status in EXTEND_FROM and can_be_extended(accident):
        actions.append("extend")
    if status in CLOSE_FROM and (
        status == Accident.Status.UNDER_INVESTIGATION or can_close_on_receipt(accident)
    ):
        actions.append("close")
    if status in NOT_OCCUPATIONAL_FROM:
        actions.append("not_occupational")
    if status in TRANSFER_FROM:
        actions.append("transfer")
    return actions


def can_quick_report(accident: Accident) -> bool:
    """The commune's quick report (Mẫu 06) concerns workers without a contract, urgent cases."""
    return accident.sector == Accident.Sector.INFORMAL and is_urgent(accident)


def can_close_on_receipt(accident: Accident) -> bool:
    """Minor cases are closed straight from receipt: minor injuries only (or none), or the one
    seriously injured worker without a contract whose biên bản is the record."""
    counts = severities(accident)
    if counts.fatal:
        return False
    if counts.serious == 0:
        return True
    return counts.serious == 1 and accident.sector == Accident.Sector.INFORMAL


def workflow_context(accident: Accident, user: User, today: date) -> dict[str, Any]:
    """Everything `incidents/includes/_workflow.html` needs; empty before receipt or for users
    who do not follow the commune's workflow (enterprise members, police reporters)."""
    if accident.status in {Accident.Status.DRAFT, Accident.Status.SUBMITTED}:
        return {}
    if not (user.is_superuser or user.role in WORKFLOW_READERS):
        return {}
    deadline = investigation_deadline(accident)
    level = expected_level(accident)
    can_act = can_manage_registry(user)
    actions = allowed_actions(accident) if can_act else []
    return {
        "accident": accident,
        "expected_level": level,
        "expected_level_label": InvestigationLevel(level).label if level else "",
        "current_level_label": (
            InvestigationLevel(accident.investigation_level).label
            if accident.investigation_level
            else ""
        ),
        "original_limit_days": original_limit_days(accident),
        "deadline": deadline,
        "days_left": (deadline - today).days if deadline else None,
        "state": deadline_state(accident, today),
        "can_act": can_act,
        "actions": actions,
        "forms": workflow_forms.forms_for(actions, level=level) if can_act else {},
    }
