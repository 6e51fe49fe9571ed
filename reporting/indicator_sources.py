"""Loading the records the indicators read (DOMAIN §4), for one commune or many at once.

:func:`load_records` reads every record the indicators of a list of communes need, for one year or
more, in a fixed number of queries whatever the number of communes, years or records, and hands
back one :class:`CommuneRecords` per commune and year. The recompute of one commune and the
nightly recompute of every commune read through the same function, so both see the same rows.

The records are read as light rows (the few columns the indicators use, in named tuples), not as
model instances: a province's recompute reads a hundred thousand reports and filings. Each
accident's local date is computed once, here.

For a year, reports, accidents and aggregates are loaded from ``year - 3`` (last year's
comparison, the baseline fallback of N, the 3-year rolling view), or from the baseline year of the
commune's plan goals when it lies further back; exams, monitoring records, informal accidents and
disease cases from last year.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import NamedTuple
from uuid import UUID

from django.db.models import ExpressionWrapper, F, IntegerField, QuerySet
from django.utils import timezone

from atvsld_portal.dates import local_day_range
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Filing, ReportingPeriod
from enterprises.models import AnnualOshReport, Enterprise, MonitoringRecord
from incidents.compliance import ComplianceSummary, compliance_summaries
from incidents.models import Accident, DiseaseCase, DiseaseExam, PeriodicAccidentReport, Victim
from plans.models import ActivityReport, Assignment, Plan, PlanGoal
from reporting.models import HistoricalAggregate

APPROVED = Filing.Status.APPROVED
TRAINING_GROUPS = range(1, 7)

# Defaults when the commune's plan has no goal for an indicator (the Directive 31 goals).
DEFAULT_GOALS = {
    Code.FATALITY_FREQUENCY: ("yoy", Decimal("4"), None),
    Code.EXPOSED_EXAM_COVERAGE: ("level", Decimal("100"), None),
    Code.MONITORED_ENTERPRISES: ("yoy", Decimal("5"), None),
}


# The year of a row, for _spread: most rows name it, exams and cases by their date.
YEAR = operator.attrgetter("year")
EXAM_YEAR = operator.attrgetter("exam_date.year")


@dataclass
class Goal:
    method: str
    percent: Decimal
    baseline_year: int | None


# ------------------------------------------------------------------------------
# Light rows
# ------------------------------------------------------------------------------
# Each row names its model's columns, in the order the query reads them.
class VictimRow(NamedTuple):
    """A victim of a counted accident."""

    severity: str
    under_management: bool


class AccidentRow(NamedTuple):
    """A counted accident: its local date and its victims, in the order they were recorded."""

    public_id: str
    receipt_number: str | None
    enterprise_id: int | None
    commuting: bool
    day: date  # the local date it occurred on
    victims: tuple[VictimRow, ...]


class AnnualReportRow(NamedTuple):
    """An approved annual OSH report: its workforce, exposure and training figures."""

    enterprise_id: int
    year: int
    workers_total: int
    workers_exposed: int
    workers_exposed_examined: int
    trained: int  # section 5, groups 1-6
    employed: int  # section 5, groups 1-6


class H1ReportRow(NamedTuple):
    """An approved Phụ lục XII report of a first half year."""

    enterprise_id: int
    year: int
    workers_total: int


class ExamRow(NamedTuple):
    """An approved occupational-disease exam round."""

    public_id: UUID
    enterprise_id: int
    exam_date: date
    workers_examined: int


class MonitoringRow(NamedTuple):
    """An approved work-environment monitoring record."""

    enterprise_id: int
    year: int
    sampled_from: date
    workers_exposed: int


class CaseRow(NamedTuple):
    """A confirmed occupational-disease case."""

    public_id: UUID
    exam_date: date


class ActivityRow(NamedTuple):
    """An activity report of an assignment of the plan."""

    assignment_id: int
    occurred_on: date
    status: str
    participants: int


@dataclass
class CommuneRecords:
    """Every record the indicators of one commune for one year read."""

    year: int
    first_year: int  # the first year of the reports, accidents and aggregates loaded
    plan: Plan | None
    goals: dict[str, Goal]
    enterprise_names: dict[int, str] = field(default_factory=dict)  # the commune's enterprises
    active_enterprise_ids: set[int] = field(default_factory=set)
    # year -> enterprise_id -> report
    annual: dict[int, dict[int, AnnualReportRow]] = field(default_factory=lambda: defaultdict(dict))
    h1: dict[int, dict[int, H1ReportRow]] = field(default_factory=lambda: defaultdict(dict))
    accidents: list[AccidentRow] = field(default_factory=list)  # employed sector, by time
    informal: list[AccidentRow] = field(default_factory=list)  # from last year, by time
    exams: list[ExamRow] = field(default_factory=list)  # from last year, by date
    # year -> records, by sampling date
    monitoring: dict[int, list[MonitoringRow]] = field(default_factory=lambda: defaultdict(list))
    cases: list[CaseRow] = field(default_factory=list)  # from last year, newest first
    aggregates: dict[tuple[int, str], HistoricalAggregate] = field(default_factory=dict)
    filing_periods: list[ReportingPeriod] = field(default_factory=list)  # due this year, by date
    compliance: dict[int, ComplianceSummary] = field(default_factory=dict)  # period pk -> counts
    assignments: list[Assignment] = field(default_factory=list)  # of the plan
    activities: list[ActivityRow] = field(default_factory=list)  # of the plan's assignments

    def reaches(self, year: int, *, back: int | None = None) -> bool:
        """Whether rows of ``year`` belong here: from :attr:`first_year`, or from ``back`` years
        before :attr:`year`, to :attr:`year`."""
        first = self.first_year if back is None else self.year - back
        return first <= year <= self.year


# ------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------
def load_records(
    commune_ids: list[int], years: list[int], *, today: date
) -> dict[tuple[int, int], CommuneRecords]:
    """The records of each commune of ``commune_ids`` for each of ``years``, by (commune id,
    year): 16 queries, plus one per kind of enterprise filing due in the years, whatever the
    number of communes, years and records.

    Rows the years share (reports, accidents, enterprises, the plan's assignments) are read
    once and kept in the records of every year they belong to.
    """
    plans = _plans(commune_ids, years)
    goals = _goals(plans.values())
    records: dict[tuple[int, int], CommuneRecords] = {}
    of_commune: dict[int, list[CommuneRecords]] = defaultdict(list)
    for (commune_id, year), plan in plans.items():
        commune_goals = goals[plan.pk] if plan is not None else _default_goals()
        # A baseline year further back than the comparisons need is loaded too.
        baselines = [g.baseline_year for g in commune_goals.values() if g.baseline_year]
        records[commune_id, year] = CommuneRecords(
            year=year, first_year=min([year - 3, *baselines]), plan=plan, goals=commune_goals
        )
        of_commune[commune_id].append(records[commune_id, year])
    # Rows are read from the earliest first year of all; each year keeps those it reaches.
    first = min(r.first_year for r in records.values())
    last = max(years)
    last_day = date(last, 12, 31)

    enterprise_names: dict[int, dict[int, str]] = defaultdict(dict)
    active_enterprise_ids: dict[int, set[int]] = defaultdict(set)
    for commune_id, enterprise_id, name, status in Enterprise.objects.filter(
        commune__in=commune_ids
    ).values_list("commune_id", "pk", "name", "status"):
        enterprise_names[commune_id][enterprise_id] = name
        if status == Enterprise.Status.ACTIVE:
            active_enterprise_ids[commune_id].add(enterprise_id)
    for (commune_id, _year), commune in records.items():
        commune.enterprise_names = enterprise_names[commune_id]
        commune.active_enterprise_ids = active_enterprise_ids[commune_id]

    annual_reports = (
        AnnualOshReport.objects.filter(
            enterprise__commune__in=commune_ids, status=APPROVED, year__gte=first, year__lte=last
        )
        .annotate(
            trained=_total(f"training_g{g}_trained" for g in TRAINING_GROUPS),
            employed=_total(f"training_g{g}_total" for g in TRAINING_GROUPS),
        )
        .order_by()
        .values_list("enterprise__commune_id", *AnnualReportRow._fields)
    )
    for commune, report in _spread(annual_reports, AnnualReportRow, of_commune, YEAR):
        commune.annual[report.year][report.enterprise_id] = report

    h1_reports = (
        PeriodicAccidentReport.objects.filter(
            enterprise__commune__in=commune_ids,
            status=APPROVED,
            part="h1",
            year__gte=first,
            year__lte=last,
        )
        .order_by()
        .values_list("enterprise__commune_id", *H1ReportRow._fields)
    )
    for commune, report in _spread(h1_reports, H1ReportRow, of_commune, YEAR):
        commune.h1[report.year][report.enterprise_id] = report

    employed = Accident.objects.counted().filter(
        enterprise__commune__in=commune_ids, sector=Accident.Sector.EMPLOYED
    )
    for commune_id, accident in _accidents(employed, "enterprise__commune_id", first, last):
        for commune in of_commune[commune_id]:
            if commune.reaches(accident.day.year):
                commune.accidents.append(accident)
    informal = Accident.objects.counted().filter(
        commune__in=commune_ids, sector=Accident.Sector.INFORMAL
    )
    for commune_id, accident in _accidents(informal, "commune_id", min(years) - 1, last):
        for commune in of_commune[commune_id]:
            if commune.reaches(accident.day.year, back=1):
                commune.informal.append(accident)

    exams = (
        DiseaseExam.objects.filter(
            enterprise__commune__in=commune_ids,
            status=APPROVED,
            exam_date__gte=date(min(years) - 1, 1, 1),
            exam_date__lte=last_day,
        )
        .order_by("exam_date", "pk")
        .values_list("enterprise__commune_id", *ExamRow._fields)
    )
    for commune, exam in _spread(exams, ExamRow, of_commune, EXAM_YEAR, back=1):
        commune.exams.append(exam)

    monitoring = (
        MonitoringRecord.objects.filter(
            enterprise__commune__in=commune_ids,
            status=APPROVED,
            year__gte=min(years) - 1,
            year__lte=last,
        )
        .order_by("sampled_from", "pk")
        .values_list("enterprise__commune_id", *MonitoringRow._fields)
    )
    for commune, record in _spread(monitoring, MonitoringRow, of_commune, YEAR, back=1):
        commune.monitoring[record.year].append(record)

    cases = (
        DiseaseCase.objects.filter(
            commune__in=commune_ids,
            result=DiseaseCase.Result.CONFIRMED,
            exam_date__gte=date(min(years) - 1, 1, 1),
            exam_date__lte=last_day,
        )
        .order_by("-exam_date", "pk")
        .values_list("commune_id", *CaseRow._fields)
    )
    for commune, case in _spread(cases, CaseRow, of_commune, EXAM_YEAR, back=1):
        commune.cases.append(case)

    for aggregate in HistoricalAggregate.objects.filter(
        commune__in=commune_ids, year__gte=first, year__lte=last
    ):
        for commune in of_commune[aggregate.commune_id]:
            if commune.reaches(aggregate.year):
                commune.aggregates[(aggregate.year, aggregate.sector)] = aggregate

    # The opened periods due in each year up to today, and their filing counts.
    periods = [
        period
        for period in ReportingPeriod.objects.filter(
            commune__in=commune_ids,
            due_on__gte=date(min(years), 1, 1),
            due_on__lte=min(last_day, today),
            opened_at__isnull=False,
        ).order_by("due_on", "pk")
        if (period.commune_id, period.due_on.year) in records
    ]
    summaries = compliance_summaries(
        periods=periods, today=today, active_enterprise_ids=active_enterprise_ids
    )
    for period in periods:
        commune = records[period.commune_id, period.due_on.year]
        commune.filing_periods.append(period)
        commune.compliance[period.pk] = summaries[period.pk]

    # The assignments of each plan, and their activity reports, kept by every year it covers.
    plan_ids = {plan.pk for plan in plans.values() if plan is not None}
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    activities: dict[int, list[ActivityRow]] = defaultdict(list)
    of_plans = Assignment.objects.filter(task__group__plan__in=plan_ids)
    for assignment in of_plans.select_related("task__group__plan"):
        assignments[assignment.task.group.plan_id].append(assignment)
    for plan_id, *columns in (
        ActivityReport.objects.filter(assignment__in=of_plans)
        .order_by()
        .values_list("assignment__task__group__plan_id", *ActivityRow._fields)
    ):
        activities[plan_id].append(ActivityRow(*columns))
    for commune in records.values():
        if commune.plan is not None:
            commune.assignments = assignments[commune.plan.pk]
            commune.activities = activities[commune.plan.pk]
    return records


def _spread(
    rows: Iterable[tuple],
    row_type: type,
    of_commune: dict[int, list[CommuneRecords]],
    year_of: Callable[[tuple], int],
    *,
    back: int | None = None,
) -> Iterator[tuple[CommuneRecords, tuple]]:
    """(records, row) for each row of ``rows`` — the commune id, then ``row_type``'s fields —
    and each year's records of its commune that the row's year reaches (see
    :meth:`CommuneRecords.reaches`)."""
    for commune_id, *columns in rows:
        row = row_type(*columns)
        for commune in of_commune[commune_id]:
            if commune.reaches(year_of(row), back=back):
                yield commune, row


def _total(columns: Iterable[str]) -> ExpressionWrapper:
    """The sum of integer ``columns``, computed in the database."""
    return ExpressionWrapper(reduce(operator.add, map(F, columns)), output_field=IntegerField())


def _plans(commune_ids: list[int], years: list[int]) -> dict[tuple[int, int], Plan | None]:
    """Per commune and year, the plan in force covering the year, else the newest covering it
    (None when no plan covers it)."""
    by_commune: dict[int, list[Plan]] = defaultdict(list)
    for plan in Plan.objects.filter(commune__in=commune_ids, start_year__lte=max(years)).order_by(
        "-start_year", "pk"
    ):
        by_commune[plan.commune_id].append(plan)
    chosen = {}
    for commune_id in commune_ids:
        for year in years:
            covering = [p for p in by_commune[commune_id] if p.covers(year)]
            in_force = [p for p in covering if p.status == Plan.Status.IN_FORCE]
            chosen[commune_id, year] = (in_force or covering or [None])[0]
    return chosen


def _default_goals() -> dict[str, Goal]:
    return {
        code: Goal(method, percent, baseline)
        for code, (method, percent, baseline) in DEFAULT_GOALS.items()
    }


def _goals(plans: Iterable[Plan | None]) -> dict[int, dict[str, Goal]]:
    """Per plan, the goal of each indicator: the plan's own, else the default one."""
    goals = {plan.pk: _default_goals() for plan in plans if plan is not None}
    for goal in PlanGoal.objects.filter(plan__in=list(goals)):
        goals[goal.plan_id][goal.indicator] = Goal(
            goal.method, goal.target_value, goal.baseline_year
        )
    return goals


def _accidents(
    accidents: QuerySet[Accident], commune_column: str, first: int, last: int
) -> list[tuple[int, AccidentRow]]:
    """(commune id, :class:`AccidentRow`) of the ``accidents`` that occurred (local time) from
    1 January of ``first`` to 31 December of ``last``, by time. Two queries: the accidents, then
    their victims."""
    start, end = local_day_range(date(first, 1, 1), date(last, 12, 31))
    in_range = accidents.filter(occurred_at__gte=start, occurred_at__lt=end)
    rows = list(
        in_range.order_by("occurred_at", "pk").values_list(
            "pk",
            commune_column,
            "public_id",
            "receipt_number",
            "enterprise_id",
            "commuting",
            "occurred_at",
        )
    )
    victims: dict[int, list[VictimRow]] = defaultdict(list)
    for accident_id, severity, under_management in (
        Victim.objects.filter(accident__in=in_range.values("pk"))
        .order_by("accident_id", "pk")
        .values_list("accident_id", "severity", "under_management")
    ):
        victims[accident_id].append(VictimRow(severity, under_management))
    zone = timezone.get_current_timezone()
    return [
        (
            commune_id,
            AccidentRow(
                public_id=str(public_id),
                receipt_number=receipt_number,
                enterprise_id=enterprise_id,
                commuting=commuting,
                day=timezone.localtime(occurred_at, zone).date(),
                victims=tuple(victims.get(pk, ())),
            ),
        )
        for pk, commune_id, public_id, receipt_number, enterprise_id, commuting, occurred_at in rows
    ]
