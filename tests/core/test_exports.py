from __future__ import annotations

import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from atvsld_portal.exports import csv_response, docx_bytes, neutralise, xlsx_response

ROWS = [
    ['=HYPERLINK("http://x")', 1250, date(2026, 7, 5)],
    ["+84 905", -3, None],
    ["@SUM(A1)", 0, date(2026, 1, 1)],
    ["Công ty TNHH Ea Ly", 12, date(2026, 12, 31)],
]


def test_formula_prefixes_are_neutralised():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("Ea Ly") == "Ea Ly"
    assert neutralise(-2) == -2


def test_csv_streams_with_bom_neutralised_cells_and_vietnamese_dates():
    response = csv_response("dn.csv", ["Tên", "Số lao động", "Ngày"], ROWS)
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffTên,Số lao động,Ngày")
    assert "'=HYPERLINK" in body
    assert "'+84 905" in body
    assert "'@SUM(A1)" in body
    assert "05/07/2026" in body
    assert "Công ty TNHH Ea Ly,12,31/12/2026" in body
    assert response["Content-Disposition"] == 'attachment; filename="dn.csv"'


def test_xlsx_keeps_numbers_and_dates_typed_and_neutralises_text():
    response = xlsx_response("dn.xlsx", ["Tên", "Số lao động", "Ngày"], ROWS)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["B2"].value == 1250
    assert sheet["C2"].value.date() == date(2026, 7, 5)
    assert sheet["A5"].value == "Công ty TNHH Ea Ly"


def test_docx_has_title_paragraphs_and_table():
    content = docx_bytes("BÁO CÁO", ["Đoạn một."], table=(["Tên", "Số"], [["=cmd", 3]]))
    document = Document(io.BytesIO(content))
    assert document.paragraphs[0].text == "BÁO CÁO"
    assert document.paragraphs[1].text == "Đoạn một."
    assert document.tables[0].cell(1, 0).text == "'=cmd"
