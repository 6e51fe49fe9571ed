"""The report's figures: periods and wording, and ``build_report_data``, which collects every
figure from the records and computed indicator values into one JSON-serialisable dict."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone, translation

from atvsld_portal.dates import local_day_range, quarter_bounds
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, Filing
from enterprises.documents import format_number
from enterprises.models import MonitoringRecord
from incidents.models import Accident, DiseaseCase, DiseaseExam
from plans.models import ActivityReport, Plan, PlanBudget, PlanGoal
from plans.selectors import plan_status_matrix
from plans.status import Status as AssignmentState
from reporting.models import HistoricalAggregate, IndicatorValue, QuarterlyReport
from reporting.selectors import (
    CONTEXT_CODES,
    COUNT_CODES,
    DECIMALS,
    GOAL_CODES,
    accident_counts_by_sector,
    dashboard_data,
    fatality_target_path,
    plan_for_year,
)

Variant = QuarterlyReport.Variant

DATA_VERSION = 1
GOAL_CODE_SET = frozenset(str(code) for code in GOAL_CODES)
ROMAN = ("", "I", "II", "III", "IV")
DASH = "\u2014"  # an em dash: "no figure" in a table cell
DOTS = "\u2026"
DIRECTIVE = (
    "Chỉ thị số 31-CT/TW ngày 19/3/2024 của Ban Bí thư về tiếp tục tăng cường sự lãnh đạo của "
    "Đảng đối với công tác an toàn, vệ sinh lao động trong tình hình mới"
)
DIRECTIVE_SHORT = (
    "Chỉ thị số 31-CT/TW ngày 19/3/2024 của Ban Bí thư về công tác an toàn, vệ sinh lao động"
)
ISSUING_BODY = "ỦY BAN NHÂN DÂN"
APPROVED = Filing.Status.APPROVED
ACCEPTED = ActivityReport.Status.ACCEPTED
Kind = ActivityReport.Kind

PDF_TEMPLATES = {
    Variant.QUARTERLY: "reporting/pdf/quarterly_report.html",
    Variant.HALF_YEAR: "reporting/pdf/quarterly/half_year.html",
    Variant.ANNUAL: "reporting/pdf/quarterly/annual.html",
    Variant.ACTION_MONTH: "reporting/pdf/quarterly/action_month.html",
    Variant.COUNCIL: "reporting/pdf/quarterly/council.html",
}
FILENAME_STEMS = {
    Variant.QUARTERLY: "bao-cao-atvsld-q{quarter}-{year}",
    Variant.HALF_YEAR: "bao-cao-atvsld-6-thang-{year}",
    Variant.ANNUAL: "bao-cao-atvsld-nam-{year}",
    Variant.ACTION_MONTH: "bao-cao-thang-hanh-dong-atvsld-{year}",
    Variant.COUNCIL: "bao-cao-atvsld-hdnd-{year}",
}

SECTORS = (
    (
        Accident.Sector.EMPLOYED,
        "Khu vực có quan hệ lao động (doanh nghiệp đăng ký trên địa bàn xã)",
    ),
    (Accident.Sector.INFORMAL, "Khu vực người lao động làm việc không theo hợp đồng lao động"),
)
COUNT_FIELDS = (
    ("accidents", "Số vụ tai nạn lao động", "số vụ"),
    ("victims", "Số người bị nạn", "số người bị nạn"),
    ("deaths", "Trong đó: số người chết", "số người chết"),
    ("serious", "Số người bị thương nặng", "số người bị thương nặng"),
)
PROPAGANDA_KINDS = (
    (Kind.RADIO, "Phát thanh trên đài truyền thanh xã"),
    (Kind.BANNERS, "Pa-nô, áp phích, băng rôn"),
    (Kind.PROPAGANDA_MEETING, "Hội nghị, buổi tuyên truyền"),
    (Kind.DIALOGUE, "Đối thoại với người lao động"),
    (Kind.OTHER, "Hoạt động khác"),
)
PROPAGANDA_OUTPUTS = ("broadcasts", "airings", "banners", "sessions", "participants")
ASSESSMENTS = {
    IndicatorValue.Status.MET: "Đạt",
    IndicatorValue.Status.NOT_MET: "Không đạt",
    IndicatorValue.Status.INSUFFICIENT: "Chưa đủ số liệu",
    IndicatorValue.Status.NO_TARGET: DASH,
}
# For these a lower value is better: a "% of the target" means nothing.
LOWER_IS_BETTER = frozenset(
    {
        Code.FATALITY_FREQUENCY,
        Code.ACCIDENT_FREQUENCY,
        Code.FATAL_RATE,
        Code.ACCIDENTS,
        Code.ACCIDENT_DEATHS,
        Code.INFORMAL_ACCIDENTS,
        Code.DISEASE_CASES,
    }
)
# Drawn 150 mm wide on the page: 520 units keep the chart's 11-unit labels near 9 pt.
CHART_WIDTH, CHART_HEIGHT = 520, 260
SEVERITY_SERIES = (
    ("deaths", "Chết", "#B00020"),
    ("serious", "Bị thương nặng", "#E69F00"),
    ("minor", "Bị thương nhẹ", "#56B4E9"),
)


# ------------------------------------------------------------------------------
# Periods and wording
# ------------------------------------------------------------------------------
def _bounds(variant: str, year: int, quarter: int) -> tuple[date, date]:
    if variant == Variant.QUARTERLY:
        return quarter_bounds(year, quarter)
    if variant == Variant.HALF_YEAR:
        return date(year, 1, 1), date(year, 6, 30)
    if variant == Variant.ACTION_MONTH:
        return date(year, 5, 1), date(year, 5, 31)
    return date(year, 1, 1), date(year, 12, 31)


def period_bounds(report: QuarterlyReport) -> tuple[date, date]:
    """The quarter; January-June for the 6-month report; the year for the annual report and the
    report to the People's Council; 1-31 May for the OSH Action Month (held every May)."""
    return _bounds(report.variant, report.year, report.quarter)


def ytd_quarter(report: QuarterlyReport) -> int:
    """The quarter-to-date of the indicator values matching the period's end (0 = full year)."""
    if report.variant == Variant.QUARTERLY:
        return report.quarter
    if report.variant in {Variant.HALF_YEAR, Variant.ACTION_MONTH}:
        return 2
    return 0


def _period_words(variant: str, year: int, quarter: int) -> str:
    """``quý III năm 2026``, ``6 tháng đầu năm 2026``, ``năm 2026``."""
    if variant == Variant.QUARTERLY:
        return f"quý {ROMAN[quarter]} năm {year}"
    if variant == Variant.HALF_YEAR:
        return f"6 tháng đầu năm {year}"
    if variant == Variant.ACTION_MONTH:
        return f"Tháng hành động về an toàn, vệ sinh lao động năm {year}"
    return f"năm {year}"


def _period_short(variant: str, year: int, quarter: int) -> str:
    """A column heading: ``Quý III/2026``, ``6 tháng/2026``, ``Tháng 5/2026``, ``Năm 2026``."""
    if variant == Variant.QUARTERLY:
        return f"Quý {ROMAN[quarter]}/{year}"
    if variant == Variant.HALF_YEAR:
        return f"6 tháng/{year}"
    if variant == Variant.ACTION_MONTH:
        return f"Tháng 5/{year}"
    return f"Năm {year}"


def _next_period_title(report: QuarterlyReport) -> str:
    if report.variant == Variant.QUARTERLY:
        if report.quarter == 4:
            return f"QUÝ I NĂM {report.year + 1}"
        return f"QUÝ {ROMAN[report.quarter + 1]} NĂM {report.year}"
    if report.variant == Variant.HALF_YEAR:
        return f"6 THÁNG CUỐI NĂM {report.year}"
    if report.variant == Variant.ACTION_MONTH:
        return "THỜI GIAN TỚI"
    return f"NĂM {report.year + 1}"


def _next_period_has_may(report: QuarterlyReport) -> bool:
    """Whether the next period holds an OSH Action Month (May)."""
    if report.variant == Variant.QUARTERLY:
        return report.quarter == 1
    return report.variant in {Variant.ANNUAL, Variant.COUNCIL}


def commune_name(commune: AdministrativeUnit) -> str:
    """The name without the " (cũ)" marker of a unit before the 2025 merger."""
    return re.sub(r"\s*\(cũ\)\s*$", "", commune.name).strip()


def _date_short(value: date | None) -> str:
    """``10/4/2026`` as in "ngày 19/3/2024" (DOMAIN §8.2)."""
    return f"{value.day}/{value.month}/{value.year}" if value else ""


def plan_reference(plan: Plan | None, *, with_issuer: bool = False) -> str:
    """``Kế hoạch số 45/KH-UBND ngày 10/4/2026`` (``Kế hoạch số …/KH-UBND`` without a number)."""
    if plan is None:
        text = f"Kế hoạch số {DOTS}/KH-UBND"
    else:
        text = f"Kế hoạch số {plan.number or DOTS}/{plan.symbol or 'KH-UBND'}"
        if plan.issued_on:
            text += f" ngày {_date_short(plan.issued_on)}"
    if with_issuer:
        text += " của Ủy ban nhân dân xã"
    return text


def default_summary(report: QuarterlyReport) -> str:
    """The summary line (trích yếu) of a new report, per variant."""
    year = report.year
    if report.variant == Variant.ACTION_MONTH:
        return f"Kết quả tổ chức Tháng hành động về an toàn, vệ sinh lao động năm {year}"
    if report.variant == Variant.COUNCIL:
        return (
            "Kết quả thực hiện chính sách, pháp luật về an toàn, vệ sinh lao động trên địa bàn "
            f"xã năm {year}"
        )
    plan = plan_for_year(report.commune, year)
    return (
        f"Kết quả thực hiện {plan_reference(plan)} về thực hiện {DIRECTIVE_SHORT}, "
        f"{_period_words(report.variant, year, report.quarter)}"
    )


# ------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------
def number(value: int | Decimal | None, decimals: int | None = None) -> str:
    if value is None:
        return DASH
    return format_number(value, decimals)


def signed(value: int) -> str:
    return f"+{number(value)}" if value > 0 else (f"-{number(-value)}" if value < 0 else "0")


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# ------------------------------------------------------------------------------
# Figures: build_report_data
# ------------------------------------------------------------------------------
def _accepted_reports(plan: Plan | None, start: date, end: date) -> list[ActivityReport]:
    if plan is None:
        return []
    return list(
        ActivityReport.objects.filter(
            assignment__task__group__plan=plan,
            status=ACCEPTED,
            occurred_on__gte=start,
            occurred_on__lte=end,
        )
        .select_related("assignment__unit")
        .order_by("occurred_on", "pk")
    )


def _leadership(plan: Plan | None, reports: list[ActivityReport], start: date, end: date) -> dict:
    documents = []
    if plan is not None and plan.issued_on and start <= plan.issued_on <= end:
        documents.append(
            {
                "date": plan.issued_on.isoformat(),
                "title": f"{plan_reference(plan)}: {plan.title}",
                "unit": "Ủy ban nhân dân xã",
            }
        )
    for report in reports:
        if report.kind == Kind.DOCUMENT:
            documents.append(
                {
                    "date": report.occurred_on.isoformat(),
                    "title": report.description.strip(),
                    "unit": report.assignment.unit.name,
                }
            )
    return {"documents": documents}


def _propaganda(reports: list[ActivityReport]) -> dict:
    rows = []
    totals = dict.fromkeys(("activities", *PROPAGANDA_OUTPUTS), 0)
    for kind, label in PROPAGANDA_KINDS:
        outputs = ActivityReport.OUTPUTS_BY_KIND[kind]
        mine = [r for r in reports if r.kind == kind]
        row: dict[str, Any] = {"kind": str(kind), "label": label, "activities": len(mine)}
        for name in PROPAGANDA_OUTPUTS:
            row[name] = sum(getattr(r, name) for r in mine) if name in outputs else None
            totals[name] += row[name] or 0
        totals["activities"] += len(mine)
        rows.append(row)
    return {"rows": rows, "totals": totals}


def _kind_totals(reports: list[ActivityReport], kind: str, names: tuple[str, ...]) -> dict:
    mine = [r for r in reports if r.kind == kind]
    return {"activities": len(mine), **{n: sum(getattr(r, n) for r in mine) for n in names}}


def _zero_counts() -> dict[str, int]:
    return {"accidents": 0, "victims": 0, "deaths": 0, "serious": 0, "minor": 0}


def accident_counts(commune: AdministrativeUnit, start: date, end: date) -> dict[str, dict]:
    """The report's accident counts by sector between two local dates (one query, see
    :func:`reporting.selectors.accident_counts_by_sector`), under the report's key names."""
    return {
        sector: {
            "accidents": row["accidents"],
            "victims": row["victims"],
            "deaths": row["fatal"],
            "serious": row["serious"],
            "minor": row["minor"],
        }
        for sector, row in accident_counts_by_sector(commune, start, end).items()
    }


def _commuting(commune: AdministrativeUnit, start: date, end: date) -> int:
    since, until = local_day_range(start, end)
    return (
        Accident.objects.counted()
        .filter(
            sector=Accident.Sector.EMPLOYED,
            enterprise__commune=commune,
            commuting=True,
            occurred_at__gte=since,
            occurred_at__lt=until,
        )
        .count()
    )


def _previous_from_aggregates(
    commune: AdministrativeUnit, year: int, previous: dict[str, dict]
) -> dict[str, str]:
    """For a full-year comparison with a year before the portal: a sector without any record that
    year takes the commune's historical aggregate (as the indicators do). Returns the sources."""
    sources = {}
    aggregates = HistoricalAggregate.objects.filter(commune=commune, year=year)
    for aggregate in aggregates:
        counts = previous.get(aggregate.sector)
        if counts is None or counts["accidents"] or counts["victims"]:
            continue
        previous[aggregate.sector] = {
            "accidents": aggregate.accidents,
            "victims": aggregate.victims,
            "deaths": aggregate.deaths,
            "serious": aggregate.serious,
            "minor": max(aggregate.victims - aggregate.deaths - aggregate.serious, 0),
        }
        sources[aggregate.sector] = aggregate.source_document
    return sources


def _previous_issued(report: QuarterlyReport) -> QuarterlyReport | None:
    """The last issued report of the same commune and variant before this one's period."""
    earlier = (
        QuarterlyReport.objects.filter(
            commune=report.commune, variant=report.variant, status=QuarterlyReport.Status.ISSUED
        )
        .filter(Q(year__lt=report.year) | Q(year=report.year, quarter__lt=report.quarter))
        .exclude(pk=report.pk)
        .order_by("-year", "-quarter", "-issued_at")
    )
    return earlier.first()


def _revisions(report: QuarterlyReport) -> list[dict]:
    """The accident figures of the previous issued report, recomputed now: a late declaration
    (or a correction) after its issue shows here as a revision of the earlier figures."""
    previous = _previous_issued(report)
    if previous is None:
        return []
    frozen = {
        row.get("sector"): row.get("period") or {}
        for row in ((previous.data or {}).get("accidents") or {}).get("sectors", [])
    }
    if not frozen:
        return []
    start, end = period_bounds(previous)
    now = accident_counts(report.commune, start, end)
    changes = []
    for sector, label in SECTORS:
        before = frozen.get(str(sector))
        if before is None:
            continue
        for key, _row_label, words in COUNT_FIELDS:
            old, new = int(before.get(key) or 0), now[str(sector)][key]
            if old != new:
                changes.append(
                    {
                        "sector": str(sector),
                        "sector_label": label,
                        "field": key,
                        "field_label": words,
                        "before": old,
                        "after": new,
                    }
                )
    if not changes:
        return []
    period = _period_words(previous.variant, previous.year, previous.quarter)
    reference = f"Báo cáo số {previous.number_text}"
    if previous.signed_on:
        reference += f" ngày {_date_short(previous.signed_on)}"
    parts = []
    for sector, label in SECTORS:
        mine = [c for c in changes if c["sector"] == str(sector)]
        if mine:
            details = ", ".join(
                f"{c['field_label']} từ {number(c['before'])} thành {number(c['after'])}"
                for c in mine
            )
            parts.append(f"{label[0].lower()}{label[1:]}: {details}")
    text = (
        f"Số liệu {period} ({reference}) được điều chỉnh: {'; '.join(parts)} (do có trường hợp "
        "được khai báo, cập nhật sau ngày ban hành báo cáo)."
    )
    return [
        {
            "report": previous.number_text,
            "public_id": str(previous.public_id),
            "signed_on": previous.signed_on.isoformat() if previous.signed_on else None,
            "period_words": period,
            "changes": changes,
            "text": text,
        }
    ]


def _accidents(report: QuarterlyReport, start: date, end: date) -> dict:
    commune, year = report.commune, report.year
    previous_start, previous_end = _bounds(report.variant, year - 1, report.quarter)
    period = accident_counts(commune, start, end)
    previous = accident_counts(commune, previous_start, previous_end)
    ytd = accident_counts(commune, date(year, 1, 1), end)
    previous_sources: dict[str, str] = {}
    if previous_start == date(year - 1, 1, 1) and previous_end == date(year - 1, 12, 31):
        previous_sources = _previous_from_aggregates(commune, year - 1, previous)
    sectors = [
        {
            "sector": str(sector),
            "label": label,
            "period": period[str(sector)],
            "previous": previous[str(sector)],
            "ytd": ytd[str(sector)],
            "previous_source": previous_sources.get(str(sector), ""),
        }
        for sector, label in SECTORS
    ]
    total = {
        key: {name: sum(s[key][name] for s in sectors) for name in _zero_counts()}
        for key in ("period", "previous", "ytd")
    }
    return {
        "sectors": sectors,
        "total": total,
        "commuting": _commuting(commune, start, end),
        "revisions": _revisions(report),
    }


def _health(commune: AdministrativeUnit, reports: list[ActivityReport], start, end) -> dict:
    exams = DiseaseExam.objects.filter(
        enterprise__commune=commune, status=APPROVED, exam_date__gte=start, exam_date__lte=end
    ).aggregate(
        rounds=Count("pk"),
        enterprises=Count("enterprise", distinct=True),
        workers_examined=Sum("workers_examined"),
        suspected=Sum("suspected"),
        confirmed=Sum("confirmed"),
    )
    monitoring = MonitoringRecord.objects.filter(
        enterprise__commune=commune,
        status=APPROVED,
        sampled_from__gte=start,
        sampled_from__lte=end,
    ).aggregate(
        records=Count("pk"),
        enterprises=Count("enterprise", distinct=True),
        workers_exposed=Sum("workers_exposed"),
    )
    cases = DiseaseCase.objects.filter(
        commune=commune,
        result=DiseaseCase.Result.CONFIRMED,
        exam_date__gte=start,
        exam_date__lte=end,
    ).count()
    return {
        "exams": {key: value or 0 for key, value in exams.items()},
        "cases_confirmed": cases,
        "monitoring": {key: value or 0 for key, value in monitoring.items()},
        "training": _kind_totals(
            reports, Kind.TRAINING, ("sessions", "participants", "workers_trained")
        ),
    }


def _budget(plan: Plan | None, year: int) -> dict:
    lines = []
    if plan is not None:
        lines = [
            {
                "purpose": line.purpose,
                "source": line.source,
                "allocated": line.allocated,
                "spent": line.spent,
            }
            for line in PlanBudget.objects.filter(plan=plan, year=year).order_by("purpose", "pk")
        ]
    return {
        "year": year,
        "lines": lines,
        "allocated": sum(line["allocated"] for line in lines),
        "spent": sum(line["spent"] for line in lines),
    }


def _indicator_codes(plan: Plan | None) -> list[str]:
    goals = []
    if plan is not None:
        goals = list(
            PlanGoal.objects.filter(plan=plan)
            .order_by("order", "pk")
            .values_list("indicator", flat=True)
        )
    codes = [str(code) for code in (goals or GOAL_CODES)]
    codes += [str(code) for code in CONTEXT_CODES if str(code) not in codes]
    return codes


def _period_counts(data: dict, plan_reports: list[ActivityReport]) -> dict[str, int]:
    """Count indicators as counted in the period itself (not to date)."""
    sectors = {row["sector"]: row["period"] for row in data["accidents"]["sectors"]}
    employed = sectors[str(Accident.Sector.EMPLOYED)]
    return {
        str(Code.ACCIDENTS): employed["accidents"],
        str(Code.ACCIDENT_DEATHS): employed["deaths"],
        str(Code.INFORMAL_ACCIDENTS): sectors[str(Accident.Sector.INFORMAL)]["accidents"],
        str(Code.DISEASE_CASES): data["health"]["cases_confirmed"],
        str(Code.MONITORED_ENTERPRISES): data["health"]["monitoring"]["enterprises"],
        str(Code.PROPAGANDA_PARTICIPANTS): sum(r.participants for r in plan_reports),
    }


def _decimals(code: str) -> int:
    return 0 if code in COUNT_CODES else DECIMALS.get(code, 1)


def _indicators(
    report: QuarterlyReport, plan: Plan | None, period_counts: dict[str, int]
) -> tuple[list[dict], str | None]:
    year, quarter = report.year, ytd_quarter(report)
    values = {
        (value.year, value.code): value
        for value in IndicatorValue.objects.filter(
            commune=report.commune, year__in=[year, year - 1], quarter=quarter
        )
    }
    rows = []
    with translation.override("vi"):
        for code in _indicator_codes(plan):
            value = values.get((year, code))
            previous = values.get((year - 1, code))
            decimals = _decimals(code)
            percent = None
            if (
                value is not None
                and value.value is not None
                and value.target
                and code not in LOWER_IS_BETTER
            ):
                percent = (value.value * 100 / value.target).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            counts = ""
            if value is not None and value.denominator is not None and code not in COUNT_CODES:
                counts = f"{number(value.numerator, 0)}/{number(value.denominator, 0)}"
            rows.append(
                {
                    "code": code,
                    "name": str(Code(code).label),
                    "target": (value.target_text if value is not None else "") or DASH,
                    "period": period_counts.get(code) if code in COUNT_CODES else None,
                    "ytd": _plain(value.value) if value is not None else None,
                    "ytd_counts": counts,
                    "provisional": bool(value is not None and value.provisional),
                    "percent": _plain(percent),
                    "previous": _plain(previous.value) if previous is not None else None,
                    "decimals": decimals,
                    "status": value.status if value is not None else "",
                    "assessment": ASSESSMENTS.get(value.status, DASH)
                    if value is not None
                    else ASSESSMENTS[IndicatorValue.Status.INSUFFICIENT],
                }
            )
    computed = [v.computed_at for (y, _c), v in values.items() if y == year]
    computed_at = timezone.localtime(max(computed)).isoformat() if computed else None
    return rows, computed_at


def _assignments(plan: Plan | None, report: QuarterlyReport, end: date) -> dict:
    if plan is None:
        return {"counts": {}, "overdue": []}
    matrix = plan_status_matrix(
        plan=plan, year=report.year, quarter=(end.month - 1) // 3 + 1, today=timezone.localdate()
    )
    overdue = sorted(
        (item for item in matrix.by_assignment.values() if item.status == AssignmentState.OVERDUE),
        key=lambda item: (item.assignment.task.group.number, item.assignment.task.number),
    )
    return {
        "counts": matrix.counts(),
        "overdue": [
            {
                "task": item.assignment.task.label,
                "text": item.assignment.task.text.strip(),
                "unit": item.assignment.unit.name,
                "window_end": item.window_end.isoformat(),
            }
            for item in overdue
        ],
    }


def _trend(report: QuarterlyReport) -> dict:
    """Fatality frequency by year (same quarter-to-date) with the dashboard's target line."""

    quarter = ytd_quarter(report)
    dashboard = dashboard_data(commune=report.commune, year=report.year, quarter=quarter)
    years = dashboard.trend_years
    code = Code.FATALITY_FREQUENCY
    values = [dashboard.value(code, y) for y in years]
    goal = dashboard.goals.get(code)
    path = None
    if goal is not None and goal.method == PlanGoal.Method.BASELINE:
        path = fatality_target_path(dashboard)
    if path:
        targets, kind = [path.get(y) for y in years], "path"
    else:
        targets, kind = [v.target if v is not None else None for v in values], "yearly"
    return {
        "years": years,
        "quarter": quarter,
        "values": [_plain(v.value) if v is not None else None for v in values],
        "targets": [_plain(t) for t in targets],
        "target_kind": kind,
    }


def build_report_data(report: QuarterlyReport) -> dict:
    """Every figure of the report, for its period, the same period last year and the year to
    date, from the records and the computed indicator values (JSON-serialisable)."""
    commune = report.commune
    start, end = period_bounds(report)
    year = report.year
    plan = plan_for_year(commune, year)
    reports = _accepted_reports(plan, start, end)
    name = commune_name(commune)
    data: dict[str, Any] = {
        "version": DATA_VERSION,
        "variant": report.variant,
        "year": year,
        "quarter": report.quarter,
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "words": _period_words(report.variant, year, report.quarter),
            "short": _period_short(report.variant, year, report.quarter),
            "previous_short": _period_short(report.variant, year - 1, report.quarter),
            "ytd_short": f"Lũy kế {end.month} tháng/{year}",
            "ytd_quarter": ytd_quarter(report),
            "ytd_is_period": start == date(year, 1, 1),
        },
        "commune": {
            "name": name,
            "issuing_body": ISSUING_BODY,
            "body_name": f"XÃ {name.upper()}",
        },
        "plan": None,
        "leadership": _leadership(plan, reports, start, end),
        "propaganda": _propaganda(reports),
        "inspections": _kind_totals(
            reports, Kind.INSPECTION, ("establishments_inspected", "violations_found")
        ),
        "accidents": _accidents(report, start, end),
        "health": _health(commune, reports, start, end),
        "budget": _budget(plan, year),
        "computed_at": timezone.localtime().isoformat(),
    }
    if plan is not None:
        data["plan"] = {
            "public_id": str(plan.public_id),
            "reference": plan_reference(plan),
            "title": plan.title,
            "number": plan.number,
            "symbol": plan.symbol,
            "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        }
    rows, computed_at = _indicators(report, plan, _period_counts(data, reports))
    data["indicators"] = rows
    data["indicators_computed_at"] = computed_at
    data["assignments"] = _assignments(plan, report, end)
    data["trend"] = _trend(report)
    return data
