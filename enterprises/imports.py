"""Import of the enterprise registry from the downloadable .xlsx template.

Every row is validated by :class:`~enterprises.forms.EnterpriseForm`, the form of the web page,
so an imported enterprise obeys exactly the rules of one typed in by hand (tax code check digit,
phone normalisation, 12-digit personal IDs for households only, tax codes of another commune
refused). Nothing is written unless the whole file is valid.

A row whose tax code is already registered in the commune updates that enterprise; there an
empty cell keeps the current value, so a short file never erases data. A row without a tax code
always creates an enterprise flagged ``needs_verification``.

Excel quirks handled here:

* Excel stores a code typed without the text format as a number and drops its leading zeros.
  A tax code that arrives as a *number* is left-padded: 9 digits → 10 (tax code), 11 digits → 12
  (personal ID, which starts with the 0 of a province code). A phone number that arrives as a
  number gets its leading 0 back (9-digit mobile, 10-digit landline). Text cells are never
  padded: what was typed is what is checked. VSIC codes cannot be repaired this way (810 may be
  0810 or 810), so the template formats that column, like the other code columns, as text.
* Counts arrive as ints, as floats (``12.0``) or as Vietnamese-formatted text (``"1.250"``).
* Cells that an export neutralised against formula injection (``'=…``) lose the apostrophe.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.exports import FORMULA_PREFIXES, neutralise
from atvsld_portal.files import XLSX, validate_private_upload
from atvsld_portal.models import AdministrativeUnit, Village
from atvsld_portal.text import normalise_search
from enterprises import services
from enterprises.forms import EnterpriseForm
from enterprises.models import ActivityVersion, Enterprise, OwnershipType
from enterprises.validators import normalise_tax_code

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from atvsld_portal.models import User

MAX_ROWS = 2000
HEADER_ROW = 1
DATA_SHEET_TITLE = "Doanh nghiệp"
GUIDE_SHEET_TITLE = "Hướng dẫn"
STASH_FOLDER = "imports"
STASH_MAX_AGE = timedelta(hours=1)

CREATE = "create"
UPDATE = "update"


@dataclass(frozen=True)
class ImportColumn:
    header: str
    field: str
    width: int
    example: Any = None
    is_code: bool = False  # formatted as text in the template, so Excel keeps leading zeros

    @property
    def required(self) -> bool:
        return self.header.endswith("*")


EXAMPLE_NAME = "Công ty TNHH Ví Dụ (xoá dòng này trước khi nhập)"

IMPORT_COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("Tên doanh nghiệp*", "name", 40, EXAMPLE_NAME),
    ImportColumn("Mã số thuế", "tax_code", 18, "6009999997", is_code=True),
    ImportColumn("Mã loại hình*", "ownership_type", 14, "2", is_code=True),
    ImportColumn("Phiên bản VSIC", "activity_version", 14, "2025", is_code=True),
    ImportColumn("Mã ngành VSIC", "activity_code", 14, "0810", is_code=True),
    ImportColumn("Thôn, buôn", "village", 20),
    ImportColumn("Địa chỉ", "address", 36, "Km 12, Quốc lộ 14"),
    ImportColumn("Điện thoại", "phone", 16, "0262 3123 456", is_code=True),
    ImportColumn("Email", "email", 26, "lienhe@vidu.vn"),
    ImportColumn("Người đại diện theo pháp luật", "legal_representative", 28, "Nguyễn Văn A"),
    ImportColumn("Cán bộ ATVSLĐ", "osh_officer_name", 22, "Trần Thị B"),
    ImportColumn("Tổng số lao động", "workforce_total", 12, 45),
    ImportColumn("Lao động nữ", "workforce_women", 12, 12),
    ImportColumn("Có yếu tố có hại", "has_harmful_factors", 14, "x"),
    ImportColumn("Trạng thái", "status", 16, "đang hoạt động"),
)
COLUMN_BY_FIELD = {column.field: column for column in IMPORT_COLUMNS}
# Form errors on fields that have no column of their own are shown against the closest one.
ERROR_COLUMN_FOR_FIELD = {"activity_section": "activity_code"}

YES_WORDS = {"x", "co", "1", "true"}
NO_WORDS = {"khong", "0", "false"}
STATUS_WORDS = {
    "dang hoat dong": Enterprise.Status.ACTIVE,
    "tam ngung": Enterprise.Status.SUSPENDED,
    "tam ngung hoat dong": Enterprise.Status.SUSPENDED,
    "da dong": Enterprise.Status.CLOSED,
    "da dong cua": Enterprise.Status.CLOSED,
    **{status.value: status for status in Enterprise.Status},
}
STATUS_EXAMPLES = "đang hoạt động / tạm ngừng / đã đóng"
VN_THOUSANDS_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")


# ------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` is the spreadsheet row (header = 1; None for the whole file) and
    ``column`` the Vietnamese header ("" when the problem is the whole row)."""

    row: int | None
    column: str
    message: str
    code: str = ""


@dataclass
class ImportRow:
    row: int
    action: str  # CREATE or UPDATE
    name: str
    tax_code: str | None
    cleaned_data: dict[str, Any]
    instance: Enterprise | None
    changes: list[str] = field(default_factory=list)  # fields an update changes

    @property
    def needs_verification(self) -> bool:
        return self.tax_code is None

    @property
    def is_unchanged(self) -> bool:
        return self.action == UPDATE and not self.changes


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[RowError]

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def create_count(self) -> int:
        return sum(1 for row in self.rows if row.action == CREATE)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.action == UPDATE and row.changes)


@dataclass
class _RawRow:
    """A spreadsheet row converted cell by cell, before the form sees it."""

    number: int
    values: dict[str, Any]
    errors: dict[str, RowError]

    @property
    def tax_code(self) -> str | None:
        return self.values.get("tax_code") or None


# ------------------------------------------------------------------------------
# Template
# ------------------------------------------------------------------------------
def _thousands(number: int) -> str:
    """2000 → "2.000", the Vietnamese grouping, whatever the active locale."""
    return f"{number:,}".replace(",", ".")


GUIDE_LINES = (
    "Mỗi dòng của trang “Doanh nghiệp” là một cơ sở; giữ nguyên dòng tiêu đề. "
    "Cột có dấu * là bắt buộc.",
    "Mã số thuế: 10 chữ số; chi nhánh thêm dấu gạch ngang và 3 chữ số (0100109106-001); "
    "hộ kinh doanh có thể dùng số định danh cá nhân 12 chữ số. "
    "Nhập các mã dưới dạng văn bản để giữ số 0 ở đầu.",
    "Mã số thuế đã có trong sổ của xã: dòng đó cập nhật doanh nghiệp; "
    "ô để trống giữ nguyên thông tin cũ.",
    "Dòng không có mã số thuế luôn được thêm mới và đánh dấu “cần xác minh”.",
    "Mã số thuế của doanh nghiệp thuộc xã khác bị từ chối: đề nghị Sở Nội vụ chuyển doanh nghiệp.",
    f"Xoá dòng ví dụ trước khi nhập. Tối đa {_thousands(MAX_ROWS)} dòng mỗi tệp.",
    "Tệp chỉ được ghi khi mọi dòng đều hợp lệ; "
    "nếu có lỗi, hệ thống liệt kê dòng, cột và nội dung lỗi.",
)
VSIC_VERSIONS = (
    ("2025", "Quyết định 36/2025/QĐ-TTg (mặc định)"),
    ("2018", "Quyết định 27/2018/QĐ-TTg"),
)
YES_NO_VALUES = (("x hoặc có", "Có"), ("không hoặc để trống", "Không"))
STATUS_VALUES = (("đang hoạt động", "Mặc định"), ("tạm ngừng", ""), ("đã đóng", ""))


def import_template_bytes(*, commune: AdministrativeUnit) -> bytes:
    """The .xlsx to fill in: a data sheet and a "Hướng dẫn" sheet with the allowed values."""
    from openpyxl import Workbook

    workbook = Workbook()
    data_sheet = workbook.active
    data_sheet.title = DATA_SHEET_TITLE
    guide_sheet = workbook.create_sheet(GUIDE_SHEET_TITLE)
    villages = list(
        Village.objects.filter(commune=commune).order_by("name").values_list("name", flat=True)
    )
    village_range = _write_guide_sheet(guide_sheet, commune=commune, villages=villages)
    _write_data_sheet(data_sheet, villages=villages, village_range=village_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_data_sheet(sheet: Worksheet, *, villages: list[str], village_range: str | None) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append([column.header for column in IMPORT_COLUMNS])
    example = {"village": villages[0] if villages else None}
    sheet.append([neutralise(example.get(c.field, c.example)) for c in IMPORT_COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.is_code:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    _add_list_validations(sheet, village_range=village_range)


def _add_list_validations(sheet: Worksheet, *, village_range: str | None) -> None:
    """Drop-down lists for the closed vocabularies. Another value only raises a warning: the
    import also understands variants ("có", "tạm ngừng hoạt động", marks left out)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = ",".join(OwnershipType.objects.filter(is_active=True).values_list("code", flat=True))
    lists = {
        "ownership_type": f'"{codes}"',
        "activity_version": f'"{",".join(ActivityVersion.values)}"',
        "has_harmful_factors": '"x,không"',
        "status": '"đang hoạt động,tạm ngừng,đã đóng"',
    }
    if village_range:
        lists["village"] = village_range
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        formula = lists.get(column.field)
        if formula is None or len(formula) > 255:  # Excel's limit for an inline list
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        validation.error = "Giá trị không có trong danh sách (xem trang Hướng dẫn)."
        validation.errorTitle = column.header
        letter = get_column_letter(index)
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + MAX_ROWS}")
        sheet.add_data_validation(validation)


def _write_guide_sheet(
    sheet: Worksheet, *, commune: AdministrativeUnit, villages: list[str]
) -> str | None:
    """Write the instructions and value lists; return the cell range of the village names."""
    from openpyxl.styles import Font

    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    sheet.append(["HƯỚNG DẪN NHẬP DANH SÁCH DOANH NGHIỆP"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([neutralise(str(commune.display_name))])
    sheet.append([])
    for line in GUIDE_LINES:
        sheet.append([None, line])
    sheet.append([])
    ownership_types = OwnershipType.objects.filter(is_active=True).values_list("code", "name")
    _guide_table(sheet, ("Mã loại hình", "Tên loại hình"), ownership_types)
    _guide_table(sheet, ("Phiên bản VSIC", "Văn bản"), VSIC_VERSIONS)
    _guide_table(sheet, ("Có yếu tố có hại", "Ý nghĩa"), YES_NO_VALUES)
    _guide_table(sheet, ("Trạng thái", "Ý nghĩa"), STATUS_VALUES)
    first = _guide_table(sheet, ("Thôn, buôn", ""), [(name, "") for name in villages])
    if not villages:
        return None
    return f"'{GUIDE_SHEET_TITLE}'!$A${first}:$A${first + len(villages) - 1}"


def _guide_table(sheet: Worksheet, header: tuple[str, str], rows: Iterable[tuple[Any, Any]]) -> int:
    """Append a two-column table with a bold header; return the row number of its first line."""
    from openpyxl.styles import Font

    sheet.append(list(header))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first = sheet.max_row + 1
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    sheet.append([])
    return first


# ------------------------------------------------------------------------------
# Reading and validating
# ------------------------------------------------------------------------------
def parse_import(*, file: File, commune: AdministrativeUnit) -> ImportPreview:
    """Validate every row of an uploaded template; the preview lists every error found."""
    try:
        raw_rows = _read_rows(file)
    except _FileRejected as exc:
        return ImportPreview(rows=[], errors=exc.errors)
    if not raw_rows:
        return ImportPreview(
            rows=[], errors=[RowError(None, "", _("The file has no enterprise rows."), "empty")]
        )
    return _validate_rows(raw_rows, commune=commune)


class _FileRejected(Exception):
    """The file as a whole cannot be imported (wrong type, damaged, header, too many rows)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


def _rejected(
    message: str, code: str, *, row: int | None = None, column: str = ""
) -> _FileRejected:
    return _FileRejected([RowError(row, column, message, code)])


def _read_rows(file: File) -> list[_RawRow]:
    try:
        kind = validate_private_upload(file)
    except ValidationError as exc:
        raise _rejected(exc.messages[0], exc.code or "") from exc
    if kind != XLSX:
        raise _rejected(_("Upload the enterprise template as an Excel file (.xlsx)."), "not_xlsx")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        message = _(
            "The file could not be read as an Excel workbook. "
            "Save it again in Excel as .xlsx and retry."
        )
        raise _rejected(message, "unreadable") from exc
    try:
        sheet = (
            workbook[DATA_SHEET_TITLE]
            if DATA_SHEET_TITLE in workbook.sheetnames
            else workbook.worksheets[0]
        )
        rows = sheet.iter_rows(values_only=True)
        columns = _match_header(next(rows, ()))
        return _convert_rows(rows, columns)
    finally:
        workbook.close()


def _match_header(cells: tuple[Any, ...]) -> dict[int, ImportColumn]:
    """Map sheet column positions to template columns, by header text (order may differ)."""
    known = {_header_key(column.header): column for column in IMPORT_COLUMNS}
    columns: dict[int, ImportColumn] = {}
    errors = []
    for index, value in enumerate(cells):
        text = _text(value)
        if not text:
            continue
        column = known.get(_header_key(text))
        if column is None:
            errors.append(
                _header_error(_("This column is not in the template."), "unknown_column", text)
            )
        elif column in columns.values():
            errors.append(_header_error(_("This column appears twice."), "duplicate_column", text))
        else:
            columns[index] = column
    for column in IMPORT_COLUMNS:
        if column.required and column not in columns.values():
            errors.append(
                _header_error(
                    _("This required column is missing."), "missing_column", column.header
                )
            )
    if errors:
        raise _FileRejected(errors)
    return columns


def _header_key(header: str) -> str:
    return normalise_search(header.replace("*", ""))


def _header_error(message: str, code: str, column: str) -> RowError:
    return RowError(HEADER_ROW, column, message, code)


def _convert_rows(
    rows: Iterator[tuple[Any, ...]], columns: dict[int, ImportColumn]
) -> list[_RawRow]:
    converted = []
    for number, cells in enumerate(rows, start=HEADER_ROW + 1):
        values = {column: cells[index] for index, column in columns.items() if index < len(cells)}
        if all(_text(value) == "" for value in values.values()):
            continue
        if len(converted) == MAX_ROWS:
            message = _(
                "The file has more than %(limit)s enterprise rows. Split it into several files."
            ) % {"limit": _thousands(MAX_ROWS)}
            raise _rejected(message, "too_many_rows", row=number)
        converted.append(_convert_row(number, values))
    return converted


def _convert_row(number: int, cells: dict[ImportColumn, Any]) -> _RawRow:
    row = _RawRow(number=number, values={}, errors={})
    for column, value in cells.items():
        if _text(value) == "":
            continue
        try:
            row.values[column.field] = CONVERTERS.get(column.field, _text)(value)
        except ValidationError as exc:
            row.errors[column.field] = RowError(
                number, column.header, exc.messages[0], exc.code or ""
            )
            row.values[column.field] = _text(value)
    if normalise_search(row.values.get("name")) == normalise_search(EXAMPLE_NAME):
        message = _("This is the template's example row: delete it.")
        row.errors["name"] = _cell_error(row, "name", message, "example_row")
    return row


# ---- cell converters: raise ValidationError for values the form could not name well -------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).replace("\u00a0", " ").split())
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _whole_number(value: Any) -> int | None:
    """The int of a numeric cell with no fractional part; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _tax_code(value: Any) -> str:
    number = _whole_number(value)
    if number is None:
        return normalise_tax_code(_text(value))
    digits = str(number)
    # Excel dropped the leading zero of a code typed as a number.
    if len(digits) == 9:
        return digits.zfill(10)
    if len(digits) == 11:
        return digits.zfill(12)
    return digits


def _phone(value: Any) -> str:
    number = _whole_number(value)
    if number is None:
        return _text(value)
    digits = str(number)
    is_mobile = len(digits) == 9 and digits[0] in "35789"
    is_landline = len(digits) == 10 and digits[0] == "2"
    return f"0{digits}" if is_mobile or is_landline else digits


def _count(value: Any) -> Any:
    """Ints stay ints; "1.250" (Vietnamese thousands) becomes 1250; the form judges the rest."""
    number = _whole_number(value)
    if number is not None:
        return number
    text = _text(value).replace(" ", "")
    return text.replace(".", "") if VN_THOUSANDS_RE.match(text) else text


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = normalise_search(_text(value))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValidationError(_("Write x (or có) for yes, or không for no."), code="yes_no")


def _status(value: Any) -> str:
    status = STATUS_WORDS.get(normalise_search(_text(value)))
    if status is None:
        raise ValidationError(
            _("Unknown status. Write one of: %(choices)s.") % {"choices": STATUS_EXAMPLES},
            code="status",
        )
    return status.value


CONVERTERS = {
    "tax_code": _tax_code,
    "phone": _phone,
    "workforce_total": _count,
    "workforce_women": _count,
    "has_harmful_factors": _yes_no,
    "status": _status,
}


# ---- rows → forms -------------------------------------------------------------------------
class _Lookups:
    """What every row needs from the database, fetched once per file."""

    def __init__(self, raw_rows: list[_RawRow], commune: AdministrativeUnit) -> None:
        self.ownership_types = {
            code: pk
            for pk, code in OwnershipType.objects.filter(is_active=True).values_list("pk", "code")
        }
        self.villages: dict[str, list[int]] = defaultdict(list)
        for pk, name in Village.objects.filter(commune=commune).values_list("pk", "name"):
            self.villages[normalise_search(name)].append(pk)
        codes = {row.tax_code for row in raw_rows if row.tax_code}
        self.existing = {
            enterprise.tax_code: enterprise
            for enterprise in Enterprise.objects.filter(commune=commune, tax_code__in=codes)
        }
        self._sections: dict[tuple[str, str], int | None] = {}

    def ownership_type(self, code: str) -> int:
        pk = self.ownership_types.get(code)
        if pk is None:
            message = _(
                "Unknown ownership type code %(code)s: see the codes on the %(sheet)s sheet."
            )
            raise ValidationError(
                message % {"code": code, "sheet": GUIDE_SHEET_TITLE}, code="ownership_type"
            )
        return pk

    def activity_section(self, version: str, code: str) -> int | None:
        # The section follows from the division (first two digits): look each one up once.
        key = (version, code[:2])
        if key not in self._sections:
            section = services.activity_section_for(version=version, code=code)
            self._sections[key] = section.pk if section else None
        return self._sections[key]

    def village(self, name: str) -> int:
        matches = self.villages.get(normalise_search(name), [])
        if len(matches) != 1:
            message = _(
                "No village of the commune is named %(name)s: see the list on the %(sheet)s sheet."
            )
            raise ValidationError(
                message % {"name": name, "sheet": GUIDE_SHEET_TITLE}, code="village"
            )
        return matches[0]


def _validate_rows(raw_rows: list[_RawRow], *, commune: AdministrativeUnit) -> ImportPreview:
    lookups = _Lookups(raw_rows, commune)
    preview = ImportPreview(rows=[], errors=[])
    first_row_of_tax_code: dict[str, int] = {}
    first_row_without_tax_code: dict[tuple[str, int], int] = {}
    for raw in raw_rows:
        _resolve_references(raw, lookups)
        if raw.tax_code and "tax_code" not in raw.errors:
            first = first_row_of_tax_code.setdefault(raw.tax_code, raw.number)
            if first != raw.number:
                raw.errors["tax_code"] = _cell_error(
                    raw,
                    "tax_code",
                    _("The same tax code is already on row %(row)s.") % {"row": first},
                    "duplicate",
                )
        # Popped: a repeated tax code is then checked as a new enterprise (and refused as taken).
        instance = lookups.existing.pop(raw.tax_code, None) if raw.tax_code else None
        form, original = _bound_form(raw, commune=commune, instance=instance, lookups=lookups)
        row_errors = _form_errors(raw, form)
        if not row_errors and instance is None:
            row_errors = _check_unique_without_tax_code(
                raw, form.cleaned_data, commune, first_row_without_tax_code
            )
        if row_errors:
            preview.errors.extend(row_errors)
            continue
        preview.rows.append(
            _import_row(raw, form.cleaned_data, instance=instance, original=original)
        )
    return preview


def _cell_error(raw: _RawRow, field_name: str, message: str, code: str) -> RowError:
    return RowError(raw.number, COLUMN_BY_FIELD[field_name].header, message, code)


def _resolve_references(raw: _RawRow, lookups: _Lookups) -> None:
    """Replace codes and names by primary keys; an unknown one is an error of that cell."""
    for field_name, resolve in (
        ("ownership_type", lookups.ownership_type),
        ("village", lookups.village),
    ):
        if field_name in raw.values and field_name not in raw.errors:
            try:
                raw.values[field_name] = resolve(str(raw.values[field_name]))
            except ValidationError as exc:
                raw.errors[field_name] = _cell_error(
                    raw, field_name, exc.messages[0], exc.code or ""
                )


def _bound_form(
    raw: _RawRow, *, commune: AdministrativeUnit, instance: Enterprise | None, lookups: _Lookups
) -> tuple[EnterpriseForm, dict[str, Any]]:
    """The web form bound to the row laid over the enterprise's current values (or defaults)."""
    fields = EnterpriseForm._meta.fields
    target = instance if instance is not None else Enterprise(commune=commune)
    original = model_to_dict(target, fields=fields)
    data = {**original, **raw.values}
    code_changed = any(
        data[name] != original[name] for name in ("activity_version", "activity_code")
    )
    if instance is None or code_changed:
        data["activity_section"] = lookups.activity_section(
            str(data["activity_version"]), str(data["activity_code"])
        )
    form = EnterpriseForm(data, commune=commune, instance=instance)
    form.is_valid()
    return form, original


def _form_errors(raw: _RawRow, form: EnterpriseForm) -> list[RowError]:
    """Cell errors found while reading, then the form's errors on the other fields."""
    errors = list(raw.errors.values())
    for field_name, items in form.errors.get_json_data().items():
        if field_name in raw.errors:
            continue  # the reading error already names the problem more precisely
        column = COLUMN_BY_FIELD.get(ERROR_COLUMN_FOR_FIELD.get(field_name, field_name))
        header = column.header if column else ""
        errors.extend(RowError(raw.number, header, item["message"], item["code"]) for item in items)
    return sorted(errors, key=lambda error: _column_position(error.column))


def _column_position(header: str) -> int:
    headers = [column.header for column in IMPORT_COLUMNS]
    return headers.index(header) if header in headers else -1


def _check_unique_without_tax_code(
    raw: _RawRow,
    cleaned: dict[str, Any],
    commune: AdministrativeUnit,
    seen: dict[tuple[str, int], int],
) -> list[RowError]:
    """Mirror the constraint "one enterprise without tax code per name and village"."""
    village = cleaned.get("village")
    if cleaned.get("tax_code") or village is None:
        return []
    key = (normalise_search(cleaned["name"]), village.pk)
    first = seen.setdefault(key, raw.number)
    if first != raw.number:
        message = _(
            "An enterprise of the same name and village without a tax code "
            "is already on row %(row)s."
        ) % {"row": first}
        return [_cell_error(raw, "name", message, "duplicate")]
    taken = Enterprise.objects.filter(
        commune=commune, tax_code__isnull=True, name_search=key[0], village=village
    )
    if taken.exists():
        message = _(
            "An enterprise of the same name in this village is already registered "
            "without a tax code: add its tax code, or update it in the registry."
        )
        return [_cell_error(raw, "name", message, "duplicate_without_tax_code")]
    return []


def _import_row(
    raw: _RawRow, cleaned: dict[str, Any], *, instance: Enterprise | None, original: dict[str, Any]
) -> ImportRow:
    if instance is None:
        return ImportRow(
            row=raw.number,
            action=CREATE,
            name=cleaned["name"],
            tax_code=cleaned["tax_code"],
            cleaned_data={**cleaned, "needs_verification": not cleaned["tax_code"]},
            instance=None,
        )
    changes = [name for name, value in cleaned.items() if _plain(value) != original.get(name)]
    return ImportRow(
        row=raw.number,
        action=UPDATE,
        name=cleaned["name"],
        tax_code=cleaned["tax_code"],
        cleaned_data=cleaned,
        instance=instance,
        changes=changes,
    )


def _plain(value: Any) -> Any:
    """A cleaned value as model_to_dict gives it (primary key for a related object)."""
    return getattr(value, "pk", value)


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------
def apply_import(
    *, preview: ImportPreview, commune: AdministrativeUnit, by: User
) -> tuple[int, int]:
    """Write a valid preview, all or nothing; return (created, updated)."""
    if not preview.can_apply:
        raise ApplicationError(_("The file has errors or no rows; nothing was imported."))
    created = updated = 0
    with transaction.atomic():
        for row in preview.rows:
            if row.action == CREATE:
                services.enterprise_create(commune=commune, by=by, **row.cleaned_data)
                created += 1
            elif row.changes:
                if row.instance.commune_id != commune.pk:
                    raise ApplicationError(_("The preview belongs to another commune."))
                data = {name: row.cleaned_data[name] for name in row.changes}
                services.enterprise_update(enterprise=row.instance, by=by, **data)
                updated += 1
    return created, updated


# ------------------------------------------------------------------------------
# Uploads kept between preview and confirmation
# ------------------------------------------------------------------------------
def stash_upload(file: File) -> str:
    """Keep a previewed upload in private storage under a random name; return the name."""
    _sweep_stale_stashes()
    return default_storage.save(f"{STASH_FOLDER}/{secrets.token_urlsafe(24)}.xlsx", file)


def is_stash_name(name: str) -> bool:
    return re.fullmatch(rf"{STASH_FOLDER}/[\w-]+\.xlsx", name) is not None


@dataclass
class ImportOutcome:
    preview: ImportPreview
    created: int = 0
    updated: int = 0


def import_stashed_upload(*, name: str, commune: AdministrativeUnit, by: User) -> ImportOutcome:
    """Re-validate a stashed upload (the old preview is never trusted) and apply it, once.

    The stash is consumed whatever the result. A confirmation posted twice waits on the commune
    lock, then finds the stash gone.
    """
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().filter(pk=commune.pk).first()
        if not default_storage.exists(name):
            raise ApplicationError(
                _("This import has already been done or has expired. Upload the file again."),
                code="stash_gone",
            )
        try:
            with default_storage.open(name, "rb") as stored:
                preview = parse_import(file=stored, commune=commune)
            if not preview.can_apply:
                return ImportOutcome(preview=preview)
            created, updated = apply_import(preview=preview, commune=commune, by=by)
        finally:
            default_storage.delete(name)
    return ImportOutcome(preview=preview, created=created, updated=updated)


def _sweep_stale_stashes() -> None:
    """Delete uploads that were previewed but never confirmed."""
    if not default_storage.exists(STASH_FOLDER):
        return
    cutoff = timezone.now() - STASH_MAX_AGE
    for filename in default_storage.listdir(STASH_FOLDER)[1]:
        name = f"{STASH_FOLDER}/{filename}"
        with contextlib.suppress(FileNotFoundError):  # another request may be sweeping too
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
