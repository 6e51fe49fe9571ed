"""Activity reports through the pages units and officials take."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atvsld_portal.models import Outbox, ResponsibleUnit, User
from atvsld_portal.services import RECOMPUTE_TASK
from plans.models import ActivityReport, Assignment
from tests.core.factories import ResponsibleUnitFactory, UserFactory
from tests.plans.factories import ActivityReportFactory, AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def on(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=VN), tick=False)


def _url(name: str, report: ActivityReport) -> str:
    return reverse(f"plans:{name}", kwargs={"public_id": report.public_id})


def _create_url(assignment: Assignment) -> str:
    return reverse("plans:report_create", kwargs={"pk": assignment.pk})


def _recompute_args() -> list[list]:
    return [row.args for row in Outbox.objects.filter(task_name=RECOMPUTE_TASK)]


@pytest.fixture
def plan(commune):
    return PlanFactory(commune=commune, start_year=2026, end_year=2030)


@pytest.fixture
def radio_unit(commune):
    return ResponsibleUnitFactory(
        commune=commune, kind=ResponsibleUnit.Kind.CULTURE_RADIO, name="Văn hóa - Đài truyền thanh"
    )


@pytest.fixture
def police_unit(commune):
    return ResponsibleUnitFactory(
        commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an xã Ea Ly"
    )


@pytest.fixture
def assignment(plan, radio_unit):
    return AssignmentFactory(
        task__group__plan=plan, task__text="Tuyên truyền trên đài truyền thanh xã", unit=radio_unit
    )


@pytest.fixture
def police_assignment(plan, police_unit):
    return AssignmentFactory(
        task__group__plan=plan, task__text="Kiểm tra cơ sở sản xuất", unit=police_unit
    )


@pytest.fixture
def other_assignment(other_commune):
    return AssignmentFactory(task__group__plan=PlanFactory(commune=other_commune))


@pytest.fixture
def reporter(commune, radio_unit):
    """rita: reports for the commune's culture and radio unit."""
    rita = UserFactory(username="rita", role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    radio_unit.members.add(rita)
    return rita


@pytest.fixture
def report(assignment, reporter):
    return ActivityReportFactory(assignment=assignment, reported_by=reporter)


# ------------------------------------------------------------------------------
# Reporting
# ------------------------------------------------------------------------------
def test_reporter_reports_on_own_unit_with_an_attachment(client, reporter, assignment, commune):
    client.force_login(reporter)
    with on(date(2026, 5, 20)):
        assert client.get(_create_url(assignment)).status_code == 200
        response = client.post(
            _create_url(assignment),
            {
                "occurred_on": "15/05/2026",
                "kind": ActivityReport.Kind.RADIO,
                "description": "Phát tin Tháng hành động về ATVSLĐ",
                "broadcasts": "3",
                "airings": "1.200",
                "sessions": "4",  # not an output of a radio broadcast: not kept
                "attachment": SimpleUploadedFile(
                    "lich-phat-thanh.pdf", PDF_BYTES, content_type="application/pdf"
                ),
            },
        )
    report = ActivityReport.objects.get(assignment=assignment)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.occurred_on, report.reported_by, report.status) == (
        date(2026, 5, 15),
        reporter,
        ActivityReport.Status.SUBMITTED,
    )
    assert (report.broadcasts, report.airings, report.sessions) == (3, 1200, 0)
    assert _recompute_args() == [[commune.pk, 2026]]
    assert report.history.first().history_user == reporter

    client.force_login(reporter)  # the session expired with the frozen clock
    download = client.get(_url("report_attachment", report))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"


def test_the_form_marks_outputs_with_their_kinds_and_has_no_inline_script(
    client, reporter, assignment
):
    client.force_login(reporter)
    page = client.get(_create_url(assignment)).text
    assert 'data-output-kinds="inspection"' in page  # establishments inspected, violations found
    assert 'data-output-kinds="radio"' in page
    assert "js/activity_report_form.js" in page
    assert "<script>" not in page
    assert " style=" not in page


def test_a_file_that_is_not_a_document_is_refused(client, reporter, assignment):
    client.force_login(reporter)
    with on(date(2026, 5, 20)):
        response = client.post(
            _create_url(assignment),
            {
                "occurred_on": "15/05/2026",
                "kind": ActivityReport.Kind.DOCUMENT,
                "description": "Ban hành kế hoạch",
                "attachment": SimpleUploadedFile(
                    "virus.pdf", b"MZ\x90\x00", content_type="application/pdf"
                ),
            },
        )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not ActivityReport.objects.exists()


def test_inspections_cannot_find_more_violations_than_establishments(client, reporter, assignment):
    client.force_login(reporter)
    with on(date(2026, 5, 20)):
        response = client.post(
            _create_url(assignment),
            {
                "occurred_on": "15/05/2026",
                "kind": ActivityReport.Kind.INSPECTION,
                "description": "Kiểm tra liên ngành",
                "establishments_inspected": "2",
                "violations_found": "5",
            },
        )
    assert response.status_code == 200
    assert 'value="5"' in response.text
    assert not ActivityReport.objects.exists()


def test_a_date_in_the_future_is_refused(client, reporter, assignment):
    client.force_login(reporter)
    with on(date(2026, 5, 20)):
        response = client.post(
            _create_url(assignment),
            {"occurred_on": "21/05/2026", "kind": "document", "description": "Công văn"},
        )
    assert response.status_code == 200
    assert not ActivityReport.objects.exists()


def test_reporter_gets_403_for_another_unit_of_the_commune(client, reporter, police_assignment):
    client.force_login(reporter)
    assert client.get(_create_url(police_assignment)).status_code == 403
    response = client.post(
        _create_url(police_assignment),
        {"occurred_on": "15/05/2026", "kind": "document", "description": "x"},
    )
    assert response.status_code == 403
    assert not ActivityReport.objects.exists()


def test_reporter_gets_404_for_another_commune(client, reporter, other_assignment):
    client.force_login(reporter)
    assert client.get(_create_url(other_assignment)).status_code == 404


def test_official_may_enter_a_report_for_any_unit(client, officer, police_assignment):
    client.force_login(officer)
    with on(date(2026, 5, 20)):
        client.post(
            _create_url(police_assignment),
            {"occurred_on": "15/05/2026", "kind": "document", "description": "Nhập từ giấy"},
        )
    assert ActivityReport.objects.get().reported_by == officer


# ------------------------------------------------------------------------------
# Review
# ------------------------------------------------------------------------------
def test_official_accepts(client, officer, report, commune):
    client.force_login(officer)
    response = client.post(_url("report_accept", report), follow=True)
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ActivityReport.Status.ACCEPTED, officer)
    assert report.reviewed_at is not None
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert _recompute_args() == [[commune.pk, 2026]]
    assert report.history.first().history_user == officer


def test_a_stale_decision_is_refused(client, officer, leader, report):
    client.force_login(officer)
    client.post(_url("report_accept", report), follow=True)
    client.force_login(leader)
    response = client.post(_url("report_return", report), {"comment": "Thiếu ảnh"}, follow=True)
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.ACCEPTED
    assert report.review_comment == ""
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_return_needs_a_comment(client, leader, report):
    client.force_login(leader)
    client.post(_url("report_return", report), {"comment": "   "})
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.SUBMITTED


def test_returned_report_is_corrected_and_sent_again(client, leader, reporter, report):
    client.force_login(leader)
    client.post(_url("report_return", report), {"comment": "Ghi rõ số người tham dự"})
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ActivityReport.Status.RETURNED, leader)

    client.force_login(reporter)
    with on(date(2026, 6, 1)):
        page = client.get(_url("report_edit", report))
        assert "Ghi rõ số người tham dự" in page.text
        response = client.post(
            _url("report_edit", report),
            {
                "occurred_on": "12/05/2026",
                "kind": ActivityReport.Kind.PROPAGANDA_MEETING,
                "description": "Họp dân tại thôn 3",
                "sessions": "1",
                "participants": "62",
            },
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.participants) == (ActivityReport.Status.SUBMITTED, 62)
    assert report.review_comment == "Ghi rõ số người tham dự"

    client.force_login(leader)
    client.post(_url("report_accept", report))
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.ACCEPTED


def test_accepted_report_cannot_be_edited(client, reporter, report):
    report.status = ActivityReport.Status.ACCEPTED
    report.save()
    client.force_login(reporter)
    assert client.get(_url("report_edit", report)).status_code == 403


@pytest.mark.parametrize("name", ["report_accept", "report_return"])
def test_reporters_and_province_viewers_cannot_review(
    client, reporter, province_viewer, report, name
):
    for user in (reporter, province_viewer):
        client.force_login(user)
        assert client.post(_url(name, report), {"comment": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.SUBMITTED


def test_detail_shows_review_forms_to_reviewers_only(client, officer, reporter, report):
    client.force_login(officer)
    assert _url("report_accept", report) in client.get(_url("report_detail", report)).text
    client.force_login(reporter)
    page = client.get(_url("report_detail", report)).text
    assert _url("report_accept", report) not in page
    assert report.description in page


def test_province_viewer_reads_a_report(client, province_viewer, report):
    client.force_login(province_viewer)
    assert client.get(_url("report_detail", report)).status_code == 200


@pytest.mark.parametrize(
    "name", ["report_detail", "report_edit", "report_attachment", "report_accept", "report_return"]
)
def test_it_returns_404_for_other_commune(client, other_officer, report, name):
    report.attachment = SimpleUploadedFile("a.pdf", PDF_BYTES)
    report.save()
    client.force_login(other_officer)
    method = client.post if name in {"report_accept", "report_return"} else client.get
    assert method(_url(name, report)).status_code == 404


@pytest.mark.parametrize("name", ["report_detail", "report_attachment"])
def test_it_returns_404_for_enterprise_users(client, enterprise_owner, report, name):
    report.attachment = SimpleUploadedFile("a.pdf", PDF_BYTES)
    report.save()
    client.force_login(enterprise_owner)
    assert client.get(_url(name, report)).status_code == 404


def test_attachment_is_404_when_there_is_none(client, reporter, report):
    client.force_login(reporter)
    assert client.get(_url("report_attachment", report)).status_code == 404


# ------------------------------------------------------------------------------
# Review queue
# ------------------------------------------------------------------------------
def test_review_queue_lists_submitted_reports_of_the_commune_oldest_first(
    client, officer, assignment, reporter, other_assignment
):
    with on(date(2026, 5, 2)):
        older = ActivityReportFactory(assignment=assignment, description="Báo cáo cũ hơn")
    with on(date(2026, 5, 9)):
        newer = ActivityReportFactory(assignment=assignment, description="Báo cáo mới hơn")
    ActivityReportFactory(assignment=assignment, status=ActivityReport.Status.ACCEPTED)
    elsewhere = ActivityReportFactory(assignment=other_assignment)
    client.force_login(officer)
    response = client.get(reverse("plans:review_queue"))
    assert list(response.context["page_obj"]) == [older, newer]
    assert elsewhere.get_absolute_url() not in response.text


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:review_queue")).status_code == 200
    return len(queries)


def test_review_queue_query_count_does_not_grow(
    client, officer, plan, assignment, police_assignment, django_assert_num_queries
):
    ActivityReportFactory.create_batch(2, assignment=assignment)
    ActivityReportFactory(assignment=police_assignment)
    client.force_login(officer)
    client.get(reverse("plans:review_queue"))  # warm up caches (content types, session)
    with_three = _queue_queries(client)
    ActivityReportFactory.create_batch(6, assignment=assignment)
    ActivityReportFactory.create_batch(6, assignment=police_assignment)
    with django_assert_num_queries(with_three):
        response = client.get(reverse("plans:review_queue"))
    assert len(response.context["page_obj"]) == 15


def test_review_queue_is_for_reviewers(client, reporter, province_viewer):
    for user in (reporter, province_viewer):
        client.force_login(user)
        assert client.get(reverse("plans:review_queue")).status_code == 403


# ------------------------------------------------------------------------------
# The unit's page
# ------------------------------------------------------------------------------
def test_my_assignments_shows_own_units_assignments_and_the_report_button(
    client, reporter, assignment, police_assignment
):
    with on(date(2026, 5, 20)):
        ActivityReportFactory(
            assignment=assignment,
            reported_by=reporter,
            status=ActivityReport.Status.RETURNED,
            review_comment="Bổ sung ảnh",
        )
        client.force_login(reporter)
        response = client.get(reverse("plans:my_assignments"))
    page = response.text
    assert response.status_code == 200
    assert _create_url(assignment) in page
    assert _create_url(police_assignment) not in page
    assert "Bổ sung ảnh" in page  # returned for correction
    [section] = response.context["sections"]
    [item] = section.items
    assert item.status == "in_progress"
    assert section.due_this_quarter == [item]


def test_my_assignments_is_for_unit_reporters(client, officer):
    client.force_login(officer)
    assert client.get(reverse("plans:my_assignments")).status_code == 403


def test_my_assignments_without_a_unit(client, commune):
    client.force_login(UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune))
    assert client.get(reverse("plans:my_assignments")).status_code == 200


# ------------------------------------------------------------------------------
# Overdue list
# ------------------------------------------------------------------------------
def test_overdue_list_shows_last_quarters_missing_reports(
    client, officer, assignment, police_assignment, other_assignment
):
    ActivityReportFactory(
        assignment=police_assignment,
        occurred_on=date(2026, 6, 2),
        status=ActivityReport.Status.ACCEPTED,
    )
    with on(date(2026, 7, 10)):  # last day of grace for the second quarter
        client.force_login(officer)
        assert list(client.get(reverse("plans:overdue")).context["page_obj"]) == []
    with on(date(2026, 7, 11)):
        client.force_login(officer)
        response = client.get(reverse("plans:overdue"))
    items = list(response.context["page_obj"])
    assert [(i.assignment, i.window_end) for i in items] == [(assignment, date(2026, 6, 30))]
    assert assignment.unit.name in response.text


def test_overdue_list_lists_a_past_fixed_month_once(client, officer, plan, radio_unit):
    may = AssignmentFactory(
        task__group__plan=plan, unit=radio_unit, cadence=Assignment.Cadence.FIXED_MONTH, month=5
    )
    client.force_login(officer)
    with on(date(2026, 8, 20)):  # Q2 and Q3 share the May window
        items = list(client.get(reverse("plans:overdue")).context["page_obj"])
    assert [(i.assignment, i.window_start) for i in items] == [(may, date(2026, 5, 1))]


def test_overdue_list_ignores_quarters_before_the_plan(client, officer, assignment):
    client.force_login(officer)
    with on(date(2026, 1, 20)):  # the previous quarter is in 2025, before the plan starts
        assert list(client.get(reverse("plans:overdue")).context["page_obj"]) == []


def test_province_viewer_sees_overdue_of_every_commune(
    client, province_viewer, assignment, other_assignment
):
    client.force_login(province_viewer)
    with on(date(2026, 7, 11)):
        items = list(client.get(reverse("plans:overdue")).context["page_obj"])
    assert {i.assignment for i in items} == {assignment, other_assignment}


def test_overdue_list_is_not_for_units_or_enterprises(client, reporter, enterprise_owner):
    for user in (reporter, enterprise_owner):
        client.force_login(user)
        assert client.get(reverse("plans:overdue")).status_code == 403
