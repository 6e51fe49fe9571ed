"""Who filed what, when, and whether the filed figures agree with the records (DOMAIN §7.8).

The first step of an under-reporting radar: for one reporting period of an enterprise filing kind,
every enterprise that owes a filing with its state — filed online or from paper, on time, late, or
not at all — and, for filings that hold accident or disease figures, the figures that differ from
the accident and disease records. A fixed number of queries whatever the number of enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, Func, JSONField, Q, QuerySet, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from atvsld_portal.filings import get_filing_kind
from atvsld_portal.models import Filing, ReportingPeriod
from enterprises.models import Enterprise
from incidents import statistics
from incidents.models import Accident, DiseaseCase
from incidents.services.reports import PERIODIC_REPORT_KIND

ANNUAL_REPORT_KIND = "annual_osh_report"
FILED = frozenset({Filing.Status.SUBMITTED, Filing.Status.APPROVED})


@dataclass
class ComplianceRow:
    enterprise: Enterprise
    filing: Filing | None
    state: str  # "on_time", "late", "overdue" (not filed after the due date), "pending"
    filed_on: date | None = None
    disagreements: list[str] = field(default_factory=list)

    @property
    def is_paper(self) -> bool:
        return _is_paper(self.filing)


@dataclass
class ComplianceSummary:
    owed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    paper: int = 0
    disagreeing: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    def count(self, filing: Filing | None, state: str) -> None:
        """Count one enterprise that owes the filing, in ``state`` (see :func:`_state`)."""
        self.owed += 1
        setattr(self, state, getattr(self, state) + 1)
        self.paper += _is_paper(filing) and state in {"on_time", "late"}


def _is_paper(filing: Filing | None) -> bool:
    return filing is not None and filing.channel != Filing.Channel.ONLINE


def filed_on(filing: Filing) -> date | None:
    """The date a filing counts as filed: the date on the report if it has one (a paper form),
    else the local date it was submitted on the portal."""
    report_date = getattr(filing, "report_date", None)
    if report_date:
        return report_date
    if filing.submitted_at:
        return timezone.localdate(filing.submitted_at)
    return None


def _state(filing: Filing | None, period: ReportingPeriod, today: date) -> tuple[str, date | None]:
    if filing is not None and filing.status in FILED:
        day = filed_on(filing)
        return ("on_time" if day and day <= period.due_on else "late"), day
    return ("overdue" if today > period.due_on else "pending"), None


def compliance_table(
    *, period: ReportingPeriod, today: date | None = None
) -> tuple[list[ComplianceRow], ComplianceSummary]:
    kind = get_filing_kind(period.kind)
    if kind is None or kind.filer != "enterprise":
        return [], ComplianceSummary()
    today = today or timezone.localdate()
    filings = {filing.enterprise_id: filing for filing in _filings(kind.model, period)}
    enterprises = list(
        Enterprise.objects.filter(
            Q(commune=period.commune, status=Enterprise.Status.ACTIVE) | Q(pk__in=list(filings))
        ).order_by("name", "pk")
    )
    checks = _disagreement_checker(period, [e.pk for e in enterprises])
    rows, summary = [], ComplianceSummary()
    for enterprise in enterprises:
        filing = filings.get(enterprise.pk)
        state, day = _state(filing, period, today)
        row = ComplianceRow(enterprise=enterprise, filing=filing, state=state, filed_on=day)
        if filing is not None and filing.status in FILED:
            row.disagreements = checks(filing)
        rows.append(row)
        summary.count(filing, state)
        summary.disagreeing += bool(row.disagreements)
    return rows, summary


def compliance_summary(
    *,
    period: ReportingPeriod,
    today: date | None = None,
    active_enterprise_ids: set[int] | None = None,
) -> ComplianceSummary:
    """The counts of :func:`compliance_table` without its rows and without the figure checks
    (``disagreeing`` stays 0), for the indicator recompute: one query for the period's filings
    (only the columns the state needs), plus one for the commune's active enterprises unless
    ``active_enterprise_ids`` (those of ``period.commune``) is given."""
    kind = get_filing_kind(period.kind)
    if kind is None or kind.filer != "enterprise":
        return ComplianceSummary()
    if active_enterprise_ids is None:
        active_enterprise_ids = set(
            Enterprise.objects.filter(
                commune=period.commune, status=Enterprise.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
    return compliance_summaries(
        periods=[period],
        today=today,
        active_enterprise_ids={period.commune_id: active_enterprise_ids},
    )[period.pk]


class FilingState(NamedTuple):
    """The columns of a filing that its state reads (:func:`_state`, :func:`_is_paper`)."""

    period_id: int
    enterprise_id: int
    status: str
    submitted_at: datetime | None
    channel: str
    report_date: date | None = None


def compliance_summaries(
    *,
    periods: list[ReportingPeriod],
    today: date | None = None,
    active_enterprise_ids: dict[int, set[int]],
) -> dict[int, ComplianceSummary]:
    """:func:`compliance_summary` of many periods, of any communes, by period pk: one query per
    filing kind. ``active_enterprise_ids`` holds the active enterprises of each period's
    commune, by commune id."""
    today = today or timezone.localdate()
    summaries = {period.pk: ComplianceSummary() for period in periods}
    by_kind: dict[str, list[ReportingPeriod]] = {}
    for period in periods:
        by_kind.setdefault(period.kind, []).append(period)
    for key, kind_periods in by_kind.items():
        kind = get_filing_kind(key)
        if kind is None or kind.filer != "enterprise":
            continue
        columns = ["period_id", "enterprise_id", "status", "submitted_at", "channel"]
        if any(f.name == "report_date" for f in kind.model._meta.concrete_fields):
            columns.append("report_date")
        filings: dict[int, dict[int, FilingState]] = {period.pk: {} for period in kind_periods}
        for row in (
            kind.model.objects.filter(period__in=kind_periods).order_by("pk").values_list(*columns)
        ):
            filing = FilingState(*row)
            filings[filing.period_id][filing.enterprise_id] = filing
        for period in kind_periods:
            of_period = filings[period.pk]
            summary = summaries[period.pk]
            for enterprise_id in active_enterprise_ids[period.commune_id] | set(of_period):
                filing = of_period.get(enterprise_id)
                state, _day = _state(filing, period, today)
                summary.count(filing, state)
    return summaries


class _JsonPathFirst(Func):
    """PostgreSQL's ``jsonb_path_query_first(value, path)``: the first item the path selects."""

    function = "jsonb_path_query_first"
    template = "%(function)s(%(expressions)s::jsonpath)"
    output_field = JSONField()


# The "values" of Table I's grand total row, selected in the database from the frozen table.
GRAND_TOTAL_PATH = f'$.rows[*] ? (@.key == "{statistics.ROW_GRAND_TOTAL}").values'


def _filings(model, period: ReportingPeriod) -> QuerySet:
    """The period's filings without their large columns (the frozen tables and master-data
    snapshots, texts such as a return reason): the table prints none of them. The Phụ lục XII
    check needs Table I's grand total row only; on PostgreSQL it is read in the query as
    ``filed_totals`` (elsewhere the table is loaded)."""
    heavy = {f.name for f in model._meta.concrete_fields if isinstance(f, (JSONField, TextField))}
    filings = model.objects.filter(period=period).order_by("pk")
    if period.kind == PERIODIC_REPORT_KIND:
        if connection.vendor == "postgresql":
            filings = filings.annotate(
                filed_totals=_JsonPathFirst(F("table"), Value(GRAND_TOTAL_PATH))
            )
        else:
            heavy.discard("table")
    return filings.defer(*sorted(heavy))


def _disagreement_checker(period: ReportingPeriod, enterprise_ids: list[int]):
    if period.kind == ANNUAL_REPORT_KIND:
        return _annual_report_checker(period.year, enterprise_ids)
    if period.kind == PERIODIC_REPORT_KIND:
        return _periodic_report_checker(period.year, period.part, enterprise_ids)
    return lambda filing: []


def _records_by_enterprise(year: int, part: str, enterprise_ids: list[int]):
    accidents = statistics.counted_accidents(
        Accident.objects.filter(enterprise_id__in=enterprise_ids, sector=Accident.Sector.EMPLOYED),
        year=year,
        part=part,
    )
    return statistics.totals_by_enterprise(accidents)


def _periodic_report_checker(year: int, part: str, enterprise_ids: list[int]):
    records = _records_by_enterprise(year, part, enterprise_ids)
    empty = (statistics.Counts(), statistics.Counts())

    def check(filing) -> list[str]:
        row1, row2 = records.get(filing.enterprise_id, empty)
        if hasattr(filing, "filed_totals"):
            filed = filing.filed_totals or statistics.Counts().values()
        else:
            filed = statistics.row_values(filing.table, statistics.ROW_GRAND_TOTAL)
        if filed != (row1 + row2).values():
            return [
                _(
                    "The accident records have changed since this report was filed "
                    "(filed: %(filed)s accidents, %(victims)s victims; records now: "
                    "%(now)s accidents, %(now_victims)s victims)."
                )
                % {
                    "filed": filed[0],
                    "victims": filed[3],
                    "now": (row1 + row2).accidents,
                    "now_victims": (row1 + row2).victims,
                }
            ]
        return []

    return check


def _annual_report_checker(year: int, enterprise_ids: list[int]):
    records = _records_by_enterprise(year, "year", enterprise_ids)
    cases = {
        row["enterprise_id"]: row
        for row in DiseaseCase.objects.filter(
            enterprise_id__in=enterprise_ids,
            result=DiseaseCase.Result.CONFIRMED,
            exam_date__year__lte=year,
        )
        .values("enterprise_id")
        .annotate(
            cumulative=Count("pk"),
            new=Count("pk", filter=Q(exam_date__year=year)),
        )
    }
    empty = (statistics.Counts(), statistics.Counts())

    def check(report) -> list[str]:
        row1, row2 = records.get(report.enterprise_id, empty)
        # The annual form does not say whether commuting accidents belong in section 2, so a
        # figure agrees if it matches the records either without or with them.
        allowed = (row1, row1 + row2)
        problems = []
        for label, reported, attribute in (
            (_("accidents"), report.accidents, "accidents"),
            (_("accidents with deaths"), report.accidents_fatal, "fatal_accidents"),
            (_("people injured"), report.accident_victims, "victims"),
            (_("deaths"), report.accident_deaths, "deaths"),
        ):
            expected = {getattr(counts, attribute) for counts in allowed}
            if reported not in expected:
                problems.append(
                    _("Section 2, %(label)s: reported %(reported)s, the records give %(records)s.")
                    % {
                        "label": label,
                        "reported": reported,
                        "records": " / ".join(str(n) for n in sorted(expected)),
                    }
                )
        disease = cases.get(report.enterprise_id, {"cumulative": 0, "new": 0})
        # Cases from before the portal are not in the records: the cumulative figure may be
        # higher than the records, never lower.
        for label, reported, key, differs in (
            (_("new cases"), report.diseases_new, "new", int.__ne__),
            (_("cases to date"), report.diseases_cumulative, "cumulative", int.__lt__),
        ):
            if differs(reported, disease[key]):
                problems.append(
                    _("Section 3, %(label)s: reported %(reported)s, the records give %(records)s.")
                    % {"label": label, "reported": reported, "records": disease[key]}
                )
        return problems

    return check
