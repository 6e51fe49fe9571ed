"""The commune's documents for accidents of workers without a labour contract (DOMAIN §3.6):
the biên bản ghi nhận sự việc, the quick report (Mẫu số 06) and the accident register.

Official wording is Vietnamese template text, not translated UI strings. PDFs use the Decree 30
frame (``templates/pdf/_base_decree30.html``); .docx files use ``atvsld_portal.exports``.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone, translation

from atvsld_portal.dates import document_date
from atvsld_portal.exports import docx_bytes, write_xlsx, xlsx_response
from atvsld_portal.models import AdministrativeUnit
from atvsld_portal.pdf import render_pdf
from incidents.models import Accident, IncidentRecord, Victim

DEFAULT_QUICK_REPORT_FORM_VERSION = (
    "Mẫu số 06 Phụ lục II NĐ 129/2025/NĐ-CP (nội dung tạm theo DOMAIN)"
)
DOTS = "…" * 30
REGISTER_HEADER = [
    "Số tiếp nhận",
    "Ngày xảy ra",
    "Nơi xảy ra",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Nghề nghiệp",
    "Mức độ",
    "Yếu tố gây chấn thương",
    "Nguyên nhân chính",
    "Số ngày nghỉ",
    "Trạng thái",
]
SEVERITY_TEXT = {
    Victim.Severity.FATAL: "Chết",
    Victim.Severity.SERIOUS: "Bị thương nặng",
    Victim.Severity.MINOR: "Bị thương nhẹ",
}


# ------------------------------------------------------------------------------
# Shared
# ------------------------------------------------------------------------------
def quick_report_form_version() -> str:
    return getattr(settings, "QUICK_REPORT_FORM_VERSION", DEFAULT_QUICK_REPORT_FORM_VERSION)


def _issuing_body(commune: AdministrativeUnit) -> str:
    return f"Ủy ban nhân dân\nxã {commune.name}"


def _province_name(commune: AdministrativeUnit) -> str:
    return commune.parent.name if commune.parent_id else DOTS


def _local(value):
    return timezone.localtime(value) if value is not None and timezone.is_aware(value) else value


def _time_text(value) -> str:
    """``08 giờ 30 phút, ngày 10 tháng 3 năm 2026``."""
    local = _local(value)
    return f"{local:%H} giờ {local:%M} phút, {document_date(local.date())}"


def _victim_line(victim: Victim) -> dict[str, Any]:
    return {
        "full_name": victim.full_name,
        "sex": "Nam" if victim.sex == Victim.Sex.MALE else "Nữ",
        "birth_year": str(victim.birth_year) if victim.birth_year else "",
        "occupation": victim.occupation_name,
        "severity": SEVERITY_TEXT[victim.severity],
        "treatment_place": victim.treatment_place,
    }


def _place_text(accident: Accident) -> str:
    parts = [accident.place]
    if accident.village_id:
        parts.append(str(accident.village))
    parts.append(f"xã {accident.commune.name}, tỉnh {_province_name(accident.commune)}")
    return ", ".join(parts)


# ------------------------------------------------------------------------------
# Biên bản ghi nhận sự việc (one seriously injured worker without a contract)
# ------------------------------------------------------------------------------
def _record_victim(accident: Accident) -> Victim | None:
    victims = list(accident.victims.all())
    serious = [v for v in victims if v.severity == Victim.Severity.SERIOUS]
    return (serious or victims or [None])[0]


def incident_record_context(record: IncidentRecord) -> dict[str, Any]:
    accident = record.accident
    commune = accident.commune
    victim = _record_victim(accident)
    members = [line.strip() for line in record.members_present.splitlines() if line.strip()]
    return {
        "record": record,
        "accident": accident,
        "victim": _victim_line(victim) if victim else None,
        "members": members,
        "recorded_time": _time_text(record.recorded_at),
        "accident_time": _time_text(accident.occurred_at),
        "accident_place": _place_text(accident),
        "doc": {
            "issuing_body": _issuing_body(commune),
            "symbol": "BB-UBND",
            "place": commune.name,
            "issued_on": record.recorded_at,
            "doc_type": "Biên bản",
            "summary": "Ghi nhận sự việc tai nạn lao động",
            "recipients": [
                f"Sở Nội vụ tỉnh {_province_name(commune)}",
                "Người bị nạn hoặc thân nhân người bị nạn",
                "Lưu: VT, VHXH",
            ],
            "signer_position": "Người lập biên bản",
            "signer_name": record.recorded_by.get_full_name() if record.recorded_by_id else "",
        },
    }


def incident_record_pdf(record: IncidentRecord) -> bytes:
    return render_pdf("incidents/pdf/incident_record.html", incident_record_context(record))


def incident_record_docx(record: IncidentRecord) -> bytes:
    ctx = incident_record_context(record)
    doc, victim = ctx["doc"], ctx["victim"] or {}
    paragraphs = [
        f"Hồi {ctx['recorded_time']}, tại {record.recorded_place}, chúng tôi gồm:",
        *[f"{i}. {member}" for i, member in enumerate(ctx["members"], start=1)],
        "Tiến hành lập biên bản ghi nhận sự việc tai nạn lao động như sau:",
        "1. Người bị nạn:",
        f"Họ và tên: {victim.get('full_name', '')}; giới tính: {victim.get('sex', '')}; "
        f"năm sinh: {victim.get('birth_year') or DOTS}; "
        f"nghề nghiệp: {victim.get('occupation', '')}.",
        f"2. Thời gian xảy ra tai nạn: {ctx['accident_time']}.",
        f"3. Nơi xảy ra tai nạn: {ctx['accident_place']}.",
        f"4. Công việc đang làm khi bị tai nạn: {record.work_being_done}",
        f"5. Diễn biến sự việc: {record.accident.account}",
        f"6. Tình trạng thương tích và nơi điều trị: {record.injuries_and_treatment}",
        f"7. Nguyên nhân ban đầu: {record.preliminary_cause}",
        "Biên bản được lập xong hồi ... giờ ... cùng ngày, đã đọc lại cho những người có mặt "
        "cùng nghe và thống nhất ký tên dưới đây./.",
        "NHỮNG NGƯỜI CÓ MẶT (ký, ghi rõ họ tên):",
        *[f"{member}: {DOTS}" for member in ctx["members"]],
        f"{doc['signer_position'].upper()}: {doc['signer_name']}",
    ]
    return docx_bytes(_docx_title(doc), paragraphs)


def _docx_title(doc: dict[str, Any], form_version: str = "") -> str:
    """The Decree 30 heading as one bold block (python-docx turns newlines into line breaks)."""
    issued = doc.get("issued_on")
    date_line = document_date(_local(issued).date()) if issued else "ngày … tháng … năm …"
    number = doc.get("number") or f"     /{doc.get('symbol', '')}"
    lines = [
        form_version,
        doc["issuing_body"].upper().replace("\n", " "),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}",
        f"{doc['place']}, {date_line}",
        "",
        doc["doc_type"].upper(),
        doc["summary"],
    ]
    return "\n".join(lines if form_version else lines[1:])


# ------------------------------------------------------------------------------
# Quick report (Mẫu số 06 Phụ lục II NĐ 129/2025): a death or two or more seriously injured
# ------------------------------------------------------------------------------
def quick_report_context(accident: Accident) -> dict[str, Any]:
    commune = accident.commune
    province = _province_name(commune)
    victims = [_victim_line(v) for v in accident.victims.all()]
    addressees = [f"Công an xã {commune.name}", f"Sở Nội vụ tỉnh {province}"]
    return {
        "accident": accident,
        "form_version": quick_report_form_version(),
        "addressees": addressees,
        "victims": victims,
        "fatal_count": sum(v["severity"] == "Chết" for v in victims),
        "serious_count": sum(v["severity"] == "Bị thương nặng" for v in victims),
        "accident_time": _time_text(accident.occurred_at),
        "accident_place": _place_text(accident),
        "measures": DOTS,
        "doc": {
            "issuing_body": _issuing_body(commune),
            "symbol": "BC-UBND",
            "place": commune.name,
            "issued_on": getattr(accident, "quick_report_sent_at", None),
            "doc_type": "Báo cáo",
            "summary": "Báo cáo nhanh tai nạn lao động",
            "recipients": [*addressees, "Lưu: VT, VHXH"],
            "signer_authority": "TM. Ủy ban nhân dân",
            "signer_position": "Chủ tịch",
            "signer_name": "",
        },
    }


def quick_report_pdf(accident: Accident) -> bytes:
    return render_pdf("incidents/pdf/quick_report.html", quick_report_context(accident))


def quick_report_docx(accident: Accident) -> bytes:
    ctx = quick_report_context(accident)
    doc = ctx["doc"]
    paragraphs = [
        "Kính gửi: " + "; ".join(ctx["addressees"]) + ".",
        f"Ủy ban nhân dân xã {accident.commune.name} báo cáo nhanh vụ tai nạn lao động như sau:",
        f"1. Thời gian xảy ra tai nạn: {ctx['accident_time']}.",
        f"2. Nơi xảy ra tai nạn: {ctx['accident_place']}.",
        f"3. Tóm tắt diễn biến, đánh giá ban đầu về nguyên nhân: {accident.account}",
        f"4. Số người bị nạn: {len(ctx['victims'])}; số người chết: {ctx['fatal_count']}; "
        f"số người bị thương nặng: {ctx['serious_count']}. Danh sách người bị nạn:",
    ]
    table = (
        ["TT", "Họ và tên", "Giới tính", "Năm sinh", "Nghề nghiệp", "Tình trạng"],
        [
            [i, v["full_name"], v["sex"], v["birth_year"], v["occupation"], v["severity"]]
            for i, v in enumerate(ctx["victims"], start=1)
        ],
    )
    closing = [
        f"5. Các biện pháp Ủy ban nhân dân xã đã thực hiện: {ctx['measures']}",
        f"{doc['signer_authority'].upper()}",
        f"{doc['signer_position'].upper()}",
    ]
    return docx_bytes(
        _docx_title(doc, form_version=ctx["form_version"]), paragraphs, table, closing=closing
    )


# ------------------------------------------------------------------------------
# Accident register (sổ thống kê TNLĐ) of a commune's informal sector
# ------------------------------------------------------------------------------
def register_accidents(*, commune: AdministrativeUnit, year: int) -> QuerySet[Accident]:
    """Counted accidents (no drafts, no technical incidents) of workers without a contract that
    happened in the commune during the local calendar year."""
    return (
        Accident.objects.counted()
        .filter(sector=Accident.Sector.INFORMAL, commune=commune, occurred_at__year=year)
        .select_related("injury_factor", "commune")
        .prefetch_related(Prefetch("victims", queryset=Victim.objects.order_by("pk")))
        .order_by("occurred_at", "pk")
    )


REGISTER_SHEET_TITLE = "Sổ thống kê TNLĐ"
REGISTER_COLUMN_WIDTHS = (18, 12, 28, 24, 9, 9, 20, 14, 24, 30, 10, 20)
REGISTER_NUMBER_FORMATS = {1: "DD/MM/YYYY"}  # Ngày xảy ra
# Accidents fetched (with their victims' prefetch) per database round trip when the register is
# streamed from a queryset.
REGISTER_CHUNK_SIZE = 2000


@functools.lru_cache(maxsize=8)
def _choice_labels(language: str | None) -> dict[str, dict[str, str]]:
    """The register's choice labels as plain strings, built once per language.

    ``get_FOO_display`` rebuilds the choices dict and resolves a lazy label on every call; on a
    50 000-accident export that was about a third of the row builder's time.
    """
    return {
        name: {value: str(label) for value, label in Accident._meta.get_field(name).flatchoices}
        for name in ("main_cause", "status")
    }


def _accident_stream(accidents: Iterable[Accident]) -> Iterator[Accident]:
    """A queryset is read in chunks (each chunk prefetches its own victims), so a whole year of
    accidents is never held in memory at once; any other iterable is read as it is."""
    if isinstance(accidents, QuerySet) and accidents._result_cache is None:
        return accidents.iterator(chunk_size=REGISTER_CHUNK_SIZE)
    return iter(accidents)


def iter_register_rows(accidents: Iterable[Accident]) -> Iterator[list]:
    """One row per victim, typed (dates as dates, years and days as integers), streamed."""
    labels = _choice_labels(translation.get_language())
    causes, statuses = labels["main_cause"], labels["status"]
    for accident in _accident_stream(accidents):
        occurred_on = _local(accident.occurred_at).date()
        factor = str(accident.injury_factor.name) if accident.injury_factor_id else ""
        main_cause = accident.main_cause
        cause = causes.get(main_cause, main_cause) if main_cause else ""
        status = statuses.get(accident.status, accident.status)
        receipt_number = accident.receipt_number or ""
        for victim in accident.victims.all():
            severity = SEVERITY_TEXT[victim.severity]
            yield [
                receipt_number,
                occurred_on,
                accident.place,
                victim.full_name,
                "Nam" if victim.sex == Victim.Sex.MALE else "Nữ",
                victim.birth_year,
                victim.occupation_name,
                severity,
                factor,
                cause,
                victim.days_off,
                status,
            ]


def register_rows(accidents: Iterable[Accident]) -> list[list]:
    """One row per victim, typed (dates as dates, years and days as integers)."""
    return list(iter_register_rows(accidents))


def write_register_xlsx(target: Any, accidents: Iterable[Accident]) -> None:
    """The register workbook, written row by row (openpyxl write-only mode)."""
    write_xlsx(
        target,
        REGISTER_HEADER,
        iter_register_rows(accidents),
        sheet_title=REGISTER_SHEET_TITLE,
        column_widths=REGISTER_COLUMN_WIDTHS,
        number_formats=REGISTER_NUMBER_FORMATS,
    )


def register_xlsx(accidents: Iterable[Accident]) -> bytes:
    buffer = io.BytesIO()
    write_register_xlsx(buffer, accidents)
    return buffer.getvalue()


def register_xlsx_response(accidents: Iterable[Accident], filename: str) -> FileResponse:
    """The register workbook streamed from a spooled temporary file."""
    return xlsx_response(
        filename,
        REGISTER_HEADER,
        iter_register_rows(accidents),
        sheet_title=REGISTER_SHEET_TITLE,
        column_widths=REGISTER_COLUMN_WIDTHS,
        number_formats=REGISTER_NUMBER_FORMATS,
    )


def register_pdf(accidents: Iterable[Accident], year: int, commune: AdministrativeUnit) -> bytes:
    context = {
        "rows": register_rows(accidents),
        "header": REGISTER_HEADER,
        "year": year,
        "commune": commune,
        "doc": {
            "issuing_body": _issuing_body(commune),
            "symbol": "UBND",
            "place": commune.name,
            "issued_on": timezone.now(),
            "doc_type": "Sổ thống kê tai nạn lao động",
            "summary": f"Khu vực người lao động làm việc không theo hợp đồng lao động năm {year}",
            "recipients": ["Lưu: VT, VHXH"],
            "signer_position": "Người lập sổ",
            "signer_name": "",
        },
    }
    return render_pdf("incidents/pdf/register.html", context)


# ------------------------------------------------------------------------------
# What the accident detail page shows in the documents card
# ------------------------------------------------------------------------------
def informal_documents_status(accident: Accident, victims: list[Victim]) -> dict[str, Any]:
    """Which informal-sector documents this accident needs and which are still missing."""
    from incidents.services import is_urgent, needs_incident_record

    applies = (
        accident.sector == Accident.Sector.INFORMAL
        and accident.kind == Accident.Kind.ACCIDENT
        and not accident.is_draft
    )
    record = IncidentRecord.objects.filter(accident=accident).first() if applies else None
    return {
        "applies": applies,
        "needs_record": applies and needs_incident_record(victims),
        "record": record,
        "needs_quick_report": applies and is_urgent(victims),
        "quick_report_sent_at": getattr(accident, "quick_report_sent_at", None),
        "quick_report_method": (
            accident.get_quick_report_method_display()
            if getattr(accident, "quick_report_method", "")
            else ""
        ),
        "quick_report_recipients": getattr(accident, "quick_report_recipients", ""),
    }
