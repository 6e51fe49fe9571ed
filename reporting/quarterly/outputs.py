"""The report as files: the PDF on the Decree 30 frame (with the QR code once issued), the
editable .docx and the .xlsx of its tables."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from atvsld_portal.dates import document_date
from atvsld_portal.exports import neutralise
from atvsld_portal.pdf import render_pdf
from reporting import charts
from reporting.models import QuarterlyReport
from reporting.quarterly.content import (
    Block,
    Table,
    document_content,
    keep_together,
    recipients,
    signer_lines,
)
from reporting.quarterly.figures import DOTS, FILENAME_STEMS, PDF_TEMPLATES, build_report_data

# ------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------
PDF_FONT = 'font-family="Liberation Serif, serif"'


def _pdf_svg(svg: str) -> SafeString:
    """A chart for the PDF: the vendored serif font instead of the dashboard's sans-serif (the
    PDF embeds only vendored fonts, whatever the server has installed)."""
    return mark_safe(svg.replace(f'font-family="{charts.FONT}"', PDF_FONT))  # our own markup


def qr_svg(url: str) -> SafeString:
    """The verification URL as an inline SVG QR code (scaled by CSS through its viewBox)."""
    import segno

    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True))  # segno's own markup


def pdf_context(
    report: QuarterlyReport,
    data: dict,
    *,
    charts: dict[str, str] | None = None,
    final: bool = False,
    verify_url: str | None = None,
) -> dict[str, Any]:
    content = document_content(report, data)
    charts = charts or {}
    for part in content.parts:
        for block in [*part.blocks, *(b for s in part.sections for b in s.blocks)]:
            if block.kind == "chart":
                block.svg = _pdf_svg(charts.get(block.chart, ""))
    commune = data["commune"]
    signer = signer_lines(report)
    authority, title = "\n".join(signer[:-1]), (signer[-1] if signer else "")
    return {
        "report": report,
        "data": data,
        "content": content,
        "final": final,
        "draft": not final,
        "verify_url": verify_url or "",
        "qr": qr_svg(verify_url) if final and verify_url else "",
        "year": str(report.year),
        "commune_name": commune["name"],
        "doc": {
            "issuing_body": f"{commune['issuing_body']}\n{commune['body_name']}",
            "symbol": report.symbol,
            "number": report.number_text if final and report.number else "",
            "place": report.place or commune["name"],
            "issued_on": report.signed_on if final else None,
            "doc_type": report.title or "BÁO CÁO",
            "summary": keep_together(report.summary),
            "recipients": recipients(report),
            "signer_authority": authority,
            "signer_position": title,
            "signer_name": report.signer_name,
        },
    }


def render_report_pdf(
    report: QuarterlyReport,
    data: dict,
    *,
    charts: dict[str, str],
    final: bool = False,
    verify_url: str | None = None,
) -> bytes:
    """The report on the Decree 30 frame: a draft prints "DỰ THẢO" and no number or date; the
    final document prints its number, signing date and a QR code of ``verify_url``."""
    context = pdf_context(report, data, charts=charts, final=final, verify_url=verify_url)
    return render_pdf(PDF_TEMPLATES[report.variant], context)


def pdf_filename(report: QuarterlyReport, ext: str = "pdf") -> str:
    """``bao-cao-atvsld-q3-2026.pdf``; an issued report adds its number (``-so-05``)."""
    stem = FILENAME_STEMS[report.variant].format(quarter=report.quarter, year=report.year)
    if report.number:
        stem += f"-so-{report.number:02d}"
    return f"{stem}.{ext}"


# ------------------------------------------------------------------------------
# .docx and .xlsx
# ------------------------------------------------------------------------------
def _export_data(report: QuarterlyReport) -> dict:
    """The figures an export shows: those of the PDF once it exists (frozen once issued), else
    the figures as they are now."""
    if report.status in {QuarterlyReport.Status.READY, QuarterlyReport.Status.ISSUED} and (
        report.data or {}
    ).get("version"):
        return report.data
    return build_report_data(report)


def _docx_set_cell_margins_none(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _docx_row_flags(row, *, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def _docx_page_number(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _docx_paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    underline: bool = False,
    space_after: float = 0,
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def _docx_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    text_width = 165  # mm: A4 minus the 30 mm and 15 mm margins
    widths = [Mm(text_width * w / 100) for w in table.widths]
    header = grid.rows[0]
    _docx_row_flags(header, header=True)
    for index, (target, label) in enumerate(zip(header.cells, table.columns, strict=True)):
        target.width = widths[index]
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(label)
        run.bold = True
        run.font.size = Pt(11)
    for row in table.rows:
        cells = grid.add_row().cells
        _docx_row_flags(grid.rows[-1])
        if row.kind == "heading":
            merged = cells[0].merge(cells[-1])
            run = merged.paragraphs[0].add_run(row.cells[0].text)
            run.bold = True
            run.font.size = Pt(11)
            continue
        for index, (target, value) in enumerate(zip(cells, row.cells, strict=True)):
            target.width = widths[index]
            paragraph = target.paragraphs[0]
            if index >= table.numeric_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(value.text + (f"\n{value.note}" if value.note else ""))
            run.bold = row.kind == "total"
            run.font.size = Pt(11)


def _docx_blocks(document, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind in {"p", "bullet"}:
            _docx_paragraph(document, block.text, indent=True, space_after=6)
        elif block.kind == "note":
            _docx_paragraph(document, block.text, italic=True, size=11, indent=True, space_after=6)
        elif block.kind == "table" and block.table is not None:
            _docx_table(document, block.table)
            _docx_paragraph(document, space_after=3)
        # Charts are in the PDF only: Word does not draw SVG reliably.


def report_docx(report: QuarterlyReport) -> bytes:
    """The whole report as an editable Word document (A4, Decree 30 margins and layout): offices
    often retouch it before signing; the issued PDF stays the record."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    data = _export_data(report)
    content = document_content(report, data)
    final = report.is_issued
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    # Page numbers centred at the top from page 2 (Decree 30).
    section.different_first_page_header_footer = True
    number_line = section.header.paragraphs[0]
    number_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_page_number(number_line)

    if not final:
        _docx_paragraph(document, "DỰ THẢO", bold=True, align="right", space_after=6)
    header = document.add_table(rows=2, cols=2)
    _docx_set_cell_margins_none(header)
    widths = (Mm(62), Mm(103))
    for row in header.rows:
        for target, width in zip(row.cells, widths, strict=True):
            target.width = width
    left, right = header.rows[0].cells
    commune = data["commune"]
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = left.paragraphs[0].add_run(commune["issuing_body"])
    run.bold = True
    run.font.size = Pt(12.5)
    _docx_paragraph(left, commune["body_name"], bold=True, size=12.5, align="center")
    _docx_paragraph(left, "\u00a0" * 14, underline=True, size=8, align="center")
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold = True
    run.font.size = Pt(12.5)
    _docx_paragraph(
        right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5, align="center", underline=True
    )
    left, right = header.rows[1].cells
    number_text = report.number_text if final else f"{' ' * 5}/{report.symbol}"
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].add_run(f"Số: {number_text}")
    place = report.place or commune["name"]
    place_date = (
        f"{place}, {document_date(report.signed_on)}"
        if final and report.signed_on
        else f"{place}, ngày {DOTS} tháng {DOTS} năm {report.year}"
    )
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(place_date).italic = True

    _docx_paragraph(document, space_after=6)
    _docx_paragraph(document, report.title or "BÁO CÁO", bold=True, size=14, align="center")
    _docx_paragraph(document, report.summary, bold=True, size=14, align="center", space_after=12)
    if report.variant == QuarterlyReport.Variant.COUNCIL:
        _docx_paragraph(
            document,
            f"Kính gửi: Hội đồng nhân dân xã {commune['name']}",
            align="center",
            space_after=6,
        )
    _docx_blocks(document, content.introduction)
    for part in content.parts:
        _docx_paragraph(document, part.title, bold=True, indent=True, space_after=6)
        _docx_blocks(document, part.blocks)
        for section_ in part.sections:
            _docx_paragraph(document, section_.title, bold=True, indent=True, space_after=6)
            _docx_blocks(document, section_.blocks)
    _docx_paragraph(document, content.closing, indent=True, space_after=12)

    footer = document.add_table(rows=1, cols=2)
    _docx_set_cell_margins_none(footer)
    left, right = footer.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    lines = recipients(report)
    for index, line in enumerate(lines):
        end = "." if index == len(lines) - 1 else ";"
        _docx_paragraph(left, f"- {line}{end}", size=11, align="left")
    signer = signer_lines(report)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if signer:
        right.paragraphs[0].add_run(signer[0]).bold = True
    for line in signer[1:]:
        _docx_paragraph(right, line, bold=True, align="center")
    for _blank in range(4):
        _docx_paragraph(right, align="center")
    _docx_paragraph(right, report.signer_name, bold=True, align="center")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: QuarterlyReport) -> bytes:
    """The report's tables (accidents, indicators, propaganda, budget) as sheets of figures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    data = _export_data(report)
    content = document_content(report, data)
    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    order = {"accidents": 0, "indicators": 1, "propaganda": 2, "budget": 3}
    tables = sorted(
        (t for t in content.tables() if t.sheet), key=lambda t: order.get(t.name, len(order))
    )
    number_text = report.number_text if report.is_issued else "Dự thảo"
    for table in tables:
        sheet = workbook.create_sheet(title=table.sheet[:31])
        sheet.append([neutralise(f"{report.title} số {number_text}: {report.summary}")])
        sheet.append([neutralise(f"Xã {data['commune']['name']}, {data['period']['words']}")])
        sheet.append([])
        sheet.append([neutralise(label) for label in table.columns])
        for target in sheet[sheet.max_row]:
            target.font = Font(bold=True)
            target.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            target.border = grid
        for row in table.rows:
            if row.kind == "heading":
                sheet.append([neutralise(row.cells[0].text)])
                sheet[sheet.max_row][0].font = Font(bold=True)
                continue
            sheet.append([neutralise(c.value) for c in row.cells])
            for target in sheet[sheet.max_row]:
                target.border = grid
                target.alignment = wrap
                if row.kind == "total":
                    target.font = Font(bold=True)
                if isinstance(target.value, int):
                    target.number_format = "#,##0"
                elif isinstance(target.value, Decimal):
                    decimals = max(-target.value.as_tuple().exponent, 0)
                    target.number_format = "0." + "0" * decimals if decimals else "0"
        sheet.column_dimensions["A"].width = 50 if table.name != "budget" else 6
        for index in range(2, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        if table.name == "budget":
            sheet.column_dimensions["B"].width = 45
            sheet.column_dimensions["C"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
