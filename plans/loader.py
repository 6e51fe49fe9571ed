"""Write a parsed plan into a commune: the plan, its legal bases, goals, task groups, tasks, the
units of section IV and the assignment matrix.

Idempotent. The plan is matched by commune and title; its legal bases by document, goals by
indicator, groups by number and tasks by group and number, so a second run updates the same rows
and creates nothing new. What the source text holds is refreshed from it; what an official adds
later is kept: the number, symbol and date (the source has none), the status and years, the
issuing body, and the assignments of any task that already has some (the matrix below is a
starting point the official edits). The reasoning behind the matrix is in the docstring of the
``load_plan`` management command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction

from atvsld_portal.indicators import IndicatorCode
from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, User
from plans.models import Assignment, LegalBasis, Plan, PlanGoal, Task, TaskGroup
from plans.seed import ParsedPlan, ParsedUnit, PlanTextError, parse_plan_text

K = ResponsibleUnit.Kind
C = Assignment.Cadence
OSH_ACTION_MONTH = 5  # May

# Section IV units, recognised by words of their name: (words, kind, abbreviation).
UNIT_KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("lao động thương binh",), K.LABOUR_DESK, "VHXH"),
    (("truyền thanh", "vhtt"), K.CULTURE_RADIO, "VHTT"),
    (("công an",), K.POLICE, "CA"),
    (("mặt trận", "mttq"), K.FRONT, "MTTQ"),
    (("doanh nghiệp",), K.ENTERPRISES, "DN"),
)


@dataclass(frozen=True)
class GoalRule:
    words: tuple[str, ...]
    indicator: str
    direction: str
    method: str


# Section II goals, recognised by words of their wording; the target is the first "N%".
GOAL_RULES: tuple[GoalRule, ...] = (
    GoalRule(
        ("chết người",),
        IndicatorCode.FATALITY_FREQUENCY,
        PlanGoal.Direction.DECREASE,
        PlanGoal.Method.YEAR_OVER_YEAR,
    ),
    GoalRule(
        ("khám", "bệnh nghề nghiệp"),
        IndicatorCode.EXPOSED_EXAM_COVERAGE,
        PlanGoal.Direction.REACH,
        PlanGoal.Method.LEVEL,
    ),
    GoalRule(
        ("quan trắc",),
        IndicatorCode.MONITORED_ENTERPRISES,
        PlanGoal.Direction.INCREASE,
        PlanGoal.Method.YEAR_OVER_YEAR,
    ),
)
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


@dataclass(frozen=True)
class TaskAssignments:
    """Who carries a task: lead and support unit kinds, and how often it is reported."""

    cadence: str
    lead: tuple[str, ...]
    support: tuple[str, ...] = ()
    month: int | None = None
    village_boards: bool = False  # every active village board of the commune supports it


def _quarterly(*lead: str, support: tuple[str, ...] = (), boards: bool = False) -> TaskAssignments:
    return TaskAssignments(C.QUARTERLY, lead, support, village_boards=boards)


def _yearly(*lead: str, support: tuple[str, ...] = ()) -> TaskAssignments:
    return TaskAssignments(C.YEARLY, lead, support)


# The Ea Ly matrix, by task label (group.task). See plans/management/commands/load_plan.py.
ASSIGNMENT_MATRIX: dict[str, TaskAssignments] = {
    "1.1": _yearly(K.LABOUR_DESK),
    "1.2": _quarterly(K.FRONT, support=(K.LABOUR_DESK,), boards=True),
    "1.3": _yearly(K.ENTERPRISES, support=(K.LABOUR_DESK,)),
    "2.1": _quarterly(K.CULTURE_RADIO, support=(K.FRONT,)),
    "2.2": TaskAssignments(
        C.FIXED_MONTH,
        lead=(K.LABOUR_DESK,),
        support=(K.CULTURE_RADIO, K.FRONT, K.ENTERPRISES),
        month=OSH_ACTION_MONTH,
    ),
    "2.3": _quarterly(K.FRONT),
    "2.4": _yearly(K.ENTERPRISES, support=(K.LABOUR_DESK, K.FRONT)),
    "3.1": _yearly(K.LABOUR_DESK),
    "3.2": _quarterly(K.LABOUR_DESK, support=(K.ENTERPRISES,)),
    "4.1": _quarterly(K.LABOUR_DESK),
    "4.2": _yearly(K.LABOUR_DESK),
    "4.3": _quarterly(K.LABOUR_DESK, support=(K.ENTERPRISES, K.POLICE)),
    "5.1": _yearly(K.LABOUR_DESK),
    "5.2": _yearly(K.LABOUR_DESK),
    "5.3": _quarterly(K.LABOUR_DESK, support=(K.ENTERPRISES,)),
    "5.4": _yearly(K.LABOUR_DESK, support=(K.FRONT,)),
    "6.1": _quarterly(K.LABOUR_DESK, support=(K.FRONT, K.POLICE)),
    "6.2": _quarterly(K.POLICE, support=(K.LABOUR_DESK, K.ENTERPRISES)),
    "7.1": _yearly(K.LABOUR_DESK),
    "7.2": _quarterly(K.ENTERPRISES, support=(K.LABOUR_DESK,)),
    "7.3": _quarterly(K.LABOUR_DESK, support=(K.FRONT,)),
}
# A task the matrix does not know (another text given with --file): the labour desk leads.
DEFAULT_ASSIGNMENTS = _quarterly(K.LABOUR_DESK)


class PlanLoadError(PlanTextError):
    """The text parses, but some part of it cannot be mapped onto the portal's catalogues."""


# Pure mappings (also used by the command's --dry-run) ----------------------------------------


def unit_kind(unit: ParsedUnit) -> tuple[str, str]:
    """The kind and abbreviation of a section IV unit, from its name."""
    name = unit.name.lower()
    for words, kind, abbreviation in UNIT_KINDS:
        if any(word in name for word in words):
            return kind, abbreviation
    raise PlanLoadError(f"Section IV unit {unit.number} is not a known kind: {unit.name}")


def goal_rule(text: str) -> tuple[GoalRule, Decimal]:
    """The indicator rule of a goal and its target, from its wording."""
    lowered = text.lower()
    percent = _PERCENT.search(text)
    for rule in GOAL_RULES:
        if percent and all(word in lowered for word in rule.words):
            return rule, Decimal(percent[1].replace(",", "."))
    raise PlanLoadError(f"No indicator fits this goal: {text[:80]}")


def assignments_for(label: str) -> TaskAssignments:
    return ASSIGNMENT_MATRIX.get(label, DEFAULT_ASSIGNMENTS)


def start_year(parsed: ParsedPlan) -> int | None:
    """The plan starts in the year of its newest dated legal basis (the text has no date)."""
    years = [basis.issued_on.year for basis in parsed.legal_bases if basis.issued_on]
    return max(years, default=None)


def issuing_body(commune: AdministrativeUnit) -> str:
    return f"Ủy ban nhân dân xã {commune.name}"


def recipients_text(parsed: ParsedPlan) -> str:
    """One recipient a line, without the list punctuation the document frame adds back."""
    return "\n".join(line.rstrip(";.").rstrip() for line in parsed.recipients)


def planned_assignment_count(parsed: ParsedPlan, *, village_boards: int) -> int:
    """How many assignments a first load creates, given the commune's active village boards."""
    total = 0
    for group in parsed.task_groups:
        for number in range(1, len(group.tasks) + 1):
            rows = assignments_for(f"{group.number}.{number}")
            total += len(rows.lead) + len(rows.support)
            total += village_boards if rows.village_boards else 0
    return total


# Writing -------------------------------------------------------------------------------------


def _apply[M: models.Model](obj: M, values: dict, *, by: User | None, force: bool = False) -> M:
    """Set the values and save, only when something changed (so history records real edits)."""
    if force or any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj._history_user = by
        obj.full_clean()
        obj.save()
    return obj


def _upsert[M: models.Model](model: type[M], *, lookup: dict, values: dict, by: User | None) -> M:
    """Create or update the row that ``lookup`` identifies."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return _apply(model(**lookup), values, by=by, force=True)
    return _apply(obj, values, by=by)


def _plan(*, commune: AdministrativeUnit, parsed: ParsedPlan, by: User | None) -> Plan:
    from_source = {
        "purposes": "\n".join(parsed.purposes),
        "requirements": "\n".join(parsed.requirements),
        "closing_text": parsed.closing,
        "recipients": recipients_text(parsed),
        "signer_authority": parsed.signature.authority,
        "signer_position": parsed.signature.position,
        "signer_name": parsed.signature.name,
    }
    plan = Plan.objects.filter(commune=commune, title=parsed.title).first()
    if plan is not None:
        return _apply(plan, from_source, by=by)
    first_year = start_year(parsed)
    if first_year is None:
        raise PlanLoadError("No legal basis is dated: the plan's start year is unknown.")
    return _upsert(
        Plan,
        lookup={"commune": commune, "title": parsed.title},
        values={
            **from_source,
            "status": Plan.Status.IN_FORCE,
            "start_year": first_year,
            "end_year": None,
            "issuing_body": issuing_body(commune),
            # The source has no number, symbol or date: an official enters them.
            "number": "",
            "symbol": "",
            "issued_on": None,
        },
        by=by,
    )


def _legal_bases(plan: Plan, parsed: ParsedPlan, by: User | None) -> None:
    for order, basis in enumerate(parsed.legal_bases, start=1):
        _upsert(
            LegalBasis,
            lookup={"plan": plan, "document": basis.document},
            values={
                "order": order,
                "issued_on": basis.issued_on,
                "issuer": basis.issuer,
                "title": basis.title,
            },
            by=by,
        )


def _goals(plan: Plan, parsed: ParsedPlan, by: User | None) -> None:
    seen: set[str] = set()
    for order, text in enumerate(parsed.goals, start=1):
        rule, target = goal_rule(text)
        if rule.indicator in seen:
            raise PlanLoadError(f"Two goals measure the same indicator: {rule.indicator}")
        seen.add(rule.indicator)
        _upsert(
            PlanGoal,
            lookup={"plan": plan, "indicator": rule.indicator},
            values={
                "order": order,
                "text": text,
                "direction": rule.direction,
                "target_value": target,
                "target_unit": "%",
                "method": rule.method,
            },
            by=by,
        )


def _units(
    commune: AdministrativeUnit, parsed: ParsedPlan
) -> tuple[dict[str, ResponsibleUnit], dict[str, str]]:
    """The commune's unit of each section IV kind (created when missing) and each kind's duty."""
    units: dict[str, ResponsibleUnit] = {}
    duties: dict[str, str] = {}
    for parsed_unit in parsed.units:
        kind, abbreviation = unit_kind(parsed_unit)
        unit = ResponsibleUnit.objects.filter(commune=commune, kind=kind).first()
        if unit is None:
            unit = ResponsibleUnit(
                commune=commune, kind=kind, name=parsed_unit.name, abbreviation=abbreviation
            )
            unit.full_clean()
            unit.save()
        units[kind] = unit
        duties[kind] = parsed_unit.duty_text
    return units, duties


def _unit_for(units: dict[str, ResponsibleUnit], kind: str, label: str) -> ResponsibleUnit:
    if kind not in units:
        raise PlanLoadError(f"Task {label} needs a unit of kind {kind}, absent from section IV.")
    return units[kind]


def _assign(
    task: Task,
    rows: TaskAssignments,
    *,
    units: dict[str, ResponsibleUnit],
    boards: list[ResponsibleUnit],
    duties: dict[str, str],
    by: User | None,
) -> None:
    label = f"{task.group.number}.{task.number}"
    given = [(_unit_for(units, kind, label), Assignment.Role.LEAD) for kind in rows.lead]
    given += [(_unit_for(units, kind, label), Assignment.Role.SUPPORT) for kind in rows.support]
    given += [(board, Assignment.Role.SUPPORT) for board in boards if rows.village_boards]
    for unit, role in given:
        assignment = Assignment(
            task=task,
            unit=unit,
            role=role,
            cadence=rows.cadence,
            month=rows.month,
            note=duties.get(unit.kind, "") if role == Assignment.Role.LEAD else "",
        )
        assignment._history_user = by
        assignment.full_clean()
        assignment.save()


def _tasks(plan: Plan, parsed: ParsedPlan, *, commune: AdministrativeUnit, by: User | None) -> None:
    units, duties = _units(commune, parsed)
    boards = list(
        ResponsibleUnit.objects.filter(commune=commune, kind=K.VILLAGE_BOARD, is_active=True)
    )
    for parsed_group in parsed.task_groups:
        group = _upsert(
            TaskGroup,
            lookup={"plan": plan, "number": parsed_group.number},
            values={"title": parsed_group.title},
            by=by,
        )
        for number, text in enumerate(parsed_group.tasks, start=1):
            task = _upsert(
                Task, lookup={"group": group, "number": number}, values={"text": text}, by=by
            )
            if task.assignments.exists():
                continue  # the official's matrix wins over the derived one
            rows = assignments_for(f"{group.number}.{number}")
            _assign(task, rows, units=units, boards=boards, duties=duties, by=by)


@transaction.atomic
def load_plan(*, commune: AdministrativeUnit, text: str, by: User | None = None) -> Plan:
    """Parse the text of a plan and write it into the commune; returns the plan."""
    parsed = parse_plan_text(text)
    plan = _plan(commune=commune, parsed=parsed, by=by)
    _legal_bases(plan, parsed, by)
    _goals(plan, parsed, by)
    _tasks(plan, parsed, commune=commune, by=by)
    return plan
