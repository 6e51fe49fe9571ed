"""Indicators computed from the source records (DOMAIN §4). Pure reads: nothing here writes.

For one commune and year, :class:`Sources` holds every record the indicators need, loaded in a
fixed number of queries (:mod:`reporting.indicator_sources`, for one commune or for all those of
the nightly recompute at once); :func:`compute_year` then derives the values for the full year
(quarter 0) and each quarter-to-date (1-4: from 1 January to the quarter's end) in Python.

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

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from atvsld_portal.dates import quarter_bounds
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, ReportingPeriod
from incidents.compliance import ComplianceSummary
from incidents.models import Victim
from plans.models import ActivityReport, PlanGoal
from plans.selectors import assignment_statuses
from plans.status import Status as AssignmentState
from reporting.indicator_sources import AccidentRow, CommuneRecords, load_records
from reporting.models import HistoricalAggregate, IndicatorValue

MET, NOT_MET = IndicatorValue.Status.MET, IndicatorValue.Status.NOT_MET
INSUFFICIENT, NO_TARGET = IndicatorValue.Status.INSUFFICIENT, IndicatorValue.Status.NO_TARGET
THREE = Decimal("0.001")


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


# ------------------------------------------------------------------------------
# The sources of one commune and year (loaded by reporting.indicator_sources)
# ------------------------------------------------------------------------------
class Sources:
    """Every record the indicators of ``commune`` for ``year`` read, loaded once.

    ``records`` are the commune's records already loaded with those of other communes (the
    nightly recompute, see :func:`reporting.indicator_sources.load_records`); without them the
    commune's own are loaded, in the same fixed number of queries.
    """

    def __init__(
        self,
        commune: AdministrativeUnit,
        year: int,
        *,
        today: date | None = None,
        records: CommuneRecords | None = None,
    ):
        self.commune = commune
        self.year = year
        self.today = today or timezone.localdate()
        if records is None:
            records = load_records([commune.pk], [year], today=self.today)[commune.pk, year]
        self.plan = records.plan
        self.goals = records.goals
        self.enterprise_names = records.enterprise_names
        self.annual = records.annual  # year -> enterprise_id -> report
        self.h1 = records.h1  # year -> enterprise_id -> Phụ lục XII H1 report
        self.informal = records.informal
        self.exams = records.exams
        self.monitoring = records.monitoring  # year -> records
        self.cases = records.cases
        self.aggregates = records.aggregates
        self.filing_periods = records.filing_periods  # due in ``year`` up to today
        self._compliance = records.compliance  # period pk -> filing counts
        self.assignments = records.assignments
        self.activities = records.activities
        # (assignment id, date, status) of every activity report of the plan's assignments.
        self.activity_reports = [
            (a.assignment_id, a.occurred_on, a.status) for a in self.activities
        ]
        self.accidents_by_year: dict[int, list[AccidentRow]] = defaultdict(list)
        for accident in records.accidents:
            self.accidents_by_year[accident.day.year].append(accident)
        # Computed on first use, kept for the run: the figures of each quarter-to-date and the
        # comparisons read the same workforce, counts and activities again.
        self._workforce: dict[int, Workforce] = {}  # year -> N
        self._counts: dict[tuple[int, date], AccidentCounts] = {}  # (year, end) -> counts
        self._participants: dict[int, list[tuple[date, int]]] = {}  # year -> activities

    # -- helpers ------------------------------------------------------------------------------
    def compliance(self, period: ReportingPeriod) -> ComplianceSummary:
        """The filing counts of one of the :attr:`filing_periods`."""
        return self._compliance[period.pk]

    def activity_participants(self, year: int) -> list[tuple[date, int]]:
        """(date, participants) of the plan's accepted activity reports of ``year``."""
        if year not in self._participants:
            self._participants[year] = [
                (activity.occurred_on, activity.participants)
                for activity in self.activities
                if activity.status == ActivityReport.Status.ACCEPTED
                and activity.occurred_on.year == year
            ]
        return self._participants[year]

    def workforce(self, year: int) -> Workforce:
        """N for ``year`` (:func:`workforce`), computed once per run."""
        if year not in self._workforce:
            self._workforce[year] = workforce(self, year)
        return self._workforce[year]

    def accident_counts(self, year: int, end: date) -> AccidentCounts:
        """The counts of :func:`accident_counts` from 1 January of ``year`` to ``end`` against
        the year's N, computed once per run."""
        key = (year, end)
        if key not in self._counts:
            self._counts[key] = accident_counts(self, year, end, self.workforce(year))
        return self._counts[key]

    def has_employed_records(self, year: int) -> bool:
        return bool(self.annual.get(year) or self.h1.get(year) or self.accidents_by_year.get(year))

    def aggregate(self, year: int, sector: str = "employed") -> HistoricalAggregate | None:
        """The historical aggregate of a year, used only when the year has no records."""
        row = self.aggregates.get((year, sector))
        if row is None:
            return None
        if sector == "employed" and self.has_employed_records(year):
            return None
        if sector == "informal" and any(a.day.year == year for a in self.informal):
            return None
        return row


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

    @cached_property
    def sources_detail(self) -> dict[str, list]:
        """The workers and source of each enterprise, as the details show them."""
        return {
            str(enterprise_id): [workers, source]
            for enterprise_id, (workers, source) in self.by_enterprise.items()
        }


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
    for accident in sources.accidents_by_year.get(year, ()):
        day = accident.day
        if not start <= day <= end:
            continue
        victims = accident.victims
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
    # The full year and the fourth quarter-to-date are the same period: computed once.
    by_end: dict[date, list[Figure]] = {}
    for quarter in quarters:
        end = period_end(year, quarter)
        if end not in by_end:
            by_end[end] = compute_period(sources, year, quarter)
    return {quarter: by_end[period_end(year, quarter)] for quarter in quarters}


def started_quarters(year: int, today: date) -> list[int]:
    return [q for q in range(1, 5) if quarter_bounds(year, q)[0] <= today]


def compute_period(sources: Sources, year: int, quarter: int) -> list[Figure]:
    end = period_end(year, quarter)
    n = sources.workforce(year)
    counts = sources.accident_counts(year, end)
    n_prev = sources.workforce(year - 1)
    counts_prev = sources.accident_counts(year - 1, period_end(year - 1, quarter))
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
        "workforce_sources": n.sources_detail,
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
        base_n = sources.workforce(goal.baseline_year)
        base_counts = sources.accident_counts(goal.baseline_year, period_end(goal.baseline_year, 0))
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
        n = sources.workforce(y)
        counts = sources.accident_counts(y, period_end(y, quarter))
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
    accidents = [a for a in sources.informal if start <= a.day <= end]
    victims = [v for a in accidents for v in a.victims]
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
                    "date": a.day.isoformat(),
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


def training_coverage(sources: Sources, year: int) -> Figure:
    reports = dict(sources.annual.get(year - 1, {}))
    provisional = bool(reports)
    reports.update(sources.annual.get(year, {}))
    if sources.annual.get(year):
        provisional = len(reports) > len(sources.annual[year])
    trained = sum(r.trained for r in reports.values())
    employed = sum(r.employed for r in reports.values())
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
    cases = [c for c in sources.cases if start <= c.exam_date <= end]
    return Figure(
        Code.DISEASE_CASES,
        Decimal(len(cases)),
        numerator=Decimal(len(cases)),
        unit=pgettext("unit", "cases"),
        source_note=_("confirmed occupational-disease cases"),
        details={"records": [str(c.public_id) for c in cases]},
    )


def filing_figures(sources: Sources, year: int, end: date) -> list[Figure]:
    """On-time filing of every enterprise filing period due from 1 January to ``end``, and the
    share of enterprises that filed last year's annual OSH report."""
    last_due = min(end, sources.today)
    periods = [p for p in sources.filing_periods if p.due_on <= last_due]
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
        assignments=sources.assignments,
        year=year,
        quarter=quarter or 4,
        today=sources.today,
        reports=sources.activity_reports,
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
