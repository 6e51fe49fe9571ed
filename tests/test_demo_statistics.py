"""The statistics and disease part of the demo (incidents/demo.py), loaded on a day before 1 July:
the periods count from the latest first half-year that has ended, dn.ealy1's draft can be filed,
and a second load changes nothing. tests/test_make_run_walk.py loads it on the real date."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from atvsld_portal.models import Filing, FilingEvent, ReportingPeriod, User
from incidents import statistics
from incidents.compliance import compliance_table
from incidents.models import (
    Accident,
    CommuneAccidentReport,
    DiseaseCase,
    DiseaseExam,
    PeriodicAccidentReport,
)
from incidents.services import reports
from reporting import quarterly
from reporting.models import QuarterlyReport

pytestmark = pytest.mark.django_db

TODAY = datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
QUARRY = "Công ty TNHH Khai thác Đá Ea Lâm"
SAWMILL = "Công ty TNHH Chế biến Gỗ Buôn Ly"
CASSAVA = "Công ty TNHH Chế biến Tinh bột sắn Ea Ly"
STUB_PDF = b"%PDF-1.7\n% stub\n"


@pytest.fixture(autouse=True)
def no_pdf_layout(monkeypatch):
    """The demo issues two quarterly reports, each with its PDF. Their layout is tested in
    tests/reporting and their real rendering in the make-run walk; here a stub stands in for it
    (about 3 s a load)."""
    monkeypatch.setattr(quarterly, "render_report_pdf", lambda *args, **kwargs: STUB_PDF)


def report(name: str, year: int, part: str) -> PeriodicAccidentReport:
    return PeriodicAccidentReport.objects.select_related("period").get(
        enterprise__name=name, year=year, part=part
    )


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Accident,
            PeriodicAccidentReport,
            CommuneAccidentReport,
            ReportingPeriod,
            FilingEvent,
            DiseaseExam,
            DiseaseCase,
            QuarterlyReport,
        )
    }


def test_the_demo_statistics_before_july():
    with time_machine.travel(TODAY):
        call_command("load_demo", verbosity=0)
        loaded = counts()

        # The latest first half that has ended is 2026's: H1 2025, 2025 and H1 2026.
        periods = ReportingPeriod.objects.filter(
            commune__name="Ea Ly", kind=reports.PERIODIC_REPORT_KIND
        )
        assert sorted((p.year, p.part) for p in periods) == [
            (2025, "h1"),
            (2025, "year"),
            (2026, "h1"),
        ]
        # The latest is kept open for 45 more days; the others close as usual.
        assert periods.get(year=2026).closes_on == date(2027, 4, 16)
        assert periods.get(year=2025, part="h1").closes_on == date(2025, 7, 31)

        # dn.ealy1's quarry: on time, then late, and H1 2026 left to file (with its accident).
        h1 = report(QUARRY, 2025, "h1")
        assert (h1.status, h1.channel) == (Filing.Status.APPROVED, Filing.Channel.ONLINE)
        assert h1.report_date <= h1.period.due_on
        assert h1.submitted_by.username == "dn.ealy1"
        whole = report(QUARRY, 2025, "year")
        assert whole.status == Filing.Status.APPROVED
        assert whole.report_date > whole.period.due_on
        draft = report(QUARRY, 2026, "h1")
        assert draft.status == Filing.Status.DRAFT
        assert not draft.is_locked_for_enterprise()
        table = reports.periodic_report_table(draft)
        assert statistics.row_values(table, "1") == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
        assert (draft.days_off, draft.cost_total) == (35, 33300)
        dn_ealy1 = User.objects.get(username="dn.ealy1")
        reports.periodic_report_save(report=draft, by=dn_ealy1, data={"payroll_million": 1800})
        filed = reports.periodic_report_submit(report=draft, by=dn_ealy1)
        assert filed.status == Filing.Status.SUBMITTED

        # The sawmill's annual report came back; its H1 waits for the commune.
        returned = report(SAWMILL, 2025, "year")
        assert returned.status == Filing.Status.RETURNED
        assert returned.return_reason.startswith("Bảng II")
        assert report(SAWMILL, 2026, "h1").status == Filing.Status.SUBMITTED
        assert report(CASSAVA, 2026, "h1").submitted_by.username == "dn.ealy2"
        # Paper typed in by canbo.ealy, and reports never filed.
        paper = PeriodicAccidentReport.objects.filter(channel=Filing.Channel.PAPER)
        assert paper.count() > 20
        assert set(paper.values_list("entered_by__username", flat=True)) == {"canbo.ealy"}
        assert PeriodicAccidentReport.objects.filter(status=Filing.Status.DRAFT).count() > 10
        # Every filed table obeys the rules; the events carry the historic dates.
        for filed_report in PeriodicAccidentReport.objects.exclude(status=Filing.Status.DRAFT):
            assert statistics.table_i_errors(filed_report.table) == [], filed_report
        event = FilingEvent.objects.filter(object_id=h1.pk, to_status=Filing.Status.SUBMITTED).get(
            content_type__model="periodicaccidentreport"
        )
        assert event.at == h1.submitted_at
        assert event.at.year == 2025

        # The concrete plant filed H1 2026 without the accident it declared afterwards.
        rows, summary = compliance_table(period=periods.get(year=2026))
        assert summary.disagreeing == 1
        assert [row.enterprise.name for row in rows if row.disagreements] == [
            "Công ty TNHH Bê tông Tân Lập"
        ]
        _rows, past = compliance_table(period=periods.get(year=2025, part="h1"))
        assert past.late >= 1
        assert past.overdue >= 1
        assert past.paper >= 1

        # The commune's own report: sent on time, sent late, a draft.
        mine = {(r.year, r.part): r for r in CommuneAccidentReport.objects.all()}
        assert set(mine) == {(2025, "h1"), (2025, "year"), (2026, "h1")}
        assert mine[2025, "h1"].is_on_time is True
        assert mine[2025, "year"].is_on_time is False
        assert mine[2025, "year"].content["totals"][0] >= 1
        assert mine[2026, "h1"].status == Filing.Status.DRAFT

        # Disease exams and cases.
        exams = DiseaseExam.objects.exclude(
            note__startswith="Khám phát hiện bệnh nghề nghiệp định kỳ năm"
        )
        assert exams.count() == 6
        assert exams.filter(status=Filing.Status.SUBMITTED).count() == 1
        assert {e.enterprise.name for e in exams} == {QUARRY, SAWMILL, CASSAVA}
        silicosis = DiseaseCase.objects.get(disease__code="1", result=DiseaseCase.Result.CONFIRMED)
        assert silicosis.enterprise.name == QUARRY
        assert silicosis.monitoring_record.enterprise == silicosis.enterprise
        assert silicosis.exam.enterprise == silicosis.enterprise
        farmer = DiseaseCase.objects.get(disease__code="14")
        assert farmer.enterprise is None
        assert farmer.commune.name == "Ea Ly"
        assert farmer.created_by.username == "canbo.ealy"
        assert DiseaseCase.objects.filter(disease__code="18", enterprise__name=SAWMILL).exists()

        # Loading again changes nothing, not even the report dn.ealy1 has just filed.
        call_command("load_demo", verbosity=0)
        assert counts() == {**loaded, "FilingEvent": loaded["FilingEvent"] + 1}
        assert report(QUARRY, 2026, "h1").status == Filing.Status.SUBMITTED
