"""The annual OSH report as PDF and xlsx (enterprises.documents), called directly."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from atvsld_portal.models import ReportingPeriod
from enterprises.documents import (
    Ratio,
    annual_report_filename,
    annual_report_header,
    annual_report_pdf,
    annual_report_rows,
    annual_report_xlsx,
    format_value,
    million_vnd,
)
from enterprises.forms import ANNUAL_REPORT_FIELDS
from enterprises.models import AnnualOshReport, Enterprise, OwnershipType

pytestmark = pytest.mark.django_db

SECTION_TITLES = [
    "Lao động",
    "Tai nạn lao động",
    "Bệnh nghề nghiệp",
    "Kết quả phân loại sức khỏe của người lao động",
    "Huấn luyện về an toàn, vệ sinh lao động",
    "Máy, thiết bị, vật tư có yêu cầu nghiêm ngặt về an toàn, vệ sinh lao động",
    "Thời giờ làm việc, thời giờ nghỉ ngơi",
    "Bồi dưỡng chống độc hại bằng hiện vật",
    "Tình hình quan trắc môi trường lao động",
    "Chi phí thực hiện kế hoạch an toàn, vệ sinh lao động",
    "Tổ chức cung cấp dịch vụ",
    "Thời điểm tổ chức tiến hành đánh giá định kỳ nguy cơ rủi ro về an toàn, vệ sinh lao động",
    "Hiệu quả của các biện pháp phòng, chống các yếu tố nguy hiểm, yếu tố có hại, "
    "cải thiện điều kiện lao động",
]


@pytest.fixture
def period(commune):
    return ReportingPeriod.objects.create(
        commune=commune,
        kind="annual_osh_report",
        year=2026,
        opens_on=date(2026, 11, 1),
        due_on=date(2027, 1, 10),
        closes_on=date(2027, 1, 31),
    )


@pytest.fixture
def enterprise(commune):
    return Enterprise.objects.create(
        commune=commune,
        name="Công ty TNHH Đá Ea Ly",
        tax_code="0100109106",
        ownership_type=OwnershipType.objects.get(code="2"),
        activity_code="0810",
        legal_representative="Nguyễn Văn A",
    )


@pytest.fixture
def report(enterprise, period):
    return AnnualOshReport.objects.create(
        enterprise=enterprise,
        period=period,
        year=2026,
        workers_total=1250,
        workers_women=300,
        workers_exposed=40,
        workers_exposed_examined=38,
        accident_cost=12_500_000,
        monitoring_samples=20,
        monitoring_samples_failed=3,
        monitoring_by_factor={
            "noise": {"name": "Tiếng ồn", "samples": 12, "failed": 2},
            "dust": {"name": "Bụi", "samples": 8, "failed": 1},
        },
        risk_assessment_month=3,
        risk_assessment_year=2026,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def sheet_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def row_values(report: AnnualOshReport) -> list:
    return [row.value for section in annual_report_rows(report) for row in section.rows]


# ------------------------------------------------------------------------------
# The rows: the single source of both outputs
# ------------------------------------------------------------------------------
def test_rows_cover_the_13_sections_in_order(report):
    sections = annual_report_rows(report)

    assert [s.number for s in sections] == list(range(1, 14))
    assert [s.title for s in sections] == SECTION_TITLES
    assert all(section.rows for section in sections)


def test_section_1_ends_with_the_exposed_workers_and_their_exams(report):
    labour = annual_report_rows(report)[0]

    assert labour.rows[0].value == 1250
    assert [(row.label, row.value) for row in labour.rows[-2:]] == [
        ("Số người tiếp xúc yếu tố có hại", 40),
        ("Trong đó: được khám phát hiện bệnh nghề nghiệp", 38),
    ]
    assert labour.numbered_rows[-1][0] == "1.11"


def test_money_is_printed_in_million_dong_with_one_decimal(report):
    accidents = annual_report_rows(report)[1]
    cost = next(row for row in accidents.rows if row.unit == "triệu đồng")

    assert cost.value == Decimal("12.5")
    assert cost.display == "12,5"


def test_numbers_use_vietnamese_separators_whatever_the_active_language():
    with translation.override("en"):
        assert format_value(1250) == "1.250"
        assert format_value(Decimal("1234.5")) == "1.234,5"
        assert format_value(Ratio(2, 1200)) == "2/1.200"
        assert format_value(None) == ""
        assert translation.get_language() == "en"


@pytest.mark.parametrize(
    ("vnd", "million"),
    [(0, "0.0"), (12_500_000, "12.5"), (12_549_999, "12.5"), (12_550_000, "12.6")],
)
def test_million_vnd_rounds_half_up(vnd, million):
    assert million_vnd(vnd) == Decimal(million)


def test_section_9_lists_each_factor_in_the_factor_table_order(report):
    monitoring = annual_report_rows(report)[8]
    factor_rows = monitoring.rows[2:]

    # Seeded order: … Tiếng ồn (noise) before Bụi (dust), whatever the JSON key order.
    assert [(row.label, row.display) for row in factor_rows] == [
        ("Tiếng ồn: số mẫu không đạt/tổng số mẫu", "2/12"),
        ("Bụi: số mẫu không đạt/tổng số mẫu", "1/8"),
    ]


def test_section_12_is_month_and_year_without_grouping(report):
    (risk,) = annual_report_rows(report)[11].rows

    assert (risk.unit, risk.display) == ("tháng/năm", "03/2026")


def test_every_field_of_the_form_reaches_the_document(report):
    """Guards against a field added to the form but forgotten in the printed report."""
    expected = []
    for index, name in enumerate(ANNUAL_REPORT_FIELDS, start=1):
        field = AnnualOshReport._meta.get_field(name)
        if name.startswith("risk_assessment_"):
            continue  # printed together as "03/2026", checked above
        if isinstance(field, models.CharField):
            value = f"Tổ chức số {index}"
            expected.append(value)
        elif isinstance(field, models.BigIntegerField):  # money, in đồng
            value = (1000 + index) * 1_000_000
            expected.append(Decimal(1000 + index))
        else:
            value = 1000 + index
            expected.append(value)
        setattr(report, name, value)

    printed = []
    for value in row_values(report):
        printed.extend((value.part, value.whole) if isinstance(value, Ratio) else (value,))
    missing = [value for value in expected if value not in printed]
    assert missing == []


# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
def test_the_pdf_has_the_official_heading_and_the_figures(report):
    text = pdf_text(annual_report_pdf(report))

    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CÔNG TY TNHH ĐÁ EA LY",
        "BÁO CÁO CÔNG TÁC AN TOÀN, VỆ SINH LAO ĐỘNG",
        "Năm 2026",
        "Kính gửi: Sở Nội vụ tỉnh Đắk Lắk",
        "0100109106",
        "Công ty trách nhiệm hữu hạn",
        "Mã ngành 0810 (VSIC 2025)",
        "1.250",
        "12,5",
        "Tiếng ồn",
        "03/2026",
        "NGƯỜI SỬ DỤNG LAO ĐỘNG",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "Nguyễn Văn A",
        "Nơi nhận:",
        "- Như trên;",
        "Bản in từ Cổng ATVSLĐ xã Ea Ly",
    ):
        assert expected in text, expected
    assert "2.026" not in text


def test_the_pdf_is_a4(report):
    page = PdfReader(io.BytesIO(annual_report_pdf(report))).pages[0]

    # A4 is 595 by 842 points.
    assert round(float(page.mediabox.width)) == 595
    assert round(float(page.mediabox.height)) == 842


def test_a_submitted_report_prints_the_frozen_enterprise_data(report, enterprise):
    report.master_snapshot = report.build_master_snapshot()
    report.save()
    enterprise.name = "Công ty Cổ phần Tên Mới"
    enterprise.save()
    report.refresh_from_db()

    assert annual_report_header(report).enterprise_name == "Công ty TNHH Đá Ea Ly"
    text = pdf_text(annual_report_pdf(report))
    assert "CÔNG TY TNHH ĐÁ EA LY" in text
    assert "Tên Mới" not in text
    assert "TÊN MỚI" not in text


def test_a_draft_prints_the_current_enterprise_data(report, enterprise):
    enterprise.name = "Công ty Cổ phần Tên Mới"
    enterprise.save()
    report.refresh_from_db()

    assert annual_report_header(report).enterprise_name == "Công ty Cổ phần Tên Mới"


# ------------------------------------------------------------------------------
# xlsx
# ------------------------------------------------------------------------------
def test_the_workbook_has_the_sections_and_real_numbers(report):
    cells = sheet_cells(annual_report_xlsx(report))
    values = [cell.value for cell in cells]

    for title in SECTION_TITLES:
        assert title in values
    assert "Năm 2026" in values
    assert "Kính gửi: Sở Nội vụ tỉnh Đắk Lắk" in values
    total = next(cell for cell in cells if cell.value == 1250)
    assert type(total.value) is int
    assert total.number_format == "#,##0"
    cost = next(cell for cell in cells if cell.value == 12.5)
    assert isinstance(cost.value, float)
    assert cost.number_format == "#,##0.0"
    assert "2/12" in values


def test_the_workbook_prints_on_a4_portrait_fitted_to_width(report):
    sheet = load_workbook(io.BytesIO(annual_report_xlsx(report))).active

    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_setup.fitToWidth == 1


def test_the_workbook_neutralises_formulas_typed_by_users(report, enterprise):
    enterprise.name = '=HYPERLINK("http://example.com","Bấm")'
    enterprise.legal_representative = "=1+1"
    enterprise.save()
    report.osh_service_provider = "@SUM(A1)"
    report.save()

    cells = sheet_cells(annual_report_xlsx(report))

    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert '\'=HYPERLINK("HTTP://EXAMPLE.COM","BẤM")' in values
    assert "'=1+1" in values
    assert "'@SUM(A1)" in values


# ------------------------------------------------------------------------------
# File name
# ------------------------------------------------------------------------------
def test_the_filename_uses_the_tax_code(report):
    assert annual_report_filename(report, "pdf") == "bao-cao-atvsld-2026-0100109106.pdf"
    assert annual_report_filename(report, "xlsx") == "bao-cao-atvsld-2026-0100109106.xlsx"


def test_the_filename_falls_back_to_the_report_id_without_a_tax_code(report, enterprise):
    enterprise.tax_code = None
    enterprise.save()
    report.refresh_from_db()

    name = annual_report_filename(report, "pdf")

    assert name == f"bao-cao-atvsld-2026-{str(report.public_id)[:8]}.pdf"
    assert name.isascii()


def test_the_filename_refuses_other_extensions(report):
    with pytest.raises(ValueError, match="unsupported"):
        annual_report_filename(report, "docx")
