"""The dashboard: goal cards computed from records, every figure explainable, a constant number
of queries, "Recompute now" for officials only, read-only drill-down for the province viewer."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Outbox, User
from atvsld_portal.services import RECOMPUTE_TASK
from incidents.models import Victim
from plans.models import PlanGoal
from reporting.models import ComputationRun, IndicatorValue
from reporting.selectors import CONTEXT_CODES, GOAL_CODES, dashboard_data, value_text
from reporting.services import indicators_recompute
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import VictimFactory
from tests.plans.factories import AssignmentFactory, PlanFactory
from tests.reporting.factories import (
    ApprovedAnnualReportFactory,
    ApprovedMonitoringFactory,
    CountedAccidentFactory,
    HistoricalAggregateFactory,
    local,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
DASHBOARD = "/reporting/dashboard/"
FF = Code.FATALITY_FREQUENCY
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR
EXPLAIN_LINK = re.compile(r'href="/reporting/explain/([0-9a-f-]{36})/"')


def accident(enterprise, when, *severities, **fields):
    counted = CountedAccidentFactory(enterprise=enterprise, occurred_at=when, **fields)
    for severity in severities:
        VictimFactory(accident=counted, severity=severity)
    return counted


def recompute(commune, *years):
    for year in years:
        indicators_recompute(
            commune_id=commune.pk, year=year, trigger=ComputationRun.Trigger.COMMAND, today=TODAY
        )


def get(client, user, url=DASHBOARD, data=None, **extra):
    with time_machine.travel(TODAY):
        client.force_login(user)
        return client.get(url, data or {}, **extra)


@pytest.fixture
def worked_example(commune):
    """DOMAIN §4.2: 2025 N = 1,250 with 1 death (0.800); 2026 N = 1,300 with 1 death (0.769,
    -3.85 %: not met)."""
    quarry = EnterpriseFactory(commune=commune, name="Công ty Đá Ea Ly")
    bricks = EnterpriseFactory(commune=commune, name="Công ty Gạch Ea Ly")
    ApprovedAnnualReportFactory(enterprise=quarry, year=2025, workers_total=1000)
    ApprovedAnnualReportFactory(enterprise=bricks, year=2025, workers_total=250)
    ApprovedAnnualReportFactory(
        enterprise=quarry, year=2026, workers_total=1000, workers_exposed=400
    )
    ApprovedAnnualReportFactory(enterprise=bricks, year=2026, workers_total=300)
    ApprovedMonitoringFactory(enterprise=quarry, year=2026)
    accident(quarry, local(2025, 5, 6), FATAL, SERIOUS, SERIOUS)
    accident(bricks, local(2026, 8, 20), FATAL)
    PlanFactory(commune=commune, start_year=2024, end_year=2030)
    recompute(commune, 2025, 2026)
    return quarry, bricks


@pytest.fixture
def unit_reporter(commune):
    return UserFactory(username="rita", role=User.Role.UNIT_REPORTER, administrative_unit=commune)


# ------------------------------------------------------------------------------
# What the dashboard shows
# ------------------------------------------------------------------------------
def test_goal_cards_show_values_counts_status_and_change(client, leader, commune, worked_example):
    response = get(client, leader, data={"year": 2026, "quarter": 0})

    assert response.status_code == 200
    text = response.text
    values = {
        v.code: v for v in IndicatorValue.objects.filter(commune=commune, year=2026, quarter=0)
    }
    for code in GOAL_CODES:
        assert f'id="goal-{code}"' in text
        assert values[code].get_absolute_url() in text
    fatality = values[Code.FATALITY_FREQUENCY]
    assert fatality.value == Decimal("0.769")
    card = text.split('id="goal-fatality_frequency"')[1].split('id="goal-')[0]
    assert "0,769" in card  # the rate …
    assert "1.300" in card  # … beside its absolute counts: 1 death, N = 1,300
    assert "-3,8" in card  # change on 2025: -3.846 %
    assert "0,800" in card  # last year's value
    assert fatality.get_status_display() in card
    # Trend charts with their data tables, and the accidents chart.
    for code in GOAL_CODES:
        assert f'id="trend-{code}-title"' in text
    assert 'id="accidents-by-sector-title"' in text
    assert text.count("<details") >= 4
    assert "style=" not in text.split('<main id="main"')[1]


def test_every_value_on_the_page_links_to_its_explain_page(client, leader, commune, worked_example):
    text = get(client, leader, data={"year": 2026, "quarter": 0}).text

    shown = set(EXPLAIN_LINK.findall(text))
    expected = set(
        IndicatorValue.objects.filter(
            commune=commune, year=2026, quarter=0, code__in=[*GOAL_CODES, *CONTEXT_CODES]
        ).values_list("public_id", flat=True)
    )
    assert len(expected) == len(GOAL_CODES) + len(CONTEXT_CODES)
    assert {str(public_id) for public_id in expected} <= shown
    # Nothing links to another commune's or another period's value.
    assert shown <= {str(public_id) for public_id in expected}


def test_default_period_is_the_current_quarter_to_date(client, leader, commune, worked_example):
    text = get(client, leader).text

    value = IndicatorValue.objects.get(
        commune=commune, year=2026, quarter=4, code=Code.FATALITY_FREQUENCY
    )
    assert value.get_absolute_url() in text
    assert '<option value="4" selected>' in text


def test_past_year_defaults_to_the_full_year(client, leader, commune, worked_example):
    text = get(client, leader, data={"year": 2025}).text

    value = IndicatorValue.objects.get(
        commune=commune, year=2025, quarter=0, code=Code.FATALITY_FREQUENCY
    )
    assert value.get_absolute_url() in text
    assert '<option value="0" selected>' in text


def test_baseline_method_draws_the_target_path_to_the_plan_end(client, leader, commune):
    """Baseline 2024 (historical aggregate): 9 deaths / 10,000 workers = 0.900; the path runs
    0.864 (2025), 0.829 (2026) … 0.900 x 0.96^6 = 0.704 (2030)."""
    plan = PlanFactory(commune=commune, start_year=2025, end_year=2030)
    PlanGoal.objects.create(
        plan=plan,
        text="Giảm bình quân 4%/năm tần suất TNLĐ chết người",
        indicator=Code.FATALITY_FREQUENCY,
        direction=PlanGoal.Direction.DECREASE,
        target_value=Decimal("4"),
        method=PlanGoal.Method.BASELINE,
        baseline_year=2024,
    )
    HistoricalAggregateFactory(
        commune=commune, year=2024, accidents=9, victims=9, deaths=9, workforce=10_000
    )
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=1300)
    accident(enterprise, local(2026, 8, 20), FATAL)
    recompute(commune, 2024, 2025, 2026)

    text = get(client, leader, data={"year": 2026, "quarter": 0}).text

    chart = text.split('id="trend-fatality_frequency-title"')[0].rsplit("<svg", 1)[1]
    chart += text.split('id="trend-fatality_frequency-title"')[1].split("</svg>")[0]
    assert 'class="chart-target"' in chart
    table = text.split('id="trend-fatality_frequency-title"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><th[^>]*>(\d{4})</th>(.*?)</tr>", table)
    targets = {int(year): re.findall(r">([^<]*)</td>", cells)[-1] for year, cells in rows}
    assert targets == {
        2024: "0,900",
        2025: "0,864",
        2026: "0,829",
        2027: "0,796",  # 0.900 x 0.96^3 = 0.796262
        2028: "0,764",  # 0.900 x 0.96^4 = 0.764412
        2029: "0,734",  # 0.900 x 0.96^5 = 0.733835
        2030: "0,704",  # 0.900 x 0.96^6 = 0.704482
    }
    values = {int(year): re.findall(r">([^<]*)</td>", cells)[0] for year, cells in rows}
    assert values[2024] == "0,900"
    assert values[2026] == "0,769"


def test_accidents_by_sector_and_severity(commune, worked_example):
    quarry, _bricks = worked_example
    accident(quarry, local(2026, 9, 1), MINOR, MINOR, commuting=True)  # left out, as in K
    informal = CountedAccidentFactory(
        enterprise=None, commune=commune, sector="informal", occurred_at=local(2026, 3, 3)
    )
    VictimFactory(accident=informal, severity=SERIOUS)

    data = dashboard_data(commune=commune, year=2026, quarter=0, today=TODAY)

    employed, informal_row = data.sectors
    assert (employed.accidents, employed.fatal, employed.serious, employed.minor) == (1, 1, 0, 0)
    assert (informal_row.accidents, informal_row.serious, informal_row.victims) == (1, 1, 1)
    # Quarter 1 to date: only the informal accident of March.
    first_quarter = dashboard_data(commune=commune, year=2026, quarter=1, today=TODAY)
    assert [row.accidents for row in first_quarter.sectors] == [0, 1]


def test_plan_progress_and_overdue(client, officer, commune, worked_example):
    AssignmentFactory(task__group__plan=commune.plans.get(), cadence="quarterly")

    text = get(client, officer, data={"year": 2026, "quarter": 3}).text

    plan = commune.plans.get()
    assert plan.get_absolute_url() in text
    assert reverse("plans:overdue") in text
    data = dashboard_data(commune=commune, year=2026, quarter=3, user=officer, today=TODAY)
    assert data.plan_counts == {"overdue": 1}  # quarter 3 ended 30/09 without a report
    assert len(data.overdue) == 1
    assert data.overdue[0].assignment.task.get_absolute_url() in text


def test_without_values_the_page_says_so_and_offers_a_recompute(client, officer, commune):
    text = get(client, officer, data={"year": 2026}).text

    assert 'class="alert alert-info"' in text
    assert reverse("reporting:recompute") in text
    assert not EXPLAIN_LINK.search(text)


def test_query_count_does_not_grow_with_enterprises_and_accidents(
    client, leader, commune, worked_example
):
    def count() -> int:
        with time_machine.travel(TODAY):
            client.force_login(leader)
            client.get(DASHBOARD, {"year": 2026, "quarter": 0})  # warm caches (content types)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(DASHBOARD, {"year": 2026, "quarter": 0})
        assert response.status_code == 200
        return len(queries)

    small = count()
    for n in range(6):
        enterprise = EnterpriseFactory(commune=commune)
        ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=50 + n)
        accident(enterprise, local(2026, 2 + n, 10), MINOR, SERIOUS)
        accident(enterprise, local(2026, 3 + n, 11), FATAL)
    recompute(commune, 2026)
    large = count()

    assert large == small
    assert small <= 25


# ------------------------------------------------------------------------------
# Recompute now
# ------------------------------------------------------------------------------
def test_leader_sees_no_recompute_button_and_cannot_post(client, leader, commune, worked_example):
    text = get(client, leader, data={"year": 2026}).text
    assert reverse("reporting:recompute") not in text

    with time_machine.travel(TODAY):
        client.force_login(leader)
        response = client.post(reverse("reporting:recompute"), {"year": 2026})

    assert response.status_code == 403
    assert not Outbox.objects.filter(task_name=RECOMPUTE_TASK).exists()


def test_official_queues_a_recompute_through_the_outbox(client, officer, commune):
    assert reverse("reporting:recompute") in get(client, officer, data={"year": 2026}).text

    with time_machine.travel(TODAY):
        client.force_login(officer)
        response = client.post(reverse("reporting:recompute"), {"year": 2026, "quarter": 0})

    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?year=2026&quarter=0"
    row = Outbox.objects.get(task_name=RECOMPUTE_TASK)
    assert row.args == [commune.pk, 2026, "manual"]


def test_official_recompute_runs_eagerly_once_committed(
    client, officer, commune, django_capture_on_commit_callbacks
):
    EnterpriseFactory(commune=commune)

    with time_machine.travel(TODAY), django_capture_on_commit_callbacks(execute=True):
        client.force_login(officer)
        response = client.post(reverse("reporting:recompute"), {"year": 2026}, follow=True)

    assert response.status_code == 200
    assert IndicatorValue.objects.filter(commune=commune, year=2026, quarter=0).count() == 15
    assert EXPLAIN_LINK.search(get(client, officer, data={"year": 2026, "quarter": 0}).text)


def test_recompute_rejects_a_year_in_the_future(client, officer):
    with time_machine.travel(TODAY):
        client.force_login(officer)
        response = client.post(reverse("reporting:recompute"), {"year": 2099})

    assert response.status_code == 302
    assert not Outbox.objects.exists()


def test_recompute_is_get_proof(client, officer):
    with time_machine.travel(TODAY):
        client.force_login(officer)
        assert client.get(reverse("reporting:recompute")).status_code == 405


# ------------------------------------------------------------------------------
# Who may see what
# ------------------------------------------------------------------------------
def test_province_viewer_drills_into_a_commune_read_only(
    client, province_viewer, commune, other_commune, worked_example
):
    picker = get(client, province_viewer).text
    assert f"?commune={commune.pk}" in picker
    assert f"?commune={other_commune.pk}" in picker

    response = get(client, province_viewer, data={"commune": commune.pk, "year": 2026})

    assert response.status_code == 200
    text = response.text
    assert commune.name in text
    assert reverse("reporting:recompute") not in text
    assert EXPLAIN_LINK.search(text)
    assert reverse("reporting:province") in text
    # The period form keeps the commune.
    assert f'name="commune" value="{commune.pk}"' in text
    assert get(client, province_viewer, data={"commune": other_commune.pk}).status_code == 200

    with time_machine.travel(TODAY):
        client.force_login(province_viewer)
        response = client.post(
            reverse("reporting:recompute"), {"year": 2026, "commune": commune.pk}
        )
    assert response.status_code == 403
    assert not Outbox.objects.exists()


def test_province_viewer_gets_404_for_a_commune_of_another_province(client, province_viewer):
    elsewhere = CommuneFactory(parent=ProvinceFactory(code="54", name="Phú Yên"))

    assert get(client, province_viewer, data={"commune": elsewhere.pk}).status_code == 404
    assert get(client, province_viewer, data={"commune": "x"}).status_code == 404


def test_official_of_another_commune_gets_404(client, other_officer, commune, worked_example):
    assert get(client, other_officer, data={"commune": commune.pk}).status_code == 404

    with time_machine.travel(TODAY):
        client.force_login(other_officer)
        response = client.post(
            reverse("reporting:recompute"), {"year": 2026, "commune": commune.pk}
        )
    assert response.status_code == 404


def test_enterprise_user_and_unit_reporter_are_refused(
    client, enterprise_owner, unit_reporter, worked_example
):
    assert get(client, enterprise_owner).status_code == 403
    assert get(client, unit_reporter).status_code == 403
    with time_machine.travel(TODAY):
        client.force_login(enterprise_owner)
        assert client.post(reverse("reporting:recompute"), {"year": 2026}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# ------------------------------------------------------------------------------
# The cached body: served again while nothing it shows changes, rebuilt once something does
# ------------------------------------------------------------------------------
def _count_queries(client, user, data, when=TODAY):
    with time_machine.travel(when):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DASHBOARD, data)
    assert response.status_code == 200
    return response, len(queries)


def test_a_second_view_is_served_from_the_cache(client, leader, officer, commune, worked_example):
    first, cold = _count_queries(client, leader, {"year": 2026, "quarter": 0})
    second, warm = _count_queries(client, leader, {"year": 2026, "quarter": 0})

    assert warm < cold - 5  # the plan, its goals, values, accidents, statuses are not read again
    goals = first.text[first.text.index('id="goal-') :]
    assert second.text[second.text.index('id="goal-') :] == goals
    # The header is the reader's own: the official's copy has the recompute form, not the leader's.
    officer_page, _queries = _count_queries(client, officer, {"year": 2026, "quarter": 0})
    assert reverse("reporting:recompute") in officer_page.text
    assert reverse("reporting:recompute") not in second.text


def test_a_computation_run_shows_its_figures_at_once(client, leader, commune, worked_example):
    quarry, _bricks = worked_example
    before = get(client, leader, data={"year": 2026, "quarter": 0}).text
    old = value_text(IndicatorValue.objects.get(commune=commune, year=2026, quarter=0, code=FF))

    accident(quarry, local(2026, 10, 2), FATAL)
    recompute(commune, 2026)

    new = value_text(IndicatorValue.objects.get(commune=commune, year=2026, quarter=0, code=FF))
    assert new != old
    after = get(client, leader, data={"year": 2026, "quarter": 0}).text
    assert f">{old}<" in before
    assert f">{new}<" in after
    assert f">{old}<" not in after


def test_a_plan_change_shows_at_once_after_its_commit(
    client, officer, commune, worked_example, django_capture_on_commit_callbacks
):
    plan = commune.plans.get()
    before = get(client, officer, data={"year": 2026, "quarter": 3}).text
    assert "overdue-list" not in before

    with django_capture_on_commit_callbacks(execute=True):
        assignment = AssignmentFactory(task__group__plan=plan, cadence="quarterly")

    after = get(client, officer, data={"year": 2026, "quarter": 3}).text
    assert assignment.task.get_absolute_url() in after
    # A unit renamed (a core record the overdue list prints) shows too.
    with django_capture_on_commit_callbacks(execute=True):
        assignment.unit.name = "Đoàn Thanh niên xã (tên mới)"
        assignment.unit.save()
    assert "Đoàn Thanh niên xã (tên mới)" in get(client, officer, data={"year": 2026}).text


def test_the_next_day_rebuilds_what_is_overdue(client, officer, commune, worked_example):
    plan = commune.plans.get()
    assignment = AssignmentFactory(task__group__plan=plan, cadence="quarterly")
    params = {"year": 2026, "quarter": 3}

    in_september, _queries = _count_queries(client, officer, params, when=date(2026, 9, 15))
    in_november, _queries = _count_queries(client, officer, params, when=TODAY)

    overdue = assignment.task.get_absolute_url()
    assert overdue in in_september.text  # quarter 2's report, due 30/06
    assert "30/09/2026" not in in_september.text  # quarter 3 still open on 15/09
    assert "30/09/2026" in in_november.text  # closed on 30/09 without a report


def test_the_page_is_whole_when_the_cache_is_down(
    client, leader, commune, worked_example, settings
):
    healthy = get(client, leader, data={"year": 2026, "quarter": 0}).text
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    down = get(client, leader, data={"year": 2026, "quarter": 0})

    assert down.status_code == 200
    assert down.text[down.text.index('id="goal-') :] == healthy[healthy.index('id="goal-') :]
