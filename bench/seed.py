"""The province-scale data set of `make bench`: deterministic, seeded at 1, 10 or 100 %.

At 100 %: 100 communes of Đắk Lắk, 30,000 enterprises with three years of annual OSH reports and
workplace monitoring records, 50,000 accidents over ten years in both sectors with their victims,
declarations and receipt numbers, the Phụ lục XII reports of the last five statistics periods
(Table I frozen from the records with ``incidents.statistics``), the commune's own reports to Sở
Nội vụ, 20,000 disease-exam rounds, one plan per commune (the Ea Ly plan with its assignments),
and 20,000 activity reports per year for three years.

It starts from the Ea Ly demo (``load_demo``: the province, Ea Ly and Ea Bá, the demo accounts,
their enterprises, plan, accidents and issued reports), so every page can be requested as the
demo roles, then adds the other communes and fills every commune up to its share with COPY
(``bench.bulk``). Ea Ly's plan comes from the app's loader (``plans.loader.load_plan``, run by the
demo), Ea Bá's too, and the other communes get a copy of it; Table I and II of Phụ lục XII come from
``incidents.statistics`` and the commune reports' frozen content from
``statistics.commune_report_content``. Then every commune's indicators are recomputed
(``reporting.services.indicators_recompute_all``).

Scales shrink every count. The number of communes follows the square root of the fraction
(10 at 1 %, 32 at 10 %, 100 at 100 %) and the rest comes from the rows per commune, so both a
commune's pages and the province's pages see their row counts change between scales, which is
what the constant-query check needs. One ``random.Random`` per scale makes the data the same on
every run; dates are relative to today, as in the demo.
"""

from __future__ import annotations

import math
import random
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from atvsld_portal.demo import DEMO_PASSWORD, MERGER_DAY
from atvsld_portal.models import (
    AdministrativeUnit,
    Filing,
    FilingEvent,
    Outbox,
    ReportingPeriod,
    ResponsibleUnit,
    User,
    Village,
)
from atvsld_portal.text import normalise_search
from bench.bulk import JsonText, Rows
from bench.pages import showcase_accident
from enterprises.models import (
    ActivityDivision,
    AnnualOshReport,
    Enterprise,
    HarmfulFactor,
    MonitoringRecord,
    MonitoringResult,
    OwnershipType,
)
from enterprises.services import annual_report_default_dates
from enterprises.validators import tax_code_check_digit
from incidents import statistics
from incidents.models import (
    Accident,
    AccidentDeclaration,
    Cause,
    CommuneAccidentReport,
    DiseaseExam,
    InjuryCode,
    InjuryFactor,
    Occupation,
    OccupationalDisease,
    PeriodicAccidentReport,
    ReceiptCounter,
    Victim,
)
from incidents.services.reports import (
    COMMUNE_REPORT_KIND,
    PERIODIC_REPORT_KIND,
    commune_report_default_dates,
    default_recipient,
    periodic_report_default_dates,
)
from plans.loader import load_plan
from plans.models import ActivityReport, Assignment, LegalBasis, Plan, PlanGoal, Task, TaskGroup
from plans.seed import read_seed
from reporting.models import ComputationRun
from reporting.services import indicators_recompute_all

FULL = {
    "communes": 100,
    "enterprises": 30_000,
    "accidents": 50_000,
    "disease_exams": 20_000,
    "activity_reports_per_year": 20_000,
}
ACCIDENT_YEARS = 10
FILING_YEARS = 3  # annual OSH reports and monitoring records before this year
ACTIVITY_YEARS = 3  # this year and the two before
INDICATOR_YEARS = 3  # recomputed by the seed: this year and the two before (the dashboard's)


@dataclass(frozen=True)
class Sizes:
    percent: int
    communes: int
    enterprises: int
    accidents: int
    disease_exams: int
    activity_reports_per_year: int

    @classmethod
    def for_percent(cls, percent: int) -> Sizes:
        fraction = percent / 100
        return cls(
            percent=percent,
            communes=max(2, round(FULL["communes"] * math.sqrt(fraction))),
            enterprises=round(FULL["enterprises"] * fraction),
            accidents=round(FULL["accidents"] * fraction),
            disease_exams=round(FULL["disease_exams"] * fraction),
            activity_reports_per_year=round(FULL["activity_reports_per_year"] * fraction),
        )


# ------------------------------------------------------------------------------
# Names (illustrative, not an official list)
# ------------------------------------------------------------------------------
COMMUNE_NAMES = (
    "Ea Kao", "Ea Tu", "Hòa Thắng", "Hòa Phú", "Hòa Xuân", "Cư Êbur", "Krông Búk", "Ea H'Leo",
    "Ea Drăng", "Buôn Đôn", "Ea Wer", "Krông Na", "Ea Súp", "Ea Rốk", "Cư M'gar", "Quảng Phú",
    "Ea Kiết", "Ea Tul", "Krông Pắc", "Ea Kly", "Ea Knuếc", "Hòa An", "Ea Phê", "Krông Năng",
    "Tam Giang", "Phú Xuân", "Ea Hồ", "Ea Kar", "Cư Huê", "Ea Sô", "M'Drắk", "Krông Á",
    "Ea Riêng", "Krông Bông", "Hòa Sơn", "Dang Kang", "Liên Sơn Lắk", "Đắk Liêng", "Buôn Triết",
    "Cư Kuin", "Ea Tiêu", "Hòa Hiệp", "Ea Ning", "Krông Ana", "Dur Kmăl", "Ea Na", "Tuy An Bắc",
    "Sơn Hòa", "Sông Hinh", "Ea Bar", "Đức Bình", "Ea Trang", "Cư Prao", "Ea Pil", "Cư San",
    "Yang Mao", "Cư Pui", "Hòa Lễ", "Khuê Ngọc Điền", "Yang Reh", "Ea Ô", "Ea Păl", "Cư Bao",
    "Ea Đrơng", "Ea Ral", "Ea Khăl", "Ea Sin", "Pơng Drang", "Tân Lập", "Ea Tóh", "Ea Hiao",
    "Ea Dăh", "Cư Klông", "Ea Bông", "Băng A Drênh", "Dray Sáp", "Ea Na Nam", "Hòa Khánh",
    "Ea Tân", "Ea Nuôl", "Krông Jing", "Ea Lai", "Ea Pô", "Nam Dong", "Đắk Phơi", "Bông Krang",
    "Ea M'Doal", "Cuôr Đăng", "Ea Drơng", "Xuân Phước", "Đồng Xuân", "Phú Hòa", "An Mỹ",
    "Hòa Mỹ", "Sơn Thành", "Ea Chà Rang", "Cư Né", "Ea Sar",
)  # fmt: skip
VILLAGE_NAMES = (
    (Village.Kind.THON, "Thôn 1"),
    (Village.Kind.THON, "Thôn 2"),
    (Village.Kind.THON, "Thôn 3"),
    (Village.Kind.THON, "Thôn Tân Thành"),
    (Village.Kind.THON, "Thôn Đoàn Kết"),
    (Village.Kind.BUON, "Buôn Cuôr"),
    (Village.Kind.BUON, "Buôn Ea Nao"),
    (Village.Kind.TO_DAN_PHO, "Tổ dân phố 1"),
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "H'", "Y", "Niê", "Ksor")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Kim")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phúc", "Quân", "Sơn",
         "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Việt", "Yến")  # fmt: skip


@dataclass(frozen=True)
class Trade:
    words: str
    activity: str  # VSIC 2025 code
    factors: tuple[str, ...]  # harmful factors when it has any


TRADES = (
    Trade("Khai thác Đá", "0810", ("dust", "noise", "vibration")),
    Trade("Chế biến Gỗ", "1610", ("dust", "noise")),
    Trade("Xây dựng", "4100", ("noise", "dust")),
    Trade("Chế biến Cà phê", "1077", ("dust", "noise", "temperature")),
    Trade("Gạch ngói", "2392", ("dust", "temperature")),
    Trade("Vận tải", "4933", ()),
    Trade("Thương mại Dịch vụ", "4690", ()),
    Trade("Cơ khí", "2592", ("noise", "light")),
    Trade("Chế biến Nông sản", "1030", ("dust", "temperature")),
    Trade("Nông nghiệp Công nghệ cao", "0118", ("toxic_gas",)),
    Trade("Thủy điện", "3511", ("noise", "emf")),
    Trade("May mặc", "1410", ("noise", "light", "dust")),
    Trade("Xăng dầu", "4730", ("toxic_gas",)),
    Trade("Nhà hàng Khách sạn", "5510", ()),
    Trade("In ấn", "1811", ("toxic_gas", "noise")),
    Trade("Sấy Nông sản", "1079", ("temperature", "dust")),
)
# (pattern, ownership type code, share). "Công ty Đá …" and "Công ty Đầu tư …" are what a search
# for "cong ty da" finds, as in the registry's own example.
NAME_PATTERNS = (
    ("Công ty TNHH {trade} {place}", "2", 0.36),
    ("Công ty Cổ phần {trade} {place}", "3", 0.12),
    ("Công ty Đầu tư {trade} {place}", "2", 0.05),
    ("Công ty Đá {place} {person}", "2", 0.02),
    ("Doanh nghiệp tư nhân {trade} {person}", "5", 0.10),
    ("Hợp tác xã {trade} {place}", "7", 0.07),
    ("Hộ kinh doanh {trade} {person}", "8", 0.28),
)
DEFAULT_OCCUPATION = "Lao động phổ thông"
FACILITY = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"
MONITORING_ORG = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"
LIMITS = {
    "noise": ("85", "dBA"),
    "dust": ("4", "mg/m³"),
    "temperature": ("34", "°C"),
    "vibration": ("1,1", "m/s²"),
    "toxic_gas": ("—", "mg/m³"),
    "light": ("300", "lux"),
    "emf": ("5", "kV/m"),
}
PLACES = ("khu vực sản xuất", "bãi khai thác", "xưởng chế biến", "công trường", "nương rẫy",
          "kho bãi", "đường liên thôn", "lò sấy")  # fmt: skip
ACCOUNTS = (
    "Trong khi vận hành máy, người lao động bị cuốn tay vào bộ phận truyền động.",
    "Người lao động trượt ngã từ giàn giáo xuống nền xi măng.",
    "Đá lăn từ vách khai thác trúng người lao động đang bốc xếp.",
    "Người lao động bị điện giật khi sửa chữa đường dây trong mùa mưa.",
    "Xe chở hàng lùi trúng người lao động trong kho bãi.",
    "Người lao động bị ngộ độc khi phun thuốc bảo vệ thực vật không có bảo hộ.",
    "Cây đổ khi cưa hạ trúng người lao động.",
    "Người lao động bị bỏng hơi nóng khi vệ sinh lò sấy.",
)
TREATMENT = ("Bệnh viện Đa khoa vùng Tây Nguyên", "Trung tâm Y tế huyện", "Trạm Y tế xã")


def _aware(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime(hour, minute)))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _person(rng: random.Random) -> tuple[str, str]:
    middle = rng.choice(MIDDLE)
    sex = Victim.Sex.FEMALE if middle == "Thị" or rng.random() < 0.2 else Victim.Sex.MALE
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}", sex


class Clock:
    """Prints and records how long each step took."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.steps: dict[str, float] = {}

    def step(self, name: str):
        clock = self

        class _Step:
            def __enter__(self):
                self.start = time.perf_counter()
                return self

            def __exit__(self, *exc):
                took = time.perf_counter() - self.start
                clock.steps[name] = took
                if exc[0] is None:
                    clock.echo(f"  seed: {name:<28} {took:7.1f} s")

        return _Step()


# ------------------------------------------------------------------------------
# Context shared by the steps
# ------------------------------------------------------------------------------
@dataclass
class Commune:
    unit: AdministrativeUnit
    villages: list[int]
    official: int
    leader: int
    reporters: dict[str, int]  # responsible unit kind -> reporting user
    enterprises: list[dict]  # the rows seeded or found (id, fields the later steps need)
    reporter: int | None = None  # who reports for the other units

    def reporter_for(self, kind: str) -> int:
        return self.reporters.get(kind) or self.reporter or self.official


class Seeder:
    def __init__(self, sizes: Sizes, echo: Callable[[str], None]) -> None:
        self.sizes = sizes
        self.rng = random.Random(f"atvsld-bench-{sizes.percent}")
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.clock = Clock(echo)
        self.echo = echo
        self.communes: list[Commune] = []
        self.periods: dict | None = None
        self.period_rows: Rows | None = None
        self.ct = {
            model: ContentType.objects.get_for_model(model)
            for model in (AnnualOshReport, MonitoringRecord, PeriodicAccidentReport, DiseaseExam)
        }

    # -- entry point -------------------------------------------------------------------------
    def run(self) -> dict[str, float]:
        with self.clock.step("demo (load_demo)"):
            call_command("load_demo", quiet_accounts=True, verbosity=0)
        # One transaction: the foreign keys (deferred) are checked once, at the commit.
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for name, step in (
                ("communes, villages, users", self._communes),
                ("plans", self._plans),
                ("enterprises", self._enterprises),
                ("annual reports, monitoring", self._annual_filings),
                ("accidents, victims", self._accidents),
                ("Phụ lục XII, commune reports", self._statistics),
                ("disease exams", self._disease_exams),
                ("activity reports", self._activity_reports),
            ):
                with self.clock.step(name):
                    step()
            if self.period_rows is not None:
                self.period_rows.close()
            # The loaders and services asked for recomputes through the outbox; the recompute
            # below covers them all.
            Outbox.objects.filter(status=Outbox.Status.PENDING).update(
                status=Outbox.Status.SENT, sent_at=timezone.now()
            )
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
        with self.clock.step("commit (foreign key checks)"):
            atomic.__exit__(None, None, None)
        with self.clock.step("vacuum analyze"), connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        with self.clock.step("indicators (all communes)"):
            years = list(range(self.today.year - INDICATOR_YEARS + 1, self.today.year + 1))
            indicators_recompute_all(years=years, trigger=ComputationRun.Trigger.COMMAND)
        return self.clock.steps

    # -- communes ----------------------------------------------------------------------------
    def _communes(self) -> None:
        province = AdministrativeUnit.objects.get(code="66")
        ealy = AdministrativeUnit.objects.get(code_provisional="TAM-EA-LY")
        eaba = AdministrativeUnit.objects.get(code_provisional="TAM-EA-BA")
        users = {u.username: u for u in User.objects.filter(administrative_unit__in=[ealy, eaba])}
        password = make_password(DEMO_PASSWORD)
        groups = {g.name: g.pk for g in Group.objects.all()}
        user_rows = Rows(User)
        group_rows = Rows(User.groups.through)

        def add_user(username: str, role: str, unit: AdministrativeUnit) -> int:
            full_name, _sex = _person(self.rng)
            pk = user_rows.add(
                username=username,
                password=password,
                full_name=full_name,
                email=f"{username}@example.invalid",
                role=role,
                administrative_unit_id=unit.pk,
                is_active=True,
                date_joined=self.now,
            )
            group_rows.add(user_id=pk, group_id=groups[role])
            return pk

        R = User.Role
        K = ResponsibleUnit.Kind
        eaba_reporter = add_user("baocao.eaba", R.UNIT_REPORTER, eaba)
        self.communes.append(
            Commune(
                ealy,
                list(ealy.villages.values_list("pk", flat=True)),
                users["canbo.ealy"].pk,
                users["lanhdao.ealy"].pk,
                {
                    K.POLICE: users["congan.ealy"].pk,
                    K.CULTURE_RADIO: users["vhtt.ealy"].pk,
                    K.FRONT: users["mttq.ealy"].pk,
                },
                [],
            )
        )
        self.communes.append(
            Commune(
                eaba,
                list(eaba.villages.values_list("pk", flat=True)),
                users["canbo.eaba"].pk,
                add_user("lanhdao.eaba", R.COMMUNE_LEADER, eaba),
                {},
                [],
                eaba_reporter,
            )
        )
        for index in range(self.sizes.communes - 2):
            name = COMMUNE_NAMES[index % len(COMMUNE_NAMES)]
            if index >= len(COMMUNE_NAMES):
                name = f"{name} {index // len(COMMUNE_NAMES) + 1}"
            unit = AdministrativeUnit.objects.create(
                level=AdministrativeUnit.Level.COMMUNE,
                code_provisional=f"BENCH-{index + 1:03d}",
                name=name,
                parent=province,
                valid_from=MERGER_DAY,
            )
            villages = Village.objects.bulk_create(
                Village(commune=unit, kind=kind, name=village) for kind, village in VILLAGE_NAMES
            )
            for village in villages[:2]:
                ResponsibleUnit.objects.create(
                    commune=unit,
                    kind=ResponsibleUnit.Kind.VILLAGE_BOARD,
                    village=village,
                    name=f"Ban nhân dân {village.name}",
                    abbreviation="BND",
                )
            code = f"b{index + 1:03d}"
            reporter = add_user(f"baocao.{code}", R.UNIT_REPORTER, unit)
            self.communes.append(
                Commune(
                    unit,
                    [v.pk for v in villages],
                    add_user(f"canbo.{code}", R.COMMUNE_OFFICIAL, unit),
                    add_user(f"lanhdao.{code}", R.COMMUNE_LEADER, unit),
                    {},
                    [],
                    reporter,
                )
            )
        user_rows.close()
        group_rows.close()

    # -- plans -------------------------------------------------------------------------------
    def _plans(self) -> None:
        """One plan per commune, the Ea Ly plan of the demo (loaded from the seed text by the
        app's loader). Ea Bá loads it with ``load_plan`` too; the other communes get a copy of
        Ea Ly's rows made the way ``plans.services.plan_copy`` copies a plan (texts, goals,
        groups, tasks, assignments), with each assignment given to the commune's unit of the
        same kind, as the plan's published in force. ``load_plan`` checks and records history
        for every row (about half a second per commune), and ``plan_copy`` stays inside one
        commune, hence the bulk copy for the rest."""
        source = Plan.objects.get(commune=self.communes[0].unit)
        for commune in self.communes[:2]:
            if not Plan.objects.filter(commune=commune.unit).exists():
                load_plan(
                    commune=commune.unit, text=read_seed(), by=User.objects.get(pk=commune.official)
                )
        groups = list(source.task_groups.order_by("number"))
        tasks = list(Task.objects.filter(group__plan=source).order_by("group__number", "number"))
        assignments = list(
            Assignment.objects.filter(task__group__plan=source)
            .select_related("unit")
            .order_by("pk")
        )
        source_units = {a.unit_id: a.unit for a in assignments}
        source_boards = sorted(
            (u for u in source_units.values() if u.kind == ResponsibleUnit.Kind.VILLAGE_BOARD),
            key=lambda u: u.pk,
        )
        plan_fields = [
            f.attname
            for f in Plan._meta.concrete_fields
            if f.attname not in {"id", "public_id", "commune_id", "created_at", "updated_at"}
        ]
        plans, bases, goals = Rows(Plan), Rows(LegalBasis), Rows(PlanGoal)
        group_rows, task_rows, assignment_rows = Rows(TaskGroup), Rows(Task), Rows(Assignment)
        unit_rows = Rows(ResponsibleUnit)
        for commune in self.communes[2:]:
            units: dict[int, int] = {}
            boards = list(
                ResponsibleUnit.objects.filter(
                    commune=commune.unit, kind=ResponsibleUnit.Kind.VILLAGE_BOARD
                ).order_by("pk")
            )
            for board, source_board in zip(boards, source_boards, strict=False):
                units[source_board.pk] = board.pk
            for unit in source_units.values():
                if unit.kind == ResponsibleUnit.Kind.VILLAGE_BOARD:
                    continue
                units[unit.pk] = unit_rows.add(
                    commune_id=commune.unit.pk,
                    kind=unit.kind,
                    name=unit.name.replace("Ea Ly", commune.unit.name),
                    abbreviation=unit.abbreviation,
                )
            plan = plans.add(
                public_id=_uuid(self.rng),
                commune_id=commune.unit.pk,
                **{
                    name: value.replace("Ea Ly", commune.unit.name)
                    if isinstance(value, str)
                    else value
                    for name in plan_fields
                    for value in [getattr(source, name)]
                },
            )
            for basis in source.legal_bases.all():
                bases.add(
                    plan_id=plan,
                    order=basis.order,
                    document=basis.document,
                    issued_on=basis.issued_on,
                    issuer=basis.issuer,
                    title=basis.title,
                )
            for goal in source.goals.all():
                goals.add(
                    plan_id=plan,
                    order=goal.order,
                    text=goal.text,
                    indicator=goal.indicator,
                    direction=goal.direction,
                    target_value=goal.target_value,
                    target_unit=goal.target_unit,
                    method=goal.method,
                    baseline_year=goal.baseline_year,
                )
            group_ids = {
                g.pk: group_rows.add(plan_id=plan, number=g.number, title=g.title) for g in groups
            }
            task_ids = {
                t.pk: task_rows.add(
                    public_id=_uuid(self.rng),
                    group_id=group_ids[t.group_id],
                    number=t.number,
                    text=t.text,
                )
                for t in tasks
            }
            for a in assignments:
                if a.unit_id not in units:
                    continue
                assignment_rows.add(
                    task_id=task_ids[a.task_id],
                    unit_id=units[a.unit_id],
                    role=a.role,
                    cadence=a.cadence,
                    month=a.month,
                    due_on=a.due_on,
                    note=a.note.replace("Ea Ly", commune.unit.name),
                )
        for rows in (unit_rows, plans, bases, goals, group_rows, task_rows, assignment_rows):
            rows.close()
        for commune in self.communes:
            desk = ResponsibleUnit.objects.filter(
                commune=commune.unit, kind=ResponsibleUnit.Kind.LABOUR_DESK
            ).first()
            if desk is not None:
                desk.members.add(commune.official)

    # -- enterprises -------------------------------------------------------------------------
    def _enterprises(self) -> None:
        rng = self.rng
        ownership = {o.code: o.pk for o in OwnershipType.objects.all()}
        sections = {d.code: d.section_id for d in ActivityDivision.objects.filter(version="2025")}
        rows = Rows(Enterprise)
        history = Rows(Enterprise.history.model)
        per_commune = self.sizes.enterprises // len(self.communes)
        body = 6_100_000_00  # 9-digit tax code bodies, check digit appended
        weights = [share for _p, _o, share in NAME_PATTERNS]
        for commune in self.communes:
            existing = list(
                Enterprise.objects.filter(commune=commune.unit).values(
                    "pk", "name", "status", "workforce_total", "workforce_women", "tax_code",
                    "has_harmful_factors", "ownership_type__is_household",
                )
            )  # fmt: skip
            for row in existing:
                row["factors"] = ("dust", "noise") if row["has_harmful_factors"] else ()
                row["household"] = row.pop("ownership_type__is_household")
            commune.enterprises = existing
            taken = {normalise_search(r["name"]) for r in existing}
            created_at = _aware(self.today - timedelta(days=4 * 365), 8)
            for _ in range(max(per_commune - len(existing), 0)):
                pattern, owner, _share = rng.choices(NAME_PATTERNS, weights)[0]
                trade = rng.choice(TRADES)
                household = owner == "8"
                while True:
                    person, _sex = _person(rng)
                    name = pattern.format(trade=trade.words, place=commune.unit.name, person=person)
                    if normalise_search(name) not in taken:
                        break
                    name = f"{name} {rng.randint(2, 99)}"
                    if normalise_search(name) not in taken:
                        break
                taken.add(normalise_search(name))
                tax_code = None
                if not household or rng.random() < 0.5:
                    while True:
                        body += 1
                        digit = tax_code_check_digit(f"{body:09d}")
                        if digit is not None:
                            tax_code = f"{body:09d}{digit}"
                            break
                if household:
                    workers = rng.randint(1, 6)
                elif owner in {"5", "7"}:
                    workers = rng.randint(5, 40)
                else:
                    workers = min(int(rng.lognormvariate(3.4, 0.9)) + 5, 900)
                women = round(workers * rng.uniform(0.1, 0.6))
                harmful = bool(trade.factors) and (not household or rng.random() < 0.3)
                status = Enterprise.Status.ACTIVE
                roll = rng.random()
                if roll < 0.03:
                    status = Enterprise.Status.CLOSED
                elif roll < 0.04:
                    status = Enterprise.Status.SUSPENDED
                elif roll < 0.05:
                    status = Enterprise.Status.PENDING
                values = {
                    "public_id": _uuid(rng),
                    "created_at": created_at,
                    "commune_id": commune.unit.pk,
                    "village_id": rng.choice(commune.villages) if commune.villages else None,
                    "name": name,
                    "name_search": normalise_search(name),
                    "tax_code": tax_code,
                    "needs_verification": tax_code is None,
                    "ownership_type_id": ownership[owner],
                    "activity_version": "2025",
                    "activity_code": trade.activity,
                    "activity_section_id": sections.get(trade.activity[:2]),
                    "address": f"Tổ {rng.randint(1, 12)}, {commune.unit.name}",
                    "phone": f"+8490{rng.randint(1_000_000, 9_999_999)}" if not household else "",
                    "legal_representative": person,
                    "osh_officer_name": _person(rng)[0] if workers >= 10 else "",
                    "osh_officer_type": "part_time" if workers >= 10 else "",
                    "status": status,
                    "workforce_total": workers,
                    "workforce_women": women,
                    "workforce_as_of_year": self.today.year - 1,
                    "payroll": workers * 78_000_000,
                    "has_harmful_factors": harmful,
                }
                pk = rows.add(**values)
                history.add(
                    id=pk,
                    **{k: v for k, v in values.items() if k != "name_search"},
                    history_date=created_at,
                    history_type="+",
                    history_user_id=commune.official,
                )
                commune.enterprises.append(
                    {
                        "pk": pk,
                        "name": name,
                        "status": status,
                        "workforce_total": workers,
                        "workforce_women": women,
                        "tax_code": tax_code,
                        "has_harmful_factors": harmful,
                        "factors": trade.factors if harmful else (),
                        "household": household,
                    }
                )
        rows.close()
        history.close()

    # -- annual OSH reports and monitoring ---------------------------------------------------
    def _event_rows(self) -> Rows:
        return Rows(FilingEvent)

    def _filing_events(
        self, events: Rows, model, pk: int, status: str, by: int, submitted, decided, note=""
    ) -> None:
        ct = self.ct[model].pk
        if status == Filing.Status.DRAFT:
            return
        events.add(
            content_type_id=ct,
            object_id=pk,
            from_status=Filing.Status.DRAFT,
            to_status=Filing.Status.SUBMITTED,
            by_id=by,
            at=submitted,
        )
        if status in {Filing.Status.APPROVED, Filing.Status.RETURNED}:
            events.add(
                content_type_id=ct,
                object_id=pk,
                from_status=Filing.Status.SUBMITTED,
                to_status=status,
                by_id=by,
                at=decided,
                note=note,
            )

    def _period(self, commune: Commune, kind: str, year: int, part: str, dates) -> ReportingPeriod:
        """The commune's period (the demo's when it opened one), else a new one, opened; new
        ones are written with the step's other rows (``self.period_rows``)."""
        if self.periods is None:
            self.periods = {
                (p.commune_id, p.kind, p.year, p.part): p for p in ReportingPeriod.objects.all()
            }
            self.period_rows = Rows(ReportingPeriod)
        key = (commune.unit.pk, kind, year, part)
        if key not in self.periods:
            opens, due, closes = dates(year, part)
            values = {
                "public_id": _uuid(self.rng),
                "commune_id": commune.unit.pk,
                "kind": kind,
                "year": year,
                "part": part,
                "opens_on": opens,
                "due_on": due,
                "closes_on": closes,
                "opened_at": _aware(opens, 8),
                "created_at": _aware(opens, 8),
            }
            pk = self.period_rows.add(**values)
            self.periods[key] = ReportingPeriod(id=pk, **values)
        return self.periods[key]

    def _annual_filings(self) -> None:
        rng = self.rng
        factors = {f.code: f.pk for f in HarmfulFactor.objects.all()}
        factor_names = {f.code: f.name for f in HarmfulFactor.objects.all()}
        reports = Rows(AnnualOshReport)
        records = Rows(MonitoringRecord)
        results = Rows(MonitoringResult)
        events = self._event_rows()
        current = self.today.year
        have = set(AnnualOshReport.objects.values_list("enterprise_id", "year"))
        monitored = set(MonitoringRecord.objects.values_list("enterprise_id", "year"))
        for commune in self.communes:
            for year in range(current - FILING_YEARS, current):
                period = self._period(
                    commune, "annual_osh_report", year, "year", annual_report_default_dates
                )
                for index, e in enumerate(commune.enterprises):
                    if e["status"] != Enterprise.Status.ACTIVE:
                        continue
                    by_factor: dict = {}
                    samples = failed = 0
                    if e["factors"] and (e["pk"], year) not in monitored and rng.random() < 0.8:
                        start = date(year, rng.randint(3, 9), rng.randint(1, 20))
                        decided = _aware(start + timedelta(days=40), 14)
                        record = records.add(
                            public_id=_uuid(rng),
                            enterprise_id=e["pk"],
                            year=year,
                            round=1,
                            sampled_from=start,
                            sampled_to=start + timedelta(days=1),
                            organisation=MONITORING_ORG,
                            organisation_announcement="15/CB-SYT, 12/3/2021",
                            workers_exposed=round(e["workforce_total"] * 0.6),
                            conclusion="Phần lớn các mẫu đạt giới hạn cho phép.",
                            published_to_workers_on=start + timedelta(days=20),
                            status=Filing.Status.APPROVED,
                            channel=Filing.Channel.PAPER,
                            entered_by_id=commune.official,
                            submitted_at=_aware(start + timedelta(days=25), 10),
                            submitted_by_id=commune.official,
                            decided_at=decided,
                            decided_by_id=commune.official,
                            master_snapshot=self._snapshot(e, commune),
                            created_at=_aware(start + timedelta(days=25), 9),
                        )
                        for code in e["factors"]:
                            measured = rng.randint(4, 12)
                            over = rng.randint(0, 2) if code in {"noise", "dust"} else 0
                            limit, unit = LIMITS.get(code, ("", ""))
                            results.add(
                                record_id=record,
                                factor_id=factors[code],
                                location="Khu vực sản xuất",
                                samples_measured=measured,
                                samples_over=over,
                                limit_value=limit,
                                unit=unit,
                            )
                            entry = by_factor.setdefault(
                                code, {"name": factor_names[code], "samples": 0, "failed": 0}
                            )
                            entry["samples"] += measured
                            entry["failed"] += over
                            samples += measured
                            failed += over
                        self._filing_events(
                            events,
                            MonitoringRecord,
                            record,
                            Filing.Status.APPROVED,
                            commune.official,
                            _aware(start + timedelta(days=25), 10),
                            decided,
                        )
                    if (e["pk"], year) in have:
                        continue
                    if e["household"] and not e["tax_code"] and rng.random() < 0.5:
                        continue  # small households often never file
                    status = Filing.Status.APPROVED
                    if year == current - 1:
                        roll = rng.random()
                        if roll < 0.08:
                            status = Filing.Status.SUBMITTED
                        elif roll < 0.11:
                            status = Filing.Status.RETURNED
                    workers = max(
                        e["workforce_total"] + rng.randint(-3, 3), e["workforce_women"], 1
                    )
                    exposed = round(workers * rng.uniform(0.3, 0.8)) if e["factors"] else 0
                    accidents = 1 if e["factors"] and rng.random() < 0.1 else 0
                    submitted = _aware(period.due_on - timedelta(days=rng.randint(0, 9)), 10)
                    decided = submitted + timedelta(days=rng.randint(3, 15))
                    paper = index % 3 == 0
                    pk = reports.add(
                        public_id=_uuid(rng),
                        enterprise_id=e["pk"],
                        period_id=period.pk,
                        year=year,
                        status=status,
                        channel=Filing.Channel.PAPER if paper else Filing.Channel.ONLINE,
                        entered_by_id=commune.official if paper else None,
                        submitted_at=submitted,
                        submitted_by_id=commune.official,
                        decided_at=decided if status != Filing.Status.SUBMITTED else None,
                        decided_by_id=commune.official
                        if status != Filing.Status.SUBMITTED
                        else None,
                        return_reason="Mục 5 (huấn luyện) chưa ghi số người nhóm 4 hiện có."
                        if status == Filing.Status.RETURNED
                        else "",
                        master_snapshot=self._snapshot(e, commune),
                        created_at=_aware(period.opens_on, 8),
                        workers_total=workers,
                        workers_women=min(e["workforce_women"], workers),
                        workers_osh_staff=1 if workers >= 10 else 0,
                        workers_hazardous=exposed,
                        workers_exposed=exposed,
                        workers_exposed_examined=round(exposed * rng.uniform(0.7, 1.0)),
                        accidents=accidents,
                        accident_victims=accidents,
                        accident_days_off=accidents * rng.randint(5, 40),
                        accident_cost=accidents * rng.randint(5, 60) * 1_000_000,
                        health_class_1=round(workers * 0.5),
                        health_class_2=workers - round(workers * 0.5),
                        training_g4_trained=workers,
                        training_g4_total=workers,
                        training_cost=workers * 150_000,
                        cost_ppe=workers * 300_000,
                        monitoring_samples=samples,
                        monitoring_samples_failed=failed,
                        monitoring_by_factor=by_factor,
                        risk_assessment_month=3,
                        risk_assessment_year=year,
                        hazards_identified=len(e["factors"]),
                        hazards_improved=max(len(e["factors"]) - 1, 0),
                    )
                    self._filing_events(
                        events,
                        AnnualOshReport,
                        pk,
                        status,
                        commune.official,
                        submitted,
                        decided,
                    )
        # This year's period is open: one empty draft per active enterprise without a report,
        # the rows ``annual_report_create_pending`` makes (it builds model objects for
        # bulk_create: about a minute for 30,000 drafts, hence COPY here).
        have = set(
            AnnualOshReport.objects.filter(year=current).values_list("enterprise_id", flat=True)
        )
        for commune in self.communes:
            period = self._period(
                commune, "annual_osh_report", current, "year", annual_report_default_dates
            )
            for e in commune.enterprises:
                if e["status"] == Enterprise.Status.ACTIVE and e["pk"] not in have:
                    reports.add(
                        public_id=_uuid(rng),
                        enterprise_id=e["pk"],
                        period_id=period.pk,
                        year=current,
                        created_at=period.opened_at,
                    )
        reports.close()
        records.close()
        results.close()
        events.close()

    def _snapshot(self, e: dict, commune: Commune) -> dict:
        return {
            "name": e["name"],
            "tax_code": e["tax_code"] or "",
            "village": "",
            "address": f"{commune.unit.name}",
            "workforce_total": e["workforce_total"],
            "workforce_women": e["workforce_women"],
        }

    # -- accidents ---------------------------------------------------------------------------
    def _accidents(self) -> None:
        rng = self.rng
        factors = list(InjuryFactor.objects.filter(is_active=True))
        occupations = list(Occupation.objects.filter(is_active=True))
        codes = list(InjuryCode.objects.filter(is_active=True).values_list("pk", flat=True))
        accidents = Rows(Accident)
        victims = Rows(Victim)
        victim_codes = Rows(Victim.injury_codes.through)
        declarations = Rows(AccidentDeclaration)
        counters = {(c.commune_id, c.year): c for c in ReceiptCounter.objects.all()}
        per_commune = self.sizes.accidents // len(self.communes)
        first_year = self.today.year - ACCIDENT_YEARS + 1
        year_start = _aware(date(first_year, 1, 1), 0)
        span = (self.now - timedelta(days=1) - year_start).total_seconds()
        S = Accident.Status
        # Labels as the snapshot freezes them, translated once.
        labels = {
            str(value): str(label)
            for choices in (Victim.Sex, Victim.Severity, Accident.Sector, Accident.Kind)
            for value, label in choices.choices
        }
        causes = {value: str(label) for value, label in Cause.choices}
        for commune in self.communes:
            employers = [
                e for e in commune.enterprises if e["status"] == Enterprise.Status.ACTIVE
            ] or commune.enterprises
            harmful = [e for e in employers if e["factors"]] or employers
            moments = sorted(
                year_start + timedelta(seconds=rng.uniform(0, span)) for _ in range(per_commune)
            )
            display_code = commune.unit.display_code
            for occurred in moments:
                local = timezone.localtime(occurred)
                year = local.year
                age = (self.now - occurred).days
                employed = rng.random() < 0.7 and employers
                enterprise = (
                    rng.choice(harmful if rng.random() < 0.7 else employers) if employed else None
                )
                technical = rng.random() < 0.02
                kind = Accident.Kind.TECHNICAL_INCIDENT if technical else Accident.Kind.ACCIDENT
                status = self._accident_status(age, rng)
                count = 0 if technical else rng.choices((1, 2, 3), (85, 10, 5))[0]
                severities = [
                    rng.choices(
                        (Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR),
                        (6, 25, 69),
                    )[0]
                    for _ in range(count)
                ]
                serious_case = Victim.Severity.FATAL in severities or severities.count(
                    Victim.Severity.SERIOUS
                )
                receipt = None
                if status != S.DRAFT:
                    counter = counters.get((commune.unit.pk, year))
                    if counter is None:
                        counter = counters[(commune.unit.pk, year)] = ReceiptCounter(
                            commune_id=commune.unit.pk, year=year, last=0
                        )
                    counter.last += 1
                    receipt = f"{display_code}/{year}/{counter.last:05d}"
                submitted = min(occurred + timedelta(hours=rng.randint(2, 60)), self.now)
                received = min(submitted + timedelta(hours=rng.randint(1, 48)), self.now)
                investigated = status in {S.UNDER_INVESTIGATION, S.CLOSED} and serious_case
                factor = rng.choice(factors) if factors else None
                channel = rng.choice(
                    (Filing.Channel.PAPER, Filing.Channel.PHONE, Filing.Channel.ONLINE)
                )
                declarant, _sex = _person(rng)
                values = {
                    "public_id": _uuid(rng),
                    "created_at": submitted,
                    "commune_id": commune.unit.pk,
                    "sector": Accident.Sector.EMPLOYED if enterprise else Accident.Sector.INFORMAL,
                    "enterprise_id": enterprise["pk"] if enterprise else None,
                    "kind": kind,
                    "occurred_at": occurred,
                    "place": f"{rng.choice(PLACES)}, {commune.unit.name}",
                    "village_id": rng.choice(commune.villages) if commune.villages else None,
                    "account": rng.choice(ACCOUNTS),
                    "main_cause": rng.choice(Cause.values),
                    "injury_factor_id": factor.pk if factor else None,
                    "commuting": rng.random() < 0.03 and bool(enterprise),
                    "property_damage": rng.choice((0, 0, 0, 2_000_000, 15_000_000)),
                    "declarant_name": declarant,
                    "declarant_position": "Giám đốc" if enterprise else "Trưởng thôn",
                    "declarant_phone": f"090{rng.randint(1_000_000, 9_999_999)}",
                    "status": status,
                    "channel": channel,
                    "entered_by_id": commune.official if channel != Filing.Channel.ONLINE else None,
                    "created_by_id": commune.official,
                    "receipt_number": receipt,
                    "submitted_at": submitted if status != S.DRAFT else None,
                    "received_at": received if status not in {S.DRAFT, S.SUBMITTED} else None,
                    "received_by_id": commune.official
                    if status not in {S.DRAFT, S.SUBMITTED}
                    else None,
                    "not_occupational_reason": "Tai nạn giao thông ngoài giờ làm việc."
                    if status == S.NOT_OCCUPATIONAL
                    else "",
                    "investigation_level": ("base" if enterprise else "commune_record")
                    if investigated
                    else "",
                    "investigation_started_on": timezone.localtime(received).date()
                    if investigated
                    else None,
                    "record_published_on": min(
                        timezone.localtime(received).date() + timedelta(days=20), self.today
                    )
                    if status == S.CLOSED
                    else None,
                }
                accident = accidents.add(**values)
                victim_snapshots = []
                for severity in severities:
                    name, sex = _person(rng)
                    occupation = rng.choice(occupations) if occupations else None
                    birth_year = year - rng.randint(18, 60)
                    victim = victims.add(
                        public_id=_uuid(rng),
                        accident_id=accident,
                        full_name=name,
                        sex=sex,
                        birth_year=birth_year,
                        personal_id=f"0661{rng.randint(0, 10**8 - 1):08d}"
                        if rng.random() < 0.6
                        else "",
                        occupation_id=occupation.pk if occupation else None,
                        occupation_name=occupation.name if occupation else DEFAULT_OCCUPATION,
                        under_management=bool(enterprise),
                        severity=severity,
                        treatment_place=rng.choice(TREATMENT),
                        days_off=0 if severity == Victim.Severity.FATAL else rng.randint(2, 90),
                        cost_medical=rng.randint(1, 40) * 1_000_000,
                        cost_wages=rng.randint(0, 20) * 1_000_000,
                        cost_compensation=rng.randint(0, 60) * 1_000_000
                        if severity != Victim.Severity.MINOR
                        else 0,
                    )
                    picked = []
                    if severity == Victim.Severity.SERIOUS and codes:
                        picked = rng.sample(codes, k=rng.randint(1, 2))
                        for code in picked:
                            victim_codes.add(victim_id=victim, injurycode_id=code)
                    victim_snapshots.append(
                        {
                            "full_name": name,
                            "sex": labels[sex],
                            "birth_year": birth_year,
                            "occupation": occupation.name if occupation else "",
                            "severity": labels[severity],
                            "severity_code": severity,
                            "injury_codes": [str(code) for code in picked],
                            "treatment_place": "",
                            "under_management": bool(enterprise),
                        }
                    )
                if status != S.DRAFT:
                    declarations.add(
                        public_id=_uuid(rng),
                        accident_id=accident,
                        version=1,
                        snapshot={
                            "receipt_number": receipt,
                            "commune": commune.unit.display_name,
                            "sector": labels[values["sector"]],
                            "kind": labels[kind],
                            "enterprise": {"name": enterprise["name"]} if enterprise else None,
                            "occurred_at": local.strftime("%d/%m/%Y %H:%M"),
                            "place": values["place"],
                            "village": "",
                            "account": values["account"],
                            "main_cause": causes[values["main_cause"]],
                            "injury_factor": str(factor) if factor else "",
                            "commuting": values["commuting"],
                            "property_damage": values["property_damage"],
                            "declarant": {
                                "name": declarant,
                                "position": values["declarant_position"],
                                "phone": values["declarant_phone"],
                            },
                            "victims": victim_snapshots,
                        },
                        channel=channel,
                        submitted_by_id=commune.official,
                        submitted_at=submitted,
                    )
        accidents.close()
        victims.close()
        # The accident detail page's record (bench.pages.showcase_accident) is the demo's; its
        # victims get personal IDs, so the page logs the view as it does for a real record.
        showcase = showcase_accident(self.communes[0].unit)
        for victim in showcase.victims.filter(personal_id=""):
            victim.personal_id = f"0661{rng.randint(0, 10**8 - 1):08d}"
            victim.save(update_fields=["personal_id"])
        victim_codes.close()
        declarations.close()
        for counter in counters.values():
            counter.save()

    def _accident_status(self, age_days: int, rng: random.Random) -> str:
        S = Accident.Status
        if age_days > 365:
            return rng.choices(
                (S.CLOSED, S.RECEIVED, S.NOT_OCCUPATIONAL, S.TRANSFERRED_POLICE),
                (75, 18, 5, 2),
            )[0]
        if age_days > 45:
            return rng.choices(
                (S.CLOSED, S.RECEIVED, S.UNDER_INVESTIGATION, S.QUICK_REPORTED, S.NOT_OCCUPATIONAL),
                (40, 35, 15, 5, 5),
            )[0]
        return rng.choices(
            (S.SUBMITTED, S.RECEIVED, S.UNDER_INVESTIGATION, S.DRAFT), (35, 40, 15, 10)
        )[0]

    # -- Phụ lục XII and the commune's reports -----------------------------------------------
    def _statistics_periods(self) -> list[tuple[int, str]]:
        year = self.today.year
        periods = [(year - 2, "h1"), (year - 2, "year"), (year - 1, "h1"), (year - 1, "year")]
        if self.today >= date(year, 7, 1):
            periods.append((year, "h1"))
        return periods

    def _statistics(self) -> None:
        rng = self.rng
        reports = Rows(PeriodicAccidentReport)
        commune_reports = Rows(CommuneAccidentReport)
        events = self._event_rows()
        have = set(PeriodicAccidentReport.objects.values_list("enterprise_id", "year", "part"))
        have_commune = set(CommuneAccidentReport.objects.values_list("commune_id", "year", "part"))
        periods = self._statistics_periods()
        first = date(min(y for y, _p in periods), 1, 1)
        # Every counted employed-sector accident of those years with its victims, grouped the way
        # Phụ lục XII counts them (enterprise, year, part), for Table I and Table II.
        grouped: dict[tuple[int, int, str], list[Accident]] = defaultdict(list)
        counted = (
            Accident.objects.counted()
            .filter(sector=Accident.Sector.EMPLOYED, occurred_at__date__gte=first)
            .select_related("injury_factor", "village")
            .prefetch_related(
                Prefetch(
                    "victims", queryset=Victim.objects.select_related("occupation").order_by("pk")
                )
            )
            .order_by("occurred_at", "pk")
        )
        for accident in counted.iterator(chunk_size=5000):
            day = timezone.localtime(accident.occurred_at).date()
            grouped[(accident.enterprise_id, day.year, "year")].append(accident)
            if day.month <= 6:
                grouped[(accident.enterprise_id, day.year, "h1")].append(accident)
        tables = {(): JsonText.of(statistics.table_i([]))}
        empty_damage = statistics.table_ii_from_records([])
        for commune in self.communes:
            recipient = default_recipient(commune.unit)
            for year, part in periods:
                period = self._period(
                    commune, PERIODIC_REPORT_KIND, year, part, periodic_report_default_dates
                )
                months = 6 if part == "h1" else 12
                for e in commune.enterprises:
                    if e["status"] != Enterprise.Status.ACTIVE or (e["pk"], year, part) in have:
                        continue
                    if not e["tax_code"] or e["workforce_total"] < 1:
                        continue
                    roll = rng.random()
                    status = (
                        Filing.Status.APPROVED
                        if roll < 0.75
                        else Filing.Status.SUBMITTED
                        if roll < 0.83
                        else Filing.Status.RETURNED
                        if roll < 0.85
                        else Filing.Status.DRAFT
                    )
                    group = grouped.get((e["pk"], year, part), [])
                    damage = statistics.table_ii_from_records(group) if group else empty_damage
                    filed = status != Filing.Status.DRAFT
                    table = self._table_i(group, tables) if filed else {}
                    late = rng.random() < 0.2
                    offset = rng.randint(2, 15) if late else -rng.randint(1, 10)
                    day = min(period.due_on + timedelta(days=offset), self.today)
                    submitted = _aware(day, 10)
                    decided = submitted + timedelta(days=4, hours=3)
                    pk = reports.add(
                        public_id=_uuid(rng),
                        enterprise_id=e["pk"],
                        period_id=period.pk,
                        year=year,
                        part=part,
                        recipient=recipient,
                        workers_total=e["workforce_total"],
                        workers_women=e["workforce_women"],
                        payroll_million=Decimal(e["workforce_total"] * 65 * months) / 10,
                        report_date=day if filed else None,
                        table=table,
                        status=status,
                        channel=Filing.Channel.PAPER,
                        entered_by_id=commune.official,
                        submitted_at=submitted if filed else None,
                        submitted_by_id=commune.official if filed else None,
                        decided_at=decided
                        if status in {Filing.Status.APPROVED, Filing.Status.RETURNED}
                        else None,
                        decided_by_id=commune.official
                        if status in {Filing.Status.APPROVED, Filing.Status.RETURNED}
                        else None,
                        return_reason="Bảng II chưa khớp chứng từ chi phí."
                        if status == Filing.Status.RETURNED
                        else "",
                        master_snapshot=self._snapshot(e, commune) if filed else {},
                        created_at=_aware(period.opens_on, 8),
                        **damage,
                    )
                    self._filing_events(
                        events,
                        PeriodicAccidentReport,
                        pk,
                        status,
                        commune.official,
                        submitted,
                        decided,
                    )
                commune_period = self._period(
                    commune, COMMUNE_REPORT_KIND, year, part, commune_report_default_dates
                )
                if (commune.unit.pk, year, part) in have_commune:
                    continue
                sent = (year, part) != periods[-1] or rng.random() < 0.5
                sent_on = min(
                    commune_period.due_on + timedelta(days=rng.choice((-3, -1, 2, 9))), self.today
                )
                commune_reports.add(
                    public_id=_uuid(rng),
                    commune_id=commune.unit.pk,
                    period_id=commune_period.pk,
                    year=year,
                    part=part,
                    form_version="pl16-draft-2025",
                    document_number=f"{rng.randint(10, 99)}/BC-UBND" if sent else "",
                    report_date=sent_on if sent else None,
                    recipient=recipient,
                    signer_title="CHỦ TỊCH",
                    status=Filing.Status.SUBMITTED if sent else Filing.Status.DRAFT,
                    submitted_at=_aware(sent_on, 15) if sent else None,
                    submitted_by_id=commune.official if sent else None,
                    sent_on=sent_on if sent else None,
                    sent_via=CommuneAccidentReport.SentVia.ONLINE if sent else "",
                    content=statistics.commune_report_content(
                        commune=commune.unit, year=year, part=part
                    )
                    if sent
                    else {},
                    created_at=_aware(commune_period.opens_on, 8),
                )
        reports.close()
        commune_reports.close()
        events.close()

    @staticmethod
    def _table_i(group: list[Accident], tables: dict) -> JsonText:
        """Table I of a group of accidents, made once per set of accidents (the half year and
        the year of an enterprise often hold the same ones)."""
        key = tuple(accident.pk for accident in group)
        if key not in tables:
            tables[key] = JsonText.of(statistics.table_i(group))
        return tables[key]

    # -- diseases ----------------------------------------------------------------------------
    def _disease_exams(self) -> None:
        rng = self.rng
        exams = Rows(DiseaseExam)
        screened = Rows(DiseaseExam.diseases_screened.through)
        events = self._event_rows()
        diseases = list(OccupationalDisease.objects.values_list("pk", flat=True))
        harmful = [
            (commune, e)
            for commune in self.communes
            for e in commune.enterprises
            if e["factors"] and e["status"] == Enterprise.Status.ACTIVE
        ]
        first = date(self.today.year - FILING_YEARS, 1, 1)
        days = (self.today - timedelta(days=1) - first).days
        for _ in range(self.sizes.disease_exams):
            commune, e = rng.choice(harmful)
            exam_date = first + timedelta(days=rng.randint(0, days))
            examined = max(1, round(e["workforce_total"] * rng.uniform(0.3, 0.8)))
            suspected = rng.choice((0, 0, 0, 1)) if examined > 1 else 0
            recent = (self.today - exam_date).days < 60
            status = (
                Filing.Status.SUBMITTED
                if recent and rng.random() < 0.5
                else rng.choices((Filing.Status.APPROVED, Filing.Status.RETURNED), (97, 3))[0]
            )
            submitted = _aware(min(exam_date + timedelta(days=rng.randint(5, 20)), self.today), 10)
            decided = submitted + timedelta(days=rng.randint(1, 7))
            pk = exams.add(
                public_id=_uuid(rng),
                enterprise_id=e["pk"],
                exam_date=exam_date,
                facility=FACILITY,
                workers_examined=examined,
                suspected=suspected,
                confirmed=0,
                status=status,
                channel=Filing.Channel.PAPER,
                entered_by_id=commune.official,
                submitted_at=submitted,
                submitted_by_id=commune.official,
                decided_at=decided if status != Filing.Status.SUBMITTED else None,
                decided_by_id=commune.official if status != Filing.Status.SUBMITTED else None,
                return_reason="Thiếu danh sách người lao động được khám."
                if status == Filing.Status.RETURNED
                else "",
                master_snapshot=self._snapshot(e, commune),
                created_at=submitted,
                note=f"Khám phát hiện bệnh nghề nghiệp định kỳ năm {exam_date.year}.",
            )
            for disease in rng.sample(diseases, k=min(2, len(diseases))):
                screened.add(diseaseexam_id=pk, occupationaldisease_id=disease)
            self._filing_events(
                events, DiseaseExam, pk, status, commune.official, submitted, decided
            )
        exams.close()
        screened.close()
        events.close()

    # -- activity reports --------------------------------------------------------------------
    KINDS_BY_UNIT = {
        ResponsibleUnit.Kind.CULTURE_RADIO: (
            ActivityReport.Kind.RADIO,
            ActivityReport.Kind.BANNERS,
        ),
        ResponsibleUnit.Kind.POLICE: (ActivityReport.Kind.INSPECTION,),
        ResponsibleUnit.Kind.FRONT: (ActivityReport.Kind.PROPAGANDA_MEETING,),
        ResponsibleUnit.Kind.LABOUR_DESK: (
            ActivityReport.Kind.DOCUMENT,
            ActivityReport.Kind.TRAINING,
            ActivityReport.Kind.INSPECTION,
            ActivityReport.Kind.COMMENDATION,
        ),
        ResponsibleUnit.Kind.HEALTH_STATION: (ActivityReport.Kind.TRAINING,),
        ResponsibleUnit.Kind.ENTERPRISES: (ActivityReport.Kind.INSPECTION,),
        ResponsibleUnit.Kind.VILLAGE_BOARD: (ActivityReport.Kind.PROPAGANDA_MEETING,),
    }

    def _outputs(self, kind: str, rng: random.Random) -> dict[str, int]:
        K = ActivityReport.Kind
        if kind == K.RADIO:
            broadcasts = rng.randint(2, 6)
            return {"broadcasts": broadcasts, "airings": broadcasts * rng.randint(3, 6)}
        if kind == K.BANNERS:
            return {"banners": rng.randint(8, 16)}
        if kind == K.INSPECTION:
            inspected = rng.randint(3, 14)
            return {"establishments_inspected": inspected, "violations_found": rng.randint(0, 3)}
        if kind == K.TRAINING:
            participants = rng.randint(20, 80)
            return {"sessions": 1, "participants": participants, "workers_trained": participants}
        if kind == K.COMMENDATION:
            return {"people_commended": rng.randint(3, 9)}
        if kind == K.DOCUMENT:
            return {}
        return {"sessions": rng.randint(1, 3), "participants": rng.randint(35, 140)}

    def _activity_reports(self) -> None:
        rng = self.rng
        rows = Rows(ActivityReport)
        by_commune: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in Assignment.objects.select_related("unit", "task__group__plan"):
            by_commune[assignment.unit.commune_id].append(assignment)
        per_commune = self.sizes.activity_reports_per_year // len(self.communes)
        review_cutoff = self.today - timedelta(days=42)
        for commune in self.communes:
            assignments = by_commune.get(commune.unit.pk, [])
            if not assignments:
                continue
            for year in range(self.today.year - ACTIVITY_YEARS + 1, self.today.year + 1):
                last = min(date(year, 12, 31), self.today - timedelta(days=1))
                days = (last - date(year, 1, 1)).days
                count = round(per_commune * (days + 1) / 365)
                for _ in range(count):
                    assignment = rng.choice(assignments)
                    kind = rng.choice(
                        self.KINDS_BY_UNIT.get(assignment.unit.kind, (ActivityReport.Kind.OTHER,))
                    )
                    day = date(year, 1, 1) + timedelta(days=rng.randint(0, days))
                    reporter = (
                        commune.official
                        if assignment.unit.kind == ResponsibleUnit.Kind.LABOUR_DESK
                        else commune.reporter_for(assignment.unit.kind)
                    )
                    status = ActivityReport.Status.SUBMITTED
                    reviewed_at = None
                    if day < review_cutoff:
                        status = (
                            ActivityReport.Status.RETURNED
                            if rng.random() < 0.05
                            else ActivityReport.Status.ACCEPTED
                        )
                        reviewed_at = _aware(day + timedelta(days=rng.randint(2, 10)), 14)
                    rows.add(
                        public_id=_uuid(rng),
                        assignment_id=assignment.pk,
                        reported_by_id=reporter,
                        occurred_on=day,
                        kind=kind,
                        description=f"{ActivityReport.Kind(kind).label} — "
                        f"nhiệm vụ {assignment.task.group.number}.{assignment.task.number} "
                        f"của kế hoạch, {commune.unit.name}.",
                        status=status,
                        review_comment="Đề nghị bổ sung số người tham dự."
                        if status == ActivityReport.Status.RETURNED
                        else "",
                        reviewed_by_id=commune.leader if reviewed_at else None,
                        reviewed_at=reviewed_at,
                        created_at=_aware(day, 17),
                        **self._outputs(kind, rng),
                    )
        rows.close()


def seed(percent: int, echo: Callable[[str], None] = print) -> dict[str, float]:
    """Seed the (empty, migrated) bench database; returns the seconds of each step."""
    return Seeder(Sizes.for_percent(percent), echo).run()
