"""The Ea Ly plan: the parser reproduces the seed, the loader writes it faithfully and idempotently,
and the ``load_plan`` command loads it into any commune."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from atvsld_portal.indicators import IndicatorCode
from atvsld_portal.models import ResponsibleUnit
from plans.loader import load_plan, planned_assignment_count, unit_kind
from plans.models import Assignment, LegalBasis, Plan, PlanGoal, Task, TaskGroup
from plans.seed import (
    SEED_PATH,
    ParsedPlan,
    PlanTextError,
    join_lines,
    parse_plan_text,
    read_seed,
)
from tests.core.factories import ResponsibleUnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

K = ResponsibleUnit.Kind
SECTION_IV = [
    ("Bộ phận Lao động thương binh và Xã hội", K.LABOUR_DESK),
    ("Cán bộ VHTT và đài truyền thanh xã", K.CULTURE_RADIO),
    ("Công an xã", K.POLICE),
    ("Mặt trận TQVN xã và các ban, nghành đoàn thể xã", K.FRONT),
    ("Các doanh nghiệp, cơ sở sản xuất - kinh doanh", K.ENTERPRISES),
]


@pytest.fixture(scope="module")
def parsed() -> ParsedPlan:
    return parse_plan_text(read_seed())


def _task(parsed: ParsedPlan, group: int, number: int) -> str:
    return parsed.task_groups[group - 1].tasks[number - 1]


# Parser -------------------------------------------------------------------------------------


def test_the_bundled_seed_is_the_shared_one():
    shared = SEED_PATH.parents[3] / "shared" / "seed" / SEED_PATH.name
    if not shared.exists():
        pytest.skip("no shared/ beside the checkout")
    assert SEED_PATH.read_bytes() == shared.read_bytes()


def test_it_finds_seven_task_groups_of_21_tasks(parsed):
    assert [group.number for group in parsed.task_groups] == [1, 2, 3, 4, 5, 6, 7]
    assert [len(group.tasks) for group in parsed.task_groups] == [3, 4, 2, 3, 4, 2, 3]
    assert parsed.task_count == 21


def test_group_titles_span_their_lines(parsed):
    assert parsed.task_groups[0].title == (
        "Tăng cường sự lãnh đạo của chính quyền, cấp ủy chi bộ, người đứng đầu cơ quan, đơn vị, "
        "doanh nghiệp đối với công tác ATVSLĐ"
    )
    # III.7 starts after a page break (leading space in the extracted line).
    assert parsed.task_groups[6].title == (
        "Tăng cường nguồn lực Nhà nước và doanh nghiệp đầu tư cho công tác ATVSLĐ"
    )


def test_it_finds_three_goals(parsed):
    assert len(parsed.goals) == 3
    assert parsed.goals[0].endswith("tỷ lệ tai nạn lao động chết người ít nhất 4%/năm.")
    assert parsed.goals[1].startswith("Đảm bảo 100% người lao động")
    assert parsed.goals[2].endswith("tăng ít nhất 5%/năm.")


def test_purposes_and_requirements(parsed):
    assert len(parsed.purposes) == 3
    assert len(parsed.requirements) == 1
    assert parsed.requirements[0].startswith("Việc tổ chức triển khai Chỉ thị số 31-CT/TW")


def test_a_dash_followed_by_lowercase_continues_the_line(parsed):
    # "kinh tế ⏎- xã hội của xã." is the compound "kinh tế - xã hội", not a fourth purpose.
    assert parsed.purposes[1].endswith("góp phần thúc đẩy phát triển kinh tế - xã hội của xã.")
    assert "kinh tế - xã hội hằng năm" in _task(parsed, 1, 1)


def test_a_hyphen_that_breaks_a_token_is_joined_without_space(parsed):
    assert "Chỉ thị số 31-CT/TW, ngày 19/3/2024" in parsed.preamble  # "31-⏎CT/TW"
    assert "Kế hoạch số 204-KH/HU của Ban Thường vụ" in parsed.requirements[0]  # "204-⏎KH/HU"
    assert "Chỉ thị số 31-CT/TW của Ban Bí thư" in parsed.units[3].duties[1]
    assert "Chỉ thị số 31-CT/TW" in _task(parsed, 1, 2)
    assert not any("31- CT" in text or "204- KH" in text for text in parsed.texts())


def test_a_bullet_without_space_after_its_dash_is_its_own_task(parsed):
    assert _task(parsed, 2, 4).startswith(
        "Chính quyền, người đứng đầu cơ quan, đơn vị, doanh nghiệp, người sử dụng lao động"
    )
    assert _task(parsed, 2, 3).endswith("xây dựng văn hóa an toàn tại cơ quan, đơn vị.")


def test_page_breaks_do_not_leak_into_the_text(parsed):
    assert "người dân trên địa bàn xã về công tác ATVSLĐ, các biện pháp" in _task(parsed, 2, 2)
    assert "thực hiện nghiêm việc huấn luyện ATVSLĐ;" in _task(parsed, 4, 3)
    for text in parsed.texts():
        assert text == text.strip()
        assert "  " not in text
        assert "\n" not in text or text in (parsed.preamble, parsed.closing)


def test_spelling_is_kept_verbatim(parsed):
    assert "kế hoạch phát triển của đoan vị mình." in _task(parsed, 1, 3)
    assert "trên địa bàn xã tập thực hiện tốt" in _task(parsed, 1, 3)
    assert parsed.task_groups[5].title.endswith("điều tra tại nạn lao động")
    assert "BND các thôn,buôn người đứng đầu" in parsed.purposes[0]
    assert "Kế hoạch số 204 - KH/HU, ngày 24/7/2024" in parsed.units[0].duties[0]
    assert parsed.closing.startswith("Trên đây làm Kế hoạch của UBND xã Ea Ly")
    assert parsed.closing.endswith("Đề nghị các ban, nghành đoàn thể triển khai thực hiện.")


def test_it_finds_the_five_units_of_section_iv(parsed):
    assert [(unit.name, unit_kind(unit)[0]) for unit in parsed.units] == SECTION_IV
    assert [len(unit.duties) for unit in parsed.units] == [1, 1, 1, 2, 1]
    # IV.2 has a paragraph rather than a bullet.
    assert parsed.units[1].duties[0].startswith("Tăng cường thông tin, tuyên truyền về ATVSLĐ")


def test_heading_legal_bases_and_preamble(parsed):
    assert parsed.doc_type == "KẾ HOẠCH"
    assert parsed.title == (
        "KẾ HOẠCH Triển khai thực hiện Chỉ thị số 31-CT/TW, ngày 19/3/2024 của Ban Bí thư về "
        "tiếp tục tăng cường sự lãnh đạo của Đảng đối với công tác an toàn, vệ sinh lao động "
        "trong tình hình mới"
    )
    assert [(b.document, b.issued_on, b.issuer) for b in parsed.legal_bases] == [
        ("Kế hoạch số 181-KH/ĐU", date(2024, 8, 23), "Đảng ủy xã Ea Ly"),
        ("Chỉ thị số 31-CT/TW", date(2024, 3, 19), "Ban Bí thư"),
        ("Kế hoạch số 204-KH/HU", date(2024, 7, 24), "Ban Thường vụ Huyện uỷ"),
    ]
    assert parsed.legal_bases[1].title.startswith("tiếp tục tăng cường sự lãnh đạo của Đảng")
    assert parsed.legal_basis_text.startswith("Căn cứ Kế hoạch số 181-KH/ĐU ngày 23 tháng 8")
    assert parsed.preamble.endswith("trong tình hình mới như sau:")


def test_recipients_and_signature(parsed):
    assert parsed.recipients == (
        "Đảng ủy, HĐND, (b/c);",
        "UBMTTQVN xã;",
        "Các ban, ngành liên quan: phối hợp;",
        "BND thôn, buôn.",
        "Các doanh nghiệp trên địa bàn xã;",
        "Lưu, VT.",
    )
    assert parsed.signature.authority == "TM. ỦY BAN NHÂN DÂN XÃ\nKT. CHỦ TỊCH"
    assert parsed.signature.position == "PHÓ CHỦ TỊCH"
    assert parsed.signature.name == "Huỳnh Văn Hùng"


@pytest.mark.parametrize(
    ("head", "tail", "joined"),
    [
        ("Chỉ thị số 31-", "CT/TW, ngày", "Chỉ thị số 31-CT/TW, ngày"),
        ("kinh tế", "- xã hội", "kinh tế - xã hội"),
        ("hợp tác công -", "tư nhằm", "hợp tác công - tư nhằm"),
        ("an toàn,", "vệ sinh", "an toàn, vệ sinh"),
    ],
)
def test_join_lines(head, tail, joined):
    assert join_lines(head, tail) == joined


@pytest.mark.parametrize(
    "text", ["", "KẾ HOẠCH\nkhông có dòng phân cách\n", "KẾ HOẠCH\nX\n-----\n"]
)
def test_it_rejects_text_without_the_structure_of_a_plan(text):
    with pytest.raises(PlanTextError):
        parse_plan_text(text)


# Loader -------------------------------------------------------------------------------------


@pytest.fixture
def boards(commune):
    return [
        ResponsibleUnitFactory(
            commune=commune,
            kind=K.VILLAGE_BOARD,
            village=VillageFactory(commune=commune, name=name),
            name=f"Ban nhân dân {name}",
        )
        for name in ("Thôn Ea Lâm 1", "Buôn Ken")
    ]


@pytest.fixture
def police(commune):
    return ResponsibleUnitFactory(commune=commune, kind=K.POLICE, name="Công an xã Ea Ly")


@pytest.fixture
def plan(commune, boards, police, officer):
    return load_plan(commune=commune, text=read_seed(), by=officer)


def _counts(plan: Plan) -> tuple[int, ...]:
    return (
        LegalBasis.objects.filter(plan=plan).count(),
        PlanGoal.objects.filter(plan=plan).count(),
        TaskGroup.objects.filter(plan=plan).count(),
        Task.objects.filter(group__plan=plan).count(),
        Assignment.objects.filter(task__group__plan=plan).count(),
    )


def _history_counts() -> tuple[int, ...]:
    return tuple(model.history.count() for model in (Plan, PlanGoal, TaskGroup, Task, Assignment))


def test_the_plan_is_in_force_from_2024_without_number_or_date(plan, commune):
    assert plan.commune == commune
    assert plan.status == Plan.Status.IN_FORCE
    assert (plan.start_year, plan.end_year) == (2024, None)
    assert (plan.number, plan.symbol, plan.issued_on) == ("", "", None)
    assert plan.number_symbol == ""
    assert plan.issuing_body == "Ủy ban nhân dân xã Ea Ly"
    assert plan.title.startswith("KẾ HOẠCH Triển khai thực hiện Chỉ thị số 31-CT/TW")
    assert (plan.signer_authority, plan.signer_position, plan.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN XÃ\nKT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Huỳnh Văn Hùng",
    )
    assert plan.recipients.splitlines()[0] == "Đảng ủy, HĐND, (b/c)"
    assert plan.recipients.splitlines()[-1] == "Lưu, VT"
    assert len(plan.purposes.splitlines()) == 3
    assert plan.closing_text.startswith("Trên đây làm Kế hoạch")


def test_the_loader_reproduces_the_seed(plan, parsed):
    # 40 assignments from the matrix, plus the two village boards supporting task 1.2.
    assert _counts(plan) == (3, 3, 7, 21, 42)
    assert planned_assignment_count(parsed, village_boards=2) == 42
    groups = TaskGroup.objects.filter(plan=plan).order_by("number")
    assert [group.tasks.count() for group in groups] == [3, 4, 2, 3, 4, 2, 3]
    task = Task.objects.get(group__plan=plan, group__number=1, number=3)
    assert "đoan vị" in task.text
    assert Task.objects.get(group__plan=plan, group__number=2, number=4).text.startswith(
        "Chính quyền, người đứng đầu"
    )


def test_goals_map_to_indicators(plan):
    goals = [
        (g.order, g.indicator, g.direction, g.target_value, g.target_unit, g.method)
        for g in plan.goals.order_by("order")
    ]
    assert goals == [
        (1, IndicatorCode.FATALITY_FREQUENCY, "decrease", Decimal(4), "%", "yoy"),
        (2, IndicatorCode.EXPOSED_EXAM_COVERAGE, "reach", Decimal(100), "%", "level"),
        (3, IndicatorCode.MONITORED_ENTERPRISES, "increase", Decimal(5), "%", "yoy"),
    ]
    assert "tỷ lệ tai nạn lao động chết người ít nhất 4%/năm" in plan.goals.get(order=1).text


def test_section_iv_units_map_onto_the_communes_units(plan, commune, police):
    units = {u.kind: u for u in ResponsibleUnit.objects.filter(commune=commune)}
    assert units[K.POLICE] == police  # an existing unit is used, not renamed
    assert units[K.POLICE].name == "Công an xã Ea Ly"
    assert units[K.LABOUR_DESK].name == "Bộ phận Lao động thương binh và Xã hội"
    assert units[K.ENTERPRISES].name == "Các doanh nghiệp, cơ sở sản xuất - kinh doanh"
    leads = Assignment.objects.filter(task__group__plan=plan, role=Assignment.Role.LEAD)
    assert {a.unit.kind for a in leads} == {kind for _name, kind in SECTION_IV}
    assert all(a.note for a in leads)
    front = leads.filter(unit__kind=K.FRONT).first()
    assert front.note.startswith("Nghiên cứu, học tập, triển khai, quán triệt")
    assert front.note.splitlines()[1].startswith("Phối hợp tuyên truyền")
    supports = Assignment.objects.filter(task__group__plan=plan, role=Assignment.Role.SUPPORT)
    assert not supports.exclude(note="").exists()


def test_the_matrix_includes_village_boards_and_cadences(plan, boards):
    task_1_2 = Task.objects.get(group__plan=plan, group__number=1, number=2)
    supports = set(
        task_1_2.assignments.filter(role=Assignment.Role.SUPPORT).values_list("unit", flat=True)
    )
    assert {board.pk for board in boards} <= supports
    assert task_1_2.assignments.get(role=Assignment.Role.LEAD).unit.kind == K.FRONT
    month = Assignment.objects.filter(task__group__plan=plan, task__group__number=2, task__number=2)
    assert {(a.cadence, a.month) for a in month} == {(Assignment.Cadence.FIXED_MONTH, 5)}
    commendation = Assignment.objects.get(
        task__group__plan=plan, task__group__number=5, task__number=4, role=Assignment.Role.LEAD
    )
    assert commendation.cadence == Assignment.Cadence.YEARLY
    assert (
        Assignment.objects.get(
            task__group__plan=plan, task__group__number=6, task__number=2, role=Assignment.Role.LEAD
        ).unit.kind
        == K.POLICE
    )
    without_lead = Task.objects.filter(group__plan=plan).exclude(
        assignments__role=Assignment.Role.LEAD
    )
    assert not without_lead.exists()


def test_a_second_load_changes_nothing(plan, commune, officer):
    before = _counts(plan)
    history = _history_counts()
    again = load_plan(commune=commune, text=read_seed(), by=officer)
    assert again.pk == plan.pk
    assert _counts(again) == before
    assert Plan.objects.count() == 1
    assert _history_counts() == history  # nothing was saved again


def test_a_second_load_keeps_what_the_official_entered(plan, commune):
    Plan.objects.filter(pk=plan.pk).update(
        number="12", symbol="KH-UBND", issued_on=date(2024, 9, 10), status=Plan.Status.CLOSED
    )
    edited = Assignment.objects.get(
        task__group__plan=plan, task__group__number=3, task__number=1, role=Assignment.Role.LEAD
    )
    Assignment.objects.filter(pk=edited.pk).update(cadence=Assignment.Cadence.QUARTERLY)
    Task.objects.filter(group__plan=plan, group__number=3, number=1).update(text="sửa tay")

    load_plan(commune=commune, text=read_seed())

    plan.refresh_from_db()
    assert (plan.number, plan.symbol, plan.issued_on) == ("12", "KH-UBND", date(2024, 9, 10))
    assert plan.status == Plan.Status.CLOSED
    edited.refresh_from_db()
    assert edited.cadence == Assignment.Cadence.QUARTERLY
    # The wording comes back from the source.
    assert Task.objects.get(group__plan=plan, group__number=3, number=1).text.startswith(
        "Thường xuyên rà soát"
    )


def test_another_commune_gets_its_own_plan_and_units(plan, other_commune):
    other = load_plan(commune=other_commune, text=read_seed())
    assert other.pk != plan.pk
    assert other.issuing_body == "Ủy ban nhân dân xã Ea Bá"
    assert Plan.objects.count() == 2
    assert _counts(other)[:4] == (3, 3, 7, 21)
    units = ResponsibleUnit.objects.filter(commune=other_commune)
    assert sorted(units.values_list("kind", flat=True)) == sorted(kind for _n, kind in SECTION_IV)
    assert (
        not Assignment.objects.filter(task__group__plan=other)
        .exclude(unit__commune=other_commune)
        .exists()
    )


# Command ------------------------------------------------------------------------------------


def test_the_command_loads_the_bundled_seed(commune, boards):
    out = StringIO()
    call_command("load_plan", "--commune", "Ea Ly", stdout=out)
    assert "Loaded the plan into Ea Ly" in out.getvalue()
    assert "21 tasks" in out.getvalue()
    plan = Plan.objects.get(commune=commune)
    assert _counts(plan)[3] == 21


def test_the_command_finds_the_commune_by_code(commune):
    call_command("load_plan", "--commune", "TEST-EA-LY", "--file", str(SEED_PATH), verbosity=0)
    assert Plan.objects.filter(commune=commune).exists()


def test_dry_run_writes_nothing(commune, boards):
    units_before = ResponsibleUnit.objects.count()
    out = StringIO()
    call_command("load_plan", "--commune", "Ea Ly", "--dry-run", stdout=out, verbosity=2)
    output = out.getvalue()
    assert "would create a new plan" in output
    assert "7 task groups, 21 tasks" in output
    assert "5 units of section IV" in output
    assert "III.7 (3 tasks)" in output
    assert not Plan.objects.exists()
    assert ResponsibleUnit.objects.count() == units_before


def test_the_command_rejects_an_unknown_commune(commune):
    with pytest.raises(CommandError, match="No commune"):
        call_command("load_plan", "--commune", "Xã không có")


def test_the_command_rejects_a_file_that_is_not_a_plan(commune, tmp_path):
    path = tmp_path / "not-a-plan.txt"
    path.write_text("Biên bản họp\n", encoding="utf-8")
    with pytest.raises(CommandError, match="separator"):
        call_command("load_plan", "--commune", "Ea Ly", "--file", str(path))
