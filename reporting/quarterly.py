"""The report of the commune People's Committee to the Party committee (DOMAIN §8.2) and its
variants: the figures from the records, a drafted narrative, the charts, the PDF on the Decree 30
frame (DOMAIN §8.1), and the editable .docx and the .xlsx of its tables.

Every figure comes from records or computed indicator values, never from typing:

- ``build_report_data`` collects them into one JSON-serialisable dict (frozen on the report when it
  is issued). Its keys: ``period`` (bounds and wording), ``commune``, ``plan``, ``leadership``
  (documents issued), ``propaganda`` (rows by kind and totals), ``inspections``, ``accidents``
  (``sectors`` with ``period`` / ``previous`` / ``ytd`` counts, ``commuting``, ``revisions``),
  ``health`` (exams, cases, monitoring, training), ``budget``, ``indicators`` (the table rows),
  ``assignments`` (plan progress and what is overdue), ``trend`` (fatality frequency by year and its
  target) and ``computed_at``.
- ``document_content`` turns the data and the report's narrative into parts, sections, paragraphs
  and tables, which the PDF templates, the .docx and the .xlsx all render: the three never
  disagree.

The wording of the document is Vietnamese template text of an official document, not translated
UI strings; indicator names come from the catalogue under the Vietnamese locale. Numbers are
printed the Vietnamese way (``1.250``, ``0,769``) and years never get a thousand separator.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from atvsld_portal.dates import document_date, quarter_bounds
from atvsld_portal.exports import neutralise
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, Filing
from atvsld_portal.pdf import render_pdf
from enterprises.documents import format_number
from enterprises.models import MonitoringRecord
from incidents.models import Accident, DiseaseCase, DiseaseExam, Victim
from plans.models import ActivityReport, Plan, PlanBudget, PlanGoal
from plans.selectors import plan_status_matrix
from plans.status import Status as AssignmentState
from reporting import charts
from reporting.models import HistoricalAggregate, IndicatorValue, QuarterlyReport
from reporting.selectors import (
    CONTEXT_CODES,
    COUNT_CODES,
    DECIMALS,
    GOAL_CODES,
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
    """Counted accidents by sector between two local dates, with victims by severity (one query):
    the employed sector counts accidents of enterprises registered in the commune (wherever they
    happened, commuting ones left out as in K), the informal sector accidents in the commune."""
    severity = Victim.Severity
    rows = (
        Accident.objects.counted()
        .filter(
            Q(sector=Accident.Sector.EMPLOYED, enterprise__commune=commune, commuting=False)
            | Q(sector=Accident.Sector.INFORMAL, commune=commune),
            occurred_at__date__gte=start,
            occurred_at__date__lte=end,
        )
        .values("sector")
        .annotate(
            accidents=Count("pk", distinct=True),
            people=Count("victims"),
            deaths=Count("victims", filter=Q(victims__severity=severity.FATAL)),
            serious=Count("victims", filter=Q(victims__severity=severity.SERIOUS)),
            minor=Count("victims", filter=Q(victims__severity=severity.MINOR)),
        )
        .order_by("sector")
    )
    found = {row["sector"]: {**row, "victims": row["people"]} for row in rows}
    result = {}
    for sector, _label in SECTORS:
        row = found.get(sector)
        result[str(sector)] = (
            {key: row[key] for key in _zero_counts()} if row is not None else _zero_counts()
        )
    return result


def _commuting(commune: AdministrativeUnit, start: date, end: date) -> int:
    return (
        Accident.objects.counted()
        .filter(
            sector=Accident.Sector.EMPLOYED,
            enterprise__commune=commune,
            commuting=True,
            occurred_at__date__gte=start,
            occurred_at__date__lte=end,
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


# ------------------------------------------------------------------------------
# The narrative's starting text
# ------------------------------------------------------------------------------
def _list_names(names: list[str], limit: int = 4) -> str:
    shown = "; ".join(names[:limit])
    if len(names) > limit:
        shown += f" và {len(names) - limit} chỉ tiêu khác"
    return shown


def _indicator_value_text(row: dict) -> str:
    value = _decimal(row.get("ytd"))
    return number(value, row.get("decimals", 1)) if value is not None else DASH


def draft_narrative(report: QuarterlyReport, data: dict) -> dict[str, str]:
    """Vietnamese starting texts for the parts the official writes, derived from the figures.

    They are a starting point: the official edits every one of them before generating."""
    plan_ref = (data.get("plan") or {}).get("reference") or plan_reference(None)
    plan_ref_full = f"{plan_ref} của Ủy ban nhân dân xã"
    words = data["period"]["words"]
    propaganda = data["propaganda"]["totals"]
    inspections = data["inspections"]
    accidents = data["accidents"]["total"]["period"]
    rows = data.get("indicators", [])
    met = [r["name"] for r in rows if r["status"] == IndicatorValue.Status.MET]
    not_met = [r for r in rows if r["status"] == IndicatorValue.Status.NOT_MET]
    insufficient = [
        r["name"]
        for r in rows
        if r["status"] == IndicatorValue.Status.INSUFFICIENT and r["code"] in GOAL_CODE_SET
    ]
    overdue = data.get("assignments", {}).get("overdue", [])
    counts = data.get("assignments", {}).get("counts", {})
    council = report.variant == Variant.COUNCIL

    if report.variant == Variant.ACTION_MONTH:
        introduction = (
            "Thực hiện hướng dẫn của cấp trên về tổ chức Tháng hành động về an toàn, vệ sinh lao "
            f"động năm {report.year} và {plan_ref_full} về triển khai thực hiện {DIRECTIVE}, "
            "Ủy ban nhân dân xã báo cáo kết quả tổ chức Tháng hành động như sau:"
        )
    elif council:
        introduction = (
            "Thực hiện quy định tại khoản 3 Điều 86 Luật An toàn, vệ sinh lao động năm 2015, "
            "Ủy ban nhân dân xã báo cáo Hội đồng nhân dân xã kết quả thực hiện chính sách, pháp "
            f"luật về an toàn, vệ sinh lao động trên địa bàn xã năm {report.year} như sau:"
        )
    else:
        introduction = (
            f"Thực hiện {plan_ref_full} về triển khai thực hiện {DIRECTIVE}, Ủy ban nhân dân xã "
            f"báo cáo kết quả thực hiện {words} như sau:"
        )

    documents = data["leadership"]["documents"]
    leadership = (
        f"Ủy ban nhân dân xã tiếp tục quán triệt, triển khai {plan_ref_full}; phân công nhiệm vụ "
        "cụ thể cho các ban, ngành, đoàn thể, đơn vị và chỉ đạo thực hiện đúng tiến độ."
    )
    if documents:
        leadership += (
            f" Trong kỳ, đã ban hành {number(len(documents))} văn bản chỉ đạo, hướng dẫn, "
            "triển khai (danh sách dưới đây)."
        )

    strengths = []
    if propaganda["activities"]:
        strengths.append(
            "- Công tác thông tin, tuyên truyền được duy trì: "
            f"{number(propaganda['broadcasts'])} tin, bài với {number(propaganda['airings'])} lượt "
            f"phát trên đài truyền thanh; {number(propaganda['sessions'])} buổi tuyên truyền, hội "
            f"nghị, đối thoại với {number(propaganda['participants'])} lượt người tham dự; "
            f"{number(propaganda['banners'])} pa-nô, áp phích, băng rôn."
        )
    if inspections["activities"]:
        strengths.append(
            f"- Tổ chức kiểm tra {number(inspections['establishments_inspected'])} cơ sở, phát "
            f"hiện và yêu cầu khắc phục {number(inspections['violations_found'])} vi phạm."
        )
    if met:
        strengths.append(f"- Các chỉ tiêu đạt: {_list_names(met)}.")
    if not accidents["deaths"]:
        strengths.append("- Trong kỳ không xảy ra tai nạn lao động chết người trên địa bàn xã.")
    due = sum(n for state, n in counts.items() if state != AssignmentState.NOT_DUE)
    if due:
        strengths.append(
            f"- {number(counts.get(AssignmentState.DONE, 0))}/{number(due)} nhiệm vụ đến hạn của "
            "Kế hoạch đã có báo cáo kết quả được chấp nhận."
        )

    shortcomings = []
    for row in not_met:
        shortcomings.append(
            f"- Chỉ tiêu chưa đạt: {row['name']} (thực hiện {_indicator_value_text(row)}; kế "
            f"hoạch {row['target']})."
        )
    if insufficient:
        shortcomings.append(f"- Chưa đủ số liệu để đánh giá chỉ tiêu: {_list_names(insufficient)}.")
    if accidents["accidents"]:
        shortcomings.append(
            f"- Trong kỳ xảy ra {number(accidents['accidents'])} vụ tai nạn lao động làm "
            f"{number(accidents['victims'])} người bị nạn, trong đó {number(accidents['deaths'])} "
            f"người chết, {number(accidents['serious'])} người bị thương nặng."
        )
    if overdue:
        units = sorted({item["unit"] for item in overdue})
        shown = ", ".join(units[:4]) + (
            f" và {len(units) - 4} đơn vị khác" if len(units) > 4 else ""
        )
        shortcomings.append(
            f"- {number(len(overdue))} nhiệm vụ được phân công của Kế hoạch quá hạn chưa có báo "
            f"cáo kết quả ({shown})."
        )

    causes = [
        "- Nguyên nhân khách quan: nhiều người lao động làm việc không theo hợp đồng lao động, "
        "quy mô nhỏ, phân tán, khó theo dõi, quản lý."
    ]
    subjective = []
    if overdue:
        subjective.append("một số đơn vị chưa báo cáo kết quả thực hiện nhiệm vụ đúng hạn")
    if any(r["code"] == Code.EXPOSED_EXAM_COVERAGE for r in not_met):
        subjective.append(
            "một số doanh nghiệp chưa tổ chức khám phát hiện bệnh nghề nghiệp cho người lao động "
            "tiếp xúc yếu tố có hại"
        )
    if any(r["code"] == Code.MONITORED_ENTERPRISES for r in not_met):
        subjective.append("việc quan trắc môi trường lao động tại các cơ sở chưa được quan tâm")
    if accidents["accidents"]:
        subjective.append(
            "ý thức chấp hành quy trình làm việc an toàn của người lao động còn hạn chế"
        )
    causes.append(
        "- Nguyên nhân chủ quan: "
        + (
            "; ".join(subjective)
            if subjective
            else "công tác phối hợp giữa các đơn vị có lúc chưa chặt chẽ"
        )
        + "."
    )

    next_tasks = [
        f"- Tiếp tục triển khai các nhiệm vụ của {plan_ref_full}; theo dõi, đôn đốc các đơn vị "
        "báo cáo kết quả đúng hạn."
    ]
    by_task: dict[str, list[dict]] = {}
    for item in overdue:
        by_task.setdefault(item["task"], []).append(item)
    for task, items in list(by_task.items())[:6]:
        units = [item["unit"] for item in items]
        shown = ", ".join(units[:3]) + (
            f" và {len(units) - 3} đơn vị khác" if len(units) > 3 else ""
        )
        next_tasks.append(
            f"- Hoàn thành nhiệm vụ {task} ({shown}): {_shorten(items[0]['text'], 160)}"
        )
    if len(by_task) > 6:
        next_tasks.append(f"- Hoàn thành {number(len(by_task) - 6)} nhiệm vụ quá hạn khác.")
    if not_met:
        names = [row["name"] for row in not_met]
        next_tasks.append(f"- Tập trung các giải pháp để đạt chỉ tiêu: {_list_names(names)}.")
    if _next_period_has_may(report):
        next_tasks.append(
            "- Xây dựng kế hoạch và tổ chức Tháng hành động về an toàn, vệ sinh lao động (tháng 5)."
        )
    next_tasks.append(
        "- Tiếp nhận, thống kê, báo cáo đầy đủ, kịp thời các vụ tai nạn lao động; tăng cường "
        "kiểm tra, giám sát các cơ sở có nguy cơ cao về tai nạn lao động, bệnh nghề nghiệp."
    )

    addressee = "Hội đồng nhân dân xã" if council else "Thường trực Đảng ủy xã"
    proposals = [
        f"- Đề nghị {addressee} tiếp tục quan tâm lãnh đạo, chỉ đạo công tác an toàn, vệ sinh "
        "lao động trên địa bàn xã.",
        "- Đề nghị cấp trên hỗ trợ tài liệu tuyên truyền, tập huấn nghiệp vụ và kinh phí thực "
        "hiện Kế hoạch.",
    ]
    return {
        "introduction": introduction,
        "leadership": leadership,
        "strengths": "\n".join(strengths)
        or "- Các nhiệm vụ của Kế hoạch được triển khai theo phân công.",
        "shortcomings": "\n".join(shortcomings) or "- Chưa phát hiện hạn chế đáng kể.",
        "causes": "\n".join(causes),
        "next_tasks": "\n".join(next_tasks),
        "proposals": "\n".join(proposals),
    }


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".;") + "."
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;") + f"{DOTS}"


# ------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------
def build_charts(report: QuarterlyReport, data: dict) -> dict[str, str]:
    """The dashboard's SVG charts for the report's period, drawn from the report's figures:
    the fatality-frequency trend with its target, and victims by sector and severity."""
    with translation.override("vi"):
        trend = data.get("trend") or {}
        years = trend.get("years") or []
        quarter = trend.get("quarter") or 0
        title = "Tần suất tai nạn lao động chết người (người chết/1.000 lao động)"
        if years:
            title += f", {years[0]}-{years[-1]}"
        if quarter:
            title += f" (lũy kế đến hết quý {ROMAN[quarter]})"
        values = [_decimal(v) for v in trend.get("values") or []]
        targets = dict(zip(years, [_decimal(v) for v in trend.get("targets") or []], strict=False))
        target_label = (
            "Lộ trình mục tiêu" if trend.get("target_kind") == "path" else "Mục tiêu của năm"
        )
        fatality = charts.line_chart(
            title,
            years,
            [charts.Series("Thực hiện", values)],
            target_path=targets,
            target_label=target_label,
            decimals=3,
            no_data_text="Chưa có số liệu",
            chart_id="report-fatality-trend",
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        )
        sectors = data["accidents"]["sectors"]
        period = data["period"]
        short_labels = {
            str(Accident.Sector.EMPLOYED): "Có quan hệ lao động",
            str(Accident.Sector.INFORMAL): "Không theo HĐLĐ",
        }
        categories, by_severity = [], {key: [] for key, _label, _colour in SEVERITY_SERIES}
        for row in sectors:
            for key, label in (("period", period["short"]), ("previous", period["previous_short"])):
                categories.append(f"{short_labels.get(row['sector'], row['label'])}, {label}")
                for severity, _label, _colour in SEVERITY_SERIES:
                    by_severity[severity].append(row[key].get(severity, 0))
        series = [
            charts.Series(label, by_severity[key], colour) for key, label, colour in SEVERITY_SERIES
        ]
        accidents = charts.bar_chart(
            f"Người bị nạn theo khu vực và mức độ, {period['short']} và cùng kỳ năm trước",
            categories,
            series,
            y_label="người",
            no_data_text="Không có tai nạn lao động",
            chart_id="report-accidents-by-sector",
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        )
    return {"fatality_trend": str(fatality), "accidents_by_sector": str(accidents)}


# ------------------------------------------------------------------------------
# The document's content (shared by the PDF, the .docx and the .xlsx)
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A table cell: ``value`` is what the workbook gets, ``text`` what the page prints."""

    value: int | Decimal | str | None
    text: str
    note: str = ""  # a second line in small print (e.g. the counts behind a rate)


def cell(value: int | Decimal | str | None, decimals: int | None = None) -> Cell:
    if value is None:
        return Cell(None, "")
    if isinstance(value, str):
        return Cell(value, value)
    return Cell(value, number(value, decimals))


@dataclass
class Row:
    cells: list[Cell]
    kind: str = "item"  # item | heading (one cell across the table) | total


@dataclass
class Table:
    name: str  # css hook (``qr-table-<name>``) and what the workbook calls it
    sheet: str  # workbook sheet title ("" = not exported)
    columns: list[str]
    widths: list[int]  # percent of the text width
    rows: list[Row]
    numeric_from: int = 1  # columns from this index are figures (right-aligned)


@dataclass
class Block:
    kind: str  # p | bullet | note | table | chart
    text: str = ""
    table: Table | None = None
    chart: str = ""  # chart name
    caption: str = ""
    svg: SafeString | str = ""

    @property
    def html(self) -> SafeString:
        return keep_together(self.text)


def keep_together(text: str) -> SafeString:
    """Escaped text where references such as "31-CT/TW" or "…/KH-UBND" never break at the slash."""
    return mark_safe(  # every piece is escaped
        re.sub(r"(\S*/\S*)", r'<span class="qr-nowrap">\1</span>', escape(text))
    )


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Part:
    title: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Content:
    introduction: list[Block]
    parts: list[Part]
    closing: str

    def tables(self) -> list[Table]:
        found = []
        for part in self.parts:
            for block in [*part.blocks, *(b for s in part.sections for b in s.blocks)]:
                if block.table is not None:
                    found.append(block.table)
        return found


def _paragraphs(text: str) -> list[Block]:
    """One block per non-empty line; lines starting with "-" or "+" are bullets."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            blocks.append(Block("bullet" if line[0] in "-+" else "p", line))
    return blocks


def _accident_table(data: dict) -> Table:
    period = data["period"]
    accidents = data["accidents"]
    with_ytd = not period["ytd_is_period"]
    columns = [
        "Chỉ tiêu",
        period["short"],
        f"{period['previous_short']} (cùng kỳ)",
        "Tăng (+), giảm (-)",
    ]
    widths = [40, 15, 17, 13] if with_ytd else [46, 18, 20, 16]
    if with_ytd:
        columns.append(period["ytd_short"])
        widths.append(15)
    rows = []
    groups = [
        (f"{index}. {row['label']}", row) for index, row in enumerate(accidents["sectors"], 1)
    ]
    groups.append((f"{len(groups) + 1}. Tổng cộng trên địa bàn xã", None))
    for title, row in groups:
        rows.append(Row([cell(title)], "heading"))
        source = row if row is not None else accidents["total"]
        for key, label, _words in COUNT_FIELDS:
            now, before = source["period"][key], source["previous"][key]
            cells = [cell(label), cell(now), cell(before), Cell(now - before, signed(now - before))]
            if with_ytd:
                cells.append(cell(source["ytd"][key]))
            rows.append(Row(cells, "item" if row is not None else "total"))
    return Table("accidents", "Tai nạn lao động", columns, widths, rows)


def _propaganda_table(data: dict) -> Table:
    columns = [
        "Hình thức",
        "Số hoạt động",
        "Tin, bài",
        "Lượt phát",
        "Pa-nô, áp phích",
        "Buổi",
        "Lượt người tham dự",
    ]
    rows = []
    for line in data["propaganda"]["rows"]:
        rows.append(
            Row(
                [cell(line["label"]), cell(line["activities"])]
                + [cell(line[name]) for name in PROPAGANDA_OUTPUTS]
            )
        )
    totals = data["propaganda"]["totals"]
    rows.append(
        Row(
            [cell("Tổng cộng"), cell(totals["activities"])]
            + [cell(totals[name]) for name in PROPAGANDA_OUTPUTS],
            "total",
        )
    )
    return Table("propaganda", "Tuyên truyền", columns, [30, 11, 10, 11, 12, 9, 17], rows)


def _budget_table(data: dict) -> Table:
    budget = data["budget"]
    columns = [
        "TT",
        "Nội dung",
        "Nguồn kinh phí",
        "Dự toán (đồng)",
        "Đã thực hiện (đồng)",
        "Tỷ lệ (%)",
    ]

    def rate(spent: int, allocated: int) -> Cell:
        if not allocated:
            return Cell(None, DASH)
        value = (Decimal(spent) * 100 / allocated).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Cell(value, number(value, 1))

    rows = [
        Row(
            [
                cell(str(index)),
                cell(line["purpose"]),
                cell(line["source"]),
                cell(line["allocated"]),
                cell(line["spent"]),
                rate(line["spent"], line["allocated"]),
            ]
        )
        for index, line in enumerate(budget["lines"], 1)
    ]
    rows.append(
        Row(
            [
                cell(""),
                cell("Tổng cộng"),
                cell(""),
                cell(budget["allocated"]),
                cell(budget["spent"]),
                rate(budget["spent"], budget["allocated"]),
            ],
            "total",
        )
    )
    return Table("budget", "Kinh phí", columns, [6, 34, 18, 15, 16, 11], rows, numeric_from=3)


def _indicator_table(data: dict) -> Table:
    period = data["period"]
    ytd = "Lũy kế năm" if period["ytd_is_period"] else period["ytd_short"]
    columns = [
        "Chỉ tiêu",
        "Kế hoạch",
        "Thực hiện trong kỳ",
        ytd,
        "% so kế hoạch",
        f"Cùng kỳ năm {data['year'] - 1}",
        "Đánh giá",
    ]
    rows = []
    for line in data["indicators"]:
        decimals = line.get("decimals", 1)
        value = _decimal(line.get("ytd"))
        ytd_text = number(value, decimals) if value is not None else DASH
        notes = [f"({line['ytd_counts']})"] if line.get("ytd_counts") else []
        if line.get("provisional"):
            notes.append("(tạm tính)")
        percent = _decimal(line.get("percent"))
        previous = _decimal(line.get("previous"))
        period_value = line.get("period")
        rows.append(
            Row(
                [
                    cell(line["name"]),
                    cell(line.get("target") or DASH),
                    Cell(period_value, number(period_value, 0))
                    if period_value is not None
                    else Cell(None, DASH),
                    Cell(value, ytd_text, " ".join(notes)),
                    Cell(percent, number(percent, 1)) if percent is not None else Cell(None, DASH),
                    Cell(previous, number(previous, decimals))
                    if previous is not None
                    else Cell(None, DASH),
                    cell(line.get("assessment") or DASH),
                ]
            )
        )
    return Table(
        "indicators", "Chỉ tiêu", columns, [27, 17, 9, 14, 9, 10, 14], rows, numeric_from=2
    )


def _sentence_health(data: dict) -> list[Block]:
    health = data["health"]
    exams, monitoring, training = health["exams"], health["monitoring"], health["training"]
    blocks = []
    if exams["rounds"]:
        text = (
            f"- Khám phát hiện bệnh nghề nghiệp: {number(exams['rounds'])} đợt khám tại "
            f"{number(exams['enterprises'])} cơ sở, {number(exams['workers_examined'])} người lao "
            f"động được khám; phát hiện {number(exams['suspected'])} trường hợp nghi mắc bệnh "
            "nghề nghiệp"
        )
    else:
        text = "- Khám phát hiện bệnh nghề nghiệp: trong kỳ chưa có đợt khám được báo cáo"
    text += f"; {number(health['cases_confirmed'])} trường hợp được chẩn đoán mắc bệnh nghề nghiệp."
    blocks.append(Block("bullet", text))
    if monitoring["records"]:
        blocks.append(
            Block(
                "bullet",
                f"- Quan trắc môi trường lao động: {number(monitoring['enterprises'])} cơ sở thực "
                f"hiện quan trắc ({number(monitoring['records'])} kết quả quan trắc), "
                f"{number(monitoring['workers_exposed'])} người lao động tiếp xúc yếu tố có hại.",
            )
        )
    else:
        blocks.append(
            Block("bullet", "- Quan trắc môi trường lao động: trong kỳ chưa có kết quả quan trắc.")
        )
    if training["activities"]:
        blocks.append(
            Block(
                "bullet",
                f"- Huấn luyện an toàn, vệ sinh lao động: {number(training['sessions'])} lớp, buổi "
                f"với {number(training['participants'])} lượt người tham dự, "
                f"{number(training['workers_trained'])} người lao động được huấn luyện.",
            )
        )
    else:
        blocks.append(
            Block("bullet", "- Huấn luyện an toàn, vệ sinh lao động: trong kỳ chưa tổ chức.")
        )
    return blocks


def _results_sections(report: QuarterlyReport, data: dict, narrative: dict) -> list[Section]:
    """Part I, in the order of DOMAIN §8.2 (the Action Month report puts its activities first)."""
    leadership = Section("Công tác lãnh đạo, chỉ đạo, ban hành văn bản")
    leadership.blocks += _paragraphs(narrative["leadership"])
    for document in data["leadership"]["documents"]:
        day = date.fromisoformat(document["date"])
        leadership.blocks.append(
            Block(
                "bullet",
                f"- Ngày {_date_short(day)}, {document['unit']}: "
                f"{document['title'].rstrip(' .;')}.",
            )
        )

    totals = data["propaganda"]["totals"]
    propaganda = Section("Công tác thông tin, tuyên truyền")
    propaganda.blocks.append(
        Block(
            "p",
            f"Trong kỳ, các đơn vị tổ chức {number(totals['activities'])} hoạt động tuyên truyền: "
            f"{number(totals['broadcasts'])} tin, bài với {number(totals['airings'])} lượt phát "
            f"trên đài truyền thanh xã; {number(totals['sessions'])} buổi hội nghị, tuyên truyền, "
            f"đối thoại với {number(totals['participants'])} lượt người tham dự; "
            f"{number(totals['banners'])} pa-nô, áp phích, băng rôn. Cụ thể:",
        )
    )
    propaganda.blocks.append(Block("table", table=_propaganda_table(data)))

    inspections = data["inspections"]
    inspection = Section("Công tác kiểm tra, giám sát")
    if inspections["activities"]:
        text = (
            f"Tổ chức {number(inspections['activities'])} đợt kiểm tra tại "
            f"{number(inspections['establishments_inspected'])} cơ sở, phát hiện "
            f"{number(inspections['violations_found'])} vi phạm về an toàn, vệ sinh lao động và "
            "kiến nghị khắc phục."
        )
    else:
        text = "Trong kỳ chưa tổ chức kiểm tra về an toàn, vệ sinh lao động."
    inspection.blocks.append(Block("p", text))

    accidents = data["accidents"]
    total = accidents["total"]["period"]
    accident = Section("Tình hình tai nạn lao động")
    if total["accidents"]:
        text = (
            f"Trong kỳ, trên địa bàn xã xảy ra {number(total['accidents'])} vụ tai nạn lao động "
            f"làm {number(total['victims'])} người bị nạn, trong đó {number(total['deaths'])} "
            f"người chết, {number(total['serious'])} người bị thương nặng. Số liệu theo khu vực, "
            "so với cùng kỳ năm trước:"
        )
    else:
        text = (
            "Trong kỳ, trên địa bàn xã không xảy ra tai nạn lao động được khai báo. Số liệu theo "
            "khu vực, so với cùng kỳ năm trước:"
        )
    accident.blocks.append(Block("p", text))
    accident.blocks.append(Block("table", table=_accident_table(data)))
    for row in accidents["sectors"]:
        if row.get("previous_source"):
            accident.blocks.append(
                Block(
                    "note",
                    f"Số liệu cùng kỳ khu vực {row['label'][0].lower()}{row['label'][1:]} theo "
                    f"{row['previous_source']} (trước khi có Cổng ATVSLĐ).",
                )
            )
    if accidents.get("commuting"):
        accident.blocks.append(
            Block(
                "note",
                f"Ngoài ra có {number(accidents['commuting'])} vụ tai nạn trên đường đi, về nơi "
                "làm việc của người lao động các doanh nghiệp, không tính vào bảng trên.",
            )
        )
    for revision in accidents.get("revisions") or []:
        accident.blocks.append(Block("p", revision["text"]))
    accident.blocks.append(
        Block(
            "chart",
            chart="accidents_by_sector",
            caption="Biểu đồ 1. Người bị nạn theo khu vực và mức độ",
        )
    )

    health = Section("Khám phát hiện bệnh nghề nghiệp, quan trắc môi trường lao động, huấn luyện")
    health.blocks += _sentence_health(data)

    budget = Section(f"Kinh phí thực hiện Kế hoạch năm {data['budget']['year']}")
    if data["budget"]["lines"]:
        budget.blocks.append(Block("table", table=_budget_table(data)))
    else:
        budget.blocks.append(Block("p", "Chưa có dòng kinh phí nào của Kế hoạch cho năm này."))

    indicators = Section("Kết quả thực hiện các chỉ tiêu")
    indicators.blocks.append(Block("table", table=_indicator_table(data)))
    note = (
        "Chỉ tiêu được tính từ dữ liệu trên Cổng ATVSLĐ; số trong ngoặc là tử số/mẫu số của tỷ lệ; "
        "\u201ctạm tính\u201d: một phần số liệu lấy từ nguồn thay thế."
    )
    if data.get("indicators_computed_at"):
        computed = timezone.localtime(datetime.fromisoformat(data["indicators_computed_at"]))
        note += f" Số liệu cập nhật lúc {computed:%H:%M} ngày {computed:%d/%m/%Y}."
    indicators.blocks.append(Block("note", note))
    indicators.blocks.append(
        Block(
            "chart",
            chart="fatality_trend",
            caption="Biểu đồ 2. Tần suất tai nạn lao động chết người so với mục tiêu",
        )
    )

    order = [leadership, propaganda, inspection, accident, health, budget, indicators]
    if report.variant == Variant.ACTION_MONTH:
        order = [propaganda, inspection, leadership, accident, health, budget, indicators]
    for index, section in enumerate(order, 1):
        section.title = f"{index}. {section.title}"
    return order


def _closing(report: QuarterlyReport, data: dict) -> str:
    name = data["commune"]["name"]
    if report.variant == Variant.COUNCIL:
        return f"Ủy ban nhân dân xã {name} kính báo cáo Hội đồng nhân dân xã./."
    if report.variant == Variant.ACTION_MONTH:
        return (
            "Trên đây là báo cáo kết quả tổ chức Tháng hành động về an toàn, vệ sinh lao động năm "
            f"{report.year} của Ủy ban nhân dân xã {name}./."
        )
    return (
        "Trên đây là báo cáo kết quả thực hiện công tác an toàn, vệ sinh lao động "
        f"{data['period']['words']} của Ủy ban nhân dân xã {name}./."
    )


def document_content(report: QuarterlyReport, data: dict) -> Content:
    """The report as parts, sections, paragraphs and tables, from the figures and the report's
    narrative (the drafted text where the official left a part empty)."""
    drafted: dict[str, str] | None = None
    narrative = {}
    for name in QuarterlyReport.NARRATIVE_FIELDS:
        text = (getattr(report, name, "") or "").strip()
        if not text:
            drafted = drafted or draft_narrative(report, data)
            text = drafted[name]
        narrative[name] = text
    parts = [
        Part("I. KẾT QUẢ THỰC HIỆN", sections=_results_sections(report, data, narrative)),
        Part(
            "II. ĐÁNH GIÁ CHUNG",
            sections=[
                Section("1. Ưu điểm", _paragraphs(narrative["strengths"])),
                Section("2. Hạn chế, tồn tại", _paragraphs(narrative["shortcomings"])),
                Section("3. Nguyên nhân", _paragraphs(narrative["causes"])),
            ],
        ),
        Part(
            f"III. NHIỆM VỤ, GIẢI PHÁP {_next_period_title(report)}",
            blocks=_paragraphs(narrative["next_tasks"]),
        ),
        Part("IV. ĐỀ XUẤT, KIẾN NGHỊ", blocks=_paragraphs(narrative["proposals"])),
    ]
    return Content(_paragraphs(narrative["introduction"]), parts, _closing(report, data))


def recipients(report: QuarterlyReport) -> list[str]:
    """The Nơi nhận lines without their leading "-" and closing ";" or "." (the frame adds
    them: ";" after each line, "." after the last)."""
    lines = []
    for line in (report.recipients or "").splitlines():
        line = line.strip().lstrip("-").strip().rstrip(";.").strip()
        if line:
            lines.append(line)
    return lines


def signer_lines(report: QuarterlyReport) -> list[str]:
    """``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` (upper case)."""
    return [
        line.upper()
        for line in (report.signer_authority, report.signer_deputy, report.signer_title)
        if line and line.strip()
    ]


# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
PDF_FONT = 'font-family="Liberation Serif, serif"'


def _pdf_svg(svg: str) -> SafeString:
    """A chart for the PDF: the vendored serif font instead of the dashboard's sans-serif (the
    PDF embeds only vendored fonts, whatever the server has installed)."""
    return mark_safe(svg.replace(f'font-family="{charts.FONT}"', PDF_FONT))  # our own markup


def qr_svg(url: str) -> SafeString:
    """The verification URL as an inline SVG QR code (scaled by CSS through its viewBox)."""
    import segno

    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True))  # segno's own markup


def pdf_context(
    report: QuarterlyReport,
    data: dict,
    *,
    charts: dict[str, str] | None = None,
    final: bool = False,
    verify_url: str | None = None,
) -> dict[str, Any]:
    content = document_content(report, data)
    charts = charts or {}
    for part in content.parts:
        for block in [*part.blocks, *(b for s in part.sections for b in s.blocks)]:
            if block.kind == "chart":
                block.svg = _pdf_svg(charts.get(block.chart, ""))
    commune = data["commune"]
    signer = signer_lines(report)
    authority, title = "\n".join(signer[:-1]), (signer[-1] if signer else "")
    return {
        "report": report,
        "data": data,
        "content": content,
        "final": final,
        "draft": not final,
        "verify_url": verify_url or "",
        "qr": qr_svg(verify_url) if final and verify_url else "",
        "year": str(report.year),
        "commune_name": commune["name"],
        "doc": {
            "issuing_body": f"{commune['issuing_body']}\n{commune['body_name']}",
            "symbol": report.symbol,
            "number": report.number_text if final and report.number else "",
            "place": report.place or commune["name"],
            "issued_on": report.signed_on if final else None,
            "doc_type": report.title or "BÁO CÁO",
            "summary": keep_together(report.summary),
            "recipients": recipients(report),
            "signer_authority": authority,
            "signer_position": title,
            "signer_name": report.signer_name,
        },
    }


def render_report_pdf(
    report: QuarterlyReport,
    data: dict,
    *,
    charts: dict[str, str],
    final: bool = False,
    verify_url: str | None = None,
) -> bytes:
    """The report on the Decree 30 frame: a draft prints "DỰ THẢO" and no number or date; the
    final document prints its number, signing date and a QR code of ``verify_url``."""
    context = pdf_context(report, data, charts=charts, final=final, verify_url=verify_url)
    return render_pdf(PDF_TEMPLATES[report.variant], context)


def pdf_filename(report: QuarterlyReport, ext: str = "pdf") -> str:
    """``bao-cao-atvsld-q3-2026.pdf``; an issued report adds its number (``-so-05``)."""
    stem = FILENAME_STEMS[report.variant].format(quarter=report.quarter, year=report.year)
    if report.number:
        stem += f"-so-{report.number:02d}"
    return f"{stem}.{ext}"


# ------------------------------------------------------------------------------
# .docx and .xlsx
# ------------------------------------------------------------------------------
def _export_data(report: QuarterlyReport) -> dict:
    """The figures an export shows: those of the PDF once it exists (frozen once issued), else
    the figures as they are now."""
    if report.status in {QuarterlyReport.Status.READY, QuarterlyReport.Status.ISSUED} and (
        report.data or {}
    ).get("version"):
        return report.data
    return build_report_data(report)


def _docx_set_cell_margins_none(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _docx_row_flags(row, *, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def _docx_page_number(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _docx_paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    underline: bool = False,
    space_after: float = 0,
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def _docx_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    text_width = 165  # mm: A4 minus the 30 mm and 15 mm margins
    widths = [Mm(text_width * w / 100) for w in table.widths]
    header = grid.rows[0]
    _docx_row_flags(header, header=True)
    for index, (target, label) in enumerate(zip(header.cells, table.columns, strict=True)):
        target.width = widths[index]
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(label)
        run.bold = True
        run.font.size = Pt(11)
    for row in table.rows:
        cells = grid.add_row().cells
        _docx_row_flags(grid.rows[-1])
        if row.kind == "heading":
            merged = cells[0].merge(cells[-1])
            run = merged.paragraphs[0].add_run(row.cells[0].text)
            run.bold = True
            run.font.size = Pt(11)
            continue
        for index, (target, value) in enumerate(zip(cells, row.cells, strict=True)):
            target.width = widths[index]
            paragraph = target.paragraphs[0]
            if index >= table.numeric_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(value.text + (f"\n{value.note}" if value.note else ""))
            run.bold = row.kind == "total"
            run.font.size = Pt(11)


def _docx_blocks(document, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind in {"p", "bullet"}:
            _docx_paragraph(document, block.text, indent=True, space_after=6)
        elif block.kind == "note":
            _docx_paragraph(document, block.text, italic=True, size=11, indent=True, space_after=6)
        elif block.kind == "table" and block.table is not None:
            _docx_table(document, block.table)
            _docx_paragraph(document, space_after=3)
        # Charts are in the PDF only: Word does not draw SVG reliably.


def report_docx(report: QuarterlyReport) -> bytes:
    """The whole report as an editable Word document (A4, Decree 30 margins and layout): offices
    often retouch it before signing; the issued PDF stays the record."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    data = _export_data(report)
    content = document_content(report, data)
    final = report.is_issued
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    # Page numbers centred at the top from page 2 (Decree 30).
    section.different_first_page_header_footer = True
    number_line = section.header.paragraphs[0]
    number_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_page_number(number_line)

    if not final:
        _docx_paragraph(document, "DỰ THẢO", bold=True, align="right", space_after=6)
    header = document.add_table(rows=2, cols=2)
    _docx_set_cell_margins_none(header)
    widths = (Mm(62), Mm(103))
    for row in header.rows:
        for target, width in zip(row.cells, widths, strict=True):
            target.width = width
    left, right = header.rows[0].cells
    commune = data["commune"]
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = left.paragraphs[0].add_run(commune["issuing_body"])
    run.bold = True
    run.font.size = Pt(12.5)
    _docx_paragraph(left, commune["body_name"], bold=True, size=12.5, align="center")
    _docx_paragraph(left, "\u00a0" * 14, underline=True, size=8, align="center")
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold = True
    run.font.size = Pt(12.5)
    _docx_paragraph(
        right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5, align="center", underline=True
    )
    left, right = header.rows[1].cells
    number_text = report.number_text if final else f"{' ' * 5}/{report.symbol}"
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].add_run(f"Số: {number_text}")
    place = report.place or commune["name"]
    place_date = (
        f"{place}, {document_date(report.signed_on)}"
        if final and report.signed_on
        else f"{place}, ngày {DOTS} tháng {DOTS} năm {report.year}"
    )
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(place_date).italic = True

    _docx_paragraph(document, space_after=6)
    _docx_paragraph(document, report.title or "BÁO CÁO", bold=True, size=14, align="center")
    _docx_paragraph(document, report.summary, bold=True, size=14, align="center", space_after=12)
    if report.variant == Variant.COUNCIL:
        _docx_paragraph(
            document,
            f"Kính gửi: Hội đồng nhân dân xã {commune['name']}",
            align="center",
            space_after=6,
        )
    _docx_blocks(document, content.introduction)
    for part in content.parts:
        _docx_paragraph(document, part.title, bold=True, indent=True, space_after=6)
        _docx_blocks(document, part.blocks)
        for section_ in part.sections:
            _docx_paragraph(document, section_.title, bold=True, indent=True, space_after=6)
            _docx_blocks(document, section_.blocks)
    _docx_paragraph(document, content.closing, indent=True, space_after=12)

    footer = document.add_table(rows=1, cols=2)
    _docx_set_cell_margins_none(footer)
    left, right = footer.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    lines = recipients(report)
    for index, line in enumerate(lines):
        end = "." if index == len(lines) - 1 else ";"
        _docx_paragraph(left, f"- {line}{end}", size=11, align="left")
    signer = signer_lines(report)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if signer:
        right.paragraphs[0].add_run(signer[0]).bold = True
    for line in signer[1:]:
        _docx_paragraph(right, line, bold=True, align="center")
    for _blank in range(4):
        _docx_paragraph(right, align="center")
    _docx_paragraph(right, report.signer_name, bold=True, align="center")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: QuarterlyReport) -> bytes:
    """The report's tables (accidents, indicators, propaganda, budget) as sheets of figures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    data = _export_data(report)
    content = document_content(report, data)
    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    order = {"accidents": 0, "indicators": 1, "propaganda": 2, "budget": 3}
    tables = sorted(
        (t for t in content.tables() if t.sheet), key=lambda t: order.get(t.name, len(order))
    )
    number_text = report.number_text if report.is_issued else "Dự thảo"
    for table in tables:
        sheet = workbook.create_sheet(title=table.sheet[:31])
        sheet.append([neutralise(f"{report.title} số {number_text}: {report.summary}")])
        sheet.append([neutralise(f"Xã {data['commune']['name']}, {data['period']['words']}")])
        sheet.append([])
        sheet.append([neutralise(label) for label in table.columns])
        for target in sheet[sheet.max_row]:
            target.font = Font(bold=True)
            target.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            target.border = grid
        for row in table.rows:
            if row.kind == "heading":
                sheet.append([neutralise(row.cells[0].text)])
                sheet[sheet.max_row][0].font = Font(bold=True)
                continue
            sheet.append([neutralise(c.value) for c in row.cells])
            for target in sheet[sheet.max_row]:
                target.border = grid
                target.alignment = wrap
                if row.kind == "total":
                    target.font = Font(bold=True)
                if isinstance(target.value, int):
                    target.number_format = "#,##0"
                elif isinstance(target.value, Decimal):
                    decimals = max(-target.value.as_tuple().exponent, 0)
                    target.number_format = "0." + "0" * decimals if decimals else "0"
        sheet.column_dimensions["A"].width = 50 if table.name != "budget" else 6
        for index in range(2, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        if table.name == "budget":
            sheet.column_dimensions["B"].width = 45
            sheet.column_dimensions["C"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
