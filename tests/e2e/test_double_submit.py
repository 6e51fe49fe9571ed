"""Journey: an enterprise user double-clicks "save" on a new declaration and "submit" on the
draft, then goes back: one draft, one declaration, one receipt number, and going back shows the
receipt rather than a form to send again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Accident, AccidentDeclaration, ReceiptCounter
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_double_clicks_and_back_file_one_declaration(
    live_server, page: Page, enterprise, enterprise_owner
):
    when = timezone.localtime() - timedelta(hours=2)
    page.goto(f"{live_server.url}/accounts/login/?next=/accidents/new/")
    page.locator("#id_username").fill("bob")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()

    page.locator("#id_enterprise").select_option(str(enterprise.pk))
    page.locator("#id_occurred_at").fill(when.strftime("%d/%m/%Y %H:%M"))
    page.locator("#id_place").fill("Xưởng nghiền đá")
    page.locator("#id_account").fill("Công nhân bị đá văng trúng tay khi điều chỉnh băng tải.")
    page.locator("#id_victims-0-full_name").fill("Nguyễn Văn Bình")
    page.locator("#id_victims-0-sex").select_option("male")
    page.locator("#id_victims-0-birth_year").fill("1990")
    page.locator("#id_victims-0-occupation_name").fill("Công nhân vận hành")
    page.locator("#id_victims-0-severity").select_option("minor")
    page.get_by_role("button", name="Lưu bản nháp").dblclick()
    expect(page.get_by_role("button", name="Gửi khai báo")).to_be_visible()  # the draft page
    assert Accident.objects.count() == 1

    page.get_by_role("button", name="Gửi khai báo").dblclick()
    expect(page.get_by_role("button", name="Gửi khai báo")).to_have_count(0)  # the receipt page
    accident = Accident.objects.get()
    assert accident.receipt_number.endswith("/00001")
    expect(page.get_by_text(accident.receipt_number).first).to_be_visible()

    page.go_back()
    expect(page.get_by_text(accident.receipt_number).first).to_be_visible()
    expect(page.get_by_role("button", name="Gửi khai báo")).to_have_count(0)

    assert AccidentDeclaration.objects.filter(accident=accident).count() == 1
    assert ReceiptCounter.objects.get().last == 1
