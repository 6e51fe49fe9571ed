"""Reporting demo: the historical aggregates of Ea Ly and Ea Bá for the years before the portal,
typed by the commune officials from the year-end reports of the time (DOMAIN §4).

An aggregate counts only for a year without records of its sector, so its years must come before
the demo's first records. In a real commune that starts on the portal in 2026, the aggregates are
2024 and 2025; the demo, however, already has records from three years back (the annual OSH
reports and monitoring records of ``enterprises.demo``; the accidents of ``incidents.demo`` start
two years back), so an aggregate for those years would be ignored. The demo's aggregates are
therefore the two years before its first records: five and four years back (2021 and 2022 when
loaded in 2026). The first recorded year compares itself with them (fatality frequency year over
year, monitored establishments), and the 3-year rolling view reads them.

Idempotent: one row per commune, year and sector, updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from atvsld_portal.dates import quarter_bounds, quarter_of
from atvsld_portal.models import User
from reporting.models import HistoricalAggregate, QuarterlyReport
from reporting.quarterly import build_report_data
from reporting.report_services import document_settings_for, report_create, report_issue

FIRST_RECORDED_YEARS_BACK = 3  # the oldest annual OSH reports of enterprises.demo
AGGREGATE_YEARS_BACK = (FIRST_RECORDED_YEARS_BACK + 2, FIRST_RECORDED_YEARS_BACK + 1)

EMPLOYED = HistoricalAggregate.Sector.EMPLOYED
INFORMAL = HistoricalAggregate.Sector.INFORMAL


@dataclass(frozen=True)
class DemoAggregate:
    commune: str  # "ealy" or "eaba"
    years_back: int
    sector: str
    document: str  # the report's number; it is dated in January of the next year
    day: int
    accidents: int
    victims: int
    deaths: int
    serious: int
    workforce: int | None = None
    exposed: int | None = None
    examined: int | None = None
    harmful: int | None = None
    monitored: int | None = None


FIVE, FOUR = AGGREGATE_YEARS_BACK
# Before 1 July 2025 the area of Ea Ly was three communes (Ea Lâm, Ea Ly and Ea Bar): the figures
# add up their year-end reports. Ea Ly's fatality frequency is 1/1,180 = 0.847 then
# 1/1,236 = 0.809 (-4.5 %: met); its monitored establishments 16 then 18 (at least 17: met).
# Columns: commune, years back, sector, report number, its day in January of the next year,
# accidents, victims, deaths, seriously injured; then, for the employed sector, workforce N,
# exposed workers, of whom examined, establishments with harmful factors, of which monitored.
AGGREGATES = [
    DemoAggregate(*row)
    for row in [
        ("ealy", FIVE, EMPLOYED, "Báo cáo số 09/BC-UBND", 18, 2, 3, 1, 1, 1180, 520, 401, 24, 16),
        ("ealy", FIVE, INFORMAL, "Báo cáo số 09/BC-UBND", 18, 2, 2, 1, 0),
        ("ealy", FOUR, EMPLOYED, "Báo cáo số 11/BC-UBND", 16, 3, 3, 1, 1, 1236, 548, 436, 25, 18),
        ("ealy", FOUR, INFORMAL, "Báo cáo số 11/BC-UBND", 16, 3, 3, 0, 2),
        ("eaba", FIVE, EMPLOYED, "Báo cáo số 06/BC-UBND", 21, 1, 1, 0, 1, 172, 96, 70, 2, 1),
        ("eaba", FIVE, INFORMAL, "Báo cáo số 06/BC-UBND", 21, 1, 1, 0, 0),
        ("eaba", FOUR, EMPLOYED, "Báo cáo số 05/BC-UBND", 19, 0, 0, 0, 0, 178, 98, 81, 2, 1),
        ("eaba", FOUR, INFORMAL, "Báo cáo số 05/BC-UBND", 19, 0, 0, 0, 0),
    ]
]
ENTERED_BY = {"ealy": "canbo.ealy", "eaba": "canbo.eaba"}


def demo_years(today: date) -> list[int]:
    """Every year the demo has figures for: the aggregates' years up to this year."""
    return list(range(today.year - max(AGGREGATE_YEARS_BACK), today.year + 1))


@transaction.atomic
def load(*, core: dict) -> dict:
    today: date = core["today"]
    users: dict[str, User] = core["users"]
    created = []
    for row in AGGREGATES:
        year = today.year - row.years_back
        by = users[ENTERED_BY[row.commune]]
        aggregate = HistoricalAggregate.objects.filter(
            commune=core[row.commune], year=year, sector=row.sector
        ).first() or HistoricalAggregate(commune=core[row.commune], year=year, sector=row.sector)
        values = {
            "accidents": row.accidents,
            "victims": row.victims,
            "deaths": row.deaths,
            "serious": row.serious,
            "workforce": row.workforce,
            "exposed": row.exposed,
            "examined": row.examined,
            "harmful_establishments": row.harmful,
            "monitored_establishments": row.monitored,
            "source_document": row.document,
            "source_date": date(year + 1, 1, row.day),
            "entered_by": by,
        }
        if aggregate.pk is None or any(getattr(aggregate, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(aggregate, name, value)
            aggregate._history_user = by
            aggregate.full_clean()
            aggregate.save()
        created.append(aggregate)
    return {"historical_aggregates": created}


def _ended_quarters(today: date, count: int) -> list[tuple[int, int]]:
    """The last ``count`` quarters that have ended, oldest first."""
    year, quarter = today.year, quarter_of(today)
    ended = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        ended.append((year, quarter))
    return list(reversed(ended))


def _as_generated(report: QuarterlyReport) -> QuarterlyReport:
    """The report as the generation job leaves it (its figures, ready to issue, one history row),
    without laying out the draft PDF: issuing lays out the final PDF at once, and the draft's file
    would be deleted when load_demo commits. (load_demo holds one transaction, so a queued
    generation would only start after it commits.)"""
    report.data = build_report_data(report)
    report.status = QuarterlyReport.Status.READY
    report.progress = 100
    report.progress_step = gettext("Ready")
    report.generated_at = timezone.now()
    report.save()
    return report


def load_reports(*, core: dict) -> dict:
    """Ea Ly's reports to the Party committee: the last two ended quarters issued (numbered,
    signed about ten days after the quarter, with their PDF, hash and QR code) and a draft for
    the current quarter, for lanhdao.ealy to edit, generate and issue after ``make run``.

    Runs after the indicators are computed (the reports read them). Idempotent: an existing
    report of a quarter is kept as it is.
    """
    today: date = core["today"]
    commune = core["ealy"]
    users: dict[str, User] = core["users"]
    leader, official = users["lanhdao.ealy"], users["canbo.ealy"]
    doc = document_settings_for(commune)
    if not doc.signer_name:
        doc.signer_name = leader.get_full_name() or "Y Ben Niê"
        doc.save()
    reports = []
    for year, quarter in _ended_quarters(today, 2):
        report = QuarterlyReport.objects.filter(
            commune=commune, variant=QuarterlyReport.Variant.QUARTERLY, year=year, quarter=quarter
        ).first() or report_create(
            commune=commune,
            variant=QuarterlyReport.Variant.QUARTERLY,
            year=year,
            quarter=quarter,
            by=official,
        )
        if not report.is_issued:
            report = _as_generated(report)
            signed_on = min(quarter_bounds(year, quarter)[1] + timedelta(days=10), today)
            report = report_issue(
                report=report, by=leader, number=20 * quarter + 5, signed_on=signed_on
            )
        reports.append(report)
    year, quarter = today.year, quarter_of(today)
    draft = QuarterlyReport.objects.filter(
        commune=commune, variant=QuarterlyReport.Variant.QUARTERLY, year=year, quarter=quarter
    ).first() or report_create(
        commune=commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=year,
        quarter=quarter,
        by=official,
    )
    reports.append(draft)
    return {"quarterly_reports": reports}
