"""Reads of computed indicators, scoped to the user, and what the dashboard shows.

Indicator values belong to communes: commune staff read their own commune's, the province viewer
every commune of the province, superusers all. Enterprise users and unit reporters read none.
:func:`dashboard_data` loads one commune's dashboard in a fixed number of queries, whatever the
number of enterprises, accidents or years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Case, Count, F, JSONField, Max, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format

from atvsld_portal.dates import local_day_range, quarter_bounds, quarter_of
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, User
from atvsld_portal.selectors import commune_list_for_user
from incidents.models import Accident, Victim
from plans.models import Plan, PlanGoal
from plans.selectors import AssignmentStatus, overdue_items, plan_status_matrix
from reporting.models import HistoricalAggregate, IndicatorValue

if TYPE_CHECKING:
    from plans.selectors import PlanMatrix

INDICATOR_READERS = frozenset(
    {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}
)

# The plan's three goals, in the order of the cards.
GOAL_CODES = (Code.FATALITY_FREQUENCY, Code.EXPOSED_EXAM_COVERAGE, Code.MONITORED_ENTERPRISES)
# Context indicators, in the order of the dashboard's table.
CONTEXT_CODES = (
    Code.ACCIDENT_FREQUENCY,
    Code.FATAL_RATE,
    Code.ACCIDENTS,
    Code.ACCIDENT_DEATHS,
    Code.INFORMAL_ACCIDENTS,
    Code.DISEASE_CASES,
    Code.MONITORING_COVERAGE,
    Code.TRAINING_COVERAGE,
    Code.ON_TIME_FILING,
    Code.ANNUAL_REPORTS_FILED,
    Code.ASSIGNMENTS_ON_TIME,
    Code.PROPAGANDA_PARTICIPANTS,
)
# Decimals shown per indicator (stored values keep three).
DECIMALS = {
    Code.FATALITY_FREQUENCY: 3,
    Code.ACCIDENT_FREQUENCY: 3,
    Code.FATAL_RATE: 1,
}
COUNT_CODES = frozenset(
    {
        Code.MONITORED_ENTERPRISES,
        Code.ACCIDENTS,
        Code.ACCIDENT_DEATHS,
        Code.INFORMAL_ACCIDENTS,
        Code.DISEASE_CASES,
        Code.PROPAGANDA_PARTICIPANTS,
    }
)
TREND_YEARS = 5  # without a plan, the trend shows the last five years
MAX_TREND_YEARS = 12


# ------------------------------------------------------------------------------
# Scoped reads
# ------------------------------------------------------------------------------
def can_read_indicators(user: User) -> bool:
    return user.is_superuser or user.role in INDICATOR_READERS


def indicator_values_for_user(*, user: User) -> QuerySet[IndicatorValue]:
    """The values of the communes the user reads; none for enterprise users and unit reporters."""
    if not can_read_indicators(user):
        return IndicatorValue.objects.none()
    return IndicatorValue.objects.filter(
        commune__in=commune_list_for_user(user=user)
    ).select_related("commune", "run")


def indicator_value_get_for_user(*, user: User, public_id: UUID) -> IndicatorValue:
    value = indicator_values_for_user(user=user).filter(public_id=public_id).first()
    if value is None:
        raise Http404
    return value


def dashboard_commune_for_user(*, user: User, commune_id: str | None) -> AdministrativeUnit | None:
    """The commune whose dashboard the user asked for.

    ``?commune=<pk>`` must be a commune the user reads (else 404); without it, the user's own
    commune, or ``None`` for a province viewer or superuser, who then pick one.
    """
    communes = commune_list_for_user(user=user)
    if commune_id:
        if not str(commune_id).isdecimal():
            raise Http404
        commune = communes.filter(pk=int(commune_id)).first()
        if commune is None:
            raise Http404
        return commune
    unit = user.administrative_unit
    if unit is not None and not unit.is_province:
        return communes.filter(pk=unit.pk).first()
    return None


def value_text(value: IndicatorValue | None) -> str:
    """The value as shown on the pages: counts without decimals, rates with their decimals."""
    if value is None or value.value is None:
        return "-"
    decimals = 0 if value.code in COUNT_CODES else DECIMALS.get(value.code, 1)
    return number_format(value.value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def number_text(number: Decimal | int | None, decimals: int = 0) -> str:
    if number is None:
        return "-"
    return number_format(Decimal(number), decimal_pos=decimals, use_l10n=True, force_grouping=True)


# ------------------------------------------------------------------------------
# The dashboard
# ------------------------------------------------------------------------------
@dataclass
class SectorRow:
    """Counted accidents of one sector in the period, with their victims by severity."""

    sector: str
    label: str
    accidents: int = 0
    fatal: int = 0
    serious: int = 0
    minor: int = 0
    aggregate: HistoricalAggregate | None = None

    @property
    def victims(self) -> int:
        return self.fatal + self.serious + self.minor


@dataclass
class DashboardData:
    commune: AdministrativeUnit
    year: int
    quarter: int
    trend_years: list[int]
    values: dict[tuple[int, str], IndicatorValue]
    plan: Plan | None
    goals: dict[str, PlanGoal]
    sectors: list[SectorRow]
    plan_counts: dict[str, int]
    plan_quarter: int
    overdue: list[AssignmentStatus] = field(default_factory=list)
    matrix: PlanMatrix | None = None

    def value(self, code: str, year: int | None = None) -> IndicatorValue | None:
        return self.values.get((year or self.year, code))


def period_end(year: int, quarter: int) -> date:
    """The last day counted: the quarter's end, or 31 December for the full year (0)."""
    return quarter_bounds(year, quarter or 4)[1]


def plan_for_year(commune: AdministrativeUnit, year: int) -> Plan | None:
    """The commune's plan covering ``year``, the one in force first (one query)."""
    plans = [
        plan
        for plan in Plan.objects.filter(commune=commune, start_year__lte=year).order_by(
            "-start_year", "pk"
        )
        if plan.covers(year)
    ]
    in_force = [plan for plan in plans if plan.status == Plan.Status.IN_FORCE]
    return (in_force or plans or [None])[0]


def trend_years(plan: Plan | None, goals: dict[str, PlanGoal], year: int, today: date) -> list[int]:
    """The plan period (through its end year, so the target path shows where it leads), from
    the baseline year when the fatality goal has one; else the last five years."""
    if plan is None:
        return list(range(year - TREND_YEARS + 1, year + 1))
    first = plan.start_year
    goal = goals.get(Code.FATALITY_FREQUENCY)
    if goal is not None and goal.method == PlanGoal.Method.BASELINE and goal.baseline_year:
        first = min(first, goal.baseline_year)
    last = max(plan.end_year or year, year)
    if plan.end_year is None:
        last = max(year, today.year)
    first = max(first, last - MAX_TREND_YEARS + 1)
    return list(range(first, last + 1))


def accident_counts_by_sector(
    commune: AdministrativeUnit, first: date, last: date
) -> dict[str, dict[str, int]]:
    """Counted accidents between two local dates, by sector, with victims by severity (one
    query): accidents of the commune's enterprises wherever they happened (commuting ones left
    out, as in K) and informal-sector accidents that happened in the commune. Every sector is
    present, with zeros where nothing happened; keys: accidents, victims, fatal, serious, minor.

    The dates become an aware datetime range (``local_day_range``), which an index on
    ``occurred_at`` serves, unlike ``occurred_at__date``; the sectors are disjoint, so two
    branches joined by UNION ALL replace an OR across the enterprise join that no index serves.
    """
    since, until = local_day_range(first, last)
    severity = Victim.Severity
    counted = Accident.objects.counted().filter(occurred_at__gte=since, occurred_at__lt=until)
    counts = {
        "accidents": Count("pk", distinct=True),
        "people": Count("victims"),  # not "victims": that name is the relation
        "fatal": Count("victims", filter=Q(victims__severity=severity.FATAL)),
        "serious": Count("victims", filter=Q(victims__severity=severity.SERIOUS)),
        "minor": Count("victims", filter=Q(victims__severity=severity.MINOR)),
    }
    employed = (
        counted.filter(
            sector=Accident.Sector.EMPLOYED, enterprise__commune=commune, commuting=False
        )
        .values("sector")
        .annotate(**counts)
        .order_by()
    )
    informal = (
        counted.filter(sector=Accident.Sector.INFORMAL, commune=commune)
        .values("sector")
        .annotate(**counts)
        .order_by()
    )
    found = {row["sector"]: row for row in employed.union(informal, all=True).order_by()}
    names = {"people": "victims"}
    return {
        str(sector): {names.get(key, key): found.get(sector, {}).get(key, 0) for key in counts}
        for sector in Accident.Sector.values
    }


def accidents_by_sector(
    commune: AdministrativeUnit, year: int, quarter: int, values: dict
) -> list[SectorRow]:
    """Counted accidents from 1 January to the period's end, by sector, with victims by severity
    (one query): accidents of the commune's enterprises (commuting ones left out, as in K) and
    informal-sector accidents that happened in the commune. A year whose figures came from a
    historical aggregate shows the aggregate's counts instead (one more query)."""
    found = accident_counts_by_sector(commune, date(year, 1, 1), period_end(year, quarter))
    sectors = [
        SectorRow(sector=key, label=str(label), **_counts(found[key]))
        for key, label in Accident.Sector.choices
    ]
    # Follow the computation: where it used a historical aggregate, show the aggregate.
    aggregate_ids = {}
    for sector_key, code in (
        (Accident.Sector.EMPLOYED, Code.FATALITY_FREQUENCY),
        (Accident.Sector.INFORMAL, Code.INFORMAL_ACCIDENTS),
    ):
        value = values.get((year, code))
        if value is not None and (value.details or {}).get("aggregate"):
            aggregate_ids[sector_key] = value.details["aggregate"]
    if aggregate_ids:
        aggregates = {
            str(row.public_id): row
            for row in HistoricalAggregate.objects.filter(
                commune=commune, public_id__in=aggregate_ids.values()
            )
        }
        for row in sectors:
            aggregate = aggregates.get(aggregate_ids.get(row.sector, ""))
            if aggregate is not None and not row.accidents:
                row.aggregate = aggregate
                row.accidents = aggregate.accidents
                row.fatal = aggregate.deaths
                row.serious = aggregate.serious
                row.minor = max(aggregate.victims - aggregate.deaths - aggregate.serious, 0)
    return sectors


def _counts(row: dict[str, int]) -> dict[str, int]:
    return {key: row[key] for key in ("accidents", "fatal", "serious", "minor")}


def dashboard_data(
    *,
    commune: AdministrativeUnit,
    year: int,
    quarter: int,
    user: User | None = None,
    today: date | None = None,
) -> DashboardData:
    """Everything the dashboard of ``commune`` shows for ``year`` and ``quarter`` (0 = full
    year, 1-4 = quarter-to-date), in a constant number of queries:

    the covering plan and its goals (2), the values of the trend years and last year (1), the
    accidents by sector and severity (1, +1 for a historical aggregate), the plan progress
    (``plan_status_matrix``, 4) and, given a ``user``, what is overdue now in this commune
    (``overdue_items``, 4).
    """
    today = today or timezone.localdate()
    plan = plan_for_year(commune, year)
    goals = {goal.indicator: goal for goal in plan.goals.all()} if plan is not None else {}
    years = trend_years(plan, goals, year, today)
    # The dashboard reads the details of the year shown and the fatality frequency's (its target
    # path); the other trend values' details, often large, stay in the database.
    read_details = Q(year=year) | Q(code=Code.FATALITY_FREQUENCY)
    values = {}
    for value in (
        IndicatorValue.objects.filter(
            commune=commune,
            quarter=quarter,
            year__gte=min(years[0], year - 1),
            year__lte=max(years[-1], year),
        )
        .defer("details")
        .annotate(
            shown_details=Case(
                When(read_details, then=F("details")), default=None, output_field=JSONField()
            )
        )
    ):
        value.details = value.shown_details
        values[(value.year, value.code)] = value
    sectors = accidents_by_sector(commune, year, quarter, values)
    if quarter:
        plan_quarter = quarter
    elif year == today.year:
        plan_quarter = quarter_of(today)
    else:
        plan_quarter = 4
    matrix = None
    plan_counts: dict[str, int] = {}
    if plan is not None:
        matrix = plan_status_matrix(plan=plan, year=year, quarter=plan_quarter, today=today)
        plan_counts = matrix.counts()
    overdue = []
    if user is not None:
        overdue = [
            item
            for item in overdue_items(user=user, today=today)
            if item.assignment.task.group.plan.commune_id == commune.pk
        ]
    return DashboardData(
        commune=commune,
        year=year,
        quarter=quarter,
        trend_years=years,
        values=values,
        plan=plan,
        goals=goals,
        sectors=sectors,
        plan_counts=plan_counts,
        plan_quarter=plan_quarter,
        overdue=overdue,
        matrix=matrix,
    )


@dataclass(frozen=True)
class FiguresStamp:
    """When a commune's indicator values were last written, and how many the period shown has.

    ``last_computed`` covers every year, since the dashboard's trends read several; a computation
    run rewrites every value it covers, so the stamp moves with each run. Accident, report and
    aggregate changes reach the dashboard through the run they queue.
    """

    last_computed: datetime | None
    computed_at: datetime | None  # of the year and quarter shown
    count: int  # values of the year and quarter shown


def figures_stamp(*, commune: AdministrativeUnit, year: int, quarter: int) -> FiguresStamp:
    """The commune's :class:`FiguresStamp` for ``year`` and ``quarter`` (one query)."""
    shown = Q(year=year, quarter=quarter)
    row = IndicatorValue.objects.filter(commune=commune).aggregate(
        last=Max("computed_at"),
        shown=Max("computed_at", filter=shown),
        count=Count("pk", filter=shown),
    )
    return FiguresStamp(row["last"], row["shown"], row["count"])


def fatality_target_path(data: DashboardData) -> dict[int, Decimal | None] | None:
    """The baseline method's compounded path: the stored one, carried to the trend's end."""
    goal = data.goals.get(Code.FATALITY_FREQUENCY)
    value = data.value(Code.FATALITY_FREQUENCY)
    if value is None:
        for year in reversed(data.trend_years):
            value = data.value(Code.FATALITY_FREQUENCY, year)
            if value is not None:
                break
    details = (value.details or {}) if value is not None else {}
    stored = details.get("target_path")
    if not stored:
        return None
    path: dict[int, Decimal | None] = {int(y): Decimal(v) for y, v in stored.items()}
    baseline = details.get("baseline_value")
    base_year = details.get("baseline_year")
    if goal is not None and baseline and base_year:
        rate = goal.target_value / 100
        for year in data.trend_years:
            if year not in path and year >= int(base_year):
                step = (1 - rate) ** (year - int(base_year))
                path[year] = (Decimal(baseline) * step).quantize(Decimal("0.001"))
    return path
