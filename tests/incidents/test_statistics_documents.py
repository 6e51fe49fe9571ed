"""The accident statistics report (Phụ lục XII) as PDF and xlsx
(incidents.statistics_documents), called directly."""

from __future__ import annotations

import io
from datetime import date
from itertools import count

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from atvsld_portal.exports import FORMULA_PREFIXES
from atvsld_portal.models import Filing, ReportingPeriod
from incidents.models import Accident, Cause, InjuryFactor, PeriodicAccidentReport
from incidents.services import reports
from incidents.statistics_documents import (
    TITLE,
    report_filename,
    report_header,
    report_pdf,
    report_xlsx,
    table_i_rows,
)
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

RECEIPTS = count(1)
HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture
def period(commune) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        commune=commune,
        kind="accident_statistics",
        year=2026,
        part="h1",
        opens_on=date(2026, 6, 15),
        due_on=date(2026, 7, 5),
        closes_on=date(2026, 7, 31),
    )


def _report(enterprise, period, **fields) -> PeriodicAccidentReport:
    defaults = {
        "year": period.year,
        "part": period.part,
        "recipient": "Sở Nội vụ tỉnh Đắk Lắk",
        "workers_total": 1250,
        "workers_women": 300,
        "cost_medical": 1500,
        "cost_wages": 2000,
        "cost_compensation": 500,
        "cost_total": 4000,
        "property_damage": 7000,
        "days_off": 37,
    }
    return PeriodicAccidentReport.objects.create(
        enterprise=enterprise, period=period, **{**defaults, **fields}
    )


def _counted_accident(enterprise, *severities: str) -> Accident:
    accident = AccidentFactory(
        enterprise=enterprise,
        status=Accident.Status.RECEIVED,
        receipt_number=f"TD-{next(RECEIPTS):05d}",
        main_cause=Cause.RULES_VIOLATED,
        injury_factor=InjuryFactor.objects.get(code="14"),
    )
    for severity in severities or ("minor",):
        VictimFactory(accident=accident, severity=severity)
    return accident


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _cells(workbook) -> list:
    return [cell for row in workbook.active.iter_rows() for cell in row]


def test_rows_use_the_form_wording_and_the_records_counts(enterprise, period):
    _counted_accident(enterprise, "fatal", "serious")
    rows = table_i_rows(_report(enterprise, period))
    labels = [row.label for row in rows]
    assert labels[0] == "1. Tai nạn lao động"
    assert "a. Do người sử dụng lao động" in labels
    assert "b. Do người lao động" in labels
    assert labels[-1] == "3. Tổng số (3 = 1 + 2)"
    total = rows[0]
    assert total.values == [1, 1, 1, 2, 0, 0, 0, 1, 0, 1, 0]
    violated = next(row for row in rows if row.code == Cause.RULES_VIOLATED)
    assert violated.values[:4] == [1, 1, 1, 2]
    commuting = next(row for row in rows if row.kind == "total" and row.code == "10")
    assert commuting.label.startswith("2. Tai nạn được hưởng trợ cấp")


def test_header_uses_the_frozen_enterprise_data(commune, enterprise, period):
    report = _report(enterprise, period, status=Filing.Status.APPROVED)
    report.master_snapshot = {**enterprise.master_data(), "name": "Tên khi nộp"}
    report.save()
    header = dict(report_header(report).lines)
    assert header["Đơn vị báo cáo"] == "Tên khi nộp"
    assert header["Mã xã"] == commune.code_provisional
    assert header["Tổng số lao động"] == "1.250 người"
    assert header["Đơn vị nhận báo cáo"] == "Sở Nội vụ tỉnh Đắk Lắk"


def test_pdf_has_the_title_the_headers_and_the_counts(enterprise, period):
    _counted_accident(enterprise, "serious")
    _counted_accident(enterprise)
    content = report_pdf(_report(enterprise, period))
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    flat = " ".join(text.split())
    assert TITLE in flat
    assert "Kỳ báo cáo: 6 tháng năm 2026" in flat
    assert "I. Tình hình chung tai nạn lao động" in flat
    assert "II. Thiệt hại do tai nạn lao động" in flat
    assert "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ" in flat
    assert "DỰ THẢO" in flat  # an unfiled draft says so
    assert "1. Tai nạn lao động 2 0 0 2 0 0 0 0 0 1 0" in flat
    assert "1.250 người" in flat
    assert "2.026" not in flat


def test_pdf_is_landscape_and_repeats_table_headers_on_long_tables(enterprise, period):
    for index in range(40):
        VictimFactory(
            accident=_counted_accident(enterprise),
            occupation_name=f"Nghề số {index:02d}",
        )
    reader = PdfReader(io.BytesIO(report_pdf(_report(enterprise, period))))
    assert len(reader.pages) > 1
    first = reader.pages[0].mediabox
    assert first.width > first.height
    second = " ".join(reader.pages[1].extract_text().split())
    assert "Tên chỉ tiêu thống kê" in second


def test_xlsx_has_the_numbered_columns_and_the_counts(enterprise, period):
    _counted_accident(enterprise, "fatal")
    workbook = load_workbook(io.BytesIO(report_xlsx(_report(enterprise, period))))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[:13] == list(range(1, 14)) for row in rows)
    assert any(row[:6] == list(range(1, 7)) and row[6] is None for row in rows)
    total = next(row for row in rows if row[0] == "1. Tai nạn lao động")
    assert total[2:13] == [1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert [37, 4000, 1500, 2000, 500, 7000] in [row[:6] for row in rows]
    assert any(str(value).startswith(TITLE) for row in rows for value in row if value)
    merged = {str(block) for block in sheet.merged_cells.ranges}
    assert any(block.startswith("C") and block.split(":")[1].startswith("E") for block in merged)


def test_xlsx_neutralises_a_hostile_enterprise_name(commune, period):
    enterprise = EnterpriseFactory(commune=commune, name=HOSTILE, address="+84 thôn 1")
    report = _report(enterprise, period, recipient="@SUM(A1)")
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    texts = [cell.value for cell in _cells(workbook) if isinstance(cell.value, str)]
    assert any(HOSTILE in text for text in texts)
    assert not [text for text in texts if text.startswith(FORMULA_PREFIXES)]
    assert all(cell.data_type != "f" for cell in _cells(workbook))


def test_submitted_report_prints_the_filed_table_not_the_live_records(
    enterprise, period, enterprise_owner
):
    _counted_accident(enterprise)
    report = _report(enterprise, period)
    reports.periodic_report_submit(report=report, by=enterprise_owner)
    report.refresh_from_db()
    _counted_accident(enterprise)  # after filing
    assert table_i_rows(report)[0].values[0] == 1
    text = " ".join(_pdf_text(report_pdf(report)).split())
    assert "Đã nộp trên Cổng" in text


def test_filename_is_ascii_with_tax_code_year_and_part(enterprise, period):
    report = _report(enterprise, period)
    assert report_filename(report, "pdf") == f"phu-luc-xii-{enterprise.tax_code}-2026-h1.pdf"
    with pytest.raises(ValueError, match="unsupported"):
        report_filename(report, "exe")
