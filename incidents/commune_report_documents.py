"""The commune's report on accidents of workers without a labour contract, sent to Sở Nội vụ
(DOMAIN §3.8; NĐ 39 Art 24.2, Phụ lục XVI as modelled until the official form is confirmed).

``report_content`` turns the figures of ``services.reports.commune_report_content`` (live until
the report is sent, frozen after) into what the page and the documents print: Part I totals,
Part II breakdowns, Part III the fatal and serious victims, Part IV damage and Part V technical
incidents. The PDF is rendered on the Decree 30 frame from the templates of the report's form
version (``templates/incidents/commune_report/<form_version>/``); the .docx and .xlsx follow the
same parts. Official wording is Vietnamese template text, not translated UI strings.

Victims' names are personal data: the caller says whether the reader may see them
(``show_names``); without that right the name is left out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.formats import number_format

from atvsld_portal.dates import document_date
from atvsld_portal.exports import docx_bytes, neutralise
from atvsld_portal.pdf import render_pdf
from incidents.models import CommuneAccidentReport
from incidents.services import reports

DOTS = "…" * 20
HIDDEN = "—"
# Columns of Table I (3-13, indexes 0-10) that the commune report prints, in this order.
TOTAL_COLUMNS = (0, 1, 2, 3, 5, 7, 9)
TOTAL_HEADERS = (
    "Số vụ",
    "Số vụ có người chết",
    "Số vụ có từ 2 người bị nạn trở lên",
    "Số người bị nạn",
    "Số lao động nữ",
    "Số người chết",
    "Số người bị thương nặng",
)
DAMAGE_ROWS = (
    ("days_off", "Tổng số ngày nghỉ vì tai nạn lao động (kể cả ngày nghỉ chế độ)", "ngày"),
    ("cost_total", "Tổng chi phí", "nghìn đồng"),
    ("cost_medical", "Trong đó: chi phí y tế", "nghìn đồng"),
    ("cost_wages", "Trả lương trong thời gian điều trị", "nghìn đồng"),
    ("cost_compensation", "Bồi thường, trợ cấp", "nghìn đồng"),
    ("property_damage", "Thiệt hại tài sản", "nghìn đồng"),
)
PART_TITLES = {
    "I": "I. Tình hình chung tai nạn lao động",
    "II": "II. Phân loại tai nạn lao động",
    "III": "III. Danh sách người bị nạn trong các vụ tai nạn lao động chết người và bị thương nặng",
    "IV": "IV. Thiệt hại do tai nạn lao động",
    "V": "V. Sự cố kỹ thuật gây mất an toàn, vệ sinh lao động nghiêm trọng",
    "VI": "VI. Nhận xét, kiến nghị",
}
BREAKDOWN_TITLES = (
    ("by_occupation", "1. Theo nghề nghiệp, lĩnh vực", "Nghề nghiệp, lĩnh vực"),
    ("by_factor", "2. Theo yếu tố gây chấn thương", "Yếu tố gây chấn thương"),
    ("by_village", "3. Theo thôn, buôn", "Thôn, buôn"),
)
VICTIM_HEADERS = (
    "TT",
    "Ngày xảy ra",
    "Nơi xảy ra",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Nghề nghiệp",
    "Mức độ",
    "Yếu tố gây chấn thương",
    "Tóm tắt diễn biến",
    "Số hồ sơ",
)
INCIDENT_HEADERS = ("TT", "Ngày xảy ra", "Nơi xảy ra", "Tóm tắt diễn biến", "Số hồ sơ")


# ------------------------------------------------------------------------------
# Content
# ------------------------------------------------------------------------------
@dataclass
class Breakdown:
    key: str
    title: str
    heading: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportContent:
    start: date
    end: date
    totals: list[int]
    breakdowns: list[Breakdown]
    victims: list[dict[str, Any]]
    damage: list[tuple[str, str, str, int]]
    incidents: list[dict[str, Any]]
    names_shown: bool

    @property
    def has_accidents(self) -> bool:
        return bool(self.totals and self.totals[0])


def pick(values: list[int]) -> list[int]:
    """The commune report's seven columns out of Table I's eleven."""
    values = list(values) + [0] * (11 - len(values))
    return [values[index] for index in TOTAL_COLUMNS]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def report_content(report: CommuneAccidentReport, *, show_names: bool) -> ReportContent:
    raw = reports.commune_report_content(report)
    breakdowns = [
        Breakdown(
            key=key,
            title=title,
            heading=heading,
            rows=[
                {"code": row.get("code", ""), "name": row["name"], "values": pick(row["values"])}
                for row in raw.get(key, [])
            ],
        )
        for key, title, heading in BREAKDOWN_TITLES
    ]
    victims = [
        {
            **victim,
            "date": _day(victim.get("date")),
            "name": victim.get("name", "") if show_names else HIDDEN,
            "birth_year": str(victim["birth_year"]) if victim.get("birth_year") else "",
        }
        for victim in raw.get("fatal_and_serious", [])
    ]
    damage_values = raw.get("damage", {})
    damage = [(key, label, unit, damage_values.get(key, 0)) for key, label, unit in DAMAGE_ROWS]
    incidents = [
        {**incident, "date": _day(incident.get("date"))}
        for incident in raw.get("technical_incidents", [])
    ]
    return ReportContent(
        start=_day(raw["start"]),
        end=_day(raw["end"]),
        totals=pick(raw.get("totals", [])),
        breakdowns=breakdowns,
        victims=victims,
        damage=damage,
        incidents=incidents,
        names_shown=show_names,
    )


# ------------------------------------------------------------------------------
# The document (Decree 30 frame)
# ------------------------------------------------------------------------------
def form_version(report: CommuneAccidentReport) -> str:
    """The report's form version if it is still configured, else the current default."""
    versions = reports.commune_report_form_versions()
    if report.form_version in versions:
        return report.form_version
    return settings.COMMUNE_ACCIDENT_REPORT_FORM


def form_version_label(report: CommuneAccidentReport) -> str:
    return reports.commune_report_form_versions().get(report.form_version, report.form_version)


def period_words(report: CommuneAccidentReport) -> str:
    """``6 tháng đầu năm 2026`` or ``năm 2026``."""
    if report.part == "h1":
        return f"6 tháng đầu năm {report.year}"
    return f"năm {report.year}"


def summary_line(report: CommuneAccidentReport) -> str:
    return (
        "Tình hình tai nạn lao động của người lao động làm việc không theo hợp đồng lao động "
        f"{period_words(report)}"
    )


def _province_name(report: CommuneAccidentReport) -> str:
    commune = report.commune
    return commune.parent.name if commune.parent_id else DOTS


def document_context(report: CommuneAccidentReport, *, show_names: bool) -> dict[str, Any]:
    commune = report.commune
    content = report_content(report, show_names=show_names)
    return {
        "report": report,
        "content": content,
        "draft": not report.is_sent,
        "year": str(report.year),
        "period_words": period_words(report),
        "form_version_label": form_version_label(report),
        "commune_name": commune.name,
        "remarks": [line.strip() for line in report.remarks.splitlines() if line.strip()],
        "total_headers": TOTAL_HEADERS,
        "victim_headers": VICTIM_HEADERS,
        "incident_headers": INCIDENT_HEADERS,
        "part_titles": PART_TITLES,
        "doc": {
            "issuing_body": f"Ủy ban nhân dân\nxã {commune.name}",
            "symbol": "BC-UBND",
            # Decree 30: the number is given once the report is signed; a draft leaves it blank.
            "number": report.document_number if report.is_sent else "",
            "place": commune.name,
            "issued_on": report.report_date,
            "doc_type": "Báo cáo",
            "summary": summary_line(report),
            "recipients": [f"Sở Nội vụ tỉnh {_province_name(report)}", "Lưu: VT"],
            "signer_authority": "TM. Ủy ban nhân dân",
            "signer_position": report.signer_title or "Chủ tịch",
            "signer_name": report.signer_name,
        },
    }


def filename(report: CommuneAccidentReport, ext: str) -> str:
    """``bao-cao-tnld-khong-hdld-2026-h1-30001.pdf``: ASCII only."""
    commune = report.commune
    identifier = re.sub(r"[^0-9A-Za-z-]", "", commune.code or commune.code_provisional or "")
    return f"bao-cao-tnld-khong-hdld-{report.year}-{report.part}-{identifier or 'xa'}.{ext}"


def pdf(ctx: dict[str, Any]) -> bytes:
    """The PDF of a ``document_context``, from the templates of the report's form version."""
    template = f"incidents/commune_report/{form_version(ctx['report'])}/report.html"
    return render_pdf(template, ctx)


# ------------------------------------------------------------------------------
# .docx and .xlsx
# ------------------------------------------------------------------------------
def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _counts_line(values: list[int]) -> str:
    return "; ".join(
        f"{header.lower()}: {_number(value)}"
        for header, value in zip(TOTAL_HEADERS, values, strict=True)
    )


def _date_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _docx_heading(ctx: dict[str, Any]) -> str:
    doc = ctx["doc"]
    issued = doc["issued_on"]
    number = doc["number"] or f"      /{doc['symbol']}"
    lines = [
        "DỰ THẢO" if ctx["draft"] else "",
        doc["issuing_body"].upper().replace("\n", " "),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}",
        f"{doc['place']}, "
        + (document_date(issued) if issued else f"ngày … tháng … năm {ctx['year']}"),
        "",
        doc["doc_type"].upper(),
        doc["summary"],
    ]
    return "\n".join(line for index, line in enumerate(lines) if line or index)


def docx(ctx: dict[str, Any]) -> bytes:
    content: ReportContent = ctx["content"]
    doc = ctx["doc"]
    paragraphs = [
        f"({ctx['form_version_label']})",
        f"Ủy ban nhân dân xã {ctx['commune_name']} báo cáo tình hình tai nạn lao động của người "
        "lao động làm việc không theo hợp đồng lao động trên địa bàn xã từ ngày "
        f"{_date_text(content.start)} đến ngày {_date_text(content.end)} như sau:",
        PART_TITLES["I"],
        _counts_line(content.totals).capitalize() + ".",
        PART_TITLES["II"],
    ]
    for breakdown in content.breakdowns:
        paragraphs.append(breakdown.title)
        paragraphs += [
            f"- {row['name']}: {_counts_line(row['values'])}." for row in breakdown.rows
        ] or ["Không có."]
    paragraphs.append(PART_TITLES["III"])
    table = None
    if content.victims:
        table = (
            list(VICTIM_HEADERS),
            [
                [
                    index,
                    _date_text(victim["date"]),
                    ", ".join(p for p in (victim.get("place"), victim.get("village")) if p),
                    victim["name"],
                    victim.get("sex", ""),
                    victim["birth_year"],
                    victim.get("occupation", ""),
                    victim.get("severity", ""),
                    victim.get("factor", ""),
                    victim.get("account", ""),
                    victim.get("reference", ""),
                ]
                for index, victim in enumerate(content.victims, start=1)
            ],
        )
    else:
        paragraphs.append("Không có.")
    closing = [PART_TITLES["IV"]]
    closing += [
        f"- {label}: {_number(value)} {unit}." for _key, label, unit, value in content.damage
    ]
    closing.append(PART_TITLES["V"])
    closing += [
        f"{index}. Ngày {_date_text(incident['date'])}, "
        f"{', '.join(p for p in (incident.get('place'), incident.get('village')) if p)}: "
        f"{incident.get('account', '')}"
        + (f" (số hồ sơ {incident['reference']})" if incident.get("reference") else "")
        for index, incident in enumerate(content.incidents, start=1)
    ] or ["Không có."]
    closing.append(PART_TITLES["VI"])
    closing += ctx["remarks"] or [DOTS]
    closing += [
        f"Ủy ban nhân dân xã {ctx['commune_name']} kính báo cáo./.",
        "Nơi nhận:",
        *[
            f"- {recipient}{'.' if last else ';'}"
            for recipient, last in _with_last(doc["recipients"])
        ],
        doc["signer_authority"].upper(),
        doc["signer_position"].upper(),
        "",
        doc["signer_name"],
    ]
    return docx_bytes(_docx_heading(ctx), paragraphs, table, closing=closing)


def _with_last(items: list[str]):
    return [(item, index == len(items) - 1) for index, item in enumerate(items)]


def xlsx(ctx: dict[str, Any]) -> bytes:
    """One sheet laid out like the document: heading, then Parts I-VI one under the other."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    content: ReportContent = ctx["content"]
    doc = ctx["doc"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo TNLĐ"
    bold = Font(bold=True)

    def line(*cells: Any, strong: bool = False) -> None:
        sheet.append([neutralise(cell) for cell in cells])
        if strong:
            for cell in sheet[sheet.max_row]:
                cell.font = bold

    if ctx["draft"]:
        line("DỰ THẢO", strong=True)
    line(doc["issuing_body"].upper().replace("\n", " "), strong=True)
    line(f"Số: {doc['number'] or '      /' + doc['symbol']}")
    issued = doc["issued_on"]
    line(
        f"{doc['place']}, "
        + (document_date(issued) if issued else f"ngày … tháng … năm {ctx['year']}")
    )
    line("BÁO CÁO", strong=True)
    line(doc["summary"], strong=True)
    line(f"({ctx['form_version_label']})")
    line(f"Từ ngày {_date_text(content.start)} đến ngày {_date_text(content.end)}")
    line()
    line(PART_TITLES["I"], strong=True)
    line(*TOTAL_HEADERS, strong=True)
    line(*content.totals)
    line()
    line(PART_TITLES["II"], strong=True)
    for breakdown in content.breakdowns:
        line(breakdown.title, strong=True)
        line(breakdown.heading, *TOTAL_HEADERS, strong=True)
        for row in breakdown.rows:
            line(row["name"], *row["values"])
    line()
    line(PART_TITLES["III"], strong=True)
    line(*VICTIM_HEADERS, strong=True)
    for index, victim in enumerate(content.victims, start=1):
        line(
            index,
            victim["date"],
            ", ".join(p for p in (victim.get("place"), victim.get("village")) if p),
            victim["name"],
            victim.get("sex", ""),
            victim["birth_year"],
            victim.get("occupation", ""),
            victim.get("severity", ""),
            victim.get("factor", ""),
            victim.get("account", ""),
            victim.get("reference", ""),
        )
    line()
    line(PART_TITLES["IV"], strong=True)
    for _key, label, unit, value in content.damage:
        line(label, value, unit)
    line()
    line(PART_TITLES["V"], strong=True)
    line(*INCIDENT_HEADERS, strong=True)
    for index, incident in enumerate(content.incidents, start=1):
        line(
            index,
            incident["date"],
            ", ".join(p for p in (incident.get("place"), incident.get("village")) if p),
            incident.get("account", ""),
            incident.get("reference", ""),
        )
    line()
    line(PART_TITLES["VI"], strong=True)
    for remark in ctx["remarks"]:
        line(remark)
    line()
    line("Nơi nhận:", strong=True)
    for recipient, last in _with_last(doc["recipients"]):
        line(f"- {recipient}{'.' if last else ';'}")
    line(doc["signer_authority"].upper(), strong=True)
    line(doc["signer_position"].upper(), strong=True)
    line(doc["signer_name"], strong=True)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    sheet.column_dimensions["A"].width = 40
    for column in "BCDEFGHIJK":
        sheet.column_dimensions[column].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
