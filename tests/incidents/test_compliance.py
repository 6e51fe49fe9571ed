"""The filing compliance table (incidents.compliance, incidents.views.compliance)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.models import Filing, ReportingPeriod, User
from atvsld_portal.services import period_open
from enterprises.models import AnnualOshReport
from incidents.compliance import compliance_table
from incidents.models import Accident, PeriodicAccidentReport, Victim
from incidents.services import reports
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory
from tests.enterprises.factories import AnnualReportFactory, EnterpriseFactory
from tests.incidents.factories import HCM, AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db
URL = reverse("compliance:table")
CSV_URL = reverse("compliance:table_csv")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


@pytest.fixture
def h1_period(commune):
    return ReportingPeriod.objects.create(
        commune=commune,
        kind=reports.PERIODIC_REPORT_KIND,
        year=2026,
        part=ReportingPeriod.Part.H1,
        opens_on=date(2026, 6, 15),
        due_on=date(2026, 7, 5),
        closes_on=date(2026, 7, 31),
    )


@pytest.fixture
def annual_period(commune):
    return ReportingPeriod.objects.create(
        commune=commune,
        kind="annual_osh_report",
        year=2026,
        opens_on=date(2026, 11, 1),
        due_on=date(2027, 1, 10),
        closes_on=date(2027, 1, 31),
    )


def get_page(client, user, when: date, **params):
    with time_machine.travel(at(when), tick=False):
        client.force_login(user)
        return client.get(URL, params)


def states(response) -> dict[str, str]:
    return {line.row.enterprise.name: line.row.state for line in response.context["lines"]}


def submit_periodic(enterprise, by: User, when: date) -> PeriodicAccidentReport:
    report = PeriodicAccidentReport.objects.get(enterprise=enterprise)
    with time_machine.travel(at(when), tick=False):
        return reports.periodic_report_submit(report=report, by=by)


def employed_accident(enterprise, by: User, *, severity=Victim.Severity.SERIOUS) -> Accident:
    accident = AccidentFactory(
        enterprise=enterprise,
        status=Accident.Status.RECEIVED,
        receipt_number=f"TNLD-{Accident.objects.count() + 1:04d}",
        created_by=by,
    )
    VictimFactory(accident=accident, severity=severity)
    return accident


# ------------------------------------------------------------------------------
# Opening a period, states
# ------------------------------------------------------------------------------
def test_opening_the_period_lists_every_enterprise_as_not_due_then_missing(
    client, officer, h1_period, enterprise, other_enterprise
):
    created = period_open(period=h1_period, by=officer)

    assert created == 2
    assert PeriodicAccidentReport.objects.filter(period=h1_period, status="draft").count() == 2
    before = get_page(client, officer, date(2026, 6, 20))
    assert before.status_code == 200
    assert states(before) == {enterprise.name: "pending", other_enterprise.name: "pending"}
    assert before.context["summary"].pending == 2
    assert "Not due yet" in before.text or "Chưa đến hạn" in before.text
    after = get_page(client, officer, date(2026, 7, 6))
    assert states(after) == {enterprise.name: "overdue", other_enterprise.name: "overdue"}
    assert after.context["summary"].overdue == 2
    assert reverse("enterprises:detail", kwargs={"public_id": enterprise.public_id}) in after.text


def test_on_time_late_and_paper_filings_are_classified(
    client,
    officer,
    h1_period,
    enterprise,
    other_enterprise,
    enterprise_owner,
    other_enterprise_owner,
):
    paper_enterprise = EnterpriseFactory(commune=h1_period.commune, name="HTX Cà phê Ea Ly")
    period_open(period=h1_period, by=officer)
    submit_periodic(enterprise, enterprise_owner, date(2026, 7, 1))
    submit_periodic(other_enterprise, other_enterprise_owner, date(2026, 7, 10))
    paper = PeriodicAccidentReport.objects.get(enterprise=paper_enterprise)
    with time_machine.travel(at(date(2026, 7, 20)), tick=False):
        reports.periodic_report_save(
            report=paper, by=officer, data={"report_date": date(2026, 7, 3)}, channel="paper"
        )
        reports.periodic_report_submit(report=paper, by=officer)

    response = get_page(client, officer, date(2026, 7, 25))

    assert states(response) == {
        enterprise.name: "on_time",
        other_enterprise.name: "late",
        paper_enterprise.name: "on_time",
    }
    summary = response.context["summary"]
    assert (summary.owed, summary.on_time, summary.late, summary.overdue) == (3, 2, 1, 0)
    assert summary.paper == 1
    lines = {line.row.enterprise.name: line for line in response.context["lines"]}
    assert lines[paper_enterprise.name].row.is_paper
    assert not lines[enterprise.name].row.is_paper
    assert lines[paper_enterprise.name].row.filed_on == date(2026, 7, 3)
    assert lines[other_enterprise.name].row.filed_on == date(2026, 7, 10)
    assert "10/07/2026" in response.text
    late_only = get_page(client, officer, date(2026, 7, 25), state="late")
    assert list(states(late_only)) == [other_enterprise.name]
    paper_only = get_page(client, officer, date(2026, 7, 25), state="paper")
    assert list(states(paper_only)) == [paper_enterprise.name]


def test_missing_filter_and_csv_export(client, officer, h1_period, enterprise, enterprise_owner):
    quiet = EnterpriseFactory(commune=h1_period.commune, name="Công ty Im Lặng")
    period_open(period=h1_period, by=officer)
    submit_periodic(enterprise, enterprise_owner, date(2026, 7, 1))

    missing = get_page(client, officer, date(2026, 7, 25), state="missing")
    assert list(states(missing)) == [quiet.name]

    with time_machine.travel(at(date(2026, 7, 25)), tick=False):
        client.force_login(officer)
        response = client.get(CSV_URL, {"period": str(h1_period.public_id)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[enterprise.name][4] == "01/07/2026"
    assert by_name[quiet.name][4] == ""


def test_default_period_is_the_latest_past_due_one(client, officer, h1_period, annual_period):
    before_any_due = get_page(client, officer, date(2026, 7, 1))
    assert before_any_due.context["period"] == annual_period  # none past due: the latest
    after_h1 = get_page(client, officer, date(2026, 8, 1))
    assert after_h1.context["period"] == h1_period
    chosen = get_page(client, officer, date(2026, 8, 1), period=str(annual_period.public_id))
    assert chosen.context["period"] == annual_period


def test_commune_periods_are_not_offered(client, officer, commune):
    commune_period = ReportingPeriod.objects.create(
        commune=commune,
        kind=reports.COMMUNE_REPORT_KIND,
        year=2026,
        part="h1",
        opens_on=date(2026, 6, 15),
        due_on=date(2026, 7, 5),
        closes_on=date(2026, 7, 31),
    )
    response = get_page(client, officer, date(2026, 8, 1))
    assert response.status_code == 200
    assert response.context["period"] is None
    assert get_page(
        client, officer, date(2026, 8, 1), period=str(commune_period.public_id)
    ).status_code == (404)


# ------------------------------------------------------------------------------
# Figures that disagree with the records
# ------------------------------------------------------------------------------
def test_annual_report_whose_accident_figures_differ_shows_a_disagreement(
    client, officer, annual_period, enterprise, other_enterprise
):
    employed_accident(enterprise, officer)
    submitted = {"status": Filing.Status.SUBMITTED, "submitted_at": timezone.now()}
    wrong = AnnualReportFactory(enterprise=enterprise, period=annual_period, **submitted)
    right = AnnualReportFactory(
        enterprise=other_enterprise,
        period=annual_period,
        **submitted,
    )
    assert (wrong.accidents, wrong.accident_victims) == (0, 0)
    assert (right.accidents, right.accident_victims) == (0, 0)

    response = get_page(client, officer, date(2027, 1, 20), period=str(annual_period.public_id))

    lines = {line.row.enterprise.name: line.row for line in response.context["lines"]}
    assert lines[enterprise.name].disagreements
    assert any("Section 2" in p or "Mục 2" in p for p in lines[enterprise.name].disagreements)
    assert lines[other_enterprise.name].disagreements == []
    assert response.context["summary"].disagreeing == 1
    assert (
        reverse("enterprises:annual_report_detail", kwargs={"public_id": wrong.public_id})
        in response.text
    )
    only = get_page(
        client,
        officer,
        date(2027, 1, 20),
        period=str(annual_period.public_id),
        state="disagreeing",
    )
    assert list(states(only)) == [enterprise.name]


def test_annual_report_matching_the_records_shows_no_disagreement(
    officer, annual_period, enterprise
):
    employed_accident(enterprise, officer, severity=Victim.Severity.FATAL)
    AnnualOshReport.objects.filter(enterprise=enterprise).delete()
    AnnualReportFactory(
        enterprise=enterprise,
        period=annual_period,
        status=Filing.Status.APPROVED,
        submitted_at=timezone.now(),
        accidents=1,
        accidents_fatal=1,
        accident_victims=1,
        accident_deaths=1,
    )

    rows, summary = compliance_table(period=annual_period, today=date(2027, 1, 20))

    assert [row.disagreements for row in rows] == [[]]
    assert summary.disagreeing == 0


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def test_leader_sees_the_table(client, leader, h1_period, enterprise):
    period_open(period=h1_period, by=leader)
    response = get_page(client, leader, date(2026, 7, 25))
    assert response.status_code == 200
    assert enterprise.name in response.text


def test_other_commune_official_gets_404_for_this_communes_period(client, other_officer, h1_period):
    response = get_page(client, other_officer, date(2026, 7, 25), period=str(h1_period.public_id))
    assert response.status_code == 404
    by_commune = get_page(
        client, other_officer, date(2026, 7, 25), commune=str(h1_period.commune.pk)
    )
    assert by_commune.status_code == 404


def test_enterprise_users_and_unit_reporters_get_403(client, enterprise_owner, commune, h1_period):
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    for user in (enterprise_owner, reporter):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(CSV_URL, {"period": str(h1_period.public_id)}).status_code == 403


def test_province_viewer_chooses_among_the_province_communes(
    client, province_viewer, officer, h1_period, enterprise, other_commune
):
    period_open(period=h1_period, by=officer)
    far_commune = CommuneFactory(parent=ProvinceFactory(code="01", name="Hà Nội"))

    by_commune = get_page(
        client, province_viewer, date(2026, 7, 25), commune=str(h1_period.commune.pk)
    )
    assert by_commune.status_code == 200
    assert by_commune.context["period"] == h1_period
    assert enterprise.name in by_commune.text
    assert other_commune.name in by_commune.text  # offered in the commune select
    by_period = get_page(
        client, province_viewer, date(2026, 7, 25), period=str(h1_period.public_id)
    )
    assert by_period.context["commune"] == h1_period.commune
    assert get_page(
        client, province_viewer, date(2026, 7, 25), commune=str(far_commune.pk)
    ).status_code == (404)
    mismatched = get_page(
        client,
        province_viewer,
        date(2026, 7, 25),
        commune=str(other_commune.pk),
        period=str(h1_period.public_id),
    )
    assert mismatched.status_code == 404


# ------------------------------------------------------------------------------
# Queries
# ------------------------------------------------------------------------------
def _queries_for(client, officer, annual_period, count: int) -> int:
    for number in range(count):
        enterprise = EnterpriseFactory(commune=annual_period.commune)
        employed_accident(enterprise, officer)
        AnnualReportFactory(
            enterprise=enterprise,
            period=annual_period,
            status=Filing.Status.SUBMITTED if number % 2 else Filing.Status.DRAFT,
            submitted_at=timezone.now(),
            channel=Filing.Channel.PAPER if number % 3 else Filing.Channel.ONLINE,
        )
    with time_machine.travel(at(date(2027, 1, 20)), tick=False):
        client.force_login(officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"period": str(annual_period.public_id)})
            assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_enterprises(client, officer, annual_period):
    two = _queries_for(client, officer, annual_period, 2)
    AnnualOshReport.objects.all().delete()
    six = _queries_for(client, officer, annual_period, 6)
    assert six == two


def test_the_table_is_paginated_by_50(client, officer, h1_period):
    EnterpriseFactory.create_batch(51, commune=h1_period.commune)
    period_open(period=h1_period, by=officer)

    first = get_page(client, officer, date(2026, 7, 25))
    second = get_page(client, officer, date(2026, 7, 25), page="2")

    assert len(first.context["lines"]) == 50
    assert first.context["summary"].owed == 51
    assert len(second.context["lines"]) == 1
