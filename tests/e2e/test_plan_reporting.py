"""Journey: the radio reporter reports a broadcast with an attachment, the official accepts it,
and the plan's matrix cell turns to done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from atvsld_portal.models import ResponsibleUnit, User
from plans.models import ActivityReport, Assignment
from tests.core.factories import TEST_PASSWORD, UserFactory
from tests.plans.factories import AssignmentFactory, PlanFactory, TaskFactory, TaskGroupFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_radio_report_accepted_turns_the_cell_to_done(
    live_server, page: Page, tmp_path, commune, officer
):
    today = timezone.localdate()
    plan = PlanFactory(commune=commune, start_year=today.year - 1, end_year=None)
    task = TaskFactory(group=TaskGroupFactory(plan=plan, number=2, title="Tuyên truyền"), number=1)
    radio = ResponsibleUnit.objects.create(
        commune=commune, kind=ResponsibleUnit.Kind.CULTURE_RADIO, name="Đài truyền thanh xã"
    )
    AssignmentFactory(task=task, unit=radio, cadence=Assignment.Cadence.QUARTERLY)
    reporter = UserFactory(
        username="vhtt", role=User.Role.UNIT_REPORTER, administrative_unit=commune
    )
    radio.members.add(reporter)
    minutes = tmp_path / "bien-ban.pdf"
    minutes.write_bytes(b"%PDF-1.4 bien ban phat thanh")

    _log_in(page, live_server.url, "vhtt")
    expect(page.get_by_role("heading", name="Đài truyền thanh xã")).to_be_visible()
    page.get_by_role("link", name="Báo cáo kết quả").first.click()
    page.get_by_label("Ngày").fill((today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.locator("#id_kind").select_option("radio")
    page.get_by_label("Nội dung đã thực hiện").fill(
        "Phát 3 bản tin về ATVSLĐ trên loa truyền thanh xã"
    )
    page.get_by_label("Số tin, bài phát thanh").fill("3")
    page.get_by_label("Tệp đính kèm").set_input_files(str(minutes))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    report = ActivityReport.objects.get()
    assert report.broadcasts == 3
    assert report.attachment.name.startswith("activity-reports/")

    page.context.clear_cookies()
    _log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/plans/activities/review/")
    page.get_by_role("link", name="Xem xét").first.click()
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.get_by_text("Đã chấp nhận báo cáo.")).to_be_visible()

    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    expect(page.locator("td.status-done")).to_contain_text("Hoàn thành")
