from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from atvsld_portal.models import User
from enterprises.imports import EXAMPLE_NAME, IMPORT_COLUMNS, MAX_ROWS
from enterprises.models import Enterprise, OwnershipType
from tests.core.factories import UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("enterprises:import")
TEMPLATE_URL = reverse("enterprises:import_template")
HEADERS = [column.header for column in IMPORT_COLUMNS]
VALID_TAX_CODE = "0100109106"
BRANCH_TAX_CODE = "0100109106-001"
BAD_CHECK_DIGIT = "0100109107"


def xlsx_upload(rows: list[dict], *, headers: list[str] = HEADERS) -> SimpleUploadedFile:
    """A workbook with the template's header and one row per dict (keyed by header)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("doanh-nghiep.xlsx", buffer.getvalue())


def row(name: str, **cells) -> dict:
    return {"Tên doanh nghiệp*": name, "Mã loại hình*": "2", **cells}


def preview(client, rows: list[dict]):
    return client.post(IMPORT_URL, {"action": "preview", "file": xlsx_upload(rows)})


def confirm(client, token: str):
    return client.post(IMPORT_URL, {"action": "confirm", "token": token})


def errors_of(response) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.code) for e in response.context["preview"].errors]


def make_enterprise(commune, name: str, tax_code: str | None) -> Enterprise:
    return Enterprise.objects.create(
        commune=commune,
        name=name,
        tax_code=tax_code,
        ownership_type=OwnershipType.objects.get(code="2"),
    )


# ------------------------------------------------------------------------------
# Template
# ------------------------------------------------------------------------------
def test_template_is_an_xlsx_with_the_headers_and_a_guide(officer_client, commune):
    VillageFactory(commune=commune, name="Buôn Ken")
    response = officer_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data, guide = workbook.worksheets
    assert [cell.value for cell in data[1]] == HEADERS
    assert all(cell.font.bold for cell in data[1])
    assert data["A2"].value == EXAMPLE_NAME
    assert guide.title == "Hướng dẫn"
    guide_values = {cell.value for line in guide.iter_rows() for cell in line}
    assert "Buôn Ken" in guide_values
    assert {"Mã loại hình", "Công ty trách nhiệm hữu hạn", "đã đóng"} <= guide_values


def test_the_untouched_template_is_refused_because_of_its_example_row(officer_client):
    template = officer_client.get(TEMPLATE_URL)
    upload = SimpleUploadedFile("mau.xlsx", b"".join(template.streaming_content))
    response = officer_client.post(IMPORT_URL, {"action": "preview", "file": upload})
    assert (2, "Tên doanh nghiệp*", "example_row") in errors_of(response)
    assert Enterprise.objects.count() == 0


# ------------------------------------------------------------------------------
# Preview and confirmation
# ------------------------------------------------------------------------------
def test_valid_file_previews_then_confirm_creates_the_enterprises(officer_client, commune):
    village = VillageFactory(commune=commune, name="Buôn Ken")
    rows = [
        row(
            "Công ty TNHH Đá Ea Ly",
            **{
                "Mã số thuế": VALID_TAX_CODE,
                "Mã ngành VSIC": "0810",
                "Điện thoại": "0905 123 456",
                "Tổng số lao động": "1.250",
                "Lao động nữ": 12,
                "Có yếu tố có hại": "có",
                "Trạng thái": "Đang hoạt động",
            },
        ),
        row("Chi nhánh Đá Ea Ly", **{"Mã số thuế": BRANCH_TAX_CODE}),
        row("Xưởng mộc Y Bih", **{"Thôn, buôn": "buon ken", "Mã loại hình*": 8}),
    ]

    response = preview(officer_client, rows)

    assert response.status_code == 200
    assert errors_of(response) == []
    assert [r.action for r in response.context["preview"].rows] == ["create"] * 3
    assert "Xưởng mộc Y Bih" in response.text
    assert Enterprise.objects.count() == 0  # the preview writes nothing

    response = confirm(officer_client, response.context["token"])

    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:list")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    stone = Enterprise.objects.get(tax_code=VALID_TAX_CODE)
    assert stone.commune == commune
    assert stone.phone == "+84905123456"
    assert (stone.workforce_total, stone.workforce_women) == (1250, 12)
    assert stone.has_harmful_factors
    assert stone.activity_section.letter == "B"
    assert not stone.needs_verification
    assert Enterprise.objects.get(tax_code=BRANCH_TAX_CODE).commune == commune
    workshop = Enterprise.objects.get(name="Xưởng mộc Y Bih")
    assert workshop.tax_code is None
    assert workshop.needs_verification
    assert workshop.village == village
    assert workshop.ownership_type.code == "8"


def test_one_bad_row_writes_nothing_and_names_row_and_column(officer_client):
    rows = [
        row("Công ty sai mã", **{"Mã số thuế": BAD_CHECK_DIGIT}),
        row("Công ty đúng mã", **{"Mã số thuế": VALID_TAX_CODE}),
    ]

    response = preview(officer_client, rows)

    assert errors_of(response) == [(2, "Mã số thuế", "tax_code_check_digit")]
    assert "token" not in response.context
    assert "Xác nhận" not in response.text
    assert 'data-testid="import-confirm"' not in response.text
    errors_table = response.text.split('data-testid="import-errors"')[1]
    assert "<td>2</td>" in errors_table
    assert "<td>Mã số thuế</td>" in errors_table
    assert Enterprise.objects.count() == 0


def test_every_row_error_is_listed(officer_client):
    rows = [
        row("A", **{"Điện thoại": "12345", "Mã loại hình*": "99"}),
        row("", **{"Có yếu tố có hại": "có lẽ", "Trạng thái": "giải thể"}),
        row("C", **{"Tổng số lao động": 3, "Lao động nữ": 5}),
    ]

    response = preview(officer_client, rows)

    assert errors_of(response) == [
        (2, "Mã loại hình*", "ownership_type"),
        (2, "Điện thoại", "phone"),
        (3, "Tên doanh nghiệp*", "required"),
        (3, "Có yếu tố có hại", "yes_no"),
        (3, "Trạng thái", "status"),
        (4, "Lao động nữ", ""),
    ]


def test_the_same_tax_code_twice_in_a_file_is_an_error_on_the_second_row(officer_client):
    rows = [
        row("A", **{"Mã số thuế": VALID_TAX_CODE}),
        {},
        row("B", **{"Mã số thuế": VALID_TAX_CODE}),
    ]

    response = preview(officer_client, rows)

    # The empty row 3 is skipped, but row numbers stay those of the spreadsheet.
    assert errors_of(response) == [(4, "Mã số thuế", "duplicate")]


def test_reimport_updates_by_tax_code_instead_of_duplicating(officer_client, commune):
    existing = make_enterprise(commune, "Tên cũ", VALID_TAX_CODE)
    existing.address = "Thôn 1"
    existing.save()
    # Excel turned the code into the number 100109106 and dropped its leading zero.
    rows = [row("Công ty TNHH Đá Ea Ly", **{"Mã số thuế": 100109106, "Tổng số lao động": 30})]

    response = preview(officer_client, rows)

    assert errors_of(response) == []
    assert [r.action for r in response.context["preview"].rows] == ["update"]
    confirm(officer_client, response.context["token"])
    existing.refresh_from_db()
    assert Enterprise.objects.count() == 1
    assert existing.name == "Công ty TNHH Đá Ea Ly"
    assert existing.workforce_total == 30
    assert existing.address == "Thôn 1"  # an empty cell keeps the current value


def test_tax_code_of_another_communes_enterprise_is_refused_not_claimed(
    officer_client, other_commune
):
    theirs = make_enterprise(other_commune, "Công ty của Ea Bá", VALID_TAX_CODE)

    response = preview(officer_client, [row("Công ty của Ea Ly", **{"Mã số thuế": VALID_TAX_CODE})])

    assert errors_of(response) == [(2, "Mã số thuế", "tax_code_other_commune")]
    message = response.context["preview"].errors[0].message
    assert "Sở Nội vụ" in message
    assert "Ea Bá" in message
    assert "Sở Nội vụ" in response.text
    theirs.refresh_from_db()
    assert theirs.commune == other_commune
    assert theirs.name == "Công ty của Ea Bá"
    assert Enterprise.objects.count() == 1


def test_a_row_without_tax_code_always_creates_a_new_flagged_enterprise(officer_client, commune):
    make_enterprise(commune, "Quán cơm Ea Ly", None)

    response = preview(officer_client, [row("Quán cơm Ea Ly")])
    confirm(officer_client, response.context["token"])

    assert Enterprise.objects.filter(name="Quán cơm Ea Ly", needs_verification=True).count() == 2


# ------------------------------------------------------------------------------
# Files that cannot be imported
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.4\n%%EOF\n", "not_xlsx"),
        (b"Ten doanh nghiep;Ma so thue\nA;0100109106\n", "file_type"),
    ],
)
def test_a_file_that_is_not_xlsx_gets_one_clear_error(officer_client, content, code):
    upload = SimpleUploadedFile("doanh-nghiep.xlsx", content)

    response = officer_client.post(IMPORT_URL, {"action": "preview", "file": upload})

    assert response.status_code == 200
    assert errors_of(response) == [(None, "", code)]
    assert response.context["preview"].errors[0].message in response.text


def test_a_missing_required_column_is_reported_on_the_header_row(officer_client):
    headers = [h for h in HEADERS if h != "Mã loại hình*"]
    upload = xlsx_upload([{"Tên doanh nghiệp*": "A"}], headers=headers)

    response = officer_client.post(IMPORT_URL, {"action": "preview", "file": upload})

    assert errors_of(response) == [(1, "Mã loại hình*", "missing_column")]


def test_more_than_the_row_limit_is_refused(officer_client):
    rows = [row(f"Cơ sở {n}") for n in range(MAX_ROWS + 1)]

    response = preview(officer_client, rows)

    assert errors_of(response) == [(MAX_ROWS + 2, "", "too_many_rows")]
    assert Enterprise.objects.count() == 0


# ------------------------------------------------------------------------------
# Confirmation tokens
# ------------------------------------------------------------------------------
def test_a_forged_token_is_refused(officer_client):
    forged = signing.dumps({"file": "imports/x.xlsx", "user": 1, "commune": 1}, salt="other")

    response = confirm(officer_client, forged)

    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Enterprise.objects.count() == 0


def test_an_expired_token_is_refused(officer_client):
    token = preview(officer_client, [row("A", **{"Mã số thuế": VALID_TAX_CODE})]).context["token"]

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        response = confirm(officer_client, token)

    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Enterprise.objects.count() == 0


def test_a_token_issued_to_another_official_is_refused(client, officer, other_officer):
    client.force_login(other_officer)
    token = preview(client, [row("A", **{"Mã số thuế": VALID_TAX_CODE})]).context["token"]
    client.force_login(officer)

    confirm(client, token)

    assert Enterprise.objects.count() == 0


def test_a_confirmation_is_applied_once(officer_client):
    token = preview(officer_client, [row("Quán cơm")]).context["token"]

    confirm(officer_client, token)
    response = confirm(officer_client, token)

    assert [m.level_tag for m in get_messages(response.wsgi_request)][-1] == "error"
    assert Enterprise.objects.count() == 1


def test_confirm_revalidates_the_file_instead_of_trusting_the_preview(
    officer_client, other_commune
):
    token = preview(officer_client, [row("A", **{"Mã số thuế": VALID_TAX_CODE})]).context["token"]
    make_enterprise(other_commune, "Đăng ký trước ở Ea Bá", VALID_TAX_CODE)

    response = confirm(officer_client, token)

    assert response.status_code == 200
    assert errors_of(response) == [(2, "Mã số thuế", "tax_code_other_commune")]
    assert Enterprise.objects.count() == 1


# ------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["leader", "province_viewer"])
def test_only_commune_officials_may_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    response = client.post(IMPORT_URL, {"action": "preview", "file": xlsx_upload([row("A")])})
    assert response.status_code == 403
    assert Enterprise.objects.count() == 0


def test_a_superuser_without_a_commune_gets_403(client):
    admin = UserFactory(is_superuser=True, is_staff=True, role="", administrative_unit=None)
    client.force_login(admin)
    assert client.get(IMPORT_URL).status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_enterprise_user_gets_403(client, commune):
    client.force_login(UserFactory(role=User.Role.ENTERPRISE_USER, administrative_unit=commune))
    assert client.get(IMPORT_URL).status_code == 403
