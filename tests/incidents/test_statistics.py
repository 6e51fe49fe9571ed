"""Accident statistics by hand: Table I of Phụ lục XII from a set of accident records, every
cross-field rule of DOMAIN §3.7, the report services, opening periods, the filing compliance
table, the commune's report on the informal sector and the examined count by quarter.

Expected figures are worked out by hand in the comments and written literally: they are never
recomputed with the code under test.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.forms import ReportingPeriodForm
from atvsld_portal.models import Filing, Outbox, ReportingPeriod
from atvsld_portal.services import period_open
from enterprises.models import Enterprise
from incidents import statistics
from incidents.compliance import compliance_table
from incidents.models import (
    Accident,
    CommuneAccidentReport,
    DiseaseExam,
    InjuryFactor,
    Occupation,
    PeriodicAccidentReport,
    Victim,
)
from incidents.selectors import examined_by_quarter
from incidents.services import reports
from tests.core.factories import VillageFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import (
    DiseaseExamFactory,
    PeriodicAccidentReportFactory,
    ReceivedAccidentFactory,
    StatisticsPeriodFactory,
    VictimFactory,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
RECOMPUTE_TASK = "reporting.tasks.recompute_indicators_task"
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR
ZERO = [0] * 11
EMAIL = CommuneAccidentReport.SentVia.EMAIL


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)


def factor(code: str) -> InjuryFactor:
    return InjuryFactor.objects.get(code=code)


def accident(*, enterprise=None, commune=None, when, victims=(), cause="5", factor_code="12", **kw):
    """A received (counted) accident with the given victims: dicts of Victim fields."""
    if enterprise is None:
        kw.setdefault("sector", Accident.Sector.INFORMAL)
    row = ReceivedAccidentFactory(
        enterprise=enterprise,
        commune=commune or enterprise.commune,
        occurred_at=when,
        main_cause=cause,
        injury_factor=factor(factor_code) if factor_code else None,
        **kw,
    )
    for victim in victims:
        VictimFactory(accident=row, **victim)
    return row


def victim(severity, *, sex=Victim.Sex.MALE, managed=True, occupation="8111", **kw) -> dict:
    """A victim with an occupation of the list (by code), or a free-text one (code None)."""
    if occupation is None:
        data = {"occupation": None, "occupation_name": "Công nhân phân loại đá"}
    else:
        found = Occupation.objects.get(code=occupation)
        data = {"occupation": found, "occupation_name": found.name}
    return {"severity": severity, "sex": sex, "under_management": managed, **data, **kw}


def values_by_key(table: dict) -> dict[str, list[int]]:
    return {row["key"]: row["values"] for row in table["rows"] if row["kind"] != "heading"}


# ------------------------------------------------------------------------------
# Table I from the records
# ------------------------------------------------------------------------------
@pytest.fixture
def accidents(enterprise, other_enterprise):
    """Accidents of `enterprise` in 2026 (columns 3-13 of each, worked out by hand):

    A1 10/03 multi-victim, cause 5, factor 12: a death (8111), a serious (8111), a serious
       (8332), all under management              -> [1,1,1,3,0,0,0,1,0,2,0]
    A2 02/04 a death NOT under management, cause 3, factor 11, occupation 7111
                                                  -> [1,1,0,1,1,0,0,1,1,0,0]
    A3 20/05 a woman, minor, cause 8 (other cause 1 not counted), factor 7, free-text occupation
                                                  -> [1,0,0,1,0,1,0,0,0,0,0]
    A10 01/01 00:30 local (31/12 17:30 UTC), minor, cause 5, factor 12, 8111
                                                  -> [1,0,0,1,0,0,0,0,0,0,0]
    A4 15/02 commuting, serious, cause 9, factor 3 -> row 2 only [1,0,0,1,0,0,0,0,0,1,0]
    A8 15/07 serious NOT under management, cause 1, factor 14, 8111 (year only)
                                                  -> [1,0,0,1,1,0,0,0,0,1,1]
    A9 01/07 00:30 local (30/06 17:30 UTC): the local date puts it in the second half (year only);
       a woman NOT under management, minor, cause 7, factor 14, 8111
                                                  -> [1,0,0,1,1,1,1,0,0,0,0]
    Never counted: a technical incident, an accident concluded not occupational, a draft, an
    accident of 01/01/2027 00:30 local (31/12/2026 UTC), another enterprise's accident.
    """
    a1 = accident(
        enterprise=enterprise,
        when=local(2026, 3, 10, 8, 30),
        cause="5",
        factor_code="12",
        victims=[victim(FATAL), victim(SERIOUS), victim(SERIOUS, occupation="8332")],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 4, 2, 14, 0),
        cause="3",
        factor_code="11",
        victims=[victim(FATAL, managed=False, occupation="7111")],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 5, 20, 9, 0),
        cause="8",
        other_causes=["1"],
        factor_code="7",
        victims=[victim(MINOR, sex=Victim.Sex.FEMALE, occupation=None)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 1, 1, 0, 30),
        cause="5",
        factor_code="12",
        victims=[victim(MINOR)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 2, 15, 17, 30),
        cause="9",
        factor_code="3",
        commuting=True,
        victims=[victim(SERIOUS, occupation="8332")],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 7, 15, 10, 0),
        cause="1",
        factor_code="14",
        victims=[victim(SERIOUS, managed=False)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 7, 1, 0, 30),
        cause="7",
        factor_code="14",
        victims=[victim(MINOR, sex=Victim.Sex.FEMALE, managed=False)],
    )
    # Never counted.
    accident(
        enterprise=enterprise,
        when=local(2026, 3, 1, 10, 0),
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        victims=[victim(MINOR)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 4, 20, 10, 0),
        status=Accident.Status.NOT_OCCUPATIONAL,
        victims=[victim(FATAL)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 5, 5, 10, 0),
        status=Accident.Status.DRAFT,
        receipt_number=None,
        victims=[victim(FATAL)],
    )
    accident(enterprise=enterprise, when=local(2027, 1, 1, 0, 30), victims=[victim(FATAL)])
    accident(enterprise=other_enterprise, when=local(2026, 3, 3, 9, 0), victims=[victim(FATAL)])
    return a1


def test_table_i_first_half_by_hand(accidents, enterprise, django_assert_num_queries):
    # Injury factors, accidents, victims with their occupations.
    with django_assert_num_queries(3):
        table = statistics.table_i(
            statistics.enterprise_accidents(enterprise=enterprise, year=2026, part="h1")
        )
    values = values_by_key(table)
    # Row 1 = A1 + A2 + A3 + A10.
    assert values["1"] == [4, 2, 1, 6, 1, 1, 0, 2, 1, 2, 0]
    # The multi-victim accident alone would be columns 3=1, 4=1, 5=1, 6=3, 10=1, 12=2: its
    # cause (5) and factor (12) rows hold it with A10.
    assert values["cause-5"] == [2, 1, 1, 4, 0, 0, 0, 1, 0, 2, 0]
    assert values["cause-3"] == [1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0]
    assert values["cause-8"] == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    for code in ("1", "2", "4", "6", "7", "9"):  # other causes and commuting's cause 9: nothing
        assert values[f"cause-{code}"] == ZERO, code
    assert values["factor-12"] == [2, 1, 1, 4, 0, 0, 0, 1, 0, 2, 0]
    assert values["factor-11"] == [1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0]
    assert values["factor-7"] == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert values["factor-3"] == ZERO  # the commuting accident's factor
    assert values["factor-14"] == ZERO
    # Occupations: accident columns under the first victim's occupation, each victim under
    # their own. 8111: A1 (first victim) + A10; victims A1's death and serious + A10's.
    occupation_rows = [row for row in table["rows"] if row["key"].startswith("occupation-")]
    assert [(row["code"], row["label"]) for row in occupation_rows] == [
        ("", "Công nhân phân loại đá"),
        ("7111", "Thợ xây dựng"),
        ("8111", "Thợ khai thác mỏ, khai thác đá"),
        ("8332", "Lái xe tải nặng"),
    ]
    assert values["occupation-Công nhân phân loại đá"] == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert values["occupation-7111"] == [1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0]
    assert values["occupation-8111"] == [2, 1, 1, 3, 0, 0, 0, 1, 0, 1, 0]
    assert values["occupation-8332"] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    # Row 2 (code 10) = the commuting accident only; row 3 = 1 + 2.
    row2 = next(row for row in table["rows"] if row["key"] == "2")
    assert row2["code"] == "10"
    assert values["2"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert values["3"] == [5, 2, 1, 7, 1, 1, 0, 2, 1, 3, 0]
    assert table["columns"] == list(range(3, 14))
    assert table["unclassified"] == []
    assert statistics.table_i_errors(table) == []


def test_the_multi_victim_accident_alone(accidents):
    table = statistics.table_i(Accident.objects.filter(pk=accidents.pk))
    values = values_by_key(table)
    # 1 accident, fatal, with 2+ victims; 3 victims, 1 death, 2 seriously injured, all managed.
    assert values["1"] == [1, 1, 1, 3, 0, 0, 0, 1, 0, 2, 0]
    assert values["cause-5"] == values["factor-12"] == values["3"] == values["1"]
    assert values["occupation-8111"] == [1, 1, 1, 2, 0, 0, 0, 1, 0, 1, 0]
    assert values["occupation-8332"] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert statistics.table_i_errors(table) == []


def test_table_i_whole_year_by_hand(accidents, enterprise):
    table = statistics.table_i(
        statistics.enterprise_accidents(enterprise=enterprise, year=2026, part="year")
    )
    values = values_by_key(table)
    # H1 row 1 [4,2,1,6,1,1,0,2,1,2,0] + A8 [1,0,0,1,1,0,0,0,0,1,1] + A9 [1,0,0,1,1,1,1,0,0,0,0].
    assert values["1"] == [6, 2, 1, 8, 3, 2, 1, 2, 1, 3, 1]
    assert values["cause-1"] == [1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1]
    assert values["cause-7"] == [1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
    assert values["cause-5"] == [2, 1, 1, 4, 0, 0, 0, 1, 0, 2, 0]
    assert values["factor-14"] == [2, 0, 0, 2, 2, 1, 1, 0, 0, 1, 1]
    assert values["occupation-8111"] == [4, 1, 1, 5, 2, 1, 1, 1, 0, 2, 1]
    assert values["2"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert values["3"] == [7, 2, 1, 9, 3, 2, 1, 2, 1, 4, 1]
    assert statistics.table_i_errors(table) == []


def test_an_accident_without_main_cause_or_factor_is_unclassified(enterprise):
    accident(
        enterprise=enterprise,
        when=local(2026, 2, 1, 9, 0),
        cause="",
        receipt_number="TNLĐ-2026-0007",
        victims=[victim(MINOR)],
    )
    accident(
        enterprise=enterprise,
        when=local(2026, 2, 2, 9, 0),
        factor_code=None,
        receipt_number="TNLĐ-2026-0008",
        victims=[victim(MINOR)],
    )
    table = statistics.table_i(
        statistics.enterprise_accidents(enterprise=enterprise, year=2026, part="h1")
    )
    assert table["unclassified"] == ["TNLĐ-2026-0007", "TNLĐ-2026-0008"]
    with translation.override("en"):
        errors = statistics.table_i_errors(table)
    assert any("TNLĐ-2026-0007, TNLĐ-2026-0008" in error for error in errors)
    # Each is missing from one breakdown, so that breakdown does not add up to row 1 either.
    assert any("1.1" in error for error in errors)
    assert any("1.2" in error for error in errors)


# ------------------------------------------------------------------------------
# Cross-field rules (DOMAIN §3.7): each crafted violation is caught
# ------------------------------------------------------------------------------
def table_with(row1: list[int], **overrides: list[int]) -> dict:
    """A table whose every breakdown holds row 1 in one row, no commuting, row 3 = row 1."""
    values = {
        "1": row1,
        "cause-5": row1,
        "factor-12": row1,
        "occupation-8111": row1,
        "2": ZERO,
        "3": row1,
        **overrides,
    }

    def row(key, kind, label):
        return {"key": key, "code": "", "label": label, "kind": kind, "values": list(values[key])}

    def heading(key):
        return {"key": key, "code": "", "label": key, "kind": "heading", "values": []}

    return {
        "columns": list(range(3, 14)),
        "rows": [
            row("1", "total", "Dòng 1"),
            heading("1.1"),
            row("cause-5", "item", "Nguyên nhân 5"),
            heading("1.2"),
            row("factor-12", "item", "Yếu tố 12"),
            heading("1.3"),
            row("occupation-8111", "item", "Nghề 8111"),
            row("2", "total", "Dòng 2"),
            row("3", "total", "Dòng 3"),
        ],
        "unclassified": [],
    }


VALID = [2, 1, 1, 3, 1, 1, 0, 1, 0, 1, 1]


def test_a_valid_crafted_table_passes():
    assert statistics.table_i_errors(table_with(VALID)) == []


ROW_VIOLATIONS = [
    # (row 1 = every breakdown row, the rule broken, a phrase of the English message, a column
    # number the message names in any language)
    ([1, 2, 0, 3, 0, 0, 0, 2, 0, 0, 0], "col4 > col3", "(column 4) exceed all accidents", "4"),
    ([1, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0], "col5 > col3", "(column 5) exceed all accidents", "5"),
    ([2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], "col6 < col3", "column 6 must be at least column 3.", "6"),
    ([2, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0], "col6 < col3 + col5", "column 3 + column 5", "5"),
    ([1, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0], "col8 > col6", "(column 8) exceed all victims", "8"),
    ([1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0], "col10 + col12 > col6", "(columns 10 + 12) exceed", "12"),
    ([1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0], "col7 > col6", "(7 ≤ 6)", "7"),
    ([1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0], "col9 > col8", "(9 ≤ 8)", "9"),
    ([1, 1, 0, 1, 0, 0, 0, 1, 2, 0, 0], "col11 > col10", "(11 ≤ 10)", "11"),
    ([1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2], "col13 > col12", "(13 ≤ 12)", "13"),
    ([2, 2, 0, 2, 0, 0, 0, 1, 0, 0, 0], "col10 < col4", "column 10 must be at least column 4", "4"),
    ([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], "col10 > 0, col4 = 0", "must both be zero or both", "10"),
]


@pytest.mark.parametrize(
    ("row1", "rule", "phrase", "column"), ROW_VIOLATIONS, ids=[r[1] for r in ROW_VIOLATIONS]
)
def test_each_row_rule_rejects_its_violation(row1, rule, phrase, column):
    table = table_with(row1)
    with translation.override("en"):
        errors = statistics.table_i_errors(table)
    assert any(error.startswith("Dòng 1: ") and phrase in error for error in errors), (rule, errors)
    # With Vietnamese active there is the same number of messages, still naming the row and the
    # column (the wording itself comes with the catalogue).
    with translation.override("vi"):
        vi_errors = statistics.table_i_errors(table)
    assert len(vi_errors) == len(errors)
    assert any(error.startswith("Dòng 1: ") and column in error for error in vi_errors)


def test_the_row_rules_also_hold_in_the_breakdowns():
    # Only the cause row breaks col4 <= col3 (and the sum of 1.1 is then wrong too).
    table = table_with(VALID, **{"cause-5": [2, 3, 1, 3, 1, 1, 0, 1, 0, 1, 1]})
    with translation.override("en"):
        errors = statistics.table_i_errors(table)
    assert any(e.startswith("Nguyên nhân 5: ") and "(column 4)" in e for e in errors)
    assert any("1.1" in e for e in errors)


def test_occupation_rows_are_not_held_to_accident_rules():
    # A second victim in another occupation: victims without an accident in that row is normal.
    table = table_with(
        [1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0],
        **{"occupation-8111": [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]},
    )
    table["rows"].insert(
        7,
        {
            "key": "occupation-8332",
            "code": "8332",
            "label": "Nghề 8332",
            "kind": "item",
            "values": [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        },
    )
    assert statistics.table_i_errors(table) == []


@pytest.mark.parametrize(
    ("key", "section"), [("cause-5", "1.1"), ("factor-12", "1.2"), ("occupation-8111", "1.3")]
)
def test_a_breakdown_that_does_not_add_up_to_row_1_is_rejected(key, section):
    table = table_with(VALID, **{key: [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]})
    with translation.override("en"):
        errors = statistics.table_i_errors(table)
    assert errors == [
        f"The rows of {section} do not add up to row 1: each accident and each victim must be "
        "classified exactly once."
    ]
    with translation.override("vi"):
        vi_errors = statistics.table_i_errors(table)
    assert len(vi_errors) == 1
    assert section in vi_errors[0]


def test_row_3_must_be_row_1_plus_row_2():
    table = table_with(VALID, **{"2": [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]})  # row 3 still = row 1
    with translation.override("en"):
        assert statistics.table_i_errors(table) == ["Row 3 must equal row 1 + row 2."]
    with translation.override("vi"):
        assert len(statistics.table_i_errors(table)) == 1
    fixed = table_with(
        VALID,
        **{"2": [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], "3": [3, 1, 1, 4, 1, 1, 0, 1, 0, 1, 1]},
    )
    assert statistics.table_i_errors(fixed) == []


def test_an_unclassified_accident_is_rejected():
    table = table_with(VALID)
    table["unclassified"] = ["TNLĐ-2026-0031"]
    with translation.override("en"):
        errors = statistics.table_i_errors(table)
    assert len(errors) == 1
    assert "no main cause or injury factor" in errors[0]
    assert errors[0].endswith("TNLĐ-2026-0031.")
    with translation.override("vi"):
        vi_errors = statistics.table_i_errors(table)
    assert len(vi_errors) == 1
    assert "TNLĐ-2026-0031" in vi_errors[0]


def test_h1_more_than_the_year_is_a_warning_per_cell():
    h1 = table_with(VALID)
    year = table_with([1, 1, 0, 2, 1, 1, 0, 1, 0, 1, 1])
    with translation.override("en"):
        warnings = statistics.h1_exceeds_year_warnings(h1, year)
    # Column 3 (2 > 1), column 5 (1 > 0), column 6 (3 > 2), in row 1 only.
    assert warnings == [
        "Row 1, column 3: the first half (2) is more than the whole year (1).",
        "Row 1, column 5: the first half (1) is more than the whole year (0).",
        "Row 1, column 6: the first half (3) is more than the whole year (2).",
    ]
    assert statistics.h1_exceeds_year_warnings(year, h1) == []


# ------------------------------------------------------------------------------
# Report services
# ------------------------------------------------------------------------------
@pytest.fixture
def h1_period(commune):
    return StatisticsPeriodFactory(commune=commune)


@pytest.fixture
def h1_report(h1_period, enterprise, officer):
    period_open(period=h1_period, by=officer)
    return PeriodicAccidentReport.objects.get(enterprise=enterprise, year=2026, part="h1")


def recompute_rows(commune) -> list[Outbox]:
    return [
        row
        for row in Outbox.objects.filter(task_name=RECOMPUTE_TASK)
        if row.args == [commune.pk, 2026]
    ]


def test_a_zero_report_is_valid_and_submits(h1_report, enterprise_owner, commune):
    assert h1_report.status == Filing.Status.DRAFT
    assert h1_report.workers_total == 20  # from the enterprise's registry entry
    with time_machine.travel(local(2026, 7, 3, 10, 0), tick=False):
        report = reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED
    assert report.submitted_by == enterprise_owner
    assert report.report_date == date(2026, 7, 3)
    assert report.master_snapshot["tax_code"] == report.enterprise.tax_code
    values = values_by_key(report.table)
    assert values["1"] == values["2"] == values["3"] == ZERO
    assert all(v == ZERO for k, v in values.items())
    assert len(recompute_rows(commune)) == 1


def test_submitting_needs_a_workforce(h1_report, enterprise_owner):
    PeriodicAccidentReport.objects.filter(pk=h1_report.pk).update(workers_total=0, workers_women=0)
    h1_report.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    assert "Enter the total number of workers (at least 1)." in caught.value.messages
    h1_report.refresh_from_db()
    assert h1_report.status == Filing.Status.DRAFT
    assert h1_report.table == {}


def test_submitting_with_an_unclassified_accident_is_refused(
    h1_report, enterprise, enterprise_owner
):
    accident(
        enterprise=enterprise,
        when=local(2026, 3, 3, 9, 0),
        cause="",
        receipt_number="TNLĐ-2026-0011",
        victims=[victim(MINOR)],
    )
    with pytest.raises(ValidationError) as caught:
        reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    assert any("TNLĐ-2026-0011" in message for message in caught.value.messages)
    h1_report.refresh_from_db()
    assert h1_report.status == Filing.Status.DRAFT
    assert not Outbox.objects.filter(task_name=RECOMPUTE_TASK).exists()


def test_a_corrected_accident_differs_from_the_frozen_table(
    h1_report, enterprise, enterprise_owner
):
    one = accident(enterprise=enterprise, when=local(2026, 3, 3, 9, 0), victims=[victim(MINOR)])
    with time_machine.travel(local(2026, 7, 3, 10, 0), tick=False):
        report = reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    assert reports.periodic_report_records_differ(report) is False
    # The commune corrects the accident afterwards: the victim died.
    Victim.objects.filter(accident=one).update(severity=FATAL)
    report.refresh_from_db()
    assert reports.periodic_report_records_differ(report) is True
    frozen = values_by_key(reports.periodic_report_table(report))
    assert frozen["3"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert values_by_key(report.table)["3"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]


def test_h1_more_than_the_year_warns_on_both_reports(
    commune, enterprise, officer, enterprise_owner
):
    h1 = StatisticsPeriodFactory(commune=commune)
    whole = StatisticsPeriodFactory(
        commune=commune,
        part=ReportingPeriod.Part.YEAR,
        opens_on=date(2026, 12, 1),
        due_on=date(2027, 1, 10),
        closes_on=date(2027, 1, 31),
    )
    period_open(period=h1, by=officer)
    period_open(period=whole, by=officer)
    one = accident(enterprise=enterprise, when=local(2026, 3, 3, 9, 0), victims=[victim(MINOR)])
    h1_report = PeriodicAccidentReport.objects.get(enterprise=enterprise, part="h1")
    year_report = PeriodicAccidentReport.objects.get(enterprise=enterprise, part="year")
    with time_machine.travel(local(2026, 7, 3, 10, 0), tick=False):
        h1_report = reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    assert reports.periodic_report_warnings(year_report) == []
    # Later the accident is found not occupational: the filed H1 keeps it, the year does not.
    Accident.objects.filter(pk=one.pk).update(status=Accident.Status.NOT_OCCUPATIONAL)
    with translation.override("en"):
        warnings = reports.periodic_report_warnings(year_report)
        assert reports.periodic_report_warnings(h1_report) == warnings
    assert warnings == [
        "Row 1, column 3: the first half (1) is more than the whole year (0).",
        "Row 1, column 6: the first half (1) is more than the whole year (0).",
    ]


def test_total_cost_must_be_the_sum_of_its_parts(h1_report, enterprise_owner):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        reports.periodic_report_save(
            report=h1_report,
            by=enterprise_owner,
            data={
                "cost_medical": 1200,
                "cost_wages": 300,
                "cost_compensation": 0,
                "cost_total": 1000,
            },
        )
    assert "1.500 thousand VND" in caught.value.message_dict["cost_total"][0]
    h1_report.refresh_from_db()
    assert h1_report.cost_total == 0
    assert h1_report.cost_medical == 0
    saved = reports.periodic_report_save(
        report=h1_report,
        by=enterprise_owner,
        data={"cost_medical": 1200, "cost_wages": 300, "cost_compensation": 0, "cost_total": 1500},
    )
    saved.refresh_from_db()
    assert saved.cost_total == 1500


def test_table_ii_comes_from_the_victims_in_thousand_vnd(h1_period, enterprise, officer):
    accident(
        enterprise=enterprise,
        when=local(2026, 3, 3, 9, 0),
        property_damage=12_400_000,
        victims=[
            victim(SERIOUS, days_off=30, cost_medical=5_000_000, cost_wages=3_600_000),
            victim(MINOR, days_off=4, cost_medical=400_000, cost_compensation=1_000_000),
        ],
    )
    period_open(period=h1_period, by=officer)
    report = PeriodicAccidentReport.objects.get(enterprise=enterprise)
    # 34 days; medical 5 400 000 VND = 5 400; wages 3 600; compensation 1 000; total 10 000.
    assert (report.days_off, report.cost_medical, report.cost_wages) == (34, 5400, 3600)
    assert (report.cost_compensation, report.cost_total, report.property_damage) == (
        1000,
        10000,
        12400,
    )


def test_a_paper_report_keeps_its_date_and_who_typed_it(h1_report, officer):
    reports.periodic_report_save(
        report=h1_report,
        by=officer,
        data={"report_date": date(2026, 7, 4), "payroll_million": 1250},
        channel=Filing.Channel.PAPER,
    )
    with time_machine.travel(local(2026, 7, 9, 10, 0), tick=False):
        report = reports.periodic_report_submit(report=h1_report, by=officer)
    report.refresh_from_db()
    assert report.channel == Filing.Channel.PAPER
    assert report.entered_by == officer
    assert report.report_date == date(2026, 7, 4)


def test_return_approve_and_the_lock(h1_report, enterprise_owner, officer):
    with time_machine.travel(local(2026, 7, 3, 10, 0), tick=False):
        reports.periodic_report_submit(report=h1_report, by=enterprise_owner)
    with pytest.raises(ApplicationError):
        reports.periodic_report_return(report=h1_report, by=officer, reason="  ")
    returned = reports.periodic_report_return(
        report=h1_report, by=officer, reason="Thiếu tổng quỹ lương."
    )
    assert returned.status == Filing.Status.RETURNED
    assert returned.return_reason == "Thiếu tổng quỹ lương."
    fixed = reports.periodic_report_save(
        report=returned, by=enterprise_owner, data={"payroll_million": 980}
    )
    reports.periodic_report_submit(report=fixed, by=enterprise_owner)
    approved = reports.periodic_report_approve(report=fixed, by=officer)
    assert approved.status == Filing.Status.APPROVED
    with pytest.raises(ApplicationError):
        reports.periodic_report_save(report=approved, by=enterprise_owner, data={"days_off": 3})


# ------------------------------------------------------------------------------
# Opening periods
# ------------------------------------------------------------------------------
def test_opening_an_h1_period_creates_one_draft_per_active_enterprise(
    commune, other_commune, enterprise, other_enterprise, officer
):
    EnterpriseFactory(commune=commune, status=Enterprise.Status.SUSPENDED)
    EnterpriseFactory(commune=commune, status=Enterprise.Status.CLOSED)
    EnterpriseFactory(commune=commune, status=Enterprise.Status.PENDING)
    EnterpriseFactory(commune=other_commune)
    period = StatisticsPeriodFactory(commune=commune)
    assert period_open(period=period, by=officer) == 2
    drafts = PeriodicAccidentReport.objects.all()
    assert {r.enterprise for r in drafts} == {enterprise, other_enterprise}
    assert {(r.status, r.year, r.part, r.period_id) for r in drafts} == {
        (Filing.Status.DRAFT, 2026, "h1", period.pk)
    }
    period.refresh_from_db()
    assert period.opened_at is not None
    # A second opening creates only what is missing: here nothing; then a new enterprise.
    assert period_open(period=period, by=officer) == 0
    newcomer = EnterpriseFactory(commune=commune)
    assert period_open(period=period, by=officer) == 1
    assert PeriodicAccidentReport.objects.filter(enterprise=newcomer).count() == 1
    assert PeriodicAccidentReport.objects.count() == 3


def test_opening_a_commune_report_period_creates_exactly_one_report(commune, enterprise, officer):
    period = StatisticsPeriodFactory(commune=commune, kind=reports.COMMUNE_REPORT_KIND)
    assert period_open(period=period, by=officer) == 1
    assert period_open(period=period, by=officer) == 0
    report = CommuneAccidentReport.objects.get()
    assert (report.commune, report.year, report.part) == (commune, 2026, "h1")
    assert report.status == Filing.Status.DRAFT
    assert not PeriodicAccidentReport.objects.exists()


def period_form(commune, kind: str, part: str) -> ReportingPeriodForm:
    return ReportingPeriodForm(
        {
            "kind": kind,
            "year": "2026",
            "part": part,
            "opens_on": "15/06/2026",
            "due_on": "05/07/2026",
            "closes_on": "31/07/2026",
        },
        commune=commune,
    )


def test_the_period_form_accepts_only_the_parts_of_the_kind(commune):
    form = period_form(commune, "annual_osh_report", "h1")
    assert not form.is_valid()
    assert list(form.errors) == ["part"]
    assert period_form(commune, reports.PERIODIC_REPORT_KIND, "h1").is_valid()
    assert period_form(commune, reports.COMMUNE_REPORT_KIND, "h1").is_valid()


# ------------------------------------------------------------------------------
# Filing compliance table
# ------------------------------------------------------------------------------
def test_compliance_classifies_each_enterprise_by_hand(
    commune, other_commune, enterprise, other_enterprise, h1_period
):
    zero = statistics.table_i([])
    submitted, approved = Filing.Status.SUBMITTED, Filing.Status.APPROVED
    # On time: submitted online late in the evening of the due date (23:30 local, 16:30 UTC).
    PeriodicAccidentReportFactory(
        enterprise=enterprise,
        period=h1_period,
        status=submitted,
        submitted_at=local(2026, 7, 5, 23, 30),
        table=zero,
    )
    # Late (8 July), and an accident in the records that the filed zero table misses.
    PeriodicAccidentReportFactory(
        enterprise=other_enterprise,
        period=h1_period,
        status=approved,
        submitted_at=local(2026, 7, 8, 9, 0),
        report_date=date(2026, 7, 8),
        table=zero,
    )
    accident(enterprise=other_enterprise, when=local(2026, 2, 2, 8, 0), victims=[victim(MINOR)])
    # Paper dated 4 July, typed in on 9 July: on time by the date on the paper.
    paper = EnterpriseFactory(commune=commune, name="Hợp tác xã Gạch Ea Ly")
    PeriodicAccidentReportFactory(
        enterprise=paper,
        period=h1_period,
        status=submitted,
        channel=Filing.Channel.PAPER,
        submitted_at=local(2026, 7, 9, 15, 0),
        report_date=date(2026, 7, 4),
        table=zero,
    )
    # Not filed: a draft, a report returned for correction, no report at all.
    draft = EnterpriseFactory(commune=commune, name="Công ty TNHH Nháp")
    PeriodicAccidentReportFactory(enterprise=draft, period=h1_period)
    returned = EnterpriseFactory(commune=commune, name="Công ty TNHH Trả lại")
    PeriodicAccidentReportFactory(
        enterprise=returned,
        period=h1_period,
        status=Filing.Status.RETURNED,
        submitted_at=local(2026, 7, 2, 9, 0),
        return_reason="Thiếu số liệu.",
    )
    nothing = EnterpriseFactory(commune=commune, name="Công ty TNHH Chưa mở")
    # A closed enterprise that filed before closing is still listed; one that did not is not.
    closed_filed = EnterpriseFactory(
        commune=commune, name="Công ty TNHH Đã đóng", status=Enterprise.Status.CLOSED
    )
    PeriodicAccidentReportFactory(
        enterprise=closed_filed,
        period=h1_period,
        status=approved,
        submitted_at=local(2026, 7, 1, 9, 0),
        report_date=date(2026, 7, 1),
        table=zero,
    )
    EnterpriseFactory(commune=commune, status=Enterprise.Status.CLOSED)
    EnterpriseFactory(commune=other_commune)

    rows, summary = compliance_table(period=h1_period, today=date(2026, 7, 10))
    states = {row.enterprise: row.state for row in rows}
    assert states == {
        enterprise: "on_time",
        other_enterprise: "late",
        paper: "on_time",
        draft: "overdue",
        returned: "overdue",
        nothing: "overdue",
        closed_filed: "on_time",
    }
    by_enterprise = {row.enterprise: row for row in rows}
    assert by_enterprise[enterprise].filed_on == date(2026, 7, 5)
    assert by_enterprise[paper].filed_on == date(2026, 7, 4)
    assert by_enterprise[paper].is_paper
    assert by_enterprise[nothing].filing is None
    assert by_enterprise[draft].filed_on is None
    assert len(by_enterprise[other_enterprise].disagreements) == 1
    assert all(not row.disagreements for row in rows if row.enterprise != other_enterprise)
    assert (summary.owed, summary.on_time, summary.late, summary.overdue, summary.pending) == (
        7,
        3,
        1,
        3,
        0,
    )
    assert (summary.paper, summary.disagreeing, summary.filed) == (1, 1, 4)

    # Before the due date nobody is overdue yet: the three are pending.
    _rows, early = compliance_table(period=h1_period, today=date(2026, 7, 5))
    assert (early.on_time, early.late, early.overdue, early.pending) == (3, 1, 0, 3)


def test_compliance_of_a_commune_kind_is_empty(commune):
    period = StatisticsPeriodFactory(commune=commune, kind=reports.COMMUNE_REPORT_KIND)
    rows, summary = compliance_table(period=period, today=date(2026, 7, 10))
    assert rows == []
    assert summary.owed == 0


# ------------------------------------------------------------------------------
# The commune's report on the informal sector
# ------------------------------------------------------------------------------
@pytest.fixture
def informal(commune, other_commune, enterprise):
    """First-half informal accidents of the commune, worked out by hand:

    I1 Buôn Ken, a woman farmer dies (pesticide, factor 9)     -> [1,1,0,1,1,1,1,1,1,0,0]
    I2 Thôn 1, a serious and a minor victim (fall, factor 14)  -> [1,0,1,2,2,0,0,0,0,1,1]
    I3 Thôn 1, a minor victim (falling tree, factor 13)        -> [1,0,0,1,1,0,0,0,0,0,0]
    Totals                                                     -> [3,1,1,4,4,1,1,1,1,1,1]
    Not counted: the enterprise's accident, another commune's, a draft, a not-occupational one,
    a July one; the technical incident goes to Part V only.
    """
    ken = VillageFactory(commune=commune, name="Buôn Ken")
    thon = VillageFactory(commune=commune, name="Thôn 1")
    outside = {"managed": False, "occupation": "9211"}
    accident(
        commune=commune,
        village=ken,
        when=local(2026, 2, 10, 8, 0),
        receipt_number="TNLĐ-2026-0001",
        factor_code="9",
        cause="8",
        victims=[
            victim(FATAL, sex=Victim.Sex.FEMALE, full_name="H'Lan Niê", birth_year=1970, **outside)
        ],
    )
    accident(
        commune=commune,
        village=thon,
        when=local(2026, 3, 12, 15, 0),
        receipt_number="TNLĐ-2026-0002",
        factor_code="14",
        cause="7",
        victims=[
            victim(SERIOUS, full_name="Y Bun Êban", birth_year=1985, **outside),
            victim(MINOR, full_name="Y Sao Mlô", **outside),
        ],
    )
    accident(
        commune=commune,
        village=thon,
        when=local(2026, 5, 1, 9, 0),
        receipt_number="TNLĐ-2026-0003",
        factor_code="13",
        cause="9",
        victims=[victim(MINOR, **outside)],
    )
    accident(
        commune=commune,
        village=ken,
        when=local(2026, 4, 4, 11, 0),
        receipt_number="TNLĐ-2026-0004",
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        place="Trạm bơm buôn Ken",
    )
    # Never in the report.
    accident(enterprise=enterprise, when=local(2026, 2, 11, 8, 0), victims=[victim(FATAL)])
    accident(commune=other_commune, when=local(2026, 2, 12, 8, 0), victims=[victim(FATAL)])
    accident(
        commune=commune,
        when=local(2026, 2, 13, 8, 0),
        status=Accident.Status.DRAFT,
        receipt_number=None,
        victims=[victim(FATAL)],
    )
    accident(
        commune=commune,
        when=local(2026, 2, 14, 8, 0),
        status=Accident.Status.NOT_OCCUPATIONAL,
        victims=[victim(FATAL)],
    )
    accident(commune=commune, when=local(2026, 7, 2, 8, 0), victims=[victim(FATAL)])
    accident(
        commune=commune,
        when=local(2026, 4, 5, 11, 0),
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        status=Accident.Status.DRAFT,
        receipt_number=None,
    )
    return ken


def test_commune_report_content_by_hand(informal, commune):
    content = statistics.commune_report_content(commune=commune, year=2026, part="h1")
    assert (content["start"], content["end"]) == ("2026-01-01", "2026-06-30")
    assert content["totals"] == [3, 1, 1, 4, 4, 1, 1, 1, 1, 1, 1]
    assert [(row["name"], row["values"]) for row in content["by_village"]] == [
        ("Buôn Ken", [1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0]),
        ("Thôn 1", [2, 0, 1, 3, 3, 0, 0, 0, 0, 1, 1]),
    ]
    assert [(row["code"], row["values"]) for row in content["by_factor"]] == [
        ("13", [1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]),
        ("14", [1, 0, 1, 2, 2, 0, 0, 0, 0, 1, 1]),
        ("9", [1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0]),
    ]
    assert [(row["code"], row["values"]) for row in content["by_occupation"]] == [
        ("9211", [3, 1, 1, 4, 4, 1, 1, 1, 1, 1, 1])
    ]
    # Part III: the death and the seriously injured, not the minor injuries.
    listed = content["fatal_and_serious"]
    assert [(row["name"], row["date"], row["village"], row["reference"]) for row in listed] == [
        ("H'Lan Niê", "2026-02-10", "Buôn Ken", "TNLĐ-2026-0001"),
        ("Y Bun Êban", "2026-03-12", "Thôn 1", "TNLĐ-2026-0002"),
    ]
    assert [row["birth_year"] for row in listed] == [1970, 1985]
    # Part V: the declared technical incident only.
    assert [
        (row["village"], row["place"], row["reference"]) for row in content["technical_incidents"]
    ] == [("Buôn Ken", "Trạm bơm buôn Ken", "TNLĐ-2026-0004")]


@pytest.fixture
def commune_report(commune, officer):
    period = StatisticsPeriodFactory(commune=commune, kind=reports.COMMUNE_REPORT_KIND)
    period_open(period=period, by=officer)
    return CommuneAccidentReport.objects.get(commune=commune)


def test_marking_sent_freezes_the_figures_and_withdrawing_reopens(
    informal, commune, commune_report, officer
):
    with time_machine.travel(local(2026, 7, 4, 9, 0), tick=False):
        with pytest.raises(ValidationError):
            reports.commune_report_mark_sent(
                report=commune_report, by=officer, sent_on=date(2026, 7, 5), sent_via=EMAIL
            )
        sent = reports.commune_report_mark_sent(
            report=commune_report,
            by=officer,
            sent_on=date(2026, 7, 3),
            sent_via=EMAIL,
            document_number="45/BC-UBND",
        )
    sent.refresh_from_db()
    assert sent.status == Filing.Status.SUBMITTED
    assert (sent.sent_on, sent.sent_via, sent.document_number) == (
        date(2026, 7, 3),
        EMAIL,
        "45/BC-UBND",
    )
    assert sent.report_date == date(2026, 7, 3)
    assert sent.is_on_time is True
    assert sent.content["totals"] == [3, 1, 1, 4, 4, 1, 1, 1, 1, 1, 1]
    assert len(recompute_rows(commune)) == 1

    # A death declared afterwards: the live figures change, the report as sent does not.
    accident(
        commune=commune,
        when=local(2026, 6, 20, 8, 0),
        receipt_number="TNLĐ-2026-0009",
        victims=[victim(FATAL, managed=False)],
    )
    assert reports.commune_report_content(sent)["totals"] == [3, 1, 1, 4, 4, 1, 1, 1, 1, 1, 1]
    with pytest.raises(ApplicationError):
        reports.commune_report_save(report=sent, by=officer, data={"remarks": "Bổ sung"})

    withdrawn = reports.commune_report_withdraw(
        report=sent, by=officer, reason="Bổ sung vụ tai nạn ngày 20/6."
    )
    withdrawn.refresh_from_db()
    assert withdrawn.status == Filing.Status.REOPENED
    assert (withdrawn.sent_on, withdrawn.sent_via) == (None, "")
    assert withdrawn.is_on_time is None
    assert reports.commune_report_content(withdrawn)["totals"] == [4, 2, 1, 5, 5, 1, 1, 2, 2, 1, 1]

    with time_machine.travel(local(2026, 7, 21, 9, 0), tick=False):
        again = reports.commune_report_mark_sent(
            report=withdrawn,
            by=officer,
            sent_on=date(2026, 7, 20),
            sent_via=CommuneAccidentReport.SentVia.POST,
        )
    again.refresh_from_db()
    assert again.is_on_time is False
    assert again.content["totals"] == [4, 2, 1, 5, 5, 1, 1, 2, 2, 1, 1]
    assert [row["name"] for row in again.content["fatal_and_serious"]][-1].startswith(
        "Người bị nạn"
    )


# ------------------------------------------------------------------------------
# Occupational-disease exams: examined workers by quarter
# ------------------------------------------------------------------------------
def test_examined_by_quarter_counts_approved_rounds_only(enterprise, other_enterprise):
    approved = Filing.Status.APPROVED
    DiseaseExamFactory(
        enterprise=enterprise, exam_date=date(2026, 2, 10), workers_examined=30, status=approved
    )
    DiseaseExamFactory(
        enterprise=enterprise, exam_date=date(2026, 3, 31), workers_examined=12, status=approved
    )
    DiseaseExamFactory(
        enterprise=other_enterprise,
        exam_date=date(2026, 4, 1),
        workers_examined=20,
        status=approved,
    )
    DiseaseExamFactory(
        enterprise=enterprise, exam_date=date(2026, 12, 31), workers_examined=7, status=approved
    )
    # Not counted: waiting, draft, returned, reopened, another year.
    DiseaseExamFactory(
        enterprise=enterprise,
        exam_date=date(2026, 8, 1),
        workers_examined=50,
        status=Filing.Status.SUBMITTED,
    )
    DiseaseExamFactory(enterprise=enterprise, exam_date=date(2026, 9, 1), workers_examined=40)
    DiseaseExamFactory(
        enterprise=enterprise,
        exam_date=date(2026, 10, 10),
        workers_examined=60,
        status=Filing.Status.RETURNED,
    )
    DiseaseExamFactory(
        enterprise=enterprise,
        exam_date=date(2026, 5, 5),
        workers_examined=80,
        status=Filing.Status.REOPENED,
    )
    DiseaseExamFactory(
        enterprise=enterprise, exam_date=date(2025, 12, 20), workers_examined=99, status=approved
    )

    # Q1: 30 + 12; Q2: 20; Q3: nothing approved; Q4: 7.
    assert examined_by_quarter(exams=DiseaseExam.objects.all(), year=2026) == {
        1: 42,
        2: 20,
        3: 0,
        4: 7,
    }
    assert examined_by_quarter(
        exams=DiseaseExam.objects.filter(enterprise=enterprise), year=2026
    ) == {1: 42, 2: 0, 3: 0, 4: 7}
    assert examined_by_quarter(exams=DiseaseExam.objects.all(), year=2025) == {
        1: 0,
        2: 0,
        3: 0,
        4: 99,
    }
    assert examined_by_quarter(exams=DiseaseExam.objects.all(), year=2024) == {
        1: 0,
        2: 0,
        3: 0,
        4: 0,
    }
