"""Tabular exports (streamed CSV and xlsx) and .docx documents.

Every cell that a spreadsheet would read as a formula (starting with = + - @, or a tab or
carriage return) is neutralised with a leading apostrophe, so data typed by one user can never
run as a formula on another user's machine.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from atvsld_portal.text import normalise_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def neutralise(value: Any) -> Any:
    """Make a cell value safe for spreadsheets; numbers and dates pass through.

    Text is also written normalised (``normalise_text``): text stored before input was
    normalised may hold a right-to-left override that would show "exe.fdp" as "pdf.exe".
    """
    if isinstance(value, str):
        value = normalise_text(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    return neutralise(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A BOM lets Excel open the UTF-8 file with Vietnamese marks intact.
    yield "\ufeff" + writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream a CSV file row by row (constant memory whatever the row count)."""
    response = StreamingHttpResponse(iter_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value
    return neutralise(value)


def write_xlsx(
    target: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Dữ liệu",
    column_widths: Sequence[float] = (),
    number_formats: Mapping[int, str] | None = None,
) -> None:
    """Write one sheet with openpyxl's write-only mode (rows are consumed one at a time).

    ``column_widths`` gives the widths of the first columns in order; ``number_formats`` maps a
    0-based column index to the number format of that column's data cells (not the header).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    # Write-only sheets take column widths only before the first row.
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([neutralise(h) for h in header])
    formats = sorted((number_formats or {}).items())
    for row in rows:
        values = [_xlsx_cell(cell) for cell in row]
        for index, number_format in formats:
            cell = WriteOnlyCell(sheet, value=values[index])
            cell.number_format = number_format
            values[index] = cell
        sheet.append(values)
    workbook.save(target)


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Dữ liệu",
    column_widths: Sequence[float] = (),
    number_formats: Mapping[int, str] | None = None,
) -> FileResponse:
    """Write rows with openpyxl's write-only mode to a spooled temp file and stream it."""
    # Handed to FileResponse, which closes it after streaming.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(
        spool,
        header,
        rows,
        sheet_title=sheet_title,
        column_widths=column_widths,
        number_formats=number_formats,
    )
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def docx_bytes(
    title: str,
    paragraphs: Iterable[str],
    table: tuple[Sequence[str], Iterable[Sequence[Any]]] | None = None,
    closing: Iterable[str] = (),
) -> bytes:
    """A simple Word document: a bold title, paragraphs, an optional table and closing
    paragraphs after it (signature lines)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    heading = document.add_paragraph()
    run = heading.add_run(title)
    run.bold = True
    for text in paragraphs:
        document.add_paragraph(text)
    if table is not None:
        header, rows = table
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, label in zip(grid.rows[0].cells, header, strict=True):
            cell.text = str(label)
        for row in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(_csv_cell(value))
    for text in closing:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(filename: str, content: bytes) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX_CONTENT_TYPE
    )
