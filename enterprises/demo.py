"""Demo registry for Ea Ly: about 40 enterprises of a rural Central Highlands commune, three past
years of annual reports and monitoring records (some approved, some pending, some entered from
paper), the current year's period open, and the demo enterprise users' memberships.

Workplace monitoring is taken up year by year (``MONITORED_SINCE``), so the number of monitored
establishments with harmful factors grows; this year's records appear once they are decided.

Idempotent by natural keys (tax code, or name in the commune; enterprise + year for reports).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from atvsld_portal.models import Filing, FilingEvent, ReportingPeriod, User
from enterprises.models import (
    AnnualOshReport,
    Enterprise,
    EnterpriseMember,
    HarmfulFactor,
    MonitoringRecord,
    MonitoringResult,
    OwnershipType,
)
from enterprises.services import (
    activity_section_for,
    annual_report_create_pending,
    annual_report_default_dates,
)
from enterprises.validators import tax_code_check_digit


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    tax_body: str | None  # 9 digits; the check digit is computed (None: no tax code)
    ownership: str  # OwnershipType.code
    activity: str  # VSIC 2025 code
    village: str
    workers: int
    women: int
    harmful: bool
    factors: tuple[str, ...] = ()


EA_LY = [
    DemoEnterprise(
        "Công ty TNHH Chế biến Tinh bột sắn Ea Ly",
        "600123451",
        "2",
        "1062",
        "Thôn Ea Lâm 1",
        185,
        72,
        True,
        ("noise", "dust", "temperature"),
    ),
    DemoEnterprise(
        "Công ty Cổ phần Cao su Sông Hinh - Nông trường Ea Ly",
        "440112233",
        "3",
        "0125",
        "Buôn Ken",
        320,
        140,
        True,
        ("toxic_gas", "temperature"),
    ),
    DemoEnterprise(
        "Công ty TNHH Khai thác Đá Ea Lâm",
        "600234561",
        "2",
        "0810",
        "Thôn Ea Lâm 2",
        46,
        4,
        True,
        ("dust", "noise", "vibration"),
    ),
    DemoEnterprise(
        "Hợp tác xã Gạch ngói Tân Lập",
        "600345671",
        "7",
        "2392",
        "Thôn Tân Lập",
        32,
        11,
        True,
        ("dust", "temperature"),
    ),
    DemoEnterprise(
        "Công ty TNHH Xây dựng Hòa Thuận",
        "600456781",
        "2",
        "4100",
        "Thôn Hòa Thuận",
        58,
        6,
        True,
        ("noise", "dust"),
    ),
    DemoEnterprise(
        "Công ty Cổ phần Thủy điện Ea Krông Hinh",
        "440223344",
        "3",
        "3511",
        "Buôn Chấp",
        24,
        3,
        True,
        ("noise", "emf"),
    ),
    DemoEnterprise(
        "Công ty TNHH Vận tải Ea Ly", "600567891", "2", "4933", "Thôn Tân Lập", 38, 5, False
    ),
    DemoEnterprise(
        "Công ty TNHH Chế biến Gỗ Buôn Ly",
        "600678901",
        "2",
        "1610",
        "Buôn Ly",
        52,
        9,
        True,
        ("noise", "dust"),
    ),
    DemoEnterprise(
        "Doanh nghiệp tư nhân Cơ khí Đức Phát",
        "600789011",
        "5",
        "2592",
        "Thôn Hòa Thuận",
        14,
        1,
        True,
        ("noise", "light"),
    ),
    DemoEnterprise(
        "Công ty TNHH Phân bón Hữu cơ Ea Lâm",
        "600890121",
        "2",
        "2012",
        "Thôn Ea Lâm 2",
        27,
        10,
        True,
        ("toxic_gas", "dust"),
    ),
    DemoEnterprise(
        "Công ty TNHH Nông sản Ea Ly", "600901231", "2", "1079", "Thôn Ea Lâm 1", 40, 22, False
    ),
    DemoEnterprise(
        "Công ty Cổ phần Xây lắp điện Sông Hinh",
        "441012345",
        "3",
        "4221",
        "Thôn Tân Lập",
        35,
        2,
        True,
        ("emf", "noise"),
    ),
    DemoEnterprise(
        "Hợp tác xã Nông nghiệp Dịch vụ Ea Ly", "601123451", "7", "0161", "Buôn Ken", 19, 8, False
    ),
    DemoEnterprise(
        "Công ty TNHH Khai thác Cát sỏi Sông Hinh",
        "601234561",
        "2",
        "0810",
        "Buôn Chấp",
        22,
        1,
        True,
        ("dust", "noise"),
    ),
    DemoEnterprise(
        "Công ty TNHH Xăng dầu Ea Ly",
        "601345671",
        "2",
        "4730",
        "Thôn Hòa Thuận",
        9,
        3,
        True,
        ("toxic_gas",),
    ),
    DemoEnterprise(
        "Công ty TNHH Bê tông Tân Lập",
        "601456781",
        "2",
        "2395",
        "Thôn Tân Lập",
        28,
        2,
        True,
        ("dust", "noise"),
    ),
    DemoEnterprise(
        "Công ty TNHH Dịch vụ Môi trường Ea Ly",
        "601567891",
        "2",
        "3811",
        "Thôn Ea Lâm 1",
        16,
        6,
        True,
        ("toxic_gas",),
    ),
    DemoEnterprise(
        "Công ty TNHH Thương mại Ea Lâm", "601678901", "2", "4632", "Thôn Ea Lâm 2", 11, 5, False
    ),
    DemoEnterprise(
        "Trường Tiểu học Ea Lâm (bếp ăn bán trú)",
        "601789011",
        "9",
        "8520",
        "Thôn Ea Lâm 1",
        8,
        7,
        False,
    ),
    DemoEnterprise(
        "Công ty TNHH Sửa chữa Ô tô Hòa Thuận",
        "601890121",
        "2",
        "4520",
        "Thôn Hòa Thuận",
        12,
        1,
        True,
        ("noise", "toxic_gas"),
    ),
    DemoEnterprise(
        "Nhà nghỉ và Nhà hàng Ea Ly", "601901231", "5", "5510", "Thôn Tân Lập", 10, 6, False
    ),
    DemoEnterprise(
        "Công ty TNHH Lâm nghiệp Buôn Ken",
        "602012341",
        "2",
        "0220",
        "Buôn Ken",
        44,
        8,
        True,
        ("noise", "vibration"),
    ),
    DemoEnterprise(
        "Công ty TNHH Sấy nông sản Buôn Chấp",
        "602123451",
        "2",
        "1030",
        "Buôn Chấp",
        18,
        9,
        True,
        ("temperature", "dust"),
    ),
    DemoEnterprise(
        "Công ty TNHH Nước sạch Ea Ly",
        "602234561",
        "2",
        "3600",
        "Thôn Hòa Thuận",
        13,
        3,
        True,
        ("toxic_gas",),
    ),
    DemoEnterprise(
        "Công ty TNHH Viễn thông Sông Hinh (chi nhánh)",
        "602345671",
        "2",
        "6110",
        "Thôn Tân Lập",
        7,
        2,
        False,
    ),
    DemoEnterprise(
        "Công ty TNHH Chăn nuôi Ea Lâm",
        "602456781",
        "2",
        "0146",
        "Thôn Ea Lâm 2",
        25,
        10,
        True,
        ("toxic_gas", "temperature"),
    ),
    DemoEnterprise(
        "Công ty TNHH May mặc Ea Ly",
        "602567891",
        "2",
        "1410",
        "Thôn Ea Lâm 1",
        95,
        82,
        True,
        ("dust", "light", "noise"),
    ),
    DemoEnterprise(
        "Công ty TNHH Điện mặt trời Ea Bar",
        "602678901",
        "2",
        "3511",
        "Buôn Ly",
        6,
        0,
        True,
        ("emf",),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Lò gạch thủ công Y Bhiu",
        None,
        "8",
        "2392",
        "Buôn Ly",
        7,
        2,
        True,
        ("dust", "temperature"),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Xưởng cưa Buôn Ken",
        None,
        "8",
        "1610",
        "Buôn Ken",
        5,
        0,
        True,
        ("noise", "dust"),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Tạp hóa Thu Hằng", None, "8", "4711", "Thôn Tân Lập", 2, 2, False
    ),
    DemoEnterprise(
        "Hộ kinh doanh Sửa chữa xe máy Minh Tuấn",
        None,
        "8",
        "9524",
        "Thôn Hòa Thuận",
        3,
        0,
        True,
        ("noise",),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Xay xát Ea Lâm",
        None,
        "8",
        "1061",
        "Thôn Ea Lâm 2",
        4,
        1,
        True,
        ("dust", "noise"),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Hàn tiện Buôn Chấp",
        None,
        "8",
        "2592",
        "Buôn Chấp",
        3,
        0,
        True,
        ("light", "toxic_gas"),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Vật liệu xây dựng Hòa Thuận",
        "054187001234",
        "8",
        "4752",
        "Thôn Hòa Thuận",
        6,
        2,
        False,
    ),
    DemoEnterprise(
        "Hộ kinh doanh Cà phê Buôn Ly", "054190004321", "8", "5630", "Buôn Ly", 4, 3, False
    ),
    DemoEnterprise(
        "Công ty TNHH Phân phối Vật tư Nông nghiệp Ea Ly",
        "602789011",
        "2",
        "4620",
        "Thôn Ea Lâm 1",
        15,
        4,
        True,
        ("toxic_gas",),
    ),
    DemoEnterprise(
        "Công ty TNHH Đá Granite Sông Hinh",
        "602890121",
        "2",
        "2396",
        "Thôn Ea Lâm 2",
        33,
        3,
        True,
        ("dust", "noise", "vibration"),
    ),
    DemoEnterprise(
        "Hợp tác xã Vận tải Ea Lâm", "602901231", "7", "4933", "Thôn Ea Lâm 2", 21, 2, False
    ),
    DemoEnterprise(
        "Công ty TNHH Tư vấn Xây dựng Tân Lập (đã giải thể)",
        "603012341",
        "2",
        "7110",
        "Thôn Tân Lập",
        0,
        0,
        False,
    ),
]

EA_BA = [
    DemoEnterprise(
        "Công ty TNHH Khai thác Khoáng sản Ea Bá",
        "603123451",
        "2",
        "0810",
        "Buôn Bá",
        36,
        2,
        True,
        ("dust", "noise"),
    ),
    DemoEnterprise(
        "Công ty Cổ phần Mía đường Ea Bá",
        "440334455",
        "3",
        "1072",
        "Thôn Hai Riêng",
        140,
        45,
        True,
        ("noise", "temperature"),
    ),
    DemoEnterprise(
        "Hộ kinh doanh Xưởng mộc Buôn Trinh",
        None,
        "8",
        "1622",
        "Buôn Trinh",
        4,
        0,
        True,
        ("dust", "noise"),
    ),
]

CLOSED = {"Công ty TNHH Tư vấn Xây dựng Tân Lập (đã giải thể)"}
MEMBERSHIPS = {
    "dn.ealy1": ["Công ty TNHH Khai thác Đá Ea Lâm", "Công ty TNHH Chế biến Gỗ Buôn Ly"],
    "dn.ealy2": ["Công ty TNHH Chế biến Tinh bột sắn Ea Ly"],
}
# Workplace monitoring (quan trắc môi trường lao động) by year: years back from this year of the
# first monitored year (every demo year when not listed). In Ea Ly the count stays flat two years
# ago, then grows (the +5 % goal, DOMAIN §4.3); small households never monitor.
MONITORED_SINCE = {
    "Công ty TNHH Sửa chữa Ô tô Hòa Thuận": 1,
    "Công ty TNHH Phân phối Vật tư Nông nghiệp Ea Ly": 1,
    "Hộ kinh doanh Lò gạch thủ công Y Bhiu": 0,
    "Công ty TNHH Điện mặt trời Ea Bar": 0,
    "Công ty TNHH Khai thác Khoáng sản Ea Bá": 1,
}
NEVER_MONITORED = {
    "Hộ kinh doanh Xưởng cưa Buôn Ken",
    "Hộ kinh doanh Sửa chữa xe máy Minh Tuấn",
    "Hộ kinh doanh Xay xát Ea Lâm",
    "Hộ kinh doanh Hàn tiện Buôn Chấp",
    "Hộ kinh doanh Xưởng mộc Buôn Trinh",
}
LIMITS = {
    "noise": ("85", "dBA"),
    "dust": ("4", "mg/m³"),
    "temperature": ("34", "°C"),
    "vibration": ("1,4", "m/s²"),
    "toxic_gas": ("—", "mg/m³"),
    "light": ("300", "lux"),
    "emf": ("5", "kV/m"),
}


def tax_code(body: str | None) -> str | None:
    if body is None or len(body) == 12:
        return body
    digit = tax_code_check_digit(body)
    if digit is None:  # such bodies are never issued: nudge the demo body
        body = body[:8] + str((int(body[8]) + 1) % 10)
        digit = tax_code_check_digit(body)
    return f"{body}{digit}"


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _event(
    filing: Filing, from_status: str, to_status: str, by: User, at: datetime, note: str = ""
) -> None:
    FilingEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(filing)),
        object_id=filing.pk,
        from_status=from_status,
        to_status=to_status,
        by=by,
        at=at,
        note=note,
    )


def _enterprises(commune, villages, rows, by) -> dict[str, Enterprise]:
    ownership = {o.code: o for o in OwnershipType.objects.all()}
    created = {}
    for row in rows:
        code = tax_code(row.tax_body)
        lookup = {"tax_code": code} if code else {"commune": commune, "name": row.name}
        defaults = {
            "commune": commune,
            "name": row.name,
            "ownership_type": ownership[row.ownership],
            "activity_version": "2025",
            "activity_code": row.activity,
            "activity_section": activity_section_for(version="2025", code=row.activity),
            "village": villages.get(row.village),
            "address": f"Tổ {len(row.name) % 6 + 1}",
            "workforce_total": row.workers,
            "workforce_women": row.women,
            "has_harmful_factors": row.harmful,
            "legal_representative": "",
            "status": Enterprise.Status.CLOSED if row.name in CLOSED else Enterprise.Status.ACTIVE,
            "needs_verification": code is None,
        }
        enterprise = Enterprise.objects.filter(**lookup).first() or Enterprise(**lookup)
        for name, value in defaults.items():
            setattr(enterprise, name, value)
        enterprise._history_user = by
        enterprise.save()
        created[row.name] = enterprise
    return created


def _period(commune, year: int) -> ReportingPeriod:
    opens, due, closes = annual_report_default_dates(year, ReportingPeriod.Part.YEAR)
    period, _created = ReportingPeriod.objects.update_or_create(
        commune=commune,
        kind="annual_osh_report",
        year=year,
        part=ReportingPeriod.Part.YEAR,
        defaults={
            "opens_on": opens,
            "due_on": due,
            "closes_on": closes,
            "opened_at": _aware(opens),
        },
    )
    return period


def _figures(row: DemoEnterprise, year: int, rng: random.Random) -> dict:
    workers = max(row.workers + rng.randint(-3, 3), row.women, 0) if row.workers else 0
    exposed = round(workers * rng.uniform(0.3, 0.8)) if row.harmful else 0
    accidents = 1 if row.harmful and rng.random() < 0.15 else 0
    return {
        "workers_total": workers,
        "workers_women": min(row.women, workers),
        "workers_osh_staff": 1 if workers >= 10 else 0,
        "workers_hazardous": exposed,
        "workers_exposed": exposed,
        "workers_exposed_examined": round(exposed * rng.uniform(0.7, 1.0)),
        "accidents": accidents,
        "accident_victims": accidents,
        "accident_days_off": accidents * rng.randint(5, 40),
        "accident_cost": accidents * rng.randint(5, 60) * 1_000_000,
        "health_class_1": round(workers * 0.5),
        "health_class_2": workers - round(workers * 0.5),
        "training_g4_trained": workers,
        "training_g4_total": workers,
        "training_cost": workers * 150_000,
        "cost_ppe": workers * 300_000,
        "risk_assessment_month": 3,
        "risk_assessment_year": year,
        "hazards_identified": len(row.factors),
        "hazards_improved": max(len(row.factors) - 1, 0),
    }


def _monitoring(enterprise, row, year, by, rng, factors, *, today: date) -> None:
    if not row.factors or row.name in NEVER_MONITORED:
        return
    if year < today.year - MONITORED_SINCE.get(row.name, 3):
        return
    # Each establishment samples in its own month (March to September); the results are
    # published, filed and approved within 40 days, and never after yesterday.
    start = date(year, 3 + len(row.name) % 7, 10 + rng.randint(0, 10))
    decided = start + timedelta(days=40)
    if decided >= today:
        return
    record, created = MonitoringRecord.objects.get_or_create(
        enterprise=enterprise,
        year=year,
        round=1,
        defaults={
            "sampled_from": start,
            "sampled_to": start + timedelta(days=1),
            "organisation": "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk",
            "organisation_announcement": "15/CB-SYT, 12/3/2021",
            "workers_exposed": round(row.workers * 0.6),
            "conclusion": "Phần lớn các mẫu đạt giới hạn cho phép.",
            "published_to_workers_on": start + timedelta(days=20),
            "status": Filing.Status.APPROVED,
            "submitted_at": _aware(start + timedelta(days=25), 10),
            "submitted_by": by,
            "decided_at": _aware(decided, 14),
            "decided_by": by,
            "master_snapshot": enterprise.master_data(),
        },
    )
    if not created:
        return
    for code in row.factors:
        measured = rng.randint(4, 12)
        limit, unit = LIMITS.get(code, ("", ""))
        MonitoringResult.objects.create(
            record=record,
            factor=factors[code],
            location="Khu vực sản xuất",
            samples_measured=measured,
            samples_over=rng.randint(0, 2) if code in {"noise", "dust"} else 0,
            limit_value=limit,
            unit=unit,
        )
    _event(record, "draft", "submitted", by, record.submitted_at)
    _event(record, "submitted", "approved", by, record.decided_at)


def _past_report(enterprise, row, period, *, official, filer, rng, state: str, paper: bool) -> None:
    if AnnualOshReport.objects.filter(enterprise=enterprise, year=period.year).exists():
        return
    submitted = _aware(period.due_on.replace(day=5), 10)
    report = AnnualOshReport(
        enterprise=enterprise,
        period=period,
        year=period.year,
        channel=Filing.Channel.PAPER if paper else Filing.Channel.ONLINE,
        entered_by=official if paper else None,
        **_figures(row, period.year, rng),
    )
    from enterprises.selectors import monitoring_summary_for_year

    summary = monitoring_summary_for_year(enterprise=enterprise, year=period.year)
    report.monitoring_samples, report.monitoring_samples_failed = (
        summary["samples"],
        summary["failed"],
    )
    report.monitoring_by_factor = summary["by_factor"]
    if state != "draft":
        report.status = Filing.Status.SUBMITTED
        report.submitted_at = submitted
        report.submitted_by = official if paper else filer
        report.master_snapshot = enterprise.master_data()
    if state == "approved":
        report.status = Filing.Status.APPROVED
        report.decided_at = _aware(period.due_on.replace(day=20), 15)
        report.decided_by = official
    if state == "returned":
        report.status = Filing.Status.RETURNED
        report.decided_at = _aware(period.due_on.replace(day=18), 15)
        report.decided_by = official
        report.return_reason = (
            "Mục 5 (huấn luyện) chưa ghi số người nhóm 4 hiện có; đề nghị bổ sung."
        )
    report.save()
    if state != "draft":
        _event(report, "draft", "submitted", report.submitted_by, submitted)
    if state == "approved":
        _event(report, "submitted", "approved", official, report.decided_at)
    if state == "returned":
        _event(report, "submitted", "returned", official, report.decided_at, report.return_reason)


@transaction.atomic
def load(*, core: dict) -> dict:
    today: date = core["today"]
    official: User = core["users"]["canbo.ealy"]
    rng = random.Random(31)  # the same demo every time
    factors = {f.code: f for f in HarmfulFactor.objects.all()}
    ealy = _enterprises(core["ealy"], core["villages"], EA_LY, official)
    eaba = _enterprises(core["eaba"], core["villages"], EA_BA, core["users"]["canbo.eaba"])

    for username, names in MEMBERSHIPS.items():
        for name in names:
            EnterpriseMember.objects.get_or_create(
                user=core["users"][username],
                enterprise=ealy[name],
                defaults={"invited_by": official},
            )

    current = today.year
    for commune, enterprises, rows, by in [
        (core["ealy"], ealy, EA_LY, official),
        (core["eaba"], eaba, EA_BA, core["users"]["canbo.eaba"]),
    ]:
        for year in (current - 3, current - 2, current - 1):
            period = _period(commune, year)
            for index, row in enumerate(rows):
                enterprise = enterprises[row.name]
                if enterprise.status == Enterprise.Status.CLOSED:
                    continue
                _monitoring(enterprise, row, year, by, rng, factors, today=today)
                if year == current - 1 and index % 7 == 3:
                    state = "submitted"  # waits for the commune's decision
                elif year == current - 1 and index % 11 == 5:
                    state = "returned"
                elif row.tax_body is None and index % 2:
                    continue  # small households often never file
                else:
                    state = "approved"
                filer = next(
                    iter(User.objects.filter(enterprise_memberships__enterprise=enterprise)), by
                )
                _past_report(
                    enterprise,
                    row,
                    period,
                    official=by,
                    filer=filer,
                    rng=rng,
                    state=state,
                    paper=index % 3 == 0,
                )
        # The current year's period is open: one pending draft per active enterprise.
        annual_report_create_pending(_period(commune, current))
        for row in rows:
            enterprise = enterprises[row.name]
            if enterprise.status != Enterprise.Status.CLOSED:
                _monitoring(enterprise, row, current, by, rng, factors, today=today)
    for enterprise in [*ealy.values(), *eaba.values()]:
        latest = enterprise.annual_reports.approved().order_by("-year").first()
        if latest is not None and enterprise.workforce_as_of_year != latest.year:
            Enterprise.objects.filter(pk=enterprise.pk).update(
                workforce_total=latest.workers_total,
                workforce_women=latest.workers_women,
                workforce_as_of_year=latest.year,
            )
    return {"enterprises": {**ealy, **eaba}}
