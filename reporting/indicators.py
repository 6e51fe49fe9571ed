"""Indicators computed from the source records (DOMAIN §4). Pure reads: nothing here writes.

For one commune and year, :class:`Sources` loads every record the indicators need in a fixed
number of queries; :func:`compute_year` then derives the values for the full year (quarter 0)
and each quarter-to-date (1-4: from 1 January to the quarter's end) in Python.

Counting rules (also shown on the explain page):

- counted accidents: kind "accident", not draft, not concluded "not occupational", by occurrence
  date in local time; severity as currently recorded; commuting accidents are shown separately
  and left out of K; technical incidents never count;
- a commune's K counts the victims of enterprises registered in the commune, wherever the
  accident happened; victims not under the declaring enterprise's management, and victims of
  enterprises without a workforce figure, are listed "ngoài mẫu số" beside the rate;
- N for year t, enterprise by enterprise: the approved annual OSH report of t, else the approved
  Phụ lục XII report of the first half of t, else the approved annual report of t-1 ("tạm tính");
- exposed(t) as N from the annual reports; examined(t) = sum over enterprises with exposed > 0 of
  min(exposed, workers examined in approved exam rounds dated in the period);
- an establishment has harmful factors in t if its approved annual report of t or an approved
  monitoring record of t counts exposed workers; it is monitored if it has an approved
  monitoring record of t;
- only approved filings count; a year without records uses the commune's historical aggregate.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import JSONField, Prefetch, TextField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from atvsld_portal.dates import quarter_bounds
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, Filing, ReportingPeriod
from enterprises.models import AnnualOshReport, Enterprise, MonitoringRecord
from incidents.compliance import ComplianceSummary, compliance_summary
from incidents.models import Accident, DiseaseCase, DiseaseExam, PeriodicAccidentReport, Victim
from plans.models import ActivityReport, Assignment, Plan, PlanGoal
from plans.selectors import assignment_statuses
from plans.status import Status as AssignmentState
from reporting.models import HistoricalAggregate, IndicatorValue

MET, NOT_MET = IndicatorValue.Status.MET, IndicatorValue.Status.NOT_MET
INSUFFICIENT, NO_TARGET = IndicatorValue.Status.INSUFFICIENT, IndicatorValue.Status.NO_TARGET
APPROVED = Filing.Status.APPROVED
THREE = Decimal("0.001")

# Defaults when the commune's plan has no goal for an indicator (the Directive 31 goals).
DEFAULT_GOALS = {
    Code.FATALITY_FREQUENCY: ("yoy", Decimal("4"), None),
    Code.EXPOSED_EXAM_COVERAGE: ("level", Decimal("100"), None),
    Code.MONITORED_ENTERPRISES: ("yoy", Decimal("5"), None),
}


def q3(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(THREE, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 100.00 -> "100", 4.50 -> "4.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def ratio(numerator, denominator, scale: int) -> Decimal | None:
    if not denominator:
        return None
    return q3(Decimal(numerator) * scale / Decimal(denominator))


def period_end(year: int, quarter: int) -> date:
    return quarter_bounds(year, quarter or 4)[1]


@dataclass
class Figure:
    """One computed value, ready to be stored as an :class:`IndicatorValue`."""

    code: str
    value: Decimal | None
    numerator: Decimal = Decimal(0)
    denominator: Decimal | None = None
    unit: str = ""
    method: str = ""
    target: Decimal | None = None
    target_text: str = ""
    status: str = NO_TARGET
    status_reason: str = ""
    provisional: bool = False
    source_note: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class Goal:
    method: str
    percent: Decimal
    baseline_year: int | None


# ------------------------------------------------------------------------------
# Loading the sources of one commune and year (a fixed number of queries)
# ------------------------------------------------------------------------------
class Sources:
    """Every record the indicators of ``commune`` for ``year`` read, loaded once.

    Years from ``year - 3`` are loaded, for last year's comparison, the baseline fallback of N
    and the 3-year rolling view.
    """

    def __init__(self, commune: AdministrativeUnit, year: int, *, today: date | None = None):
        self.commune = commune
        self.year = year
        self.today = today or timezone.localdate()
        # Loaded on first use, kept for the run (see the helpers below).
        self._compliance: dict[int, ComplianceSummary] = {}  # period pk -> counts
        self._filing_periods: dict[int, list[ReportingPeriod]] = {}  # year -> periods
        self._participants: dict[int, list[tuple[date, int]]] = {}  # year -> (date, count)
        self.plan = self._plan()
        self.goals = self._goals()
        # A baseline year further back than the comparisons need is loaded too.
        baselines = [goal.baseline_year for goal in self.goals.values() if goal.baseline_year]
        first = min([year - 3, *baselines])
        enterprises = Enterprise.objects.filter(commune=commune)
        self.enterprise_names = dict(enterprises.values_list("pk", "name"))
        self.annual = defaultdict(dict)  # year -> enterprise_id -> report
        for report in light(AnnualOshReport).filter(
            enterprise__commune=commune, status=APPROVED, year__gte=first, year__lte=year
        ):
            self.annual[report.year][report.enterprise_id] = report
        self.h1 = defaultdict(dict)  # year -> enterprise_id -> Phụ lục XII H1 report
        for report in light(PeriodicAccidentReport).filter(
            enterprise__commune=commune, status=APPROVED, part="h1", year__gte=first, year__lte=year
        ):
            self.h1[report.year][report.enterprise_id] = report
        start = date(first, 1, 1)
        end = date(year, 12, 31)
        victims = Prefetch("victims", queryset=Victim.objects.order_by("pk"))
        self.accidents = list(
            light(Accident)
            .counted()
            .filter(
                enterprise__commune=commune,
                sector=Accident.Sector.EMPLOYED,
                occurred_at__date__gte=start,
                occurred_at__date__lte=end,
            )
            .prefetch_related(victims)
            .order_by("occurred_at", "pk")
        )
        self.informal = list(
            light(Accident)
            .counted()
            .filter(
                commune=commune,
                sector=Accident.Sector.INFORMAL,
                occurred_at__date__gte=date(year - 1, 1, 1),
                occurred_at__date__lte=end,
            )
            .prefetch_related(victims)
            .order_by("occurred_at", "pk")
        )
        self.exams = list(
            light(DiseaseExam)
            .filter(
                enterprise__commune=commune,
                status=APPROVED,
                exam_date__gte=date(year - 1, 1, 1),
                exam_date__lte=end,
            )
            .order_by("exam_date", "pk")
        )
        self.monitoring = defaultdict(list)  # year -> records
        for record in (
            light(MonitoringRecord)
            .filter(
                enterprise__commune=commune, status=APPROVED, year__gte=year - 1, year__lte=year
            )
            .order_by("sampled_from", "pk")
        ):
            self.monitoring[record.year].append(record)
        self.cases = list(
            DiseaseCase.objects.filter(
                commune=commune,
                result=DiseaseCase.Result.CONFIRMED,
                exam_date__gte=date(year - 1, 1, 1),
                exam_date__lte=end,
            ).values("pk", "public_id", "exam_date", "enterprise_id")
        )
        self.aggregates = {
            (row.year, row.sector): row
            for row in HistoricalAggregate.objects.filter(
                commune=commune, year__gte=first, year__lte=year
            )
        }

    def _plan(self) -> Plan | None:
        plans = list(
            Plan.objects.filter(commune=self.commune, start_year__lte=self.year).order_by(
                "-start_year"
            )
        )
        covering = [p for p in plans if p.covers(self.year)]
        in_force = [p for p in covering if p.status == Plan.Status.IN_FORCE]
        return (in_force or covering or [None])[0]

    def _goals(self) -> dict[str, Goal]:
        goals = {
            code: Goal(method, percent, baseline)
            for code, (method, percent, baseline) in DEFAULT_GOALS.items()
        }
        if self.plan is not None:
            for goal in PlanGoal.objects.filter(plan=self.plan):
                goals[goal.indicator] = Goal(goal.method, goal.target_value, goal.baseline_year)
        return goals

    # -- helpers ------------------------------------------------------------------------------
    # The figures of each quarter-to-date read the same records: they are loaded on first use
    # and kept for the run, each pass filtering them by date in Python.
    def compliance(self, period: ReportingPeriod):
        """The filing counts of a period, computed once per run (quarters share it)."""
        cache = self._compliance
        if period.pk not in cache:
            cache[period.pk] = compliance_summary(
                period=period, today=self.today, active_enterprise_ids=self.active_enterprise_ids
            )
        return cache[period.pk]

    @cached_property
    def active_enterprise_ids(self) -> set[int]:
        return set(
            Enterprise.objects.filter(
                commune=self.commune, status=Enterprise.Status.ACTIVE
            ).values_list("pk", flat=True)
        )

    def filing_periods(self, year: int) -> list[ReportingPeriod]:
        """The commune's opened periods due in ``year`` up to today, by due date."""
        cache = self._filing_periods
        if year not in cache:
            cache[year] = list(
                ReportingPeriod.objects.filter(
                    commune=self.commune,
                    due_on__gte=date(year, 1, 1),
                    due_on__lte=min(date(year, 12, 31), self.today),
                    opened_at__isnull=False,
                ).order_by("due_on", "pk")
            )
        return cache[year]

    @cached_property
    def assignments(self) -> list[Assignment]:
        if self.plan is None:
            return []
        return list(
            Assignment.objects.filter(task__group__plan=self.plan).select_related(
                "task__group__plan"
            )
        )

    def activity_participants(self, year: int) -> list[tuple[date, int]]:
        """(date, participants) of the plan's accepted activity reports of ``year``."""
        cache = self._participants
        if year not in cache:
            cache[year] = list(
                ActivityReport.objects.filter(
                    assignment__task__group__plan=self.plan,
                    status=ActivityReport.Status.ACCEPTED,
                    occurred_on__gte=date(year, 1, 1),
                    occurred_on__lte=date(year, 12, 31),
                ).values_list("occurred_on", "participants")
            )
        return cache[year]

    def has_employed_records(self, year: int) -> bool:
        return bool(
            self.annual.get(year)
            or self.h1.get(year)
            or any(local_date(a).year == year for a in self.accidents)
        )

    def aggregate(self, year: int, sector: str = "employed") -> HistoricalAggregate | None:
        """The historical aggregate of a year, used only when the year has no records."""
        row = self.aggregates.get((year, sector))
        if row is None:
            return None
        if sector == "employed" and self.has_employed_records(year):
            return None
        if sector == "informal" and any(local_date(a).year == year for a in self.informal):
            return None
        return row


def light(model):
    """The model's rows without their large columns (JSON and text: frozen tables, master-data
    snapshots, notes and reasons), which no indicator reads."""
    heavy = [f.name for f in model._meta.concrete_fields if isinstance(f, (JSONField, TextField))]
    return model.objects.defer(*heavy)


def local_date(accident: Accident) -> date:
    return timezone.localtime(accident.occurred_at).date()


# ------------------------------------------------------------------------------
# Workforce N and the frequency counts
# ------------------------------------------------------------------------------
@dataclass
class Workforce:
    total: int
    by_enterprise: dict[int, tuple[int, str]]  # enterprise_id -> (workers, source key)
    provisional: bool
    from_aggregate: HistoricalAggregate | None = None

    def note(self) -> str:
        counts: dict[str, int] = defaultdict(int)
        for _workers, source in self.by_enterprise.values():
            counts[source] += 1
        labels = {
            "annual": _("annual OSH report of the year"),
            "h1": _("Appendix XII report of the first half"),
            "annual_previous": _("annual OSH report of the previous year (provisional)"),
        }
        if self.from_aggregate is not None:
            return _("historical aggregate %(document)s") % {
                "document": self.from_aggregate.source_document
            }
        return "; ".join(f"{counts[key]} x {labels[key]}" for key in labels if counts.get(key))


def workforce(sources: Sources, year: int) -> Workforce:
    """N for ``year``, enterprise by enterprise, with the fallback chain of the counting rules."""
    aggregate = sources.aggregate(year)
    if aggregate is not None:
        return Workforce(aggregate.workforce or 0, {}, False, from_aggregate=aggregate)
    chosen: dict[int, tuple[int, str]] = {}
    for key, reports in (
        ("annual", sources.annual.get(year, {})),
        ("h1", sources.h1.get(year, {})),
        ("annual_previous", sources.annual.get(year - 1, {})),
    ):
        for enterprise_id, report in reports.items():
            if enterprise_id not in chosen and report.workers_total:
                chosen[enterprise_id] = (report.workers_total, key)
    provisional = any(source != "annual" for _w, source in chosen.values())
    return Workforce(sum(w for w, _s in chosen.values()), chosen, provisional)


@dataclass
class AccidentCounts:
    accidents: int = 0
    victims: int = 0  # inside N
    deaths: int = 0  # inside N
    serious: int = 0  # inside N
    all_victims: int = 0
    all_deaths: int = 0
    commuting_accidents: int = 0
    commuting_victims: int = 0
    commuting_deaths: int = 0
    outside: list[dict] = field(default_factory=list)  # victims "ngoài mẫu số"
    records: list[dict] = field(default_factory=list)  # accidents behind the figure
    from_aggregate: HistoricalAggregate | None = None


def accident_counts(sources: Sources, year: int, end: date, n: Workforce) -> AccidentCounts:
    """Victims and deaths of the commune's enterprises from 1 January of ``year`` to ``end``."""
    aggregate = sources.aggregate(year)
    if aggregate is not None:
        return AccidentCounts(
            accidents=aggregate.accidents,
            victims=aggregate.victims,
            deaths=aggregate.deaths,
            serious=aggregate.serious,
            all_victims=aggregate.victims,
            all_deaths=aggregate.deaths,
            from_aggregate=aggregate,
        )
    counts = AccidentCounts()
    start = date(year, 1, 1)
    for accident in sources.accidents:
        day = local_date(accident)
        if not start <= day <= end:
            continue
        victims = list(accident.victims.all())
        deaths = sum(v.severity == Victim.Severity.FATAL for v in victims)
        if accident.commuting:
            counts.commuting_accidents += 1
            counts.commuting_victims += len(victims)
            counts.commuting_deaths += deaths
            continue
        counts.accidents += 1
        counts.all_victims += len(victims)
        counts.all_deaths += deaths
        counts.records.append(
            {
                "public_id": str(accident.public_id),
                "receipt_number": accident.receipt_number or "",
                "date": day.isoformat(),
                "enterprise": sources.enterprise_names.get(accident.enterprise_id, ""),
                "victims": len(victims),
                "deaths": deaths,
            }
        )
        in_n = accident.enterprise_id in n.by_enterprise
        for victim in victims:
            if in_n and victim.under_management:
                counts.victims += 1
                counts.deaths += victim.severity == Victim.Severity.FATAL
                counts.serious += victim.severity == Victim.Severity.SERIOUS
            else:
                counts.outside.append(
                    {
                        "accident": str(accident.public_id),
                        "receipt_number": accident.receipt_number or "",
                        "enterprise": sources.enterprise_names.get(accident.enterprise_id, ""),
                        "severity": victim.severity,
                        "reason": "not_managed" if in_n else "no_workforce",
                    }
                )
    return counts


# ------------------------------------------------------------------------------
# The figures
# ------------------------------------------------------------------------------
def compute_year(sources: Sources, quarters: list[int] | None = None) -> dict[int, list[Figure]]:
    """Figures of the year (quarter 0) and of each quarter-to-date asked for."""
    year = sources.year
    if quarters is None:
        quarters = [0, *started_quarters(year, sources.today)]
    return {quarter: compute_period(sources, year, quarter) for quarter in quarters}


def started_quarters(year: int, today: date) -> list[int]:
    return [q for q in range(1, 5) if quarter_bounds(year, q)[0] <= today]


def compute_period(sources: Sources, year: int, quarter: int) -> list[Figure]:
    end = period_end(year, quarter)
    n = workforce(sources, year)
    counts = accident_counts(sources, year, end, n)
    previous_end = period_end(year - 1, quarter)
    n_prev = workforce(sources, year - 1)
    counts_prev = accident_counts(sources, year - 1, previous_end, n_prev)
    figures = [
        fatality_frequency(sources, year, quarter, n, counts, n_prev, counts_prev),
        accident_frequency(n, counts),
        fatal_rate(n, counts),
        Figure(
            Code.ACCIDENTS,
            Decimal(counts.accidents),
            numerator=Decimal(counts.accidents),
            unit=pgettext("unit", "accidents"),
            details={
                "victims": counts.all_victims,
                "deaths": counts.all_deaths,
                "commuting_accidents": counts.commuting_accidents,
                "commuting_victims": counts.commuting_victims,
                "records": counts.records,
                "previous": counts_prev.accidents,
            },
            source_note=_source_note(counts),
        ),
        Figure(
            Code.ACCIDENT_DEATHS,
            Decimal(counts.all_deaths),
            numerator=Decimal(counts.all_deaths),
            unit=pgettext("unit", "people"),
            details={"previous": counts_prev.all_deaths, "records": counts.records},
            source_note=_source_note(counts),
        ),
        informal_accidents(sources, year, end),
        exam_coverage(sources, year, end),
        *monitoring_figures(sources, year, quarter, end),
        training_coverage(sources, year),
        disease_cases(sources, year, end),
        *filing_figures(sources, year, end),
        assignments_on_time(sources, year, quarter),
        propaganda_participants(sources, year, end),
    ]
    return figures


def _source_note(counts: AccidentCounts) -> str:
    if counts.from_aggregate is not None:
        return _("historical aggregate %(document)s") % {
            "document": counts.from_aggregate.source_document
        }
    return _("accident records")


def _frequency_details(n: Workforce, counts: AccidentCounts) -> dict:
    return {
        "workforce_sources": {
            str(enterprise_id): [workers, source]
            for enterprise_id, (workers, source) in n.by_enterprise.items()
        },
        "outside": counts.outside,
        "records": counts.records,
        "commuting_victims": counts.commuting_victims,
        "commuting_deaths": counts.commuting_deaths,
        "aggregate": str(n.from_aggregate.public_id) if n.from_aggregate else "",
    }


def accident_frequency(n: Workforce, counts: AccidentCounts) -> Figure:
    figure = Figure(
        Code.ACCIDENT_FREQUENCY,
        ratio(counts.victims, n.total, 1000),
        numerator=Decimal(counts.victims),
        denominator=Decimal(n.total) if n.total else None,
        unit="‰",
        provisional=n.provisional,
        source_note=n.note(),
        details=_frequency_details(n, counts),
    )
    if not n.total:
        figure.status, figure.status_reason = INSUFFICIENT, _("No workforce figure (N) yet.")
    return figure


def fatal_rate(n: Workforce, counts: AccidentCounts) -> Figure:
    figure = Figure(
        Code.FATAL_RATE,
        ratio(counts.deaths, n.total, 100_000),
        numerator=Decimal(counts.deaths),
        denominator=Decimal(n.total) if n.total else None,
        unit=pgettext("unit", "per 100,000"),
        provisional=n.provisional,
        source_note=n.note(),
    )
    if not n.total:
        figure.status, figure.status_reason = INSUFFICIENT, _("No workforce figure (N) yet.")
    return figure


def fatality_frequency(
    sources: Sources,
    year: int,
    quarter: int,
    n: Workforce,
    counts: AccidentCounts,
    n_prev: Workforce,
    counts_prev: AccidentCounts,
) -> Figure:
    """K_chết against the goal: year over year, or compounded from a baseline (DOMAIN §4.2),
    with the small-number rule."""
    goal = sources.goals[Code.FATALITY_FREQUENCY]
    value = ratio(counts.deaths, n.total, 1000)
    previous = ratio(counts_prev.deaths, n_prev.total, 1000)
    details = _frequency_details(n, counts)
    details.update(
        deaths=counts.deaths,
        previous_value=str(previous) if previous is not None else None,
        previous_deaths=counts_prev.deaths,
        previous_workforce=n_prev.total,
        rolling=rolling_fatality(sources, year, quarter),
    )
    figure = Figure(
        Code.FATALITY_FREQUENCY,
        value,
        numerator=Decimal(counts.deaths),
        denominator=Decimal(n.total) if n.total else None,
        unit="‰",
        method=goal.method,
        provisional=n.provisional,
        source_note=n.note(),
        details=details,
    )
    if value is None:
        figure.status, figure.status_reason = INSUFFICIENT, _("No workforce figure (N) yet.")
        return figure
    rate = goal.percent / 100
    if goal.method == PlanGoal.Method.BASELINE and goal.baseline_year:
        base_n = workforce(sources, goal.baseline_year)
        base_counts = accident_counts(
            sources, goal.baseline_year, period_end(goal.baseline_year, 0), base_n
        )
        baseline = ratio(base_counts.deaths, base_n.total, 1000)
        details["baseline_year"] = goal.baseline_year
        details["baseline_value"] = str(baseline) if baseline is not None else None
        if baseline is None:
            figure.status = INSUFFICIENT
            figure.status_reason = _("No fatality frequency for the baseline year %(year)s.") % {
                "year": goal.baseline_year
            }
            return figure
        target = q3(baseline * (1 - rate) ** (year - goal.baseline_year))
        details["target_path"] = {
            str(y): str(q3(baseline * (1 - rate) ** (y - goal.baseline_year)))
            for y in range(goal.baseline_year, year + 1)
        }
        figure.target = target
        figure.target_text = _("≤ %(target)s (-%(percent)s%% a year from %(year)s)") % {
            "target": target,
            "percent": plain(goal.percent),
            "year": goal.baseline_year,
        }
        met = value <= target
        figure.status = MET if met else NOT_MET
        return figure
    figure.target_text = _("at least -%(percent)s%% on last year") % {
        "percent": plain(goal.percent)
    }
    if counts_prev.deaths == 0 and counts.deaths == 0 and n_prev.total:
        figure.status = MET
        figure.status_reason = _("Still no fatal accident.")
        return figure
    if counts_prev.deaths == 0 and counts.deaths >= 1 and n_prev.total:
        figure.status = NOT_MET
        figure.status_reason = _("No death last year, %(deaths)s this year.") % {
            "deaths": counts.deaths
        }
        return figure
    if previous is None:
        figure.status = INSUFFICIENT
        figure.status_reason = _("No fatality frequency for the same period last year.")
        return figure
    # From the unrounded frequencies: (1/1,300 - 1/1,250) / (1/1,250) = -3.846 %, not the
    # -3.875 % that the rounded 0.769 and 0.800 would give (DOMAIN §4.2).
    exact = Decimal(counts.deaths) / Decimal(n.total)
    exact_previous = Decimal(counts_prev.deaths) / Decimal(n_prev.total)
    change = q3((exact - exact_previous) / exact_previous * 100)
    details["change_percent"] = str(change)
    figure.target = q3(previous * (1 - rate))
    figure.status = MET if change <= -goal.percent else NOT_MET
    return figure


def rolling_fatality(sources: Sources, year: int, quarter: int) -> dict:
    """Deaths and N summed over the three years to ``year`` (same quarter-to-date)."""
    deaths = workers = 0
    years = []
    for y in range(year - 2, year + 1):
        n = workforce(sources, y)
        counts = accident_counts(sources, y, period_end(y, quarter), n)
        deaths += counts.deaths
        workers += n.total
        years.append({"year": y, "deaths": counts.deaths, "workforce": n.total})
    value = ratio(deaths, workers, 1000)
    return {"years": years, "deaths": deaths, "workforce": workers, "value": str(value or "")}


def informal_accidents(sources: Sources, year: int, end: date) -> Figure:
    aggregate = sources.aggregate(year, "informal")
    if aggregate is not None:
        return Figure(
            Code.INFORMAL_ACCIDENTS,
            Decimal(aggregate.accidents),
            numerator=Decimal(aggregate.accidents),
            unit=pgettext("unit", "accidents"),
            source_note=_("historical aggregate %(document)s")
            % {"document": aggregate.source_document},
            details={
                "victims": aggregate.victims,
                "deaths": aggregate.deaths,
                "serious": aggregate.serious,
                "aggregate": str(aggregate.public_id),
            },
        )
    start = date(year, 1, 1)
    accidents = [a for a in sources.informal if start <= local_date(a) <= end]
    victims = [v for a in accidents for v in a.victims.all()]
    return Figure(
        Code.INFORMAL_ACCIDENTS,
        Decimal(len(accidents)),
        numerator=Decimal(len(accidents)),
        unit=pgettext("unit", "accidents"),
        source_note=_("accident register (no rate: the number of workers is unknown)"),
        details={
            "victims": len(victims),
            "deaths": sum(v.severity == Victim.Severity.FATAL for v in victims),
            "serious": sum(v.severity == Victim.Severity.SERIOUS for v in victims),
            "records": [
                {
                    "public_id": str(a.public_id),
                    "receipt_number": a.receipt_number or "",
                    "date": local_date(a).isoformat(),
                }
                for a in accidents
            ],
        },
    )


def exposed_by_enterprise(sources: Sources, year: int) -> tuple[dict[int, int], bool]:
    """Exposed workers per enterprise: annual report of ``year``, else of ``year - 1``."""
    exposed: dict[int, int] = {}
    provisional = False
    for enterprise_id, report in sources.annual.get(year, {}).items():
        exposed[enterprise_id] = report.workers_exposed
    for enterprise_id, report in sources.annual.get(year - 1, {}).items():
        if enterprise_id not in exposed and report.workers_exposed:
            exposed[enterprise_id] = report.workers_exposed
            provisional = True
    return {e: w for e, w in exposed.items() if w > 0}, provisional


def exam_coverage(sources: Sources, year: int, end: date) -> Figure:
    goal = sources.goals[Code.EXPOSED_EXAM_COVERAGE]
    target = goal.percent
    aggregate = sources.aggregate(year)
    if aggregate is not None and aggregate.exposed:
        value = ratio(aggregate.examined or 0, aggregate.exposed, 100)
        return Figure(
            Code.EXPOSED_EXAM_COVERAGE,
            value,
            numerator=Decimal(aggregate.examined or 0),
            denominator=Decimal(aggregate.exposed),
            unit="%",
            method="level",
            target=target,
            target_text=f"{plain(target)}%",
            status=MET if value >= target else NOT_MET,
            source_note=_("historical aggregate %(document)s")
            % {"document": aggregate.source_document},
            details={"aggregate": str(aggregate.public_id)},
        )
    exposed, provisional = exposed_by_enterprise(sources, year)
    examined_raw: dict[int, int] = defaultdict(int)
    start = date(year, 1, 1)
    rounds = []
    for exam in sources.exams:
        if start <= exam.exam_date <= end and exam.enterprise_id in exposed:
            examined_raw[exam.enterprise_id] += exam.workers_examined
            rounds.append(
                {
                    "public_id": str(exam.public_id),
                    "date": exam.exam_date.isoformat(),
                    "enterprise": sources.enterprise_names.get(exam.enterprise_id, ""),
                    "examined": exam.workers_examined,
                }
            )
    rows = [
        {
            "enterprise": sources.enterprise_names.get(enterprise_id, ""),
            "exposed": workers,
            "examined": examined_raw.get(enterprise_id, 0),
            "counted": min(workers, examined_raw.get(enterprise_id, 0)),
        }
        for enterprise_id, workers in sorted(exposed.items())
    ]
    numerator = sum(row["counted"] for row in rows)
    denominator = sum(exposed.values())
    value = ratio(numerator, denominator, 100)
    cross_check = sum(
        report.workers_exposed_examined for report in sources.annual.get(year, {}).values()
    )
    figure = Figure(
        Code.EXPOSED_EXAM_COVERAGE,
        value,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator) if denominator else None,
        unit="%",
        method="level",
        target=target,
        target_text=f"{plain(target)}%",
        provisional=provisional,
        source_note=_("approved exam rounds; exposed workers from the annual OSH reports"),
        details={"enterprises": rows, "rounds": rounds, "annual_report_examined": cross_check},
    )
    if value is None:
        figure.status = INSUFFICIENT
        figure.status_reason = _("No approved annual report counts exposed workers yet.")
    else:
        figure.status = MET if value >= target else NOT_MET
    return figure


def harmful_and_monitored(
    sources: Sources, year: int, end: date | None = None
) -> tuple[set[int], set[int]]:
    harmful = {
        e for e, report in sources.annual.get(year, {}).items() if report.workers_exposed > 0
    }
    monitored = set()
    for record in sources.monitoring.get(year, []):
        if end is not None and record.sampled_from > end:
            continue
        monitored.add(record.enterprise_id)
        if record.workers_exposed > 0:
            harmful.add(record.enterprise_id)
    return harmful, monitored & harmful


def monitoring_figures(sources: Sources, year: int, quarter: int, end: date) -> list[Figure]:
    goal = sources.goals[Code.MONITORED_ENTERPRISES]
    aggregate = sources.aggregate(year)
    if aggregate is not None and aggregate.monitored_establishments is not None:
        harmful_count = aggregate.harmful_establishments or 0
        monitored_count = aggregate.monitored_establishments
        harmful_names: list[str] = []
        monitored_names: list[str] = []
        source = _("historical aggregate %(document)s") % {"document": aggregate.source_document}
    else:
        harmful, monitored = harmful_and_monitored(sources, year, end)
        harmful_count, monitored_count = len(harmful), len(monitored)
        harmful_names = sorted(sources.enterprise_names.get(e, "") for e in harmful)
        monitored_names = sorted(sources.enterprise_names.get(e, "") for e in monitored)
        source = _("approved monitoring records and annual OSH reports")
    previous_aggregate = sources.aggregate(year - 1)
    if previous_aggregate is not None and previous_aggregate.monitored_establishments is not None:
        previous = previous_aggregate.monitored_establishments
    elif sources.monitoring.get(year - 1) or sources.annual.get(year - 1):
        previous = len(harmful_and_monitored(sources, year - 1)[1])
    else:
        previous = None  # nothing on record for last year: growth cannot be judged
    percent = goal.percent
    if previous is None:
        figure = Figure(
            Code.MONITORED_ENTERPRISES,
            Decimal(monitored_count),
            numerator=Decimal(monitored_count),
            unit=pgettext("unit", "establishments"),
            method="yoy",
            status=INSUFFICIENT,
            status_reason=_("No monitoring records or annual reports for last year."),
            source_note=source,
            details={"previous": None, "harmful": harmful_names, "monitored": monitored_names},
        )
        return [figure, _monitoring_coverage(monitored_count, harmful_count, source)]
    required = math.ceil(previous * (1 + percent / 100))
    figure = Figure(
        Code.MONITORED_ENTERPRISES,
        Decimal(monitored_count),
        numerator=Decimal(monitored_count),
        unit=pgettext("unit", "establishments"),
        method="yoy",
        source_note=source,
        details={
            "previous": previous,
            "required": required,
            "harmful": harmful_names,
            "monitored": monitored_names,
        },
    )
    if previous == 0:
        figure.target_text = _("at least 1 (growth from 0)")
        figure.target = Decimal(1)
        figure.status = MET if monitored_count >= 1 else NOT_MET
        if monitored_count >= 1:
            figure.status_reason = _("Growth from 0 to %(count)s.") % {"count": monitored_count}
    else:
        figure.target = Decimal(required)
        figure.target_text = _("at least %(required)s (+%(percent)s%% on %(previous)s)") % {
            "required": required,
            "percent": plain(percent),
            "previous": previous,
        }
        figure.details["growth_percent"] = str(q3((monitored_count - previous) * 100 / previous))
        figure.status = MET if monitored_count >= required else NOT_MET
    return [figure, _monitoring_coverage(monitored_count, harmful_count, source)]


def _monitoring_coverage(monitored_count: int, harmful_count: int, source: str) -> Figure:
    coverage = Figure(
        Code.MONITORING_COVERAGE,
        ratio(monitored_count, harmful_count, 100),
        numerator=Decimal(monitored_count),
        denominator=Decimal(harmful_count) if harmful_count else None,
        unit="%",
        source_note=source,
    )
    if not harmful_count:
        coverage.status = INSUFFICIENT
        coverage.status_reason = _("No establishment with harmful factors on record.")
    return coverage


TRAINING_GROUPS = range(1, 7)


def training_coverage(sources: Sources, year: int) -> Figure:
    reports = dict(sources.annual.get(year - 1, {}))
    provisional = bool(reports)
    reports.update(sources.annual.get(year, {}))
    if sources.annual.get(year):
        provisional = len(reports) > len(sources.annual[year])
    trained = sum(
        getattr(r, f"training_g{g}_trained") for r in reports.values() for g in TRAINING_GROUPS
    )
    employed = sum(
        getattr(r, f"training_g{g}_total") for r in reports.values() for g in TRAINING_GROUPS
    )
    figure = Figure(
        Code.TRAINING_COVERAGE,
        ratio(min(trained, employed), employed, 100),
        numerator=Decimal(min(trained, employed)),
        denominator=Decimal(employed) if employed else None,
        unit="%",
        provisional=provisional,
        source_note=_("section 5 of the approved annual OSH reports"),
    )
    if not employed:
        figure.status = INSUFFICIENT
        figure.status_reason = _("No approved annual report with training figures yet.")
    return figure


def disease_cases(sources: Sources, year: int, end: date) -> Figure:
    start = date(year, 1, 1)
    cases = [c for c in sources.cases if start <= c["exam_date"] <= end]
    return Figure(
        Code.DISEASE_CASES,
        Decimal(len(cases)),
        numerator=Decimal(len(cases)),
        unit=pgettext("unit", "cases"),
        source_note=_("confirmed occupational-disease cases"),
        details={"records": [str(c["public_id"]) for c in cases]},
    )


def filing_figures(sources: Sources, year: int, end: date) -> list[Figure]:
    """On-time filing of every enterprise filing period due from 1 January to ``end``, and the
    share of enterprises that filed last year's annual OSH report."""
    last_due = min(end, sources.today)
    periods = [p for p in sources.filing_periods(year) if p.due_on <= last_due]
    owed = on_time = 0
    annual_owed = annual_filed = 0
    per_period = []
    for period in periods:
        summary = sources.compliance(period)
        if not summary.owed:
            continue
        owed += summary.owed
        on_time += summary.on_time
        per_period.append(
            {
                "period": str(period),
                "public_id": str(period.public_id),
                "owed": summary.owed,
                "on_time": summary.on_time,
                "late": summary.late,
                "missing": summary.overdue + summary.pending,
            }
        )
        if period.kind == "annual_osh_report":
            annual_owed += summary.owed
            annual_filed += summary.filed
    on_time_figure = Figure(
        Code.ON_TIME_FILING,
        ratio(on_time, owed, 100),
        numerator=Decimal(on_time),
        denominator=Decimal(owed) if owed else None,
        unit="%",
        source_note=_("reporting periods due so far this year"),
        details={"periods": per_period},
    )
    filed_figure = Figure(
        Code.ANNUAL_REPORTS_FILED,
        ratio(annual_filed, annual_owed, 100),
        numerator=Decimal(annual_filed),
        denominator=Decimal(annual_owed) if annual_owed else None,
        unit="%",
        source_note=_("annual OSH report periods due this year"),
    )
    for figure in (on_time_figure, filed_figure):
        if figure.denominator is None:
            figure.status = INSUFFICIENT
            figure.status_reason = _("No filing was due yet.")
    return [on_time_figure, filed_figure]


def assignments_on_time(sources: Sources, year: int, quarter: int) -> Figure:
    if sources.plan is None:
        return Figure(
            Code.ASSIGNMENTS_ON_TIME,
            None,
            unit="%",
            status=INSUFFICIENT,
            status_reason=_("No plan covers this year."),
        )
    statuses = assignment_statuses(
        assignments=sources.assignments, year=year, quarter=quarter or 4, today=sources.today
    )
    due = [s for s in statuses.values() if s.status != AssignmentState.NOT_DUE]
    done = sum(s.status == AssignmentState.DONE for s in due)
    figure = Figure(
        Code.ASSIGNMENTS_ON_TIME,
        ratio(done, len(due), 100),
        numerator=Decimal(done),
        denominator=Decimal(len(due)) if due else None,
        unit="%",
        source_note=_("assignments of the plan and their accepted activity reports"),
        details={"plan": str(sources.plan.public_id)},
    )
    if not due:
        figure.status = INSUFFICIENT
        figure.status_reason = _("No assignment was due yet.")
    return figure


def propaganda_participants(sources: Sources, year: int, end: date) -> Figure:
    total = 0
    if sources.plan is not None:
        start = date(year, 1, 1)
        total = sum(
            participants
            for occurred_on, participants in sources.activity_participants(year)
            if start <= occurred_on <= end
        )
    return Figure(
        Code.PROPAGANDA_PARTICIPANTS,
        Decimal(total),
        numerator=Decimal(total),
        unit=pgettext("unit", "people"),
        source_note=_("accepted activity reports"),
    )
