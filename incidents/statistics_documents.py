"""The enterprise's accident statistics report in the official layout of NĐ 39 Phụ lục XII
("Báo cáo tổng hợp tình hình tai nạn lao động"; DOMAIN §3.7), as a PDF and an .xlsx workbook to
print, sign, stamp and send to Sở Nội vụ.

It is the enterprise's own report, not a UBND document, so like the annual OSH report
(``enterprises.documents``) it does not use the Decree 30 frame. :func:`report_header`,
:func:`table_i_rows` and :func:`table_ii_values` are the single source of both outputs, so the PDF
and the workbook can never disagree. The wording is Vietnamese template text of the legal form,
not translated UI strings; row labels are rebuilt in Vietnamese from the row keys, whatever
language the table was frozen in. Numbers are formatted the Vietnamese way (``1.250``) and years
are never grouped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from atvsld_portal.dates import document_date
from atvsld_portal.exports import neutralise
from atvsld_portal.models import Filing
from atvsld_portal.pdf import render_pdf
from enterprises.documents import BLANK, format_number, province_phrase
from enterprises.models import ActivitySection
from incidents import statistics
from incidents.models import PeriodicAccidentReport, StatisticsPart
from incidents.services import reports

PDF_TEMPLATE = "incidents/pdf/accident_statistics.html"
TITLE = "BÁO CÁO TỔNG HỢP TÌNH HÌNH TAI NẠN LAO ĐỘNG"
ANNEX = (
    "Phụ lục XII - Mẫu báo cáo tổng hợp tình hình tai nạn lao động cấp cơ sở "
    "(ban hành kèm theo Nghị định số 39/2016/NĐ-CP ngày 15 tháng 5 năm 2016 của Chính phủ)"
)
TABLE_I_TITLE = "I. Tình hình chung tai nạn lao động"
TABLE_II_TITLE = "II. Thiệt hại do tai nạn lao động"
PREPARER = "NGƯỜI LẬP BÁO CÁO"
PREPARER_HINT = "(Ký, ghi rõ họ tên)"
REPRESENTATIVE = "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ"
REPRESENTATIVE_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"

# Table I: two header levels over columns 3-13, as on the form.
TABLE_I_GROUPS = [
    ("Số vụ", ["Tổng số", "Số vụ có người chết", "Số vụ có từ 2 người bị nạn trở lên"]),
    ("Số người bị nạn", ["Tổng số", "Nạn nhân không thuộc quyền quản lý"]),
    ("Số lao động nữ", ["Tổng số", "NN không thuộc quyền quản lý"]),
    ("Số người chết", ["Tổng số", "NN không thuộc quyền quản lý"]),
    ("Số người bị thương nặng", ["Tổng số", "NN không thuộc quyền quản lý"]),
]
TABLE_I_LABEL = "Tên chỉ tiêu thống kê"
TABLE_I_CODE = "Mã số"

# Table II: columns 1-6.
DAYS_OFF = "Tổng số ngày nghỉ vì TNLĐ (kể cả ngày nghỉ chế độ)"
COSTS = "Chi phí tính bằng tiền (1.000 đ)"
COSTS_TOTAL = "Tổng số"
COSTS_DETAIL = "Khoản chi cụ thể của cơ sở"
COSTS_ITEMS = ["Y tế", "Trả lương trong thời gian điều trị", "Bồi thường/Trợ cấp"]
PROPERTY = "Thiệt hại tài sản (1.000 đ)"
TABLE_II_FIELDS = (
    "days_off",
    "cost_total",
    "cost_medical",
    "cost_wages",
    "cost_compensation",
    "property_damage",
)

# Row labels of the form, by row key of ``incidents.statistics.table_i``.
ROW_LABELS = {
    statistics.ROW_TOTAL: "1. Tai nạn lao động",
    "1.1": "1.1. Phân theo nguyên nhân xảy ra TNLĐ",
    "1.2": "1.2. Phân theo yếu tố gây chấn thương",
    "1.3": "1.3. Phân theo nghề nghiệp",
    statistics.ROW_COMMUTING: (
        "2. Tai nạn được hưởng trợ cấp theo khoản 2 Điều 39 Luật An toàn, vệ sinh lao động"
    ),
    statistics.ROW_GRAND_TOTAL: "3. Tổng số (3 = 1 + 2)",
}
# DOMAIN §3.9.1; the form groups causes under a., b. and c.
CAUSE_LABELS = {
    "1": "Không có thiết bị an toàn hoặc thiết bị không đảm bảo an toàn",
    "2": "Không có phương tiện bảo vệ cá nhân hoặc phương tiện bảo vệ cá nhân không tốt",
    "3": "Tổ chức lao động chưa hợp lý",
    "4": "Chưa huấn luyện hoặc huấn luyện an toàn, vệ sinh lao động chưa đầy đủ",
    "5": "Không có quy trình an toàn hoặc biện pháp làm việc an toàn",
    "6": "Điều kiện làm việc không tốt",
    "7": "Vi phạm nội quy, quy trình, quy chuẩn, biện pháp làm việc an toàn",
    "8": "Không sử dụng phương tiện bảo vệ cá nhân",
    "9": "c. Khách quan khó tránh/Nguyên nhân chưa kể đến",
}
CAUSE_GROUPS = {"1": "a. Do người sử dụng lao động", "7": "b. Do người lao động"}

STATUS_TEXT = {
    Filing.Status.DRAFT: "DỰ THẢO - chưa nộp trên Cổng",
    Filing.Status.RETURNED: "DỰ THẢO - đã bị trả lại để sửa",
    Filing.Status.REOPENED: "DỰ THẢO - đã mở lại để sửa",
    Filing.Status.SUBMITTED: "Đã nộp trên Cổng, chờ xã xem xét",
    Filing.Status.APPROVED: "Đã nộp trên Cổng, xã đã chấp nhận",
}


# ------------------------------------------------------------------------------
# The document model shared by the PDF and the workbook
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportHeader:
    enterprise_name: str
    period: str  # "6 tháng năm 2026" / "cả năm 2026"
    status: str
    lines: list[tuple[str, str]]  # (label, value) in the order of the form
    place_date: str
    signer_name: str
    note: str


@dataclass(frozen=True)
class TableRow:
    label: str
    code: str
    kind: str  # "total", "heading" (section title), "group" (a./b.) or "item"
    values: list[int]  # columns 3-13; empty for headings and groups

    @property
    def display_values(self) -> list[str]:
        return [format_number(value) for value in self.values]


def _master(report: PeriodicAccidentReport) -> dict[str, Any]:
    """The enterprise as frozen at submission, or as it is now for a draft."""
    if report.master_snapshot and not report.is_editable_status:
        return report.master_snapshot
    return report.enterprise.master_data()


def commune_code(report: PeriodicAccidentReport) -> str:
    """The commune's 5-digit code (QĐ 19/2025), or its provisional code until it is known."""
    commune = report.enterprise.commune
    return commune.code or commune.code_provisional


def period_text(report: PeriodicAccidentReport) -> str:
    if report.part == StatisticsPart.H1:
        return f"6 tháng năm {report.year}"
    return f"cả năm {report.year}"


def _ownership(report: PeriodicAccidentReport, master: dict[str, Any]) -> tuple[str, str]:
    name = master.get("ownership_type") or ""
    live = report.enterprise.ownership_type
    code = live.code if live is not None and str(live) == name else ""
    return name, code


def _activity(master: dict[str, Any]) -> tuple[str, str]:
    code = master.get("activity_code") or ""
    version = master.get("activity_version") or ""
    section = master.get("activity_section") or ""
    name = (
        ActivitySection.objects.filter(version=version, letter=section)
        .values_list("name", flat=True)
        .first()
        if section
        else None
    )
    text = f"Ngành {section} - {name}" if name else f"Ngành {section}" if section else ""
    code_text = f"{code} (VSIC {version})".strip() if code else ""
    return text, code_text


def _format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else BLANK


def report_header(report: PeriodicAccidentReport) -> ReportHeader:
    master = _master(report)
    enterprise = report.enterprise
    commune = enterprise.commune
    province = province_phrase(commune.parent)
    address = ", ".join(
        part
        for part in (master.get("address"), master.get("village"), f"xã {commune.name}", province)
        if part
    )
    ownership, ownership_code = _ownership(report, master)
    activity, activity_code = _activity(master)
    status = STATUS_TEXT.get(report.status, report.get_status_display())
    if report.submitted_at and not report.is_editable_status:
        submitted_on = timezone.localtime(report.submitted_at).date()
        status = f"{status} (nộp ngày {submitted_on:%d/%m/%Y})"
    place_date = (
        f"{commune.name}, {document_date(report.report_date)}"
        if report.report_date
        else f"{BLANK}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    )
    name = master.get("name") or enterprise.name
    return ReportHeader(
        enterprise_name=name,
        period=period_text(report),
        status=f"Tình trạng trên Cổng ATVSLĐ: {status}",
        lines=[
            ("Đơn vị báo cáo", name),
            ("Địa chỉ", address),
            ("Mã xã", commune_code(report)),
            ("Ngày báo cáo", _format_date(report.report_date)),
            ("Thuộc loại hình cơ sở", ownership),
            ("Mã loại hình", ownership_code),
            ("Đơn vị nhận báo cáo", report.recipient),
            ("Lĩnh vực sản xuất chính", activity),
            ("Mã lĩnh vực", activity_code),
            ("Tổng số lao động", f"{format_number(report.workers_total)} người"),
            ("Trong đó nữ", f"{format_number(report.workers_women)} người"),
            ("Tổng quỹ lương", f"{format_number(report.payroll_million, 1)} triệu đồng"),
        ],
        place_date=place_date,
        signer_name=enterprise.legal_representative,
        note=(
            f"Bản in từ Cổng ATVSLĐ xã {commune.name}. Việc nộp trên Cổng không thay thế việc "
            "gửi báo cáo có chữ ký, đóng dấu cho Sở Nội vụ cho đến khi tỉnh xác nhận nhận báo "
            "cáo qua Cổng."
        ),
    )


def table_i_rows(report: PeriodicAccidentReport) -> list[TableRow]:
    """Table I as filed (or live from the records for a draft), with the form's wording."""
    table = reports.periodic_report_table(report)
    rows: list[TableRow] = []
    for row in table.get("rows", []):
        key, values = row["key"], list(row.get("values") or [])
        if key.startswith("cause-"):
            code = row["code"]
            if code in CAUSE_GROUPS:
                rows.append(TableRow(CAUSE_GROUPS[code], "", "group", []))
            rows.append(TableRow(CAUSE_LABELS.get(code, row["label"]), code, "item", values))
        elif key in ROW_LABELS:
            kind = row["kind"]
            code = row["code"] or ""
            rows.append(TableRow(ROW_LABELS[key], code, kind, values if kind != "heading" else []))
        else:
            rows.append(TableRow(row["label"], row["code"] or "", row["kind"], values))
    return rows


def table_ii_values(report: PeriodicAccidentReport) -> list[int]:
    """Columns 1-6 of Table II as the report states them."""
    return [getattr(report, name) for name in TABLE_II_FIELDS]


def report_filename(report: PeriodicAccidentReport, ext: str) -> str:
    """``phu-luc-xii-0100109106-2026-h1.pdf``; ASCII only, safe in a Content-Disposition."""
    if ext not in {"pdf", "xlsx"}:
        raise ValueError(f"unsupported extension: {ext!r}")
    identifier = _master(report).get("tax_code") or report.enterprise.tax_code or ""
    identifier = re.sub(r"[^0-9A-Za-z-]", "", identifier) or str(report.public_id)[:8]
    return f"phu-luc-xii-{identifier}-{report.year}-{report.part}.{ext}"


# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
def report_pdf(report: PeriodicAccidentReport) -> bytes:
    context = {
        "header": report_header(report),
        "title": TITLE,
        "annex": ANNEX,
        "table_i_title": TABLE_I_TITLE,
        "table_i_label": TABLE_I_LABEL,
        "table_i_code": TABLE_I_CODE,
        "table_i_groups": TABLE_I_GROUPS,
        "rows": table_i_rows(report),
        "table_ii_title": TABLE_II_TITLE,
        "table_ii": [format_number(value) for value in table_ii_values(report)],
        "days_off": DAYS_OFF,
        "costs": COSTS,
        "costs_total": COSTS_TOTAL,
        "costs_detail": COSTS_DETAIL,
        "costs_items": COSTS_ITEMS,
        "property": PROPERTY,
        "column_numbers": [str(n) for n in range(1, 14)],
        "table_ii_numbers": [str(n) for n in range(1, 7)],
        "preparer": PREPARER,
        "preparer_hint": PREPARER_HINT,
        "representative": REPRESENTATIVE,
        "representative_hint": REPRESENTATIVE_HINT,
    }
    return render_pdf(PDF_TEMPLATE, context)


# ------------------------------------------------------------------------------
# xlsx
# ------------------------------------------------------------------------------
XLSX_FONT = "Times New Roman"
LAST_COLUMN = 13
INT_FORMAT = "#,##0"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top")


def _put(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 11,
    alignment: Alignment = WRAP,
    merge_to: tuple[int, int] | None = None,
    border: bool = False,
) -> None:
    """Write one cell (text always through ``neutralise``); ``merge_to`` is (last row, last
    column) of a merged block starting here."""
    cell = ws.cell(row=row, column=column, value=neutralise(value))
    cell.font = Font(name=XLSX_FONT, size=size, bold=bold, italic=italic)
    cell.alignment = alignment
    if isinstance(value, int):
        cell.number_format = INT_FORMAT
    if merge_to is not None and merge_to != (row, column):
        ws.merge_cells(
            start_row=row, start_column=column, end_row=merge_to[0], end_column=merge_to[1]
        )
    if border:
        last_row, last_column = merge_to or (row, column)
        for grid_row in ws.iter_rows(
            min_row=row, max_row=last_row, min_col=column, max_col=last_column
        ):
            for grid_cell in grid_row:
                grid_cell.border = GRID


def _xlsx_header(ws: Worksheet, header: ReportHeader) -> int:
    _put(ws, 1, 1, ANNEX, italic=True, size=9, merge_to=(1, LAST_COLUMN))
    _put(ws, 3, 1, TITLE, bold=True, size=14, alignment=CENTRE, merge_to=(3, LAST_COLUMN))
    _put(
        ws,
        4,
        1,
        f"Kỳ báo cáo: {header.period}",
        bold=True,
        alignment=CENTRE,
        merge_to=(4, LAST_COLUMN),
    )
    _put(ws, 5, 1, header.status, italic=True, alignment=CENTRE, merge_to=(5, LAST_COLUMN))
    row = 7
    for label, value in header.lines:
        # The label comes first, so a value typed by a user never starts the cell.
        _put(ws, row, 1, f"{label}: {value or BLANK}", merge_to=(row, LAST_COLUMN))
        row += 1
    return row + 1


def _xlsx_table_i(ws: Worksheet, rows: list[TableRow], row: int) -> int:
    _put(ws, row, 1, TABLE_I_TITLE, bold=True, merge_to=(row, LAST_COLUMN))
    row += 1
    top, sub, numbers = row, row + 1, row + 2
    _put(ws, top, 1, TABLE_I_LABEL, bold=True, alignment=CENTRE, merge_to=(sub, 1), border=True)
    _put(ws, top, 2, TABLE_I_CODE, bold=True, alignment=CENTRE, merge_to=(sub, 2), border=True)
    column = 3
    for group, headings in TABLE_I_GROUPS:
        last = column + len(headings) - 1
        _put(ws, top, column, group, bold=True, alignment=CENTRE, merge_to=(top, last), border=True)
        for offset, heading in enumerate(headings):
            _put(ws, sub, column + offset, heading, bold=True, alignment=CENTRE, border=True)
        column = last + 1
    for number in range(1, LAST_COLUMN + 1):
        _put(ws, numbers, number, number, italic=True, alignment=CENTRE, border=True)
        ws.cell(row=numbers, column=number).number_format = "0"
    ws.row_dimensions[sub].height = 60
    # Repeat the three header rows on every printed page.
    ws.print_title_rows = f"{top}:{numbers}"
    row = numbers + 1
    for line in rows:
        bold = line.kind in {"total", "heading"}
        indent = 2 if line.kind == "item" else 1 if line.kind == "group" else 0
        label_alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
        _put(ws, row, 1, line.label, bold=bold, alignment=label_alignment, border=True)
        _put(ws, row, 2, line.code, alignment=CENTRE, border=True)
        for offset in range(len(statistics.COLUMNS)):
            value = line.values[offset] if line.values else None
            _put(ws, row, 3 + offset, value, bold=bold, alignment=RIGHT, border=True)
        row += 1
    return row + 1


def _xlsx_table_ii(ws: Worksheet, values: list[int], row: int) -> int:
    _put(ws, row, 1, TABLE_II_TITLE, bold=True, merge_to=(row, LAST_COLUMN))
    row += 1
    first, second, third, numbers = row, row + 1, row + 2, row + 3
    _put(ws, first, 1, DAYS_OFF, bold=True, alignment=CENTRE, merge_to=(third, 1), border=True)
    _put(ws, first, 2, COSTS, bold=True, alignment=CENTRE, merge_to=(first, 5), border=True)
    _put(ws, first, 6, PROPERTY, bold=True, alignment=CENTRE, merge_to=(third, 6), border=True)
    _put(ws, second, 2, COSTS_TOTAL, bold=True, alignment=CENTRE, merge_to=(third, 2), border=True)
    _put(
        ws, second, 3, COSTS_DETAIL, bold=True, alignment=CENTRE, merge_to=(second, 5), border=True
    )
    for offset, heading in enumerate(COSTS_ITEMS):
        _put(ws, third, 3 + offset, heading, bold=True, alignment=CENTRE, border=True)
    for number in range(1, 7):
        _put(ws, numbers, number, number, italic=True, alignment=CENTRE, border=True)
        ws.cell(row=numbers, column=number).number_format = "0"
    for column, value in enumerate(values, start=1):
        _put(ws, numbers + 1, column, value, alignment=RIGHT, border=True)
    return numbers + 3


def _xlsx_footer(ws: Worksheet, header: ReportHeader, row: int) -> None:
    _put(ws, row, 8, header.place_date, italic=True, alignment=CENTRE, merge_to=(row, LAST_COLUMN))
    row += 1
    _put(ws, row, 1, PREPARER, bold=True, alignment=CENTRE, merge_to=(row, 2))
    _put(ws, row, 8, REPRESENTATIVE, bold=True, alignment=CENTRE, merge_to=(row, LAST_COLUMN))
    row += 1
    _put(ws, row, 1, PREPARER_HINT, italic=True, alignment=CENTRE, merge_to=(row, 2))
    _put(
        ws, row, 8, REPRESENTATIVE_HINT, italic=True, alignment=CENTRE, merge_to=(row, LAST_COLUMN)
    )
    row += 5
    _put(ws, row, 8, header.signer_name, bold=True, alignment=CENTRE, merge_to=(row, LAST_COLUMN))
    row += 2
    _put(ws, row, 1, header.note, italic=True, size=9, merge_to=(row, LAST_COLUMN))
    ws.row_dimensions[row].height = 30


def _xlsx_page_setup(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 8
    for column in range(3, LAST_COLUMN + 1):
        ws.column_dimensions[get_column_letter(column)].width = 11
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed
    ws.page_margins.left, ws.page_margins.right = 0.79, 0.59
    ws.page_margins.top, ws.page_margins.bottom = 0.79, 0.79
    ws.print_options.horizontalCentered = True


def report_xlsx(report: PeriodicAccidentReport) -> bytes:
    header = report_header(report)
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Phụ lục XII {report.year} {report.part}"
    row = _xlsx_header(ws, header)
    row = _xlsx_table_i(ws, table_i_rows(report), row)
    row = _xlsx_table_ii(ws, table_ii_values(report), row)
    _xlsx_footer(ws, header, row)
    _xlsx_page_setup(ws)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
