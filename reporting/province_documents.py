"""The province summary of occupational accidents in the shape of Phụ lục XIV/XV of NĐ 39/2016
(DOMAIN §3.8, "Provincial summary layout"), as a PDF on the Decree 30 frame and an .xlsx
workbook, from :func:`reporting.province.province_summary`.

:func:`overview_rows` and :func:`breakdown_rows` are the single source of both outputs, so the
PDF and the workbook never disagree. Wording is Vietnamese template text of the legal form, not
translated UI strings; numbers are formatted the Vietnamese way (``1.250``, ``2,400``) in the
PDF and stay numbers in the workbook. There is no victim's name or ID anywhere in it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from atvsld_portal.exports import neutralise
from atvsld_portal.pdf import render_pdf
from enterprises.documents import format_number, province_phrase
from incidents.statistics_documents import CAUSE_LABELS
from reporting.province import BreakdownLine, OverviewLine, ProvinceSummary

PDF_TEMPLATE = "reporting/pdf/province_summary.html"
TITLE = "BÁO CÁO TỔNG HỢP TÌNH HÌNH TAI NẠN LAO ĐỘNG"
ANNEX = "Theo mẫu Phụ lục XIV, XV ban hành kèm theo Nghị định số 39/2016/NĐ-CP"
PART_I = "I. THÔNG TIN TỔNG QUAN"
PART_II = "II. PHÂN LOẠI TAI NẠN LAO ĐỘNG"
LABEL = "Tên chỉ tiêu"
CODE = "Mã số"
NOTE = "Ghi chú"

# Part I: (group, [sub-headings]) over columns 3-13; "Ghi chú" has no sub-heading.
PART_I_GROUPS = [
    ("Cơ sở", ["Tổng số", "Số cơ sở tham gia báo cáo"]),
    (
        "Lực lượng lao động",
        ["Tổng số lao động", "Số LĐ của các cơ sở tham gia báo cáo", "Số lao động nữ"],
    ),
    ("Tổng số TNLĐ", ["Số người bị nạn", "Số người chết", "Số người bị thương nặng"]),
    ("Tần suất TNLĐ", ["K TNLĐ", "K chết"]),
]
# Part II: columns 3-17.
PART_II_GROUPS = [
    ("Số vụ", ["Tổng số", "Số vụ có người chết", "Số vụ có từ 2 người bị nạn trở lên"]),
    ("Số người bị nạn", ["Tổng số", "Số lao động nữ", "Số người chết", "Số người bị thương nặng"]),
    ("Tổng số ngày nghỉ vì TNLĐ (kể cả ngày nghỉ chế độ)", []),
    (
        "Chi phí tính bằng tiền (1.000 đ)",
        ["Tổng số", "Y tế", "Trả lương trong thời gian điều trị", "Bồi thường/Trợ cấp"],
    ),
    ("Thiệt hại tài sản (1.000 đ)", []),
]
PART_I_COLUMNS = 2 + sum(len(sub) for _group, sub in PART_I_GROUPS) + 1
PART_II_COLUMNS = 2 + sum(len(sub) or 1 for _group, sub in PART_II_GROUPS)

OVERVIEW_LABELS = {
    "total": "Tổng số",
    "by_ownership": "1. Phân theo loại hình cơ sở",
    "by_commune": "2. Phân theo xã",
}
BREAKDOWN_LABELS = {
    "total": "Tổng số",
    "by_sector": "1. Phân theo ngành nghề (lĩnh vực sản xuất chính)",
    "sector-none": "Chưa xác định lĩnh vực",
    "by_cause": "2. Phân theo nguyên nhân xảy ra TNLĐ",
    "cause-group-a": "a. Do người sử dụng lao động",
    "cause-group-b": "b. Do người lao động",
    "cause-group-c": "c. Khách quan",
    "by_factor": "3. Phân theo yếu tố gây chấn thương",
    **{f"cause-{code}": label for code, label in CAUSE_LABELS.items()},
    "cause-9": "Khách quan khó tránh/Nguyên nhân chưa kể đến",
}
FORMULA_NOTE = (
    "K TNLĐ = số người bị nạn thuộc quyền quản lý của cơ sở / số lao động của các cơ sở tham "
    "gia báo cáo x 1.000; K chết = số người chết thuộc quyền quản lý của cơ sở / số lao động "
    "của các cơ sở tham gia báo cáo x 1.000. Người bị nạn không thuộc quyền quản lý của cơ sở "
    "báo cáo nằm ngoài mẫu số, được ghi ở cột Ghi chú."
)
DAMAGE_NOTE = (
    "Thiệt hại (ngày nghỉ, chi phí, tài sản) được báo cáo theo từng cơ sở, nên chỉ có ở dòng "
    "tổng số và các dòng theo ngành nghề."
)
BLANK = "……"


@dataclass(frozen=True)
class Row:
    """One printed row: ``values`` are numbers (None = not given) in column order; ``note`` is
    the last column of Part I."""

    label: str
    code: str
    kind: str
    values: list[int | Decimal | None]
    note: str = ""

    @property
    def display_values(self) -> list[str]:
        return [display(value) for value in self.values]


def display(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, 3)
    return format_number(value)


def period_text(year: int, part: str) -> str:
    """``6 tháng đầu năm 2026`` or ``năm 2026``."""
    return f"6 tháng đầu năm {year}" if part == "h1" else f"năm {year}"


def _place(summary: ProvinceSummary) -> str:
    return province_phrase(summary.province) or "các xã"


def _overview_note(line: OverviewLine) -> str:
    if line.kind == "heading":
        return ""
    if line.victims_outside:
        note = f"Ngoài mẫu số: {format_number(line.victims_outside)} người bị nạn"
        if line.deaths_outside:
            note += f", trong đó {format_number(line.deaths_outside)} người chết"
        return note
    if line.establishments and not line.participating:
        return "Chưa có cơ sở báo cáo"
    return ""


def overview_rows(summary: ProvinceSummary) -> list[Row]:
    rows = []
    for line in summary.overview:
        label = OVERVIEW_LABELS.get(line.key, line.label)
        if line.kind == "heading":
            rows.append(Row(label, "", "heading", []))
            continue
        values: list[int | Decimal | None] = [
            line.establishments,
            line.participating,
            line.workers,
            line.workers_participating,
            line.women,
            line.victims,
            line.deaths,
            line.serious,
            line.k,
            line.k_deaths,
        ]
        rows.append(Row(label, line.code, line.kind, values, _overview_note(line)))
    return rows


def _breakdown_label(line: BreakdownLine) -> str:
    if line.key in BREAKDOWN_LABELS:
        return BREAKDOWN_LABELS[line.key]
    if line.key.startswith("sector-"):
        return f"Ngành {line.code} - {line.label}"
    return line.label


def breakdown_rows(summary: ProvinceSummary) -> list[Row]:
    rows = []
    for line in summary.breakdown:
        if not line.values:
            rows.append(Row(_breakdown_label(line), "", line.kind, []))
            continue
        damage: list[int | None] = (
            list(line.damage) if line.damage is not None else [None] * 6
        )  # Table II is per report: no damage per cause or factor.
        code = "" if line.key.startswith("sector-") else line.code
        rows.append(Row(_breakdown_label(line), code, line.kind, [*line.values, *damage]))
    return rows


def source_text(summary: ProvinceSummary) -> str:
    names = ", ".join(commune.name for commune in summary.communes) or BLANK
    return (
        f"Tổng hợp từ {format_number(summary.reports)} báo cáo tổng hợp tình hình tai nạn lao "
        f"động (Phụ lục XII) {period_text(summary.year, summary.part)} đã được Ủy ban nhân dân "
        f"xã chấp nhận trên Cổng ATVSLĐ, của các cơ sở thuộc các xã: {names}."
    )


def filename(summary: ProvinceSummary, ext: str) -> str:
    """``tong-hop-tnld-66-2026-h1.pdf``: ASCII only, safe in a Content-Disposition."""
    if ext not in {"pdf", "xlsx"}:
        raise ValueError(f"unsupported extension: {ext!r}")
    province = summary.province
    code = (province.code or province.code_provisional) if province is not None else ""
    code = re.sub(r"[^0-9A-Za-z-]", "", code or "") or "tinh"
    return f"tong-hop-tnld-{code}-{summary.year}-{summary.part}.{ext}"


# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
def summary_pdf(summary: ProvinceSummary) -> bytes:
    province = summary.province
    place = province.name if province is not None else BLANK
    period = period_text(summary.year, summary.part)
    context = {
        "doc": {
            "issuing_parent": f"Ủy ban nhân dân\n{_place(summary)}",
            "issuing_body": "Sở Nội vụ",
            "symbol": "BC-SNV",
            "number": "",
            "place": place,
            "issued_on": None,
            "doc_type": TITLE,
            "summary": f"Kỳ báo cáo: {period}",
            "recipients": ["Bộ Nội vụ", f"Cơ quan thống kê {_place(summary)}", "Lưu: VT"],
            "signer_authority": "",
            "signer_position": "Giám đốc",
            "signer_name": "",
        },
        "title": TITLE,
        "period": period,
        "annex": ANNEX,
        "source": source_text(summary),
        "part_i": PART_I,
        "part_ii": PART_II,
        "label": LABEL,
        "code": CODE,
        "note": NOTE,
        "part_i_groups": PART_I_GROUPS,
        "part_ii_groups": PART_II_GROUPS,
        "part_i_numbers": [str(n) for n in range(1, PART_I_COLUMNS + 1)],
        "part_ii_numbers": [str(n) for n in range(1, PART_II_COLUMNS + 1)],
        "overview": overview_rows(summary),
        "breakdown": breakdown_rows(summary),
        "formula_note": FORMULA_NOTE,
        "damage_note": DAMAGE_NOTE,
    }
    return render_pdf(PDF_TEMPLATE, context)


# ------------------------------------------------------------------------------
# xlsx
# ------------------------------------------------------------------------------
XLSX_FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top")
LAST_COLUMN = PART_II_COLUMNS


def _cell(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    bold: bool = False,
    italic: bool = False,
    alignment: Alignment = WRAP,
    merge_to: tuple[int, int] | None = None,
    grid: bool = False,
    number_format: str | None = None,
) -> None:
    """Write one cell; text always goes through ``neutralise``."""
    cell = ws.cell(row=row, column=column, value=neutralise(value))
    cell.font = Font(name=XLSX_FONT, size=11, bold=bold, italic=italic)
    cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, Decimal):
        cell.number_format = "0.000"
    elif isinstance(value, int):
        cell.number_format = "#,##0"
    last_row, last_column = merge_to or (row, column)
    if (last_row, last_column) != (row, column):
        ws.merge_cells(start_row=row, start_column=column, end_row=last_row, end_column=last_column)
    if grid:
        for line in ws.iter_rows(
            min_row=row, max_row=last_row, min_col=column, max_col=last_column
        ):
            for grid_cell in line:
                grid_cell.border = GRID


def _table_header(ws: Worksheet, row: int, groups: list, *, note: bool) -> int:
    """Two heading rows and the row of column numbers; returns the first data row."""
    top, sub, numbers = row, row + 1, row + 2
    _cell(ws, top, 1, LABEL, bold=True, alignment=CENTRE, merge_to=(sub, 1), grid=True)
    _cell(ws, top, 2, CODE, bold=True, alignment=CENTRE, merge_to=(sub, 2), grid=True)
    column = 3
    for group, headings in groups:
        if not headings:
            _cell(
                ws,
                top,
                column,
                group,
                bold=True,
                alignment=CENTRE,
                merge_to=(sub, column),
                grid=True,
            )
            column += 1
            continue
        last = column + len(headings) - 1
        _cell(ws, top, column, group, bold=True, alignment=CENTRE, merge_to=(top, last), grid=True)
        for offset, heading in enumerate(headings):
            _cell(ws, sub, column + offset, heading, bold=True, alignment=CENTRE, grid=True)
        column = last + 1
    if note:
        _cell(ws, top, column, NOTE, bold=True, alignment=CENTRE, merge_to=(sub, column), grid=True)
        column += 1
    for number in range(1, column):
        _cell(ws, numbers, number, number, italic=True, alignment=CENTRE, grid=True)
        ws.cell(row=numbers, column=number).number_format = "0"
    ws.row_dimensions[sub].height = 60
    return numbers + 1


def _table_rows(ws: Worksheet, row: int, rows: list[Row], width: int, *, note: bool) -> int:
    for line in rows:
        bold = line.kind in {"total", "heading"}
        indent = 2 if line.kind == "item" else 1 if line.kind == "group" else 0
        label_alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
        _cell(ws, row, 1, line.label, bold=bold, alignment=label_alignment, grid=True)
        _cell(ws, row, 2, line.code, alignment=CENTRE, grid=True)
        values = line.values or [None] * width
        for offset, value in enumerate(values):
            _cell(ws, row, 3 + offset, value, bold=bold, alignment=RIGHT, grid=True)
        if note:
            _cell(ws, row, 3 + width, line.note, alignment=WRAP, grid=True)
        row += 1
    return row + 1


def summary_xlsx(summary: ProvinceSummary) -> bytes:
    period = period_text(summary.year, summary.part)
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Tổng hợp TNLĐ {summary.year} {summary.part}"
    _cell(ws, 1, 1, ANNEX, italic=True, merge_to=(1, LAST_COLUMN))
    _cell(ws, 3, 1, TITLE, bold=True, alignment=CENTRE, merge_to=(3, LAST_COLUMN))
    _cell(ws, 4, 1, f"Kỳ báo cáo: {period}", bold=True, alignment=CENTRE, merge_to=(4, LAST_COLUMN))
    _cell(ws, 5, 1, source_text(summary), italic=True, merge_to=(5, LAST_COLUMN))
    ws.row_dimensions[5].height = 30
    row = 7
    _cell(ws, row, 1, PART_I, bold=True, merge_to=(row, LAST_COLUMN))
    row = _table_header(ws, row + 1, PART_I_GROUPS, note=True)
    row = _table_rows(ws, row, overview_rows(summary), PART_I_COLUMNS - 3, note=True)
    _cell(ws, row, 1, FORMULA_NOTE, italic=True, merge_to=(row, LAST_COLUMN))
    ws.row_dimensions[row].height = 45
    row += 2
    _cell(ws, row, 1, PART_II, bold=True, merge_to=(row, LAST_COLUMN))
    row = _table_header(ws, row + 1, PART_II_GROUPS, note=False)
    row = _table_rows(ws, row, breakdown_rows(summary), PART_II_COLUMNS - 2, note=False)
    _cell(ws, row, 1, DAMAGE_NOTE, italic=True, merge_to=(row, LAST_COLUMN))
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 8
    for column in range(3, LAST_COLUMN + 1):
        ws.column_dimensions[get_column_letter(column)].width = 12
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
