"""Plans demo for Ea Ly: the Directive 31 plan loaded from the bundled seed, 18 months of activity
reports from the unit reporters, and budget lines for the current and the previous year.

Reports: radio broadcasts every month or two and banners every May (culture officer), a
fire-safety and equipment inspection each quarter (police), propaganda meetings each quarter
(Front), the enterprises' quarterly self-inspection entered by the commune official, and the
labour desk's own documents, launch ceremonies and commendations. Older reports are mostly
accepted, a few returned with a comment; the last six weeks' wait for review. The Front's
safety-culture task has no report in the last full quarter, and a few labour-desk tasks never
get one, so the status matrix shows overdue cells.

Idempotent: a report is skipped when its assignment already has one of the same kind on the same
day, a budget line when its plan, year and purpose exist. Every period draws from its own seeded
``random.Random``, so a period always produces the same report whatever the day of the run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from atvsld_portal.dates import quarter_bounds, quarter_of
from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, User
from plans.loader import load_plan
from plans.models import ActivityReport, Assignment, Plan, PlanBudget
from plans.seed import read_seed

K = ResponsibleUnit.Kind
A = ActivityReport.Kind
MONTHS_OF_REPORTS = 18
AWAITING_REVIEW_DAYS = 42  # reports younger than this are still "submitted"
RETURN_RATE = 0.12  # of the reports of the last half year; older ones were corrected since
RETURNS_WITHIN_DAYS = 183

Outputs = Callable[[random.Random], dict[str, int]]


@dataclass(frozen=True)
class Recurring:
    """A kind of report a unit files for one task, in every period of its rhythm."""

    task: str  # label "group.task"
    unit: str  # ResponsibleUnit.Kind
    reporter: str  # demo username
    kind: str  # ActivityReport.Kind
    rhythm: str  # "month_or_two", "quarter" or "year"
    texts: tuple[str, ...]
    outputs: Outputs
    month: int | None = None  # for the yearly rhythm
    skip_last_full_quarter: bool = False


def _radio(rng: random.Random) -> dict[str, int]:
    broadcasts = rng.randint(2, 6)
    return {"broadcasts": broadcasts, "airings": broadcasts * rng.randint(3, 6)}


def _banners(rng: random.Random) -> dict[str, int]:
    return {"banners": rng.randint(8, 16)}


def _meeting(rng: random.Random) -> dict[str, int]:
    return {"sessions": rng.randint(1, 3), "participants": rng.randint(35, 140)}


def _launch(rng: random.Random) -> dict[str, int]:
    return {"sessions": 1, "participants": rng.randint(110, 180)}


def _police_inspection(rng: random.Random) -> dict[str, int]:
    inspected = rng.randint(3, 7)
    return {"establishments_inspected": inspected, "violations_found": rng.randint(0, 2)}


def _self_inspection(rng: random.Random) -> dict[str, int]:
    inspected = rng.randint(6, 14)
    return {"establishments_inspected": inspected, "violations_found": rng.randint(0, 4)}


def _commendation(rng: random.Random) -> dict[str, int]:
    return {"people_commended": rng.randint(4, 9)}


def _nothing(rng: random.Random) -> dict[str, int]:
    return {}


RECURRING: tuple[Recurring, ...] = (
    Recurring(
        "2.1",
        K.CULTURE_RADIO,
        "vhtt.ealy",
        A.RADIO,
        "month_or_two",
        (
            "Phát tin tuyên truyền phòng ngừa tai nạn lao động khi sử dụng máy cày, máy tuốt lúa "
            "trên hệ thống loa truyền thanh xã.",
            "Phát bài tuyên truyền an toàn khi phun thuốc bảo vệ thực vật cho người lao động "
            "khu vực không có hợp đồng lao động.",
            "Phát tin về an toàn điện, phòng chống điện giật trong mùa mưa trên loa truyền thanh "
            "các thôn, buôn.",
            "Phát bài phổ biến quy định khai báo tai nạn lao động và quyền lợi của người lao động "
            "khi bị tai nạn.",
            "Phát tin tuyên truyền an toàn lao động trong khai thác đá, cát sỏi và làm gạch "
            "thủ công.",
            "Phát bài tuyên truyền Chỉ thị số 31-CT/TW của Ban Bí thư về công tác an toàn, vệ sinh "
            "lao động trong tình hình mới.",
        ),
        _radio,
    ),
    Recurring(
        "2.2",
        K.CULTURE_RADIO,
        "vhtt.ealy",
        A.BANNERS,
        "year",
        (
            "Treo băng rôn, khẩu hiệu hưởng ứng Tháng hành động về ATVSLĐ năm {year} tại trụ sở "
            "UBND xã và trên các trục đường chính.",
        ),
        _banners,
        month=5,
    ),
    Recurring(
        "2.2",
        K.LABOUR_DESK,
        "canbo.ealy",
        A.PROPAGANDA_MEETING,
        "year",
        (
            "Tổ chức Lễ phát động Tháng hành động về ATVSLĐ năm {year} tại hội trường UBND xã, "
            "có đại diện các doanh nghiệp, cơ sở sản xuất - kinh doanh trên địa bàn.",
        ),
        _launch,
        month=5,
    ),
    Recurring(
        "1.2",
        K.FRONT,
        "mttq.ealy",
        A.PROPAGANDA_MEETING,
        "quarter",
        (
            "Hội nghị quán triệt Chỉ thị số 31-CT/TW và Kế hoạch của UBND xã cho cán bộ, đảng "
            "viên và Nhân dân {village}.",
            "Phối hợp Ban nhân dân {village} tuyên truyền Chỉ thị số 31-CT/TW trong buổi sinh "
            "hoạt cộng đồng.",
        ),
        _meeting,
    ),
    Recurring(
        "2.3",
        K.FRONT,
        "mttq.ealy",
        A.PROPAGANDA_MEETING,
        "quarter",
        (
            "Lồng ghép tuyên truyền xây dựng văn hóa an toàn lao động trong sinh hoạt chi hội "
            "Hội Nông dân {village}.",
            "Hội Liên hiệp Phụ nữ xã tuyên truyền an toàn lao động cho hội viên {village}.",
            "Đoàn Thanh niên xã tổ chức tuyên truyền văn hóa an toàn cho đoàn viên {village}.",
        ),
        _meeting,
        skip_last_full_quarter=True,
    ),
    Recurring(
        "6.2",
        K.POLICE,
        "congan.ealy",
        A.INSPECTION,
        "quarter",
        (
            "Kiểm tra công tác phòng cháy, chữa cháy và trang thiết bị kỹ thuật tại các cơ sở: "
            "{enterprises}.",
        ),
        _police_inspection,
    ),
    Recurring(
        "7.2",
        K.ENTERPRISES,
        "canbo.ealy",
        A.INSPECTION,
        "quarter",
        (
            "Tổng hợp biên bản tự kiểm tra ATVSLĐ quý {quarter}/{year} của các doanh nghiệp gửi "
            "về UBND xã, trong đó có {enterprises}.",
        ),
        _self_inspection,
    ),
    Recurring(
        "4.1",
        K.LABOUR_DESK,
        "canbo.ealy",
        A.DOCUMENT,
        "quarter",
        (
            "Cập nhật số liệu tai nạn lao động và hồ sơ ATVSLĐ của doanh nghiệp trên Cổng "
            "ATVSLĐ của xã, quý {quarter}/{year}.",
        ),
        _nothing,
    ),
    Recurring(
        "1.1",
        K.LABOUR_DESK,
        "canbo.ealy",
        A.DOCUMENT,
        "year",
        ("Đưa nội dung ATVSLĐ vào kế hoạch phát triển kinh tế - xã hội năm {year} của xã.",),
        _nothing,
        month=1,
    ),
    Recurring(
        "7.1",
        K.LABOUR_DESK,
        "canbo.ealy",
        A.DOCUMENT,
        "year",
        ("Bố trí dự toán kinh phí cho hoạt động ATVSLĐ năm {year} từ ngân sách xã.",),
        _nothing,
        month=1,
    ),
    Recurring(
        "1.3",
        K.ENTERPRISES,
        "canbo.ealy",
        A.DOCUMENT,
        "year",
        ("Tiếp nhận kế hoạch ATVSLĐ năm {year} của các doanh nghiệp trên địa bàn xã.",),
        _nothing,
        month=2,
    ),
    Recurring(
        "5.4",
        K.LABOUR_DESK,
        "canbo.ealy",
        A.COMMENDATION,
        "year",
        ("Khen thưởng tập thể, cá nhân làm tốt công tác ATVSLĐ năm {year}.",),
        _commendation,
        month=12,
    ),
)

RETURN_COMMENTS = (
    "Đề nghị bổ sung ảnh chụp hoặc biên bản kèm theo.",
    "Số liệu chưa khớp với sổ theo dõi, đề nghị kiểm tra lại và gửi lại.",
    "Đề nghị ghi rõ tên các cơ sở và nội dung đã thực hiện.",
)
# The enterprises' self-inspection of the last full quarter is always sent back.
SELF_INSPECTION_COMMENT = (
    "Đề nghị bổ sung biên bản tự kiểm tra của các cơ sở khai thác đá, cát sỏi trước khi tổng hợp."
)

BUDGET_LINES: tuple[tuple[str, str, int], ...] = (
    ("Tuyên truyền, Tháng hành động về ATVSLĐ", "Ngân sách xã", 15_000_000),
    ("Tập huấn ATVSLĐ cho người lao động khu vực không có hợp đồng", "Ngân sách xã", 20_000_000),
    ("Kiểm tra ATVSLĐ tại cơ sở", "Ngân sách xã", 8_000_000),
    ("Băng rôn, pa nô hưởng ứng Tháng hành động về ATVSLĐ", "Nguồn xã hội hóa", 12_000_000),
)


@dataclass(frozen=True)
class Period:
    year: int
    month: int  # the month the report falls in
    key: str  # seeds the period's random generator


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_full_quarter(today: date) -> tuple[int, int]:
    quarter = quarter_of(today) - 1
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def _months(today: date) -> list[date]:
    first = _add_months(today.replace(day=1), -(MONTHS_OF_REPORTS - 1))
    return [_add_months(first, n) for n in range(MONTHS_OF_REPORTS)]


def _quiet(item: Recurring, month: date) -> bool:
    """Radio skips some months, never two in a row."""
    return random.Random(f"{item.task}-{item.kind}-quiet-{month:%Y-%m}").random() < 0.35


def _periods(item: Recurring, today: date) -> Iterator[Period]:
    months = _months(today)
    if item.rhythm == "month_or_two":
        for month in months:
            if not _quiet(item, month) or _quiet(item, _add_months(month, -1)):
                yield Period(month.year, month.month, f"{month:%Y-%m}")
        return
    if item.rhythm == "year":
        for month in months:
            if month.month == item.month:
                yield Period(month.year, month.month, str(month.year))
        return
    skipped = _last_full_quarter(today) if item.skip_last_full_quarter else None
    for year, quarter in sorted({(m.year, quarter_of(m)) for m in months}):
        if (year, quarter) == skipped:
            continue
        first, _last = quarter_bounds(year, quarter)
        offset = random.Random(f"{item.task}-{item.kind}-{year}-Q{quarter}").randint(0, 2)
        month = _add_months(first, offset)
        if month >= months[0]:
            yield Period(month.year, month.month, f"{year}-Q{quarter}")


@dataclass(frozen=True)
class DemoContext:
    plan: Plan
    today: date
    users: dict[str, User]
    villages: list[str]
    enterprises: list[str]


def _assignment(plan: Plan, label: str, kind: str) -> Assignment | None:
    group, number = (int(part) for part in label.split("."))
    return Assignment.objects.filter(
        task__group__plan=plan, task__group__number=group, task__number=number, unit__kind=kind
    ).first()


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _review(
    report: ActivityReport, ctx: DemoContext, rng: random.Random, *, return_with: str = ""
) -> None:
    """Accept most older reports and return a few (always when ``return_with`` is given); leave
    recent ones waiting for review."""
    old = report.occurred_on < ctx.today - timedelta(days=AWAITING_REVIEW_DAYS)
    if not return_with and not old:
        return
    lately = report.occurred_on >= ctx.today - timedelta(days=RETURNS_WITHIN_DAYS)
    returned = bool(return_with) or (lately and rng.random() < RETURN_RATE)
    reviewer = "lanhdao.ealy" if report.reported_by.username == "canbo.ealy" else "canbo.ealy"
    reviewed_on = min(report.occurred_on + timedelta(days=rng.randint(2, 10)), ctx.today)
    report.reviewed_by = ctx.users[reviewer]
    report.reviewed_at = _aware(reviewed_on, 14)
    if returned:
        report.status = ActivityReport.Status.RETURNED
        report.review_comment = return_with or rng.choice(RETURN_COMMENTS)
    else:
        report.status = ActivityReport.Status.ACCEPTED


def _report(item: Recurring, period: Period, assignment: Assignment, ctx: DemoContext) -> None:
    rng = random.Random(f"{item.task}-{item.kind}-{period.key}")
    day = date(period.year, period.month, rng.randint(3, 25 if item.month != 5 else 8))
    if day > ctx.today:
        return
    if assignment.reports.filter(occurred_on=day, kind=item.kind).exists():
        return
    description = rng.choice(item.texts).format(
        year=period.year,
        quarter=quarter_of(day),
        village=rng.choice(ctx.villages),
        enterprises=", ".join(rng.sample(ctx.enterprises, k=min(3, len(ctx.enterprises)))),
    )
    report = ActivityReport(
        assignment=assignment,
        reported_by=ctx.users[item.reporter],
        occurred_on=day,
        kind=item.kind,
        description=description,
        created_at=min(_aware(day, 17), timezone.now()),
        **item.outputs(rng),
    )
    last_quarter = (day.year, quarter_of(day)) == _last_full_quarter(ctx.today)
    return_with = SELF_INSPECTION_COMMENT if item.task == "7.2" and last_quarter else ""
    _review(report, ctx, rng, return_with=return_with)
    report._history_user = report.reported_by
    report.full_clean()
    report.save()


def _reports(ctx: DemoContext) -> None:
    for item in RECURRING:
        assignment = _assignment(ctx.plan, item.task, item.unit)
        if assignment is None:  # the official changed the matrix
            continue
        for period in _periods(item, ctx.today):
            _report(item, period, assignment, ctx)


def _budget(plan: Plan, today: date, by: User) -> None:
    elapsed = today.timetuple().tm_yday / 365
    for year in (today.year - 1, today.year):
        for purpose, source, base in BUDGET_LINES:
            if PlanBudget.objects.filter(plan=plan, year=year, purpose=purpose).exists():
                continue
            rng = random.Random(f"budget-{year}-{purpose}")
            allocated = base if year < today.year else round(base * 1.1, -5)
            share = rng.uniform(0.85, 1.0) if year < today.year else elapsed * rng.uniform(0.5, 0.9)
            line = PlanBudget(
                plan=plan,
                year=year,
                purpose=purpose,
                source=source,
                allocated=int(allocated),
                spent=int(round(allocated * share, -5)),
            )
            line._history_user = by
            line.full_clean()
            line.save()


def _names(core: dict, commune: AdministrativeUnit) -> tuple[list[str], list[str]]:
    villages = sorted(name for name, v in core["villages"].items() if v.commune_id == commune.pk)
    enterprises = sorted(
        name
        for name, e in core.get("enterprises", {}).items()
        if e.commune_id == commune.pk and e.has_harmful_factors
    )
    return villages or ["trên địa bàn xã"], enterprises or ["các cơ sở trên địa bàn xã"]


@transaction.atomic
def load(*, core: dict) -> dict:
    commune: AdministrativeUnit = core["ealy"]
    users: dict[str, User] = core["users"]
    plan = load_plan(commune=commune, text=read_seed(), by=users["canbo.ealy"])
    villages, enterprises = _names(core, commune)
    ctx = DemoContext(plan, core["today"], users, villages, enterprises)
    _reports(ctx)
    _budget(plan, ctx.today, users["canbo.ealy"])
    return {"plan": plan}
