"""The enterprise's annual OSH work report (Báo cáo công tác ATVSLĐ, TT 07/2016 Phụ lục II;
DOMAIN §7.7) as a PDF and an .xlsx workbook to print, sign, stamp and send.

It is the enterprise's own report, not a UBND document, so it does not use the Decree 30 frame of
``templates/pdf/_base_decree30.html``: the enterprise name stands where the issuing body would.

:func:`annual_report_header` and :func:`annual_report_rows` are the single source of both outputs,
so the PDF and the workbook can never disagree. The wording is Vietnamese template text of the
legal form, not translated UI strings. Money is stored in đồng and printed in triệu đồng with one
decimal; numbers are formatted the Vietnamese way (``1.250``, ``12,5``) whatever the active
language, and years are never grouped (``Năm 2026``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from atvsld_portal.exports import neutralise
from atvsld_portal.models import AdministrativeUnit
from atvsld_portal.pdf import render_pdf
from enterprises.models import AnnualOshReport, HarmfulFactor

PDF_TEMPLATE = "enterprises/pdf/annual_report.html"

PERSONS = "người"
CASES = "vụ"
DAYS = "ngày"
UNITS = "cái"
HOURS = "giờ"
SAMPLES = "mẫu"
FACTORS = "yếu tố"
MILLION_VND = "triệu đồng"
MONTH_YEAR = "tháng/năm"

VND_PER_MILLION = Decimal(1_000_000)
ONE_DECIMAL = Decimal("0.1")
BLANK = "……"


# ------------------------------------------------------------------------------
# The document model shared by the PDF and the workbook
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ratio:
    """A "part/whole" figure of the form (trained/employed, failed/measured samples)."""

    part: int
    whole: int

    def __str__(self) -> str:
        return f"{format_number(self.part)}/{format_number(self.whole)}"


Value = int | Decimal | Ratio | str | None


@dataclass(frozen=True)
class Row:
    label: str
    unit: str
    value: Value
    sub: bool = False  # an indented "trong đó" line

    @property
    def display(self) -> str:
        return format_value(self.value)

    @property
    def is_text(self) -> bool:
        """Names and dates, as opposed to figures (which are right-aligned)."""
        return isinstance(self.value, str)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    rows: list[Row]

    @property
    def numbered_rows(self) -> list[tuple[str, Row]]:
        """Rows with their TT (``1.1``, ``1.2``…), as both outputs print them."""
        return [(f"{self.number}.{index}", row) for index, row in enumerate(self.rows, start=1)]


@dataclass(frozen=True)
class ReportHeader:
    """Everything around the 13 sections: who reports, to whom, and who signs."""

    enterprise_name: str
    year: str  # already a string: a year is never printed with a thousand separator
    addressee: str
    identity: list[tuple[str, str]]
    signer_name: str
    note: str


def format_number(value: int | Decimal, decimal_pos: int | None = None) -> str:
    """``1250`` → ``1.250``, ``Decimal("12.5")`` → ``12,5``, whatever the active language."""
    with translation.override("vi"):
        return number_format(value, decimal_pos, use_l10n=True, force_grouping=True)


def format_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, 1)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def million_vnd(amount: int) -> Decimal:
    """Đồng → triệu đồng, rounded half up to one decimal (12 500 000 → 12.5)."""
    return (Decimal(amount) / VND_PER_MILLION).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------
# Header: the enterprise as frozen at submission
# ------------------------------------------------------------------------------
def report_master_data(report: AnnualOshReport) -> dict[str, Any]:
    """The enterprise data frozen at submission, or today's data for an unsubmitted draft."""
    return report.master_snapshot or report.enterprise.master_data()


def province_phrase(province: AdministrativeUnit | None) -> str:
    """``tỉnh Đắk Lắk``; a name that already says ``Thành phố …`` is kept as it is."""
    if province is None:
        return ""
    name = province.name.strip()
    if name.lower().startswith(("tỉnh ", "thành phố ")):
        return name
    return f"tỉnh {name}"


def _activity_text(master: dict[str, Any]) -> str:
    code = master.get("activity_code") or ""
    if not code:
        return ""
    details = [f"VSIC {master.get('activity_version') or ''}".strip()]
    if master.get("activity_section"):
        details.append(f"ngành cấp 1: {master['activity_section']}")
    return f"Mã ngành {code} ({', '.join(details)})"


def annual_report_header(report: AnnualOshReport) -> ReportHeader:
    master = report_master_data(report)
    commune = report.enterprise.commune
    province = province_phrase(commune.parent)
    address = ", ".join(part for part in (master.get("address"), master.get("village")) if part)
    return ReportHeader(
        enterprise_name=master.get("name") or report.enterprise.name,
        year=str(report.year),
        addressee=" ".join(part for part in ("Sở Nội vụ", province) if part),
        identity=[
            ("Tên doanh nghiệp/cơ sở", master.get("name") or report.enterprise.name),
            ("Mã số thuế", master.get("tax_code") or ""),
            ("Loại hình doanh nghiệp/cơ sở", master.get("ownership_type") or ""),
            ("Ngành nghề sản xuất, kinh doanh", _activity_text(master)),
            ("Địa chỉ", address),
            ("Xã", ", ".join(part for part in (commune.name, province) if part)),
            # The report's own figures, so the block agrees with section 1 of the same report.
            ("Tổng số lao động", f"{format_number(report.workers_total)} {PERSONS}"),
            ("Trong đó lao động nữ", f"{format_number(report.workers_women)} {PERSONS}"),
        ],
        signer_name=master.get("legal_representative") or report.enterprise.legal_representative,
        note=(
            f"Bản in từ Cổng ATVSLĐ xã {commune.name}; việc nộp trên Cổng không thay thế nghĩa vụ "
            "gửi báo cáo theo quy định cho đến khi Sở Nội vụ xác nhận."
        ),
    )


# ------------------------------------------------------------------------------
# The 13 sections of the form
# ------------------------------------------------------------------------------
def _labour(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Tổng số lao động", PERSONS, r.workers_total),
        Row(
            "Trong đó: người làm công tác an toàn, vệ sinh lao động",
            PERSONS,
            r.workers_osh_staff,
            sub=True,
        ),
        Row("Người làm công tác y tế", PERSONS, r.workers_medical_staff, sub=True),
        Row("Lao động nữ", PERSONS, r.workers_women, sub=True),
        Row(
            "Lao động làm công việc nặng nhọc, độc hại, nguy hiểm "
            "(điều kiện lao động loại IV, V, VI)",
            PERSONS,
            r.workers_hazardous,
            sub=True,
        ),
        Row("Lao động là người chưa thành niên", PERSONS, r.workers_minors, sub=True),
        Row("Người dưới 15 tuổi", PERSONS, r.workers_under_15, sub=True),
        Row("Người khuyết tật", PERSONS, r.workers_disabled, sub=True),
        Row("Lao động là người cao tuổi", PERSONS, r.workers_elderly, sub=True),
        Row("Số người tiếp xúc yếu tố có hại", PERSONS, r.workers_exposed),
        Row(
            "Trong đó: được khám phát hiện bệnh nghề nghiệp",
            PERSONS,
            r.workers_exposed_examined,
            sub=True,
        ),
    ]


def _accidents(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Tổng số vụ tai nạn lao động", CASES, r.accidents),
        Row("Trong đó: số vụ có người chết", CASES, r.accidents_fatal, sub=True),
        Row("Tổng số người bị tai nạn lao động", PERSONS, r.accident_victims),
        Row("Trong đó: số người chết vì tai nạn lao động", PERSONS, r.accident_deaths, sub=True),
        Row(
            "Tổng chi phí cho tai nạn lao động (cấp cứu, điều trị, trả tiền lương trong ngày "
            "nghỉ, bồi thường, trợ cấp…)",
            MILLION_VND,
            million_vnd(r.accident_cost),
        ),
        Row("Số ngày công nghỉ vì tai nạn lao động", DAYS, r.accident_days_off),
    ]


def _diseases(r: AnnualOshReport) -> list[Row]:
    return [
        Row(
            "Số người bị bệnh nghề nghiệp cộng dồn tại thời điểm báo cáo",
            PERSONS,
            r.diseases_cumulative,
        ),
        Row("Trong đó: số người mắc mới bệnh nghề nghiệp", PERSONS, r.diseases_new, sub=True),
        Row("Số ngày công nghỉ vì bệnh nghề nghiệp", DAYS, r.disease_days_off),
        Row(
            "Số người phải nghỉ trước tuổi hưu vì bệnh nghề nghiệp",
            PERSONS,
            r.disease_early_retirements,
        ),
        Row(
            "Tổng chi phí cho người bị bệnh nghề nghiệp phát sinh trong năm",
            MILLION_VND,
            million_vnd(r.disease_cost),
        ),
    ]


def _health(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Loại I", PERSONS, r.health_class_1),
        Row("Loại II", PERSONS, r.health_class_2),
        Row("Loại III", PERSONS, r.health_class_3),
        Row("Loại IV", PERSONS, r.health_class_4),
        Row("Loại V", PERSONS, r.health_class_5),
    ]


def _training_group(group: int, trained: int, employed: int) -> Row:
    return Row(
        f"Nhóm {group}: số người được huấn luyện/tổng số người hiện có",
        PERSONS,
        Ratio(trained, employed),
    )


def _training(r: AnnualOshReport) -> list[Row]:
    trained_1_3 = r.training_g1_trained + r.training_g2_trained + r.training_g3_trained
    self_trained = trained_1_3 - r.training_g1_3_by_service
    return [
        _training_group(1, r.training_g1_trained, r.training_g1_total),
        _training_group(2, r.training_g2_trained, r.training_g2_total),
        _training_group(3, r.training_g3_trained, r.training_g3_total),
        # Derived; left blank for a hand check when the figures entered do not add up.
        Row(
            "Trong đó (nhóm 1, 2, 3): tự huấn luyện",
            PERSONS,
            self_trained if self_trained >= 0 else None,
            sub=True,
        ),
        Row(
            "Thuê tổ chức cung cấp dịch vụ huấn luyện",
            PERSONS,
            r.training_g1_3_by_service,
            sub=True,
        ),
        _training_group(4, r.training_g4_trained, r.training_g4_total),
        _training_group(5, r.training_g5_trained, r.training_g5_total),
        _training_group(6, r.training_g6_trained, r.training_g6_total),
        Row("Tổng chi phí huấn luyện", MILLION_VND, million_vnd(r.training_cost)),
    ]


def _equipment(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Tổng số", UNITS, r.equipment_total),
        Row("Số đang sử dụng", UNITS, r.equipment_in_use),
        Row("Số đã được kiểm định", UNITS, r.equipment_inspected),
        Row("Số chưa được kiểm định", UNITS, r.equipment_not_inspected),
        Row("Số đã được khai báo", UNITS, r.equipment_declared),
        Row("Số chưa được khai báo", UNITS, r.equipment_not_declared),
    ]


def _working_time(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Tổng số người làm thêm trong năm", PERSONS, r.overtime_workers),
        Row("Tổng số giờ làm thêm trong năm", HOURS, r.overtime_hours_total),
        Row("Số giờ làm thêm cao nhất trong 01 tháng", HOURS, r.overtime_hours_max_month),
    ]


def _allowance(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Tổng số người", PERSONS, r.allowance_workers),
        Row("Tổng chi phí", MILLION_VND, million_vnd(r.allowance_cost)),
    ]


def _factor_rows(by_factor: dict[str, dict[str, Any]]) -> list[Row]:
    """One line per measured factor, in the order of the editable factor table
    (a jsonb column does not keep key order); unknown codes last, by name."""
    order = dict(HarmfulFactor.objects.filter(code__in=by_factor).values_list("code", "order"))

    def sort_key(code: str) -> tuple[int, int, str]:
        known = code in order
        return (0 if known else 1, order.get(code, 0), str(by_factor[code].get("name") or code))

    rows = []
    for code in sorted(by_factor, key=sort_key):
        entry = by_factor[code]
        name = str(entry.get("name") or code)
        ratio = Ratio(int(entry.get("failed") or 0), int(entry.get("samples") or 0))
        rows.append(Row(f"{name}: số mẫu không đạt/tổng số mẫu", SAMPLES, ratio, sub=True))
    return rows


def _monitoring(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Số mẫu quan trắc môi trường lao động", SAMPLES, r.monitoring_samples),
        Row("Số mẫu không đạt tiêu chuẩn", SAMPLES, r.monitoring_samples_failed),
        *_factor_rows(r.monitoring_by_factor or {}),
    ]


def _plan_costs(r: AnnualOshReport) -> list[Row]:
    return [
        Row(label, MILLION_VND, million_vnd(amount))
        for label, amount in (
            ("Các biện pháp kỹ thuật an toàn", r.cost_safety_engineering),
            ("Các biện pháp kỹ thuật vệ sinh", r.cost_hygiene_engineering),
            ("Trang thiết bị phương tiện bảo vệ cá nhân", r.cost_ppe),
            ("Chăm sóc sức khỏe người lao động", r.cost_health_care),
            ("Tuyên truyền, huấn luyện", r.cost_training_propaganda),
            ("Đánh giá nguy cơ rủi ro về an toàn, vệ sinh lao động", r.cost_risk_assessment),
            ("Chi khác", r.cost_other),
        )
    ]


def _providers(r: AnnualOshReport) -> list[Row]:
    return [
        Row(
            "Dịch vụ về an toàn, vệ sinh lao động được công bố theo quy định tại khoản 5 "
            "Điều 72 Luật An toàn, vệ sinh lao động (tên tổ chức)",
            "",
            r.osh_service_provider or None,
        ),
        Row(
            "Dịch vụ về y tế được công bố theo quy định tại khoản 5 Điều 73 Luật An toàn, "
            "vệ sinh lao động (tên tổ chức)",
            "",
            r.health_service_provider or None,
        ),
    ]


def month_year(month: int | None, year: int | None) -> str | None:
    """``03/2026``; the year alone when the month is unknown; never grouped."""
    if year is None:
        return None
    return f"{month:02d}/{year}" if month else str(year)


def _risk_assessment(r: AnnualOshReport) -> list[Row]:
    return [
        Row(
            "Thời điểm tiến hành đánh giá định kỳ",
            MONTH_YEAR,
            month_year(r.risk_assessment_month, r.risk_assessment_year),
        ),
    ]


def _hazard_measures(r: AnnualOshReport) -> list[Row]:
    return [
        Row("Số yếu tố nguy hiểm, yếu tố có hại đã được nhận diện", FACTORS, r.hazards_identified),
        Row("Số yếu tố nguy hiểm, yếu tố có hại đã được cải thiện", FACTORS, r.hazards_improved),
    ]


SECTION_BUILDERS = (
    ("Lao động", _labour),
    ("Tai nạn lao động", _accidents),
    ("Bệnh nghề nghiệp", _diseases),
    ("Kết quả phân loại sức khỏe của người lao động", _health),
    ("Huấn luyện về an toàn, vệ sinh lao động", _training),
    ("Máy, thiết bị, vật tư có yêu cầu nghiêm ngặt về an toàn, vệ sinh lao động", _equipment),
    ("Thời giờ làm việc, thời giờ nghỉ ngơi", _working_time),
    ("Bồi dưỡng chống độc hại bằng hiện vật", _allowance),
    ("Tình hình quan trắc môi trường lao động", _monitoring),
    ("Chi phí thực hiện kế hoạch an toàn, vệ sinh lao động", _plan_costs),
    ("Tổ chức cung cấp dịch vụ", _providers),
    (
        "Thời điểm tổ chức tiến hành đánh giá định kỳ nguy cơ rủi ro về an toàn, vệ sinh lao động",
        _risk_assessment,
    ),
    (
        "Hiệu quả của các biện pháp phòng, chống các yếu tố nguy hiểm, yếu tố có hại, "
        "cải thiện điều kiện lao động",
        _hazard_measures,
    ),
)


def annual_report_rows(report: AnnualOshReport) -> list[Section]:
    """The 13 sections of the form, in order, with their figures."""
    return [
        Section(number=number, title=title, rows=build(report))
        for number, (title, build) in enumerate(SECTION_BUILDERS, start=1)
    ]


# ------------------------------------------------------------------------------
# File name
# ------------------------------------------------------------------------------
def annual_report_filename(report: AnnualOshReport, ext: str) -> str:
    """``bao-cao-atvsld-2026-0100109106.pdf``; ASCII only, safe in a Content-Disposition."""
    if ext not in {"pdf", "xlsx"}:
        raise ValueError(f"unsupported extension: {ext!r}")
    identifier = report_master_data(report).get("tax_code") or report.enterprise.tax_code or ""
    identifier = re.sub(r"[^0-9A-Za-z-]", "", identifier) or str(report.public_id)[:8]
    return f"bao-cao-atvsld-{report.year}-{identifier}.{ext}"


# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
def annual_report_pdf(report: AnnualOshReport) -> bytes:
    context = {
        "header": annual_report_header(report),
        "sections": annual_report_rows(report),
        "blank": BLANK,
    }
    return render_pdf(PDF_TEMPLATE, context)


# ------------------------------------------------------------------------------
# xlsx
# ------------------------------------------------------------------------------
XLSX_FONT = "Times New Roman"
XLSX_COLUMN_WIDTHS = {"A": 8, "B": 62, "C": 13, "D": 16}
INT_FORMAT = "#,##0"
MILLION_FORMAT = "#,##0.0"
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
    size: float = 12,
    alignment: Alignment = WRAP,
    merge_to: int | None = None,
) -> None:
    """Write one cell; text always passes through ``neutralise``."""
    cell = ws.cell(row=row, column=column, value=neutralise(value))
    cell.font = Font(name=XLSX_FONT, size=size, bold=bold, italic=italic)
    cell.alignment = alignment
    if merge_to is not None and merge_to > column:
        ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=merge_to)


def _xlsx_header(ws: Worksheet, header: ReportHeader) -> int:
    """The heading block; returns the next free row."""
    _put(ws, 1, 1, header.enterprise_name.upper(), bold=True, alignment=CENTRE, merge_to=2)
    _put(ws, 1, 3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, alignment=CENTRE, merge_to=4)
    _put(ws, 2, 1, f"Số: {BLANK}/BC-{BLANK}", alignment=CENTRE, merge_to=2)
    _put(ws, 2, 3, "Độc lập - Tự do - Hạnh phúc", bold=True, alignment=CENTRE, merge_to=4)
    place_date = f"{BLANK}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    _put(ws, 3, 3, place_date, italic=True, alignment=CENTRE, merge_to=4)
    ws.row_dimensions[1].height = 32
    title = "BÁO CÁO CÔNG TÁC AN TOÀN, VỆ SINH LAO ĐỘNG"
    _put(ws, 5, 1, title, bold=True, size=14, alignment=CENTRE, merge_to=4)
    _put(ws, 6, 1, f"Năm {header.year}", bold=True, size=14, alignment=CENTRE, merge_to=4)
    _put(ws, 7, 1, f"Kính gửi: {header.addressee}", alignment=CENTRE, merge_to=4)
    row = 9
    for label, value in header.identity:
        # The label comes first, so a value typed by a user can never start the cell.
        _put(ws, row, 1, f"{label}: {value or BLANK}", merge_to=4)
        row += 1
    return row + 1


def _xlsx_value(ws: Worksheet, row: int, value: Value) -> None:
    if isinstance(value, Decimal):
        _put(ws, row, 4, value, alignment=RIGHT)
        ws.cell(row=row, column=4).number_format = MILLION_FORMAT
    elif isinstance(value, int):
        _put(ws, row, 4, value, alignment=RIGHT)
        ws.cell(row=row, column=4).number_format = INT_FORMAT
    elif isinstance(value, Ratio):
        _put(ws, row, 4, str(value), alignment=RIGHT)
    else:
        _put(ws, row, 4, value)


def _xlsx_section(ws: Worksheet, section: Section, row: int) -> int:
    """A bold title row, the column headings, then the figures; returns the next free row."""
    _put(ws, row, 1, str(section.number), bold=True, alignment=CENTRE)
    _put(ws, row, 2, section.title, bold=True, merge_to=4)
    row += 1
    headings = ("TT", "Các chỉ tiêu trong kỳ báo cáo", "Đơn vị tính", "Số liệu")
    for column, heading in enumerate(headings, start=1):
        _put(ws, row, column, heading, bold=True, alignment=CENTRE)
    first_grid_row = row
    row += 1
    for number, line in section.numbered_rows:
        _put(ws, row, 1, number, alignment=CENTRE)
        label_alignment = Alignment(wrap_text=True, vertical="top", indent=2 if line.sub else 0)
        _put(ws, row, 2, line.label, alignment=label_alignment)
        _put(ws, row, 3, line.unit, alignment=CENTRE)
        _xlsx_value(ws, row, line.value)
        row += 1
    for grid_row in ws.iter_rows(min_row=first_grid_row, max_row=row - 1, max_col=4):
        for cell in grid_row:
            cell.border = GRID
    return row + 1


def _xlsx_footer(ws: Worksheet, header: ReportHeader, row: int) -> None:
    _put(ws, row, 1, "Nơi nhận:", bold=True, italic=True, merge_to=2)
    _put(ws, row, 3, "NGƯỜI SỬ DỤNG LAO ĐỘNG", bold=True, alignment=CENTRE, merge_to=4)
    _put(ws, row + 1, 1, "- Như trên;", size=11, merge_to=2)
    hint = "(Ký, ghi rõ họ tên và đóng dấu)"
    _put(ws, row + 1, 3, hint, italic=True, alignment=CENTRE, merge_to=4)
    _put(ws, row + 2, 1, f"- Lưu: {BLANK}.", size=11, merge_to=2)
    _put(ws, row + 6, 3, header.signer_name, bold=True, alignment=CENTRE, merge_to=4)
    _put(ws, row + 8, 1, header.note, italic=True, size=10, merge_to=4)
    ws.row_dimensions[row + 8].height = 30


def _xlsx_page_setup(ws: Worksheet) -> None:
    for column, width in XLSX_COLUMN_WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed
    # Decree 30 margins, in inches: left 30 mm, right 15 mm, top and bottom 20 mm.
    ws.page_margins.left, ws.page_margins.right = 1.18, 0.59
    ws.page_margins.top, ws.page_margins.bottom = 0.79, 0.79
    ws.print_options.horizontalCentered = True


def annual_report_xlsx(report: AnnualOshReport) -> bytes:
    header = annual_report_header(report)
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Báo cáo ATVSLĐ {header.year}"
    row = _xlsx_header(ws, header)
    for section in annual_report_rows(report):
        row = _xlsx_section(ws, section, row)
    _xlsx_footer(ws, header, row)
    _xlsx_page_setup(ws)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
