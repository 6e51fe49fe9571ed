"""The document's charts and its content (parts, sections, paragraphs, tables), built from the
figures and the narrative; the PDF, the .docx and the .xlsx all render this one structure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from incidents.models import Accident
from reporting import charts
from reporting.models import QuarterlyReport
from reporting.quarterly.figures import (
    CHART_HEIGHT,
    CHART_WIDTH,
    COUNT_FIELDS,
    DASH,
    PROPAGANDA_OUTPUTS,
    ROMAN,
    SEVERITY_SERIES,
    _date_short,
    _decimal,
    _next_period_title,
    number,
    signed,
)
from reporting.quarterly.narrative import draft_narrative

Variant = QuarterlyReport.Variant


# ------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------
def build_charts(report: QuarterlyReport, data: dict) -> dict[str, str]:
    """The dashboard's SVG charts for the report's period, drawn from the report's figures:
    the fatality-frequency trend with its target, and victims by sector and severity."""
    with translation.override("vi"):
        trend = data.get("trend") or {}
        years = trend.get("years") or []
        quarter = trend.get("quarter") or 0
        title = "Tần suất tai nạn lao động chết người (người chết/1.000 lao động)"
        if years:
            title += f", {years[0]}-{years[-1]}"
        if quarter:
            title += f" (lũy kế đến hết quý {ROMAN[quarter]})"
        values = [_decimal(v) for v in trend.get("values") or []]
        targets = dict(zip(years, [_decimal(v) for v in trend.get("targets") or []], strict=False))
        target_label = (
            "Lộ trình mục tiêu" if trend.get("target_kind") == "path" else "Mục tiêu của năm"
        )
        fatality = charts.line_chart(
            title,
            years,
            [charts.Series("Thực hiện", values)],
            target_path=targets,
            target_label=target_label,
            decimals=3,
            no_data_text="Chưa có số liệu",
            chart_id="report-fatality-trend",
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        )
        sectors = data["accidents"]["sectors"]
        period = data["period"]
        short_labels = {
            str(Accident.Sector.EMPLOYED): "Có quan hệ lao động",
            str(Accident.Sector.INFORMAL): "Không theo HĐLĐ",
        }
        categories, by_severity = [], {key: [] for key, _label, _colour in SEVERITY_SERIES}
        for row in sectors:
            for key, label in (("period", period["short"]), ("previous", period["previous_short"])):
                categories.append(f"{short_labels.get(row['sector'], row['label'])}, {label}")
                for severity, _label, _colour in SEVERITY_SERIES:
                    by_severity[severity].append(row[key].get(severity, 0))
        series = [
            charts.Series(label, by_severity[key], colour) for key, label, colour in SEVERITY_SERIES
        ]
        accidents = charts.bar_chart(
            f"Người bị nạn theo khu vực và mức độ, {period['short']} và cùng kỳ năm trước",
            categories,
            series,
            y_label="người",
            no_data_text="Không có tai nạn lao động",
            chart_id="report-accidents-by-sector",
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        )
    return {"fatality_trend": str(fatality), "accidents_by_sector": str(accidents)}


# ------------------------------------------------------------------------------
# The document's content (shared by the PDF, the .docx and the .xlsx)
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A table cell: ``value`` is what the workbook gets, ``text`` what the page prints."""

    value: int | Decimal | str | None
    text: str
    note: str = ""  # a second line in small print (e.g. the counts behind a rate)


def cell(value: int | Decimal | str | None, decimals: int | None = None) -> Cell:
    if value is None:
        return Cell(None, "")
    if isinstance(value, str):
        return Cell(value, value)
    return Cell(value, number(value, decimals))


@dataclass
class Row:
    cells: list[Cell]
    kind: str = "item"  # item | heading (one cell across the table) | total


@dataclass
class Table:
    name: str  # css hook (``qr-table-<name>``) and what the workbook calls it
    sheet: str  # workbook sheet title ("" = not exported)
    columns: list[str]
    widths: list[int]  # percent of the text width
    rows: list[Row]
    numeric_from: int = 1  # columns from this index are figures (right-aligned)


@dataclass
class Block:
    kind: str  # p | bullet | note | table | chart
    text: str = ""
    table: Table | None = None
    chart: str = ""  # chart name
    caption: str = ""
    svg: SafeString | str = ""

    @property
    def html(self) -> SafeString:
        return keep_together(self.text)


def keep_together(text: str) -> SafeString:
    """Escaped text where references such as "31-CT/TW" or "…/KH-UBND" never break at the slash."""
    return mark_safe(  # every piece is escaped
        re.sub(r"(\S*/\S*)", r'<span class="qr-nowrap">\1</span>', escape(text))
    )


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Part:
    title: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Content:
    introduction: list[Block]
    parts: list[Part]
    closing: str

    def tables(self) -> list[Table]:
        found = []
        for part in self.parts:
            for block in [*part.blocks, *(b for s in part.sections for b in s.blocks)]:
                if block.table is not None:
                    found.append(block.table)
        return found


def _paragraphs(text: str) -> list[Block]:
    """One block per non-empty line; lines starting with "-" or "+" are bullets."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            blocks.append(Block("bullet" if line[0] in "-+" else "p", line))
    return blocks


def _accident_table(data: dict) -> Table:
    period = data["period"]
    accidents = data["accidents"]
    with_ytd = not period["ytd_is_period"]
    columns = [
        "Chỉ tiêu",
        period["short"],
        f"{period['previous_short']} (cùng kỳ)",
        "Tăng (+), giảm (-)",
    ]
    widths = [40, 15, 17, 13] if with_ytd else [46, 18, 20, 16]
    if with_ytd:
        columns.append(period["ytd_short"])
        widths.append(15)
    rows = []
    groups = [
        (f"{index}. {row['label']}", row) for index, row in enumerate(accidents["sectors"], 1)
    ]
    groups.append((f"{len(groups) + 1}. Tổng cộng trên địa bàn xã", None))
    for title, row in groups:
        rows.append(Row([cell(title)], "heading"))
        source = row if row is not None else accidents["total"]
        for key, label, _words in COUNT_FIELDS:
            now, before = source["period"][key], source["previous"][key]
            cells = [cell(label), cell(now), cell(before), Cell(now - before, signed(now - before))]
            if with_ytd:
                cells.append(cell(source["ytd"][key]))
            rows.append(Row(cells, "item" if row is not None else "total"))
    return Table("accidents", "Tai nạn lao động", columns, widths, rows)


def _propaganda_table(data: dict) -> Table:
    columns = [
        "Hình thức",
        "Số hoạt động",
        "Tin, bài",
        "Lượt phát",
        "Pa-nô, áp phích",
        "Buổi",
        "Lượt người tham dự",
    ]
    rows = []
    for line in data["propaganda"]["rows"]:
        rows.append(
            Row(
                [cell(line["label"]), cell(line["activities"])]
                + [cell(line[name]) for name in PROPAGANDA_OUTPUTS]
            )
        )
    totals = data["propaganda"]["totals"]
    rows.append(
        Row(
            [cell("Tổng cộng"), cell(totals["activities"])]
            + [cell(totals[name]) for name in PROPAGANDA_OUTPUTS],
            "total",
        )
    )
    return Table("propaganda", "Tuyên truyền", columns, [30, 11, 10, 11, 12, 9, 17], rows)


def _budget_table(data: dict) -> Table:
    budget = data["budget"]
    columns = [
        "TT",
        "Nội dung",
        "Nguồn kinh phí",
        "Dự toán (đồng)",
        "Đã thực hiện (đồng)",
        "Tỷ lệ (%)",
    ]

    def rate(spent: int, allocated: int) -> Cell:
        if not allocated:
            return Cell(None, DASH)
        value = (Decimal(spent) * 100 / allocated).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Cell(value, number(value, 1))

    rows = [
        Row(
            [
                cell(str(index)),
                cell(line["purpose"]),
                cell(line["source"]),
                cell(line["allocated"]),
                cell(line["spent"]),
                rate(line["spent"], line["allocated"]),
            ]
        )
        for index, line in enumerate(budget["lines"], 1)
    ]
    rows.append(
        Row(
            [
                cell(""),
                cell("Tổng cộng"),
                cell(""),
                cell(budget["allocated"]),
                cell(budget["spent"]),
                rate(budget["spent"], budget["allocated"]),
            ],
            "total",
        )
    )
    return Table("budget", "Kinh phí", columns, [6, 34, 18, 15, 16, 11], rows, numeric_from=3)


def _indicator_table(data: dict) -> Table:
    period = data["period"]
    ytd = "Lũy kế năm" if period["ytd_is_period"] else period["ytd_short"]
    columns = [
        "Chỉ tiêu",
        "Kế hoạch",
        "Thực hiện trong kỳ",
        ytd,
        "% so kế hoạch",
        f"Cùng kỳ năm {data['year'] - 1}",
        "Đánh giá",
    ]
    rows = []
    for line in data["indicators"]:
        decimals = line.get("decimals", 1)
        value = _decimal(line.get("ytd"))
        ytd_text = number(value, decimals) if value is not None else DASH
        notes = [f"({line['ytd_counts']})"] if line.get("ytd_counts") else []
        if line.get("provisional"):
            notes.append("(tạm tính)")
        percent = _decimal(line.get("percent"))
        previous = _decimal(line.get("previous"))
        period_value = line.get("period")
        rows.append(
            Row(
                [
                    cell(line["name"]),
                    cell(line.get("target") or DASH),
                    Cell(period_value, number(period_value, 0))
                    if period_value is not None
                    else Cell(None, DASH),
                    Cell(value, ytd_text, " ".join(notes)),
                    Cell(percent, number(percent, 1)) if percent is not None else Cell(None, DASH),
                    Cell(previous, number(previous, decimals))
                    if previous is not None
                    else Cell(None, DASH),
                    cell(line.get("assessment") or DASH),
                ]
            )
        )
    return Table(
        "indicators", "Chỉ tiêu", columns, [27, 17, 9, 14, 9, 10, 14], rows, numeric_from=2
    )


def _sentence_health(data: dict) -> list[Block]:
    health = data["health"]
    exams, monitoring, training = health["exams"], health["monitoring"], health["training"]
    blocks = []
    if exams["rounds"]:
        text = (
            f"- Khám phát hiện bệnh nghề nghiệp: {number(exams['rounds'])} đợt khám tại "
            f"{number(exams['enterprises'])} cơ sở, {number(exams['workers_examined'])} người lao "
            f"động được khám; phát hiện {number(exams['suspected'])} trường hợp nghi mắc bệnh "
            "nghề nghiệp"
        )
    else:
        text = "- Khám phát hiện bệnh nghề nghiệp: trong kỳ chưa có đợt khám được báo cáo"
    text += f"; {number(health['cases_confirmed'])} trường hợp được chẩn đoán mắc bệnh nghề nghiệp."
    blocks.append(Block("bullet", text))
    if monitoring["records"]:
        blocks.append(
            Block(
                "bullet",
                f"- Quan trắc môi trường lao động: {number(monitoring['enterprises'])} cơ sở thực "
                f"hiện quan trắc ({number(monitoring['records'])} kết quả quan trắc), "
                f"{number(monitoring['workers_exposed'])} người lao động tiếp xúc yếu tố có hại.",
            )
        )
    else:
        blocks.append(
            Block("bullet", "- Quan trắc môi trường lao động: trong kỳ chưa có kết quả quan trắc.")
        )
    if training["activities"]:
        blocks.append(
            Block(
                "bullet",
                f"- Huấn luyện an toàn, vệ sinh lao động: {number(training['sessions'])} lớp, buổi "
                f"với {number(training['participants'])} lượt người tham dự, "
                f"{number(training['workers_trained'])} người lao động được huấn luyện.",
            )
        )
    else:
        blocks.append(
            Block("bullet", "- Huấn luyện an toàn, vệ sinh lao động: trong kỳ chưa tổ chức.")
        )
    return blocks


def _results_sections(report: QuarterlyReport, data: dict, narrative: dict) -> list[Section]:
    """Part I, in the order of DOMAIN §8.2 (the Action Month report puts its activities first)."""
    leadership = Section("Công tác lãnh đạo, chỉ đạo, ban hành văn bản")
    leadership.blocks += _paragraphs(narrative["leadership"])
    for document in data["leadership"]["documents"]:
        day = date.fromisoformat(document["date"])
        leadership.blocks.append(
            Block(
                "bullet",
                f"- Ngày {_date_short(day)}, {document['unit']}: "
                f"{document['title'].rstrip(' .;')}.",
            )
        )

    totals = data["propaganda"]["totals"]
    propaganda = Section("Công tác thông tin, tuyên truyền")
    propaganda.blocks.append(
        Block(
            "p",
            f"Trong kỳ, các đơn vị tổ chức {number(totals['activities'])} hoạt động tuyên truyền: "
            f"{number(totals['broadcasts'])} tin, bài với {number(totals['airings'])} lượt phát "
            f"trên đài truyền thanh xã; {number(totals['sessions'])} buổi hội nghị, tuyên truyền, "
            f"đối thoại với {number(totals['participants'])} lượt người tham dự; "
            f"{number(totals['banners'])} pa-nô, áp phích, băng rôn. Cụ thể:",
        )
    )
    propaganda.blocks.append(Block("table", table=_propaganda_table(data)))

    inspections = data["inspections"]
    inspection = Section("Công tác kiểm tra, giám sát")
    if inspections["activities"]:
        text = (
            f"Tổ chức {number(inspections['activities'])} đợt kiểm tra tại "
            f"{number(inspections['establishments_inspected'])} cơ sở, phát hiện "
            f"{number(inspections['violations_found'])} vi phạm về an toàn, vệ sinh lao động và "
            "kiến nghị khắc phục."
        )
    else:
        text = "Trong kỳ chưa tổ chức kiểm tra về an toàn, vệ sinh lao động."
    inspection.blocks.append(Block("p", text))

    accidents = data["accidents"]
    total = accidents["total"]["period"]
    accident = Section("Tình hình tai nạn lao động")
    if total["accidents"]:
        text = (
            f"Trong kỳ, trên địa bàn xã xảy ra {number(total['accidents'])} vụ tai nạn lao động "
            f"làm {number(total['victims'])} người bị nạn, trong đó {number(total['deaths'])} "
            f"người chết, {number(total['serious'])} người bị thương nặng. Số liệu theo khu vực, "
            "so với cùng kỳ năm trước:"
        )
    else:
        text = (
            "Trong kỳ, trên địa bàn xã không xảy ra tai nạn lao động được khai báo. Số liệu theo "
            "khu vực, so với cùng kỳ năm trước:"
        )
    accident.blocks.append(Block("p", text))
    accident.blocks.append(Block("table", table=_accident_table(data)))
    for row in accidents["sectors"]:
        if row.get("previous_source"):
            accident.blocks.append(
                Block(
                    "note",
                    f"Số liệu cùng kỳ khu vực {row['label'][0].lower()}{row['label'][1:]} theo "
                    f"{row['previous_source']} (trước khi có Cổng ATVSLĐ).",
                )
            )
    if accidents.get("commuting"):
        accident.blocks.append(
            Block(
                "note",
                f"Ngoài ra có {number(accidents['commuting'])} vụ tai nạn trên đường đi, về nơi "
                "làm việc của người lao động các doanh nghiệp, không tính vào bảng trên.",
            )
        )
    for revision in accidents.get("revisions") or []:
        accident.blocks.append(Block("p", revision["text"]))
    accident.blocks.append(
        Block(
            "chart",
            chart="accidents_by_sector",
            caption="Biểu đồ 1. Người bị nạn theo khu vực và mức độ",
        )
    )

    health = Section("Khám phát hiện bệnh nghề nghiệp, quan trắc môi trường lao động, huấn luyện")
    health.blocks += _sentence_health(data)

    budget = Section(f"Kinh phí thực hiện Kế hoạch năm {data['budget']['year']}")
    if data["budget"]["lines"]:
        budget.blocks.append(Block("table", table=_budget_table(data)))
    else:
        budget.blocks.append(Block("p", "Chưa có dòng kinh phí nào của Kế hoạch cho năm này."))

    indicators = Section("Kết quả thực hiện các chỉ tiêu")
    indicators.blocks.append(Block("table", table=_indicator_table(data)))
    note = (
        "Chỉ tiêu được tính từ dữ liệu trên Cổng ATVSLĐ; số trong ngoặc là tử số/mẫu số của tỷ lệ; "
        "\u201ctạm tính\u201d: một phần số liệu lấy từ nguồn thay thế."
    )
    if data.get("indicators_computed_at"):
        computed = timezone.localtime(datetime.fromisoformat(data["indicators_computed_at"]))
        note += f" Số liệu cập nhật lúc {computed:%H:%M} ngày {computed:%d/%m/%Y}."
    indicators.blocks.append(Block("note", note))
    indicators.blocks.append(
        Block(
            "chart",
            chart="fatality_trend",
            caption="Biểu đồ 2. Tần suất tai nạn lao động chết người so với mục tiêu",
        )
    )

    order = [leadership, propaganda, inspection, accident, health, budget, indicators]
    if report.variant == Variant.ACTION_MONTH:
        order = [propaganda, inspection, leadership, accident, health, budget, indicators]
    for index, section in enumerate(order, 1):
        section.title = f"{index}. {section.title}"
    return order


def _closing(report: QuarterlyReport, data: dict) -> str:
    name = data["commune"]["name"]
    if report.variant == Variant.COUNCIL:
        return f"Ủy ban nhân dân xã {name} kính báo cáo Hội đồng nhân dân xã./."
    if report.variant == Variant.ACTION_MONTH:
        return (
            "Trên đây là báo cáo kết quả tổ chức Tháng hành động về an toàn, vệ sinh lao động năm "
            f"{report.year} của Ủy ban nhân dân xã {name}./."
        )
    return (
        "Trên đây là báo cáo kết quả thực hiện công tác an toàn, vệ sinh lao động "
        f"{data['period']['words']} của Ủy ban nhân dân xã {name}./."
    )


def document_content(report: QuarterlyReport, data: dict) -> Content:
    """The report as parts, sections, paragraphs and tables, from the figures and the report's
    narrative (the drafted text where the official left a part empty)."""
    drafted: dict[str, str] | None = None
    narrative = {}
    for name in QuarterlyReport.NARRATIVE_FIELDS:
        text = (getattr(report, name, "") or "").strip()
        if not text:
            drafted = drafted or draft_narrative(report, data)
            text = drafted[name]
        narrative[name] = text
    parts = [
        Part("I. KẾT QUẢ THỰC HIỆN", sections=_results_sections(report, data, narrative)),
        Part(
            "II. ĐÁNH GIÁ CHUNG",
            sections=[
                Section("1. Ưu điểm", _paragraphs(narrative["strengths"])),
                Section("2. Hạn chế, tồn tại", _paragraphs(narrative["shortcomings"])),
                Section("3. Nguyên nhân", _paragraphs(narrative["causes"])),
            ],
        ),
        Part(
            f"III. NHIỆM VỤ, GIẢI PHÁP {_next_period_title(report)}",
            blocks=_paragraphs(narrative["next_tasks"]),
        ),
        Part("IV. ĐỀ XUẤT, KIẾN NGHỊ", blocks=_paragraphs(narrative["proposals"])),
    ]
    return Content(_paragraphs(narrative["introduction"]), parts, _closing(report, data))


def recipients(report: QuarterlyReport) -> list[str]:
    """The Nơi nhận lines without their leading "-" and closing ";" or "." (the frame adds
    them: ";" after each line, "." after the last)."""
    lines = []
    for line in (report.recipients or "").splitlines():
        line = line.strip().lstrip("-").strip().rstrip(";.").strip()
        if line:
            lines.append(line)
    return lines


def signer_lines(report: QuarterlyReport) -> list[str]:
    """``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` (upper case)."""
    return [
        line.upper()
        for line in (report.signer_authority, report.signer_deputy, report.signer_title)
        if line and line.strip()
    ]
