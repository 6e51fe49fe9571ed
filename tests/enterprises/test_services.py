from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from atvsld_portal.models import Filing, FilingEvent, Outbox
from atvsld_portal.services import period_open
from enterprises import services
from enterprises.models import AnnualOshReport, Enterprise, OwnershipType
from tests.enterprises.factories import AnnualReportFactory, EnterpriseFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def test_opening_a_period_creates_one_pending_draft_per_active_enterprise(
    commune, other_commune, officer
):
    active = EnterpriseFactory.create_batch(3, commune=commune)
    EnterpriseFactory(commune=commune, status=Enterprise.Status.CLOSED)
    EnterpriseFactory(commune=other_commune)
    period = PeriodFactory(commune=commune)
    assert period_open(period=period, by=officer) == 3
    drafts = AnnualOshReport.objects.filter(period=period)
    assert {r.enterprise for r in drafts} == set(active)
    assert all(r.status == Filing.Status.DRAFT for r in drafts)
    # Opening again only adds what is missing.
    EnterpriseFactory(commune=commune)
    assert period_open(period=period, by=officer) == 1
    period.refresh_from_db()
    assert period.opened_at is not None


def test_submit_freezes_master_data_and_approval_locks(enterprise, enterprise_owner, officer):
    report = AnnualReportFactory(enterprise=enterprise, workers_total=120, workers_women=40)
    services.annual_report_submit(report=report, by=enterprise_owner)
    enterprise.name = "Tên mới"
    enterprise.save()
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED
    assert report.master_snapshot["name"] == "Công ty TNHH Đá Ea Ly"
    services.annual_report_approve(report=report, by=officer)
    report.refresh_from_db()
    assert report.status == Filing.Status.APPROVED
    with pytest.raises(ValidationError):
        services.annual_report_save(report=report, by=enterprise_owner, data={"workers_total": 1})
    # The registry's workforce follows the latest approved report.
    enterprise.refresh_from_db()
    assert (
        enterprise.workforce_total,
        enterprise.workforce_women,
        enterprise.workforce_as_of_year,
    ) == (120, 40, 2026)


def test_reopen_unlocks_and_history_keeps_every_step(enterprise, enterprise_owner, officer):
    report = AnnualReportFactory(enterprise=enterprise)
    services.annual_report_submit(report=report, by=enterprise_owner)
    services.annual_report_return(report=report, by=officer, reason="Thiếu mục 5")
    services.annual_report_submit(report=report, by=enterprise_owner)
    services.annual_report_approve(report=report, by=officer)
    services.annual_report_reopen(report=report, by=officer, reason="Sai số lao động")
    report.refresh_from_db()
    assert report.status == Filing.Status.REOPENED
    services.annual_report_save(report=report, by=enterprise_owner, data={"workers_total": 25})
    steps = list(
        FilingEvent.objects.filter(object_id=report.pk).values_list(
            "from_status", "to_status", "note"
        )
    )
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "Thiếu mục 5"),
        ("returned", "submitted", ""),
        ("submitted", "approved", ""),
        ("approved", "reopened", "Sai số lao động"),
    ]


def test_returning_needs_a_reason(enterprise, enterprise_owner, officer):
    report = AnnualReportFactory(enterprise=enterprise)
    services.annual_report_submit(report=report, by=enterprise_owner)
    with pytest.raises(ValidationError):
        services.annual_report_return(report=report, by=officer, reason="  ")


def test_a_stale_decision_is_refused(enterprise, enterprise_owner, officer, leader):
    report = AnnualReportFactory(enterprise=enterprise)
    services.annual_report_submit(report=report, by=enterprise_owner)
    services.annual_report_approve(report=report, by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.annual_report_return(report=report, by=leader, reason="late click")
    assert excinfo.value.code == "stale_status"


def test_paper_filing_entered_by_the_official(enterprise, officer):
    report = AnnualReportFactory(enterprise=enterprise)
    services.annual_report_save(
        report=report, by=officer, data={"workers_total": 30}, channel=Filing.Channel.PAPER
    )
    services.annual_report_submit(report=report, by=officer)
    report.refresh_from_db()
    assert report.channel == Filing.Channel.PAPER
    assert report.entered_by == officer
    assert report.submitted_by == officer


def test_changes_write_the_recompute_outbox_row(enterprise, enterprise_owner):
    report = AnnualReportFactory(enterprise=enterprise)
    services.annual_report_save(report=report, by=enterprise_owner, data={"workers_total": 40})
    row = Outbox.objects.get()
    assert row.task_name == "reporting.tasks.recompute_indicators_task"
    assert row.args == [enterprise.commune_id, 2026]
    assert row.status == Outbox.Status.PENDING  # the indicators app is not built yet


@pytest.mark.parametrize(
    ("total", "exposed", "examined", "women"),
    [(10, 5, 6, 0), (10, 11, 0, 0), (10, 0, 0, 11)],
)
def test_examined_exposed_women_total_constraints(total, exposed, examined, women):
    report = AnnualReportFactory()
    with pytest.raises(IntegrityError):
        AnnualOshReport.objects.filter(pk=report.pk).update(
            workers_total=total,
            workers_exposed=exposed,
            workers_exposed_examined=examined,
            workers_women=women,
        )


def test_tax_code_of_another_commune_is_refused_pointing_to_the_province(
    commune, other_commune, officer
):
    EnterpriseFactory(commune=other_commune, tax_code="0100109106")
    with pytest.raises(ValidationError) as excinfo:
        services.enterprise_create(
            commune=commune,
            by=officer,
            name="Chi nhánh",
            tax_code="0100109106",
            ownership_type=OwnershipType.objects.get(code="2"),
        )
    assert excinfo.value.code == "tax_code_other_commune"
    assert "Ea Bá" in excinfo.value.messages[0]
    assert Enterprise.objects.filter(commune=commune).count() == 0


def test_without_tax_code_the_enterprise_is_flagged_and_section_prefilled(commune, officer):
    enterprise = services.enterprise_create(
        commune=commune,
        by=officer,
        name="Hộ kinh doanh Xưởng cưa",
        tax_code=None,
        ownership_type=OwnershipType.objects.get(code="8"),
        activity_version="2025",
        activity_code="1610",
    )
    assert enterprise.needs_verification
    assert enterprise.activity_section.letter == "C"
    assert enterprise.is_high_risk


def test_vsic_versions_place_division_64_in_different_sections(commune, officer):
    ownership = OwnershipType.objects.get(code="2")
    old = services.enterprise_create(
        commune=commune,
        by=officer,
        name="Quỹ tín dụng A",
        tax_code=None,
        ownership_type=ownership,
        activity_version="2018",
        activity_code="6419",
    )
    new = services.enterprise_create(
        commune=commune,
        by=officer,
        name="Quỹ tín dụng B",
        tax_code=None,
        ownership_type=ownership,
        activity_version="2025",
        activity_code="6419",
    )
    assert (old.activity_section.letter, new.activity_section.letter) == ("K", "L")


def test_monitoring_results_prefill_section_9(enterprise, enterprise_owner):
    from enterprises.models import HarmfulFactor, MonitoringResult
    from tests.enterprises.factories import MonitoringRecordFactory

    record = MonitoringRecordFactory(enterprise=enterprise, year=2026)
    MonitoringResult.objects.create(
        record=record,
        factor=HarmfulFactor.objects.get(code="noise"),
        location="A",
        samples_measured=8,
        samples_over=2,
    )
    MonitoringResult.objects.create(
        record=record,
        factor=HarmfulFactor.objects.get(code="dust"),
        location="B",
        samples_measured=4,
        samples_over=0,
    )
    PeriodFactory(commune=enterprise.commune, year=2026)
    report = services.annual_report_get_or_create_draft(
        enterprise=enterprise, year=2026, by=enterprise_owner
    )
    assert (report.monitoring_samples, report.monitoring_samples_failed) == (12, 2)
    assert report.monitoring_by_factor["noise"] == {"name": "Tiếng ồn", "samples": 8, "failed": 2}


def test_period_dates_must_be_in_order(commune):
    with pytest.raises(IntegrityError):
        PeriodFactory(commune=commune, opens_on=date(2027, 2, 1))
