"""Reads and roll-ups of the province view (docs/permissions.md, "Province view").

- :func:`side_by_side`: every commune's indicator values for a year and quarter, in one query;
- :func:`serious_accidents` and :func:`accident_lines`: the province's fatal accidents and those
  with two or more seriously injured, with the legal deadline of their investigation;
- :func:`commune_report_lines`: each commune's report on the informal sector for one period,
  and whether it reached Sở Nội vụ on time;
- :func:`province_summary`: the roll-up in the shape of Phụ lục XIV/XV (DOMAIN §3.8,
  "Provincial summary layout") from the approved Phụ lục XII reports of the province's
  enterprises only.

Nothing here returns a victim's name or personal ID: accidents carry counts by severity, and the
victims prefetched for the deadline computation load their severity only.

K in the summary follows the counting rules of the indicators (DOMAIN §4.1 and
``reporting.indicators``): victims not under the declaring enterprise's management (Phụ lục XII
columns 7 and 11) are outside N, so they leave the numerator of K and K chết and are counted
"ngoài mẫu số" in the note column; the "Tổng số TNLĐ" columns still show every victim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.db.models.fields.json import KT
from django.urls import NoReverseMatch, reverse
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from atvsld_portal.dates import local_day_range
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, Filing, User
from atvsld_portal.selectors import commune_list_for_user
from enterprises.models import Enterprise, OwnershipType
from incidents import workflow
from incidents.models import (
    Accident,
    Cause,
    CommuneAccidentReport,
    InvestigationLevel,
    PeriodicAccidentReport,
    Victim,
)
from incidents.selectors import accident_list_for_user, commune_report_list_for_user
from incidents.services.reports import commune_report_default_dates
from incidents.statistics import period_bounds
from reporting.indicators import ratio
from reporting.models import IndicatorValue

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

Status = IndicatorValue.Status


# ------------------------------------------------------------------------------
# Scope
# ------------------------------------------------------------------------------
def can_view_province(user: User) -> bool:
    """Province viewers read their province; superusers read every province."""
    return bool(user.is_superuser or user.role == User.Role.PROVINCE_VIEWER)


def province_list_for_user(*, user: User) -> QuerySet[AdministrativeUnit]:
    provinces = AdministrativeUnit.objects.provinces().order_by("name", "pk")
    if user.is_superuser:
        return provinces
    unit = user.administrative_unit
    if user.role == User.Role.PROVINCE_VIEWER and unit is not None and unit.is_province:
        return provinces.filter(pk=unit.pk)
    return provinces.none()


def province_communes(
    *, user: User, province: AdministrativeUnit | None = None
) -> QuerySet[AdministrativeUnit]:
    """The communes of ``province`` the user may read (every readable commune without one)."""
    communes = commune_list_for_user(user=user)
    if province is not None:
        communes = communes.filter(parent=province)
    return communes.order_by("name", "pk")


def latest_ended_part(today: date) -> tuple[int, str]:
    """The most recent statistics period (year, "h1" or "year") that has ended by ``today``."""
    if today > period_bounds(today.year, "h1")[1]:
        return today.year, "h1"
    return today.year - 1, "year"


# ------------------------------------------------------------------------------
# Communes side by side
# ------------------------------------------------------------------------------
PROVINCE_CODES = (
    Code.FATALITY_FREQUENCY,
    Code.ACCIDENT_FREQUENCY,
    Code.EXPOSED_EXAM_COVERAGE,
    Code.MONITORED_ENTERPRISES,
    Code.INFORMAL_ACCIDENTS,
    Code.ON_TIME_FILING,
    Code.ANNUAL_REPORTS_FILED,
)
# Short column headings; the full name of each indicator is the header's title.
COLUMN_LABELS = {
    Code.FATALITY_FREQUENCY: gettext_lazy("Fatality frequency (‰)"),
    Code.ACCIDENT_FREQUENCY: gettext_lazy("Accident frequency (‰)"),
    Code.EXPOSED_EXAM_COVERAGE: gettext_lazy("Exposed workers examined"),
    Code.MONITORED_ENTERPRISES: gettext_lazy("Monitored establishments"),
    Code.INFORMAL_ACCIDENTS: gettext_lazy("Accidents without a contract"),
    Code.ON_TIME_FILING: gettext_lazy("Filing completeness (on time)"),
    Code.ANNUAL_REPORTS_FILED: gettext_lazy("Annual reports filed"),
}
DECIMALS = {
    Code.FATALITY_FREQUENCY: 3,
    Code.ACCIDENT_FREQUENCY: 3,
    Code.EXPOSED_EXAM_COVERAGE: 1,
    Code.MONITORED_ENTERPRISES: 0,
    Code.INFORMAL_ACCIDENTS: 0,
    Code.ON_TIME_FILING: 1,
    Code.ANNUAL_REPORTS_FILED: 1,
}
UNITS = {
    Code.FATALITY_FREQUENCY: "‰",
    Code.ACCIDENT_FREQUENCY: "‰",
    Code.EXPOSED_EXAM_COVERAGE: "%",
    Code.ON_TIME_FILING: "%",
    Code.ANNUAL_REPORTS_FILED: "%",
}
STATUS_BADGES = {
    Status.MET: "text-bg-success",
    Status.NOT_MET: "text-bg-danger",
    Status.INSUFFICIENT: "text-bg-secondary",
    Status.NO_TARGET: "text-bg-light border",
}
# The keys of IndicatorValue.details that the cells print, each with the indicators whose cells
# print it. Only those rows read ``details``: it can hold long lists of establishment names,
# stored compressed out of line, and reading one key of it decompresses the whole document.
DETAIL_KEYS = {
    "required": (Code.MONITORED_ENTERPRISES,),
    "deaths": (Code.INFORMAL_ACCIDENTS,),
    "serious": (Code.INFORMAL_ACCIDENTS,),
}
# The fields of IndicatorValue a cell prints.
CELL_FIELDS = (
    "commune_id",
    "code",
    "public_id",
    "value",
    "numerator",
    "denominator",
    "status",
    "status_reason",
    "provisional",
    "source_note",
)
SORT_COMMUNE = "commune"
SORT_COLUMNS = (SORT_COMMUNE, *PROVINCE_CODES)


@dataclass(frozen=True)
class NumberFormatter:
    """``number_format(value, decimals, force_grouping=True)`` with the active language's
    separators looked up once: the side-by-side table formats thousands of numbers per request,
    and the per-call format lookups of ``number_format`` were most of its rendering time."""

    decimal_separator: str
    grouping: int | tuple
    thousand_separator: str

    @classmethod
    def for_active_language(cls) -> NumberFormatter:
        lang = get_language()
        return cls(
            get_format("DECIMAL_SEPARATOR", lang),
            get_format("NUMBER_GROUPING", lang),
            get_format("THOUSAND_SEPARATOR", lang),
        )

    def __call__(self, value, decimals: int) -> str:
        if (
            self.grouping == 3
            and decimals in _CUTOFFS
            and (type(value) is int or (isinstance(value, Decimal) and value.is_finite()))
        ):
            return self._grouped_by_three(value, decimals)
        return numberformat.format(
            value,
            self.decimal_separator,
            decimals,
            self.grouping,
            self.thousand_separator,
            force_grouping=True,
        )

    def _grouped_by_three(self, value: int | Decimal, decimals: int) -> str:
        """What ``numberformat.format`` gives for groups of three digits (decimals cut, not
        rounded; a value too small to show is 0), with Python's own digit grouping: the table
        formats about two thousand numbers per request. The values come from numeric columns,
        far below the 200 digits where ``numberformat`` switches to scientific notation."""
        if type(value) is int:
            if not decimals:
                return f"{value:,}".replace(",", self.thousand_separator)
            text = str(value)
        else:
            text = f"{Decimal(0) if abs(value) < _CUTOFFS[decimals] else value:f}"
        int_part, _dot, dec_part = text.partition(".")
        sign = "-" if int_part[0] == "-" else ""
        int_part = f"{abs(int(int_part)):,}".replace(",", self.thousand_separator)
        if not decimals:
            return f"{sign}{int_part}"
        dec_part = dec_part[:decimals].ljust(decimals, "0")
        return f"{sign}{int_part}{self.decimal_separator}{dec_part}"


# The smallest value ``numberformat.format`` shows with 0 to 3 decimals (below it prints 0).
_CUTOFFS = {decimals: Decimal(1).scaleb(-max(decimals, 1)) for decimals in range(4)}


def _int(value: Decimal | None, fmt: Callable[[object, int], str]) -> str:
    return fmt(int(value or 0), 0)


def url_or_blank(name: str, **kwargs) -> str:
    """``reverse(name)``, or "" while the page is not built (other parts of the issue)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def dashboard_url_maker() -> Callable[[AdministrativeUnit], str]:
    """A function giving a commune's dashboard URL (read-only for the province viewer), reversed
    once for the whole table."""
    url = url_or_blank("reporting:dashboard")
    if not url:
        return lambda commune: ""
    return lambda commune: f"{url}?commune={commune.pk}"


_PLACEHOLDER_ID = UUID(int=0)


def explain_url_maker() -> Callable[[UUID], str]:
    """A function giving the explain URL of a value from its ``public_id``: reversed once, then
    the id put in, because a province page links hundreds of values and each reverse() costs
    more than the rest of its cell."""
    try:
        pattern = reverse("reporting:explain", kwargs={"public_id": _PLACEHOLDER_ID})
    except NoReverseMatch:
        return lambda public_id: ""
    head, tail = pattern.split(str(_PLACEHOLDER_ID))
    return lambda public_id: f"{head}{public_id}{tail}"


@dataclass(frozen=True, slots=True)
class Cell:
    """One indicator value of one commune as the table prints it, every text already formatted:
    the table has hundreds of cells, so the template reads plain attributes only.

    ``computed`` is False when the value has not been computed; a computed value can still have
    no ``number`` (not enough data), and then shows "—"."""

    code: str
    computed: bool = False
    number: Decimal | None = None
    display: str = ""
    detail: str = ""
    explain_url: str = ""
    badge: str = ""
    status_label: str = ""
    status_reason: str = ""
    provisional: bool = False
    source_note: str = ""


def _display(code: str, number: Decimal | None, fmt: Callable[[object, int], str]) -> str:
    if number is None:
        return "—"
    text = fmt(number, DECIMALS[code])
    unit = UNITS.get(code, "")
    return f"{text} {unit}".strip() if unit == "‰" else f"{text}{unit}"


def _detail(code: str, value: dict, fmt: Callable[[object, int], str]) -> str:
    """Counts behind the value: deaths/N, examined/exposed, the required count..."""
    numerator = _int(value["numerator"], fmt)
    denominator = _int(value["denominator"], fmt)
    if code == Code.FATALITY_FREQUENCY:
        return _("%(deaths)s deaths / N %(workers)s") % {
            "deaths": numerator,
            "workers": denominator if value["denominator"] else "—",
        }
    if code == Code.ACCIDENT_FREQUENCY:
        return _("%(victims)s injured / N %(workers)s") % {
            "victims": numerator,
            "workers": denominator if value["denominator"] else "—",
        }
    if code == Code.MONITORED_ENTERPRISES:
        required = value["detail_required"]
        if required is None:
            return ""
        return _("required %(required)s") % {"required": _int(Decimal(required), fmt)}
    if code == Code.INFORMAL_ACCIDENTS:
        deaths, serious = value["detail_deaths"], value["detail_serious"]
        return _("%(deaths)s deaths, %(serious)s seriously injured") % {
            "deaths": 0 if deaths is None else deaths,
            "serious": 0 if serious is None else serious,
        }
    if value["denominator"]:
        return f"{numerator}/{denominator}"
    return ""


@dataclass(frozen=True, slots=True)
class CommuneRow:
    commune: AdministrativeUnit
    dashboard_url: str
    cells: list[Cell]

    def cell(self, code: str) -> Cell:
        return self.cells[PROVINCE_CODES.index(code)]


def side_by_side(
    *, communes: Iterable[AdministrativeUnit], year: int, quarter: int
) -> list[CommuneRow]:
    """Each commune's values of :data:`PROVINCE_CODES`, read in one query for all communes.

    The values are read as plain rows (no model instances), without ``details``: only the keys
    the cells print are read from it, in the database and for the indicators that print them
    (:data:`DETAIL_KEYS`)."""
    communes = list(communes)
    values: dict[tuple[int, str], dict] = {
        (value["commune_id"], value["code"]): value
        for value in IndicatorValue.objects.filter(
            commune__in=[commune.pk for commune in communes],
            year=year,
            quarter=quarter,
            code__in=PROVINCE_CODES,
        )
        .order_by()
        .values(
            *CELL_FIELDS,
            **{
                f"detail_{key}": Case(When(code__in=codes, then=KT(f"details__{key}")))
                for key, codes in DETAIL_KEYS.items()
            },
        )
    }
    fmt = NumberFormatter.for_active_language()
    explain_url = explain_url_maker()
    dashboard_url = dashboard_url_maker()
    status_labels = {status: str(label) for status, label in Status.choices}
    not_computed = {code: Cell(code) for code in PROVINCE_CODES}
    rows = []
    for commune in communes:
        cells = []
        for code in PROVINCE_CODES:
            value = values.get((commune.pk, code))
            if value is None:
                cells.append(not_computed[code])
                continue
            status = value["status"]
            cells.append(
                Cell(
                    code,
                    computed=True,
                    number=value["value"],
                    display=_display(code, value["value"], fmt),
                    detail=_detail(code, value, fmt),
                    explain_url=explain_url(value["public_id"]),
                    badge=STATUS_BADGES.get(status, ""),
                    status_label=status_labels.get(status, status),
                    status_reason=value["status_reason"],
                    provisional=value["provisional"],
                    source_note=value["source_note"],
                )
            )
        rows.append(CommuneRow(commune, dashboard_url(commune), cells))
    return rows


def sort_rows(rows: list[CommuneRow], column: str, *, descending: bool) -> list[CommuneRow]:
    """Sorted by the commune's name or by one indicator; communes without a value come last."""
    if column not in PROVINCE_CODES:
        return sorted(rows, key=lambda row: row.commune.name.casefold(), reverse=descending)
    present = [row for row in rows if row.cell(column).number is not None]
    missing = [row for row in rows if row.cell(column).number is None]
    present.sort(key=lambda row: row.commune.name.casefold())
    present.sort(key=lambda row: row.cell(column).number, reverse=descending)
    missing.sort(key=lambda row: row.commune.name.casefold())
    return present + missing


def value_years(*, communes: QuerySet[AdministrativeUnit]) -> list[int]:
    """Years that have computed values for these communes, newest first.

    A province has tens of thousands of values over a handful of years, and ``SELECT DISTINCT
    year`` reads them all. This query skips instead from each commune's first year to its next
    one, each step one probe of the (commune, year, quarter, code) unique index. The ORM cannot
    write a recursive query; this one is plain SQL that PostgreSQL and SQLite both run."""
    try:
        units_sql, params = communes.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return []
    quote = connections[communes.db].ops.quote_name
    values = quote(IndicatorValue._meta.db_table)
    units = quote(AdministrativeUnit._meta.db_table)
    # Only quoted names and the ORM's own SQL go into the text; every value is a parameter.
    sql = f"""
        WITH RECURSIVE found (commune_id, year) AS (
            SELECT unit.id, (SELECT MIN(v.year) FROM {values} v WHERE v.commune_id = unit.id)
            FROM {units} unit
            WHERE unit.id IN ({units_sql})
            UNION ALL
            SELECT found.commune_id, (
                SELECT MIN(v.year) FROM {values} v
                WHERE v.commune_id = found.commune_id AND v.year > found.year
            )
            FROM found
            WHERE found.year IS NOT NULL
        )
        SELECT DISTINCT year FROM found WHERE year IS NOT NULL
    """
    with connections[communes.db].cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((year for (year,) in cursor.fetchall()), reverse=True)


# ------------------------------------------------------------------------------
# Serious accidents
# ------------------------------------------------------------------------------
def serious_accidents(
    *, user: User, communes: QuerySet[AdministrativeUnit], year: int
) -> QuerySet[Accident]:
    """Counted accidents of ``year`` (local date) that happened in the communes or were declared
    by their enterprises, any sector, with a death or two or more seriously injured; newest
    first. The victims are prefetched with their severity only."""
    since, until = local_day_range(*period_bounds(year, "year"))
    severity = Victim.Severity
    return (
        accident_list_for_user(user=user)
        .counted()
        .filter(Q(commune__in=communes) | Q(enterprise__commune__in=communes))
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(
            death_count=Count("victims", filter=Q(victims__severity=severity.FATAL)),
            serious_count=Count("victims", filter=Q(victims__severity=severity.SERIOUS)),
        )
        .filter(Q(death_count__gte=1) | Q(serious_count__gte=2))
        .select_related("commune", "enterprise")
        .prefetch_related(
            Prefetch(
                "victims",
                queryset=Victim.objects.only("pk", "accident_id", "severity").order_by("pk"),
            )
        )
        .order_by("-occurred_at", "-pk")
    )


@dataclass
class AccidentLine:
    accident: Accident
    occurred_on: date
    deaths: int
    serious: int
    level_label: str
    expected_level_label: str
    deadline: date | None
    state: str

    @property
    def is_overdue(self) -> bool:
        return self.state == workflow.DeadlineState.OVERDUE

    @property
    def is_due_soon(self) -> bool:
        return self.state == workflow.DeadlineState.DUE_SOON


def accident_lines(accidents: Iterable[Accident], *, today: date) -> list[AccidentLine]:
    lines = []
    for accident in accidents:
        expected = workflow.expected_level(accident)
        lines.append(
            AccidentLine(
                accident=accident,
                occurred_on=timezone.localtime(accident.occurred_at).date(),
                deaths=accident.death_count,
                serious=accident.serious_count,
                level_label=accident.get_investigation_level_display(),
                expected_level_label=str(InvestigationLevel(expected).label) if expected else "",
                deadline=workflow.investigation_deadline(accident),
                state=workflow.deadline_state(accident, today),
            )
        )
    return lines


# ------------------------------------------------------------------------------
# Commune reports received
# ------------------------------------------------------------------------------
class ReportState:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"


REPORT_STATE_LABELS = {
    ReportState.ON_TIME: gettext_lazy("On time"),
    ReportState.LATE: gettext_lazy("Late"),
    ReportState.MISSING: gettext_lazy("Missing"),
    ReportState.NOT_DUE: gettext_lazy("Not due yet"),
}
REPORT_STATE_BADGES = {
    ReportState.ON_TIME: "text-bg-success",
    ReportState.LATE: "text-bg-warning",
    ReportState.MISSING: "text-bg-danger",
    ReportState.NOT_DUE: "text-bg-secondary",
}


@dataclass
class CommuneReportLine:
    commune: AdministrativeUnit
    report: CommuneAccidentReport | None
    due_on: date
    state: str

    @property
    def state_label(self) -> str:
        return str(REPORT_STATE_LABELS[self.state])

    @property
    def badge(self) -> str:
        return REPORT_STATE_BADGES[self.state]


def commune_report_lines(
    *,
    user: User,
    communes: Iterable[AdministrativeUnit],
    year: int,
    part: str,
    today: date,
) -> list[CommuneReportLine]:
    """One line per commune: its report of the period (if any), the due date and whether it was
    sent on time, late, not at all after the due date ("missing"), or is not due yet. A commune
    without a report (no period opened) is missing once the legal due date has passed."""
    communes = list(communes)
    reports = {
        report.commune_id: report
        for report in commune_report_list_for_user(user=user).filter(
            commune__in=[commune.pk for commune in communes], year=year, part=part
        )
    }
    legal_due = commune_report_default_dates(year, part)[1]
    lines = []
    for commune in communes:
        report = reports.get(commune.pk)
        due_on = report.period.due_on if report is not None else legal_due
        if report is not None and report.is_sent and report.sent_on is not None:
            state = ReportState.ON_TIME if report.sent_on <= due_on else ReportState.LATE
        elif today > due_on:
            state = ReportState.MISSING
        else:
            state = ReportState.NOT_DUE
        lines.append(CommuneReportLine(commune, report, due_on, state))
    return lines


def report_state_counts(lines: list[CommuneReportLine]) -> dict[str, int]:
    counts = dict.fromkeys(REPORT_STATE_LABELS, 0)
    for line in lines:
        counts[line.state] += 1
    return counts


# ------------------------------------------------------------------------------
# Phụ lục XIV/XV summary from approved Phụ lục XII reports
# ------------------------------------------------------------------------------
TABLE_TOTAL = "1"
# Indexes of Table I columns 3-13 in the frozen ``table`` rows.
(
    ACCIDENTS,
    FATAL_ACCIDENTS,
    MULTI_VICTIM,
    VICTIMS,
    VICTIMS_OUTSIDE,
    WOMEN,
    WOMEN_OUTSIDE,
    DEATHS,
    DEATHS_OUTSIDE,
    SERIOUS,
    SERIOUS_OUTSIDE,
) = range(11)
# Part II prints accidents (total, with a death, with two or more victims) and victims (total,
# women, deaths, seriously injured).
BREAKDOWN_COLUMNS = (ACCIDENTS, FATAL_ACCIDENTS, MULTI_VICTIM, VICTIMS, WOMEN, DEATHS, SERIOUS)
# Table II of Phụ lục XII (days, then money in thousand VND).
DAMAGE_FIELDS = (
    "days_off",
    "cost_total",
    "cost_medical",
    "cost_wages",
    "cost_compensation",
    "property_damage",
)
# The form groups the causes: a. by the employer (1-6), b. by the worker (7-8), c. objective (9).
CAUSE_GROUP_STARTS = {"1": "a", "7": "b", "9": "c"}
CAUSE_GROUPS = {
    "a": gettext_lazy("a. Caused by the employer"),
    "b": gettext_lazy("b. Caused by the worker"),
    "c": gettext_lazy("c. Objective causes"),
}


@dataclass
class OverviewLine:
    """A row of Part I "Thông tin tổng quan"."""

    key: str
    code: str
    label: str
    kind: str  # "total", "heading" or "item"
    establishments: int = 0
    participating: int = 0
    workers: int = 0
    workers_participating: int = 0
    women: int = 0
    victims: int = 0
    deaths: int = 0
    serious: int = 0
    victims_outside: int = 0
    deaths_outside: int = 0

    @property
    def k(self) -> Decimal | None:
        """Injured per 1,000 workers of the reporting establishments (inside N)."""
        return ratio(self.victims - self.victims_outside, self.workers_participating, 1000)

    @property
    def k_deaths(self) -> Decimal | None:
        return ratio(self.deaths - self.deaths_outside, self.workers_participating, 1000)


@dataclass
class BreakdownLine:
    """A row of Part II "Phân loại TNLĐ"; ``damage`` only where the reports give it (the total
    and the rows by activity, since Table II is per report, not per cause or factor)."""

    key: str
    code: str
    label: str
    kind: str  # "total", "heading", "group" or "item"
    values: list[int] = field(default_factory=list)
    damage: list[int] | None = None


@dataclass
class ProvinceSummary:
    province: AdministrativeUnit | None
    communes: list[AdministrativeUnit]
    year: int
    part: str
    overview: list[OverviewLine]
    breakdown: list[BreakdownLine]
    reports: int

    @property
    def total(self) -> OverviewLine:
        return self.overview[0]


def _values(rows: dict[str, dict], key: str) -> list[int]:
    values = list((rows.get(key) or {}).get("values") or [])
    return [int(v or 0) for v in values[:11]] + [0] * (11 - len(values[:11]))


def _add(target: list[int], values: list[int]) -> None:
    for index, value in enumerate(values):
        target[index] += value


def _factor_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (10**6, code)


def province_summary(
    *,
    communes: Iterable[AdministrativeUnit],
    year: int,
    part: str,
    province: AdministrativeUnit | None = None,
) -> ProvinceSummary:
    """Parts I and II of the provincial summary for the communes' enterprises, from the approved
    Phụ lục XII reports of ``year`` and ``part`` ("h1" or "year") only. Four queries whatever
    the number of communes, enterprises and reports."""
    communes = list(communes)
    commune_ids = [commune.pk for commune in communes]
    enterprises = {
        enterprise.pk: enterprise
        for enterprise in Enterprise.objects.filter(commune_id__in=commune_ids).select_related(
            "ownership_type", "activity_section"
        )
    }
    reports = list(
        PeriodicAccidentReport.objects.filter(
            enterprise__commune_id__in=commune_ids,
            year=year,
            part=part,
            status=Filing.Status.APPROVED,
        )
        .only("pk", "enterprise_id", "workers_total", "workers_women", "table", *DAMAGE_FIELDS)
        .order_by("pk")
    )
    by_enterprise = {report.enterprise_id: report for report in reports}
    tables = {
        report.pk: {row["key"]: row for row in (report.table or {}).get("rows", [])}
        for report in reports
    }

    # Part I: one line per ownership type and per commune, and the total.
    total = OverviewLine("total", "", _("Total"), "total")
    ownership_lines: dict[int, OverviewLine] = {}
    for ownership in OwnershipType.objects.filter(is_active=True).order_by("order", "name"):
        ownership_lines[ownership.pk] = OverviewLine(
            f"ownership-{ownership.code}", ownership.code, ownership.name, "item"
        )
    commune_lines = {
        commune.pk: OverviewLine(
            f"commune-{commune.pk}", commune.display_code, commune.name, "item"
        )
        for commune in communes
    }
    for enterprise in enterprises.values():
        report = by_enterprise.get(enterprise.pk)
        if report is None and enterprise.status != Enterprise.Status.ACTIVE:
            continue
        ownership = enterprise.ownership_type
        if ownership.pk not in ownership_lines:
            ownership_lines[ownership.pk] = OverviewLine(
                f"ownership-{ownership.code}", ownership.code, ownership.name, "item"
            )
        row = _values(tables[report.pk], TABLE_TOTAL) if report is not None else [0] * 11
        for line in (total, ownership_lines[ownership.pk], commune_lines[enterprise.commune_id]):
            line.establishments += 1
            if report is None:
                line.workers += enterprise.workforce_total
                continue
            line.participating += 1
            line.workers += report.workers_total
            line.workers_participating += report.workers_total
            line.women += report.workers_women
            line.victims += row[VICTIMS]
            line.deaths += row[DEATHS]
            line.serious += row[SERIOUS]
            line.victims_outside += row[VICTIMS_OUTSIDE]
            line.deaths_outside += row[DEATHS_OUTSIDE]
    overview = [
        total,
        OverviewLine("by_ownership", "", _("By ownership type"), "heading"),
        *ownership_lines.values(),
        OverviewLine("by_commune", "", _("By commune"), "heading"),
        *commune_lines.values(),
    ]
    return ProvinceSummary(
        province=province,
        communes=communes,
        year=year,
        part=part,
        overview=overview,
        breakdown=_breakdown(reports, tables, enterprises),
        reports=len(reports),
    )


def _breakdown(
    reports: list[PeriodicAccidentReport],
    tables: dict[int, dict[str, dict]],
    enterprises: dict[int, Enterprise],
) -> list[BreakdownLine]:
    def picked(values: list[int]) -> list[int]:
        return [values[index] for index in BREAKDOWN_COLUMNS]

    total = BreakdownLine("total", "", _("Total"), "total", [0] * 11, [0] * len(DAMAGE_FIELDS))
    sectors: dict[str, BreakdownLine] = {}
    causes = {
        cause.value: BreakdownLine(f"cause-{cause.value}", cause.value, cause.label, "item")
        for cause in Cause
    }
    for line in causes.values():
        line.values = [0] * 11
    factors: dict[str, BreakdownLine] = {}
    for report in reports:
        rows = tables[report.pk]
        damage = [getattr(report, name) for name in DAMAGE_FIELDS]
        row1 = _values(rows, TABLE_TOTAL)
        _add(total.values, row1)
        _add(total.damage, damage)
        section = enterprises[report.enterprise_id].activity_section
        key = f"sector-{section.letter}" if section is not None else "sector-none"
        if key not in sectors:
            sectors[key] = BreakdownLine(
                key,
                section.letter if section is not None else "",
                section.name if section is not None else _("Activity not recorded"),
                "item",
                [0] * 11,
                [0] * len(DAMAGE_FIELDS),
            )
        _add(sectors[key].values, row1)
        _add(sectors[key].damage, damage)
        for code, line in causes.items():
            _add(line.values, _values(rows, f"cause-{code}"))
        for row_key, row in rows.items():
            if not row_key.startswith("factor-") or row.get("kind") != "item":
                continue
            code = row.get("code") or row_key.removeprefix("factor-")
            if row_key not in factors:
                factors[row_key] = BreakdownLine(
                    row_key, code, row.get("label") or code, "item", [0] * 11
                )
            _add(factors[row_key].values, _values(rows, row_key))

    lines = [total]
    lines.append(BreakdownLine("by_sector", "", _("By main activity"), "heading"))
    lines += sorted(sectors.values(), key=lambda line: (line.code == "", line.code))
    lines.append(BreakdownLine("by_cause", "", _("By cause"), "heading"))
    for code, line in causes.items():
        if code in CAUSE_GROUP_STARTS:
            group = CAUSE_GROUP_STARTS[code]
            lines.append(BreakdownLine(f"cause-group-{group}", "", CAUSE_GROUPS[group], "group"))
        lines.append(line)
    lines.append(BreakdownLine("by_factor", "", _("By injury factor"), "heading"))
    lines += sorted(factors.values(), key=lambda line: _factor_order(line.code))
    for line in lines:
        if line.values:
            line.values = picked(line.values)
    return lines
