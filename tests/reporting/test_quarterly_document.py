"""The report to the Party committee as a document (reporting.quarterly): the figures of a
hand-prepared data set, the drafted narrative, the PDF on the Decree 30 frame (text, table cells,
positions, A4, embedded fonts, page numbers, draft and final marks), the variants, the .docx and
the .xlsx, and the revision of an issued report's figures by a late accident.

Every expected figure is written out literally and worked out by hand in the data set's
docstring, never recomputed with the code under test.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import pdfplumber
import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from incidents.models import Accident, DiseaseCase, Victim
from plans.models import ActivityReport, PlanBudget, PlanGoal
from reporting import quarterly, report_services
from reporting.models import QuarterlyReport
from reporting.services import indicators_recompute
from tests.core.factories import ResponsibleUnitFactory
from tests.incidents.factories import (
    HCM,
    AccidentFactory,
    DiseaseCaseFactory,
    ReceivedAccidentFactory,
    VictimFactory,
)
from tests.plans.factories import ActivityReportFactory, AssignmentFactory, PlanFactory
from tests.reporting.factories import (
    ApprovedAnnualReportFactory,
    ApprovedExamFactory,
    ApprovedMonitoringFactory,
    local,
)

pytestmark = pytest.mark.django_db
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR
Variant = QuarterlyReport.Variant
Kind = ActivityReport.Kind
NOW = datetime(2026, 10, 20, 9, 0, tzinfo=HCM)
VERIFY_URL = (
    "https://atvsld.example.vn/reporting/reports/verify/3f0c9a52-8d1e-4b7a-9c55-2e61d7a0b4f1/"
)
SIGNER = "Nguyễn Văn An"
SUMMARY_Q3 = (
    "Kết quả thực hiện Kế hoạch số 45/KH-UBND ngày 10/4/2026 về thực hiện Chỉ thị số 31-CT/TW "
    "ngày 19/3/2024 của Ban Bí thư về công tác an toàn, vệ sinh lao động, quý III năm 2026"
)


@pytest.fixture(autouse=True)
def _now():
    """20 October 2026: the third quarter has ended and its assignments are past their grace
    days (10), so an assignment without an accepted report in the quarter is overdue."""
    with time_machine.travel(NOW, tick=False):
        yield


def accident(enterprise, when, *severities, **fields) -> Accident:
    counted = ReceivedAccidentFactory(enterprise=enterprise, occurred_at=when, **fields)
    for severity in severities:
        VictimFactory(accident=counted, severity=severity)
    return counted


@pytest.fixture
def dataset(commune, enterprise, other_enterprise, officer):
    """Ea Ly, third quarter of 2026.

    Accidents (local dates; employed = enterprises registered in the commune):
      A 12/08/2026 enterprise: fatal + serious   -> Q3 employed
      B 03/09/2026 other enterprise: minor       -> Q3 employed
      C 01/07/2026 00:30 other enterprise: minor -> Q3 employed (30/06 17:30 UTC)
      D 01/08/2025 enterprise: minor             -> Q3 2025 employed
      E 10/02/2026 enterprise: serious           -> Q1 2026 employed
      F 30/06/2026 23:30 enterprise: minor       -> Q2 2026 employed (local date)
      G 08/07/2026 informal, in the commune: serious -> Q3 informal
      commuting accident 20/07/2026 and a draft fatal accident 15/08/2026: not counted.
    Employed Q3 2026: 3 accidents (A, B, C), 4 victims, 1 death, 1 serious.
    Employed Q3 2025: 1 accident, 1 victim, 0 deaths, 0 serious.
    Employed 1/1-30/9/2026: 5 accidents (A, B, C, E, F), 6 victims, 1 death, 2 serious.
    Informal Q3 2026 = year to date: 1 accident, 1 victim, 0 deaths, 1 serious.
    Totals Q3 2026: 4 accidents, 5 victims, 1 death, 2 serious; Q3 2025: 1, 1, 0, 0;
    year to date: 6 accidents, 7 victims, 1 death, 3 serious.

    Accepted activity reports of the plan in Q3 2026: radio 6 news items / 18 airings and 2 / 4
    (8 / 22); 12 banners; a meeting of 2 sessions, 150 participants; a dialogue of 1 session,
    40 participants; an inspection of 5 establishments, 2 violations; a training of 1 session,
    45 participants, 38 workers trained; one document. Propaganda: 5 activities, 8 news items,
    22 airings, 12 banners, 3 sessions, 190 participants. People reached (every accepted report's
    participants, the indicator's rule): 150 + 40 + 45 = 235. Not counted: a submitted radio
    report (100 news items) and an accepted one dated in May (50 news items).
    """
    doc = report_services.document_settings_for(commune)
    doc.signer_name = SIGNER
    doc.save()
    plan = PlanFactory(commune=commune, number="45", symbol="KH-UBND", issued_on=date(2026, 4, 10))
    for order, (code, method, value) in enumerate(
        [
            ("fatality_frequency", PlanGoal.Method.YEAR_OVER_YEAR, 4),
            ("exposed_exam_coverage", PlanGoal.Method.LEVEL, 100),
            ("monitored_enterprises", PlanGoal.Method.YEAR_OVER_YEAR, 5),
        ]
    ):
        PlanGoal.objects.create(
            plan=plan,
            order=order,
            text=f"Mục tiêu {order + 1}",
            indicator=code,
            direction=PlanGoal.Direction.DECREASE
            if code == "fatality_frequency"
            else PlanGoal.Direction.REACH,
            target_value=value,
            method=method,
        )
    unit = ResponsibleUnitFactory(
        commune=commune, kind="culture_radio", name="Công chức Văn hóa - Thông tin"
    )
    done = AssignmentFactory(task__group__plan=plan, unit=unit)
    police = ResponsibleUnitFactory(commune=commune, kind="police", name="Công an xã Ea Ly")
    AssignmentFactory(
        task__group__plan=plan, task__text="Kiểm tra an toàn tại các mỏ đá", unit=police
    )

    def activity(day, kind, status=ActivityReport.Status.ACCEPTED, **outputs):
        defaults = dict.fromkeys(("sessions", "participants"), 0)
        return ActivityReportFactory(
            assignment=done,
            occurred_on=day,
            kind=kind,
            status=status,
            **{**defaults, **outputs},
        )

    activity(date(2026, 7, 15), Kind.RADIO, broadcasts=6, airings=18)
    activity(date(2026, 8, 20), Kind.RADIO, broadcasts=2, airings=4)
    activity(date(2026, 7, 20), Kind.BANNERS, banners=12)
    activity(date(2026, 8, 5), Kind.PROPAGANDA_MEETING, sessions=2, participants=150)
    activity(date(2026, 9, 10), Kind.DIALOGUE, sessions=1, participants=40)
    activity(date(2026, 9, 15), Kind.INSPECTION, establishments_inspected=5, violations_found=2)
    activity(date(2026, 8, 25), Kind.TRAINING, sessions=1, participants=45, workers_trained=38)
    activity(
        date(2026, 7, 2),
        Kind.DOCUMENT,
        description="Công văn số 120/UBND-VHXH về tăng cường công tác ATVSLĐ mùa mưa bão",
    )
    activity(date(2026, 8, 1), Kind.RADIO, status=ActivityReport.Status.SUBMITTED, broadcasts=100)
    activity(date(2026, 5, 10), Kind.RADIO, broadcasts=50, airings=50)

    accident(enterprise, local(2026, 8, 12), FATAL, SERIOUS)
    accident(other_enterprise, local(2026, 9, 3), MINOR)
    accident(other_enterprise, local(2026, 7, 1, 0, 30), MINOR)
    accident(enterprise, local(2025, 8, 1), MINOR)
    accident(enterprise, local(2026, 2, 10), SERIOUS)
    accident(enterprise, local(2026, 6, 30, 23, 30), MINOR)
    accident(
        None,
        local(2026, 7, 8),
        SERIOUS,
        commune=commune,
        sector=Accident.Sector.INFORMAL,
        place="Rẫy cà phê thôn 3",
    )
    accident(enterprise, local(2026, 7, 20), MINOR, commuting=True)
    draft = AccidentFactory(enterprise=enterprise, occurred_at=local(2026, 8, 15))
    VictimFactory(accident=draft, severity=FATAL)

    ApprovedAnnualReportFactory(enterprise=enterprise, year=2025, workers_total=1000)
    ApprovedExamFactory(
        enterprise=enterprise, exam_date=date(2026, 8, 20), workers_examined=30, suspected=1
    )
    ApprovedMonitoringFactory(
        enterprise=enterprise, sampled_from=date(2026, 9, 10), sampled_to=date(2026, 9, 11)
    )
    DiseaseCaseFactory(
        enterprise=enterprise, exam_date=date(2026, 8, 25), result=DiseaseCase.Result.CONFIRMED
    )
    PlanBudget.objects.create(
        plan=plan,
        year=2026,
        purpose="Tuyên truyền Tháng hành động về ATVSLĐ",
        source="Ngân sách xã",
        allocated=15_000_000,
        spent=12_500_000,
    )
    PlanBudget.objects.create(
        plan=plan,
        year=2026,
        purpose='=HYPERLINK("http://x")',
        source="Ngân sách xã",
        allocated=1_000_000,
        spent=0,
    )
    for index in range(1, 25):  # long enough to run over several pages
        PlanBudget.objects.create(
            plan=plan,
            year=2026,
            purpose=f"Hoạt động hỗ trợ số {index:02d}",
            source="Nguồn xã hội hóa",
            allocated=2_000_000,
            spent=1_000_000,
        )
    PlanBudget.objects.create(
        plan=plan, year=2025, purpose="Năm trước", source="Ngân sách xã", allocated=9, spent=9
    )
    for year in (2025, 2026):
        indicators_recompute(commune_id=commune.pk, year=year, today=NOW.date())
    return plan


def create(commune, officer, variant=Variant.QUARTERLY, quarter=3) -> QuarterlyReport:
    return report_services.report_create(
        commune=commune, variant=variant, year=2026, quarter=quarter, by=officer
    )


def render(report: QuarterlyReport, **kwargs) -> bytes:
    data = quarterly.build_report_data(report)
    return quarterly.render_report_pdf(
        report, data, charts=quarterly.build_charts(report, data), **kwargs
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def pdf_tables(pdf: bytes) -> list[list[list[str]]]:
    """Every table of the PDF, page by page, with whitespace-normalised cells."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            [[flat(c or "") for c in row] for row in table]
            for page in document.pages
            for table in page.extract_tables()
        ]


def find_table(tables: list[list[list[str]]], header_word: str) -> list[list[str]]:
    """The rows of the table whose header row holds the word, joined across pages (the header
    row repeats on each page)."""
    rows: list[list[str]] = []
    for cells in tables:
        if cells and any(header_word in c for c in cells[0]):
            rows += cells if not rows else cells[1:]
    return rows


def row_after(rows: list[list[str]], heading: str, label: str) -> list[str]:
    start = next(i for i, row in enumerate(rows) if row[0].startswith(heading))
    return next(row for row in rows[start + 1 :] if row[0] == label)


# ------------------------------------------------------------------------------
# Periods and wording
# ------------------------------------------------------------------------------
def test_period_bounds_of_each_variant():
    def bounds(variant, quarter=0):
        return quarterly.period_bounds(QuarterlyReport(variant=variant, year=2026, quarter=quarter))

    assert bounds(Variant.QUARTERLY, 3) == (date(2026, 7, 1), date(2026, 9, 30))
    assert bounds(Variant.QUARTERLY, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert bounds(Variant.HALF_YEAR) == (date(2026, 1, 1), date(2026, 6, 30))
    assert bounds(Variant.ANNUAL) == (date(2026, 1, 1), date(2026, 12, 31))
    assert bounds(Variant.COUNCIL) == (date(2026, 1, 1), date(2026, 12, 31))
    assert bounds(Variant.ACTION_MONTH) == (date(2026, 5, 1), date(2026, 5, 31))


def test_pdf_filename_is_ascii_and_carries_the_number_once_issued():
    report = QuarterlyReport(variant=Variant.QUARTERLY, year=2026, quarter=3)
    assert quarterly.pdf_filename(report) == "bao-cao-atvsld-q3-2026.pdf"
    report.number = 5
    assert quarterly.pdf_filename(report) == "bao-cao-atvsld-q3-2026-so-05.pdf"
    assert quarterly.pdf_filename(report, "docx") == "bao-cao-atvsld-q3-2026-so-05.docx"
    council = QuarterlyReport(variant=Variant.COUNCIL, year=2026)
    assert quarterly.pdf_filename(council).isascii()


def test_summary_names_the_plan_with_its_number_and_date(dataset, commune, officer):
    report = create(commune, officer)
    assert report.summary == SUMMARY_Q3
    assert quarterly.default_summary(
        QuarterlyReport(commune=commune, variant=Variant.HALF_YEAR, year=2026)
    ).endswith("6 tháng đầu năm 2026")


# ------------------------------------------------------------------------------
# The figures
# ------------------------------------------------------------------------------
def test_figures_of_the_quarter_the_same_quarter_last_year_and_the_year_to_date(
    dataset, commune, officer
):
    report = create(commune, officer)
    data = quarterly.build_report_data(report)
    json.dumps(data)  # JSON-serialisable, as stored on the report

    assert data["period"]["start"] == "2026-07-01"
    assert data["period"]["end"] == "2026-09-30"
    assert data["commune"] == {
        "name": "Ea Ly",
        "issuing_body": "ỦY BAN NHÂN DÂN",
        "body_name": "XÃ EA LY",
    }
    employed, informal = data["accidents"]["sectors"]
    counts = ("accidents", "victims", "deaths", "serious")
    assert [employed["period"][k] for k in counts] == [3, 4, 1, 1]
    assert [employed["previous"][k] for k in counts] == [1, 1, 0, 0]
    assert [employed["ytd"][k] for k in counts] == [5, 6, 1, 2]
    assert [informal["period"][k] for k in counts] == [1, 1, 0, 1]
    assert [informal["ytd"][k] for k in counts] == [1, 1, 0, 1]
    assert [data["accidents"]["total"]["ytd"][k] for k in counts] == [6, 7, 1, 3]
    assert data["accidents"]["commuting"] == 1
    assert data["accidents"]["revisions"] == []

    assert data["propaganda"]["totals"] == {
        "activities": 5,
        "broadcasts": 8,
        "airings": 22,
        "banners": 12,
        "sessions": 3,
        "participants": 190,
    }
    assert data["inspections"] == {
        "activities": 1,
        "establishments_inspected": 5,
        "violations_found": 2,
    }
    assert [d["title"] for d in data["leadership"]["documents"]] == [
        "Công văn số 120/UBND-VHXH về tăng cường công tác ATVSLĐ mùa mưa bão"
    ]
    health = data["health"]
    assert health["exams"]["workers_examined"] == 30
    assert health["exams"]["suspected"] == 1
    assert health["monitoring"]["enterprises"] == 1
    assert health["cases_confirmed"] == 1
    assert health["training"] == {
        "activities": 1,
        "sessions": 1,
        "participants": 45,
        "workers_trained": 38,
    }
    budget = data["budget"]
    assert len(budget["lines"]) == 26  # 2026 only
    assert budget["allocated"] == 15_000_000 + 1_000_000 + 24 * 2_000_000
    assert budget["spent"] == 12_500_000 + 24 * 1_000_000

    rows = {row["code"]: row for row in data["indicators"]}
    codes = [row["code"] for row in data["indicators"]]
    assert codes[:3] == ["fatality_frequency", "exposed_exam_coverage", "monitored_enterprises"]
    accidents = rows["accidents"]
    # This quarter 3 employed accidents; to the end of Q3: 5; to the end of Q3 2025: 1.
    assert (accidents["period"], accidents["ytd"], accidents["previous"]) == (3, "5.000", "1.000")
    assert rows["propaganda_participants"]["period"] == 235
    assert rows["fatality_frequency"]["period"] is None  # a rate: no count of the quarter
    assert rows["fatality_frequency"]["ytd"] == "1.000"  # 1 death / N 1,000 x 1,000
    assert rows["fatality_frequency"]["assessment"] == "Không đạt"  # 0 deaths in 2025, 1 now
    assert rows["exposed_exam_coverage"]["target"] == "100%"

    overdue = data["assignments"]["overdue"]
    assert [item["unit"] for item in overdue] == ["Công an xã Ea Ly"]


def test_the_drafted_narrative_starts_from_the_figures(dataset, commune, officer):
    report = create(commune, officer)
    assert report.introduction.startswith(
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 10/4/2026 của Ủy ban nhân dân xã"
    )
    assert report.introduction.endswith("báo cáo kết quả thực hiện quý III năm 2026 như sau:")
    assert "8 tin, bài với 22 lượt phát" in report.strengths
    assert "Tổ chức kiểm tra 5 cơ sở" in report.strengths
    assert "Chỉ tiêu chưa đạt: " in report.shortcomings
    assert "quá hạn chưa có báo cáo kết quả (Công an xã Ea Ly)" in report.shortcomings
    assert "4 vụ tai nạn lao động làm 5 người bị nạn" in report.shortcomings
    assert "Công an xã Ea Ly): Kiểm tra an toàn tại các mỏ đá." in report.next_tasks
    assert "Thường trực Đảng ủy xã" in report.proposals
    for name in QuarterlyReport.NARRATIVE_FIELDS:
        assert getattr(report, name).strip(), name


def test_a_late_accident_after_issue_shows_as_a_revision_in_the_next_report(
    dataset, commune, officer, enterprise
):
    second = create(commune, officer, quarter=2)
    second.data = quarterly.build_report_data(second)
    second.status = QuarterlyReport.Status.ISSUED
    second.number, second.number_year, second.signed_on = 3, 2026, date(2026, 7, 5)
    second.sha256 = "0" * 64
    second.save()
    third = create(commune, officer)
    assert quarterly.build_report_data(third)["accidents"]["revisions"] == []

    accident(enterprise, local(2026, 5, 20), FATAL)  # declared after the Q2 report was issued
    data = quarterly.build_report_data(third)
    (revision,) = data["accidents"]["revisions"]
    assert revision["report"] == "03/BC-UBND"
    # Q2 2026 at issue: F (30/06, minor) only; now also the fatal accident of 20/05.
    assert [(c["sector"], c["field"], c["before"], c["after"]) for c in revision["changes"]] == [
        ("employed", "accidents", 1, 2),
        ("employed", "victims", 1, 2),
        ("employed", "deaths", 0, 1),
    ]
    assert revision["text"].startswith(
        "Số liệu quý II năm 2026 (Báo cáo số 03/BC-UBND ngày 5/7/2026) được điều chỉnh: "
    )
    assert "số người chết từ 0 thành 1" in revision["text"]
    content = quarterly.document_content(third, data)
    texts = [b.text for part in content.parts for s in part.sections for b in s.blocks]
    assert revision["text"] in texts


# ------------------------------------------------------------------------------
# The PDF
# ------------------------------------------------------------------------------
def test_the_draft_pdf_on_the_decree_30_frame(dataset, commune, officer):
    report = create(commune, officer)
    pdf = render(report)
    pages = pdf_text(pdf)
    first, everything = pages[0], flat(" ".join(pages))

    # Header, motto, number line without a number, blank date, title and summary.
    assert "ỦY BAN NHÂN DÂN" in first
    assert "XÃ EA LY" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert re.search(r"Số:\s*/BC-UBND", first)
    assert not re.search(r"Số:\s*\d", everything)
    assert "Ea Ly, ngày tháng năm 2026" in flat(first)
    assert "BÁO CÁO" in first
    assert SUMMARY_Q3 in flat(first)
    # A draft says so on every page and has no verification code.
    assert all("DỰ THẢO" in page for page in pages)
    assert "Xác thực văn bản" not in everything
    # Body sections I-IV and the closing line.
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "4. Tình hình tai nạn lao động",
        "7. Kết quả thực hiện các chỉ tiêu",
        "II. ĐÁNH GIÁ CHUNG",
        "III. NHIỆM VỤ, GIẢI PHÁP QUÝ IV NĂM 2026",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in everything, heading
    assert "quý III năm 2026 của Ủy ban nhân dân xã Ea Ly./." in everything
    # Nơi nhận and the signer block close the document.
    last = pages[-1]
    assert "Nơi nhận:" in last
    assert "- Lưu: VT, VHXH." in last
    assert "- Thường trực Đảng ủy xã (b/c);" in last
    for line in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", SIGNER):
        assert line in last, line
    # The charts are drawn: their texts are in the PDF (SVG text is drawn glyph by glyph,
    # so it is extracted without spaces).
    packed = "".join(everything.split())
    assert "Ngườibịnạntheokhuvựcvàmứcđộ,QuýIII/2026" in packed
    assert "(lũykếđếnhếtquýIII)" in packed
    assert "Bịthươngnhẹ" in packed


def test_the_figures_sit_in_their_table_cells(dataset, commune, officer):
    tables = pdf_tables(render(create(commune, officer)))

    accidents = find_table(tables, "Quý III/2025 (cùng kỳ)")
    assert accidents[0] == [
        "Chỉ tiêu",
        "Quý III/2026",
        "Quý III/2025 (cùng kỳ)",
        "Tăng (+), giảm (-)",
        "Lũy kế 9 tháng/2026",
    ]
    employed = "1. Khu vực có quan hệ lao động"
    assert row_after(accidents, employed, "Số vụ tai nạn lao động") == [
        "Số vụ tai nạn lao động",
        "3",
        "1",
        "+2",
        "5",
    ]
    assert row_after(accidents, employed, "Số người bị nạn")[1:] == ["4", "1", "+3", "6"]
    assert row_after(accidents, employed, "Trong đó: số người chết")[1:] == ["1", "0", "+1", "1"]
    informal = "2. Khu vực người lao động làm việc không theo hợp đồng lao động"
    assert row_after(accidents, informal, "Số người bị thương nặng")[1:] == ["1", "0", "+1", "1"]
    total = "3. Tổng cộng trên địa bàn xã"
    assert row_after(accidents, total, "Số vụ tai nạn lao động")[1:] == ["4", "1", "+3", "6"]

    propaganda = find_table(tables, "Lượt người tham dự")
    assert propaganda[-1] == ["Tổng cộng", "5", "8", "22", "12", "3", "190"]
    radio = next(row for row in propaganda if row[0].startswith("Phát thanh"))
    assert radio[1:] == ["2", "8", "22", "", "", ""]

    budget = find_table(tables, "Dự toán (đồng)")
    line = next(row for row in budget if row[1] == "Tuyên truyền Tháng hành động về ATVSLĐ")
    assert line[2:] == ["Ngân sách xã", "15.000.000", "12.500.000", "83,3"]
    assert budget[-1][1:] == ["Tổng cộng", "", "64.000.000", "36.500.000", "57,0"]

    indicators = find_table(tables, "Đánh giá")
    assert indicators[0] == [
        "Chỉ tiêu",
        "Kế hoạch",
        "Thực hiện trong kỳ",
        "Lũy kế 9 tháng/2026",
        "% so kế hoạch",
        "Cùng kỳ năm 2025",
        "Đánh giá",
    ]
    by_name = {row[0]: row for row in indicators[1:]}
    accidents_row = next(row for name, row in by_name.items() if name.startswith("Số vụ tai nạn"))
    assert accidents_row[2:6] == ["3", "5", "\u2014", "1"]
    fatality = indicators[1]
    assert fatality[2] == "\u2014"  # a rate has no count of the quarter
    assert fatality[3].startswith("1,000")  # 1 death / 1,000 workers x 1,000
    assert fatality[-1] == "Không đạt"


def test_pdf_pages_fonts_positions_and_page_numbers(dataset, commune, officer):
    pdf = render(create(commune, officer))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) <= 1
        assert abs(height - 842) <= 1

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or (font["/DescendantFonts"][0].get_object()["/FontDescriptor"])
            )
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts
    assert all(fonts.values()), fonts
    assert all("Liberation-Serif" in name for name in fonts), fonts

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        words = first.extract_words()
        middle = first.width / 2

        def word(text, *, after=0):
            return next(w for w in words if w["text"] == text and w["top"] >= after)

        body = word("ỦY")
        country = word("CỘNG")
        motto = word("Độc")
        # The issuing body top-left, the national title and motto top-right, on the same lines.
        assert (body["x0"] + word("DÂN")["x1"]) / 2 < middle
        assert body["x0"] < first.width * 0.3
        assert body["top"] < first.height * 0.12
        assert motto["top"] < first.height * 0.15
        assert abs(body["top"] - country["top"]) < 3
        assert (motto["x0"] + word("phúc")["x1"]) / 2 > middle
        assert word("phúc")["x1"] > first.width * 0.75
        # Margins: text starts 30 mm from the left edge and ends 15 mm from the right.
        left = min(w["x0"] for w in words)
        assert left >= 30 * 72 / 25.4 - 1
        assert max(w["x1"] for w in words) <= first.width - 15 * 72 / 25.4 + 1

        # Page numbers centred at the top from page 2; none on page 1.
        def top_words(page):
            return [w["text"] for w in page.extract_words() if w["top"] < 20 * 72 / 25.4]

        assert not any(text.isdigit() for text in top_words(first))
        second = document.pages[1]
        (number,) = [
            w for w in second.extract_words() if w["text"] == "2" and w["top"] < 20 * 72 / 25.4
        ]
        assert abs((number["x0"] + number["x1"]) / 2 - second.width / 2) < 40
        assert "3" in top_words(document.pages[2])


def test_the_final_pdf_has_its_number_date_and_verification_code(dataset, commune, officer):
    report = create(commune, officer)
    report.number, report.number_year, report.signed_on = 5, 2026, date(2026, 10, 15)
    pdf = render(report, final=True, verify_url=VERIFY_URL)
    pages = pdf_text(pdf)
    everything = flat(" ".join(pages))
    assert "Số: 05/BC-UBND" in pages[0]
    assert "Ea Ly, ngày 15 tháng 10 năm 2026" in pages[0]
    assert "DỰ THẢO" not in everything
    assert "Xác thực văn bản:" in pages[0]
    assert VERIFY_URL in pages[0].replace("\n", "")
    assert everything.rstrip().split("Nơi nhận:")[0].rstrip().endswith("./.")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        # The QR code: many small squares drawn in the bottom-left margin of page 1.
        bottom = first.height - 25 * 72 / 25.4
        drawn = [o for o in first.lines + first.rects + first.curves if o["top"] >= bottom]
        assert len(drawn) > 20
        caption = next(w for w in first.extract_words() if w["text"] == "Xác")
        assert caption["top"] >= bottom
        assert caption["x0"] < first.width / 2


def test_issuing_through_the_service_renders_the_final_document(dataset, commune, officer):
    report = create(commune, officer)
    report.status = QuarterlyReport.Status.GENERATING
    report.save()
    assert report_services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.READY
    assert report.data["version"] == quarterly.DATA_VERSION
    report = report_services.report_issue(
        report=report, by=officer, number=5, signed_on=date(2026, 10, 15)
    )
    with report.pdf.open("rb") as handle:
        pages = pdf_text(handle.read())
    assert "Số: 05/BC-UBND" in pages[0]
    assert report_services.verification_url(report) in pages[0].replace("\n", "")
    assert report.sha256
    assert report.data["accidents"]["sectors"][0]["period"]["accidents"] == 3


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            Variant.HALF_YEAR,
            ["6 tháng/2026", "III. NHIỆM VỤ, GIẢI PHÁP 6 THÁNG CUỐI NĂM 2026"],
        ),
        (Variant.ANNUAL, ["Năm 2026", "III. NHIỆM VỤ, GIẢI PHÁP NĂM 2027"]),
        (
            Variant.ACTION_MONTH,
            [
                "Tháng 5/2026",
                "1. Công tác thông tin, tuyên truyền",
                "III. NHIỆM VỤ, GIẢI PHÁP THỜI",
            ],
        ),
        (
            Variant.COUNCIL,
            ["Kính gửi: Hội đồng nhân dân xã Ea Ly", "kính báo cáo Hội đồng nhân dân xã./."],
        ),
    ],
)
def test_each_variant_renders_with_its_own_title_and_summary(
    dataset, commune, officer, variant, expected
):
    report = create(commune, officer, variant=variant, quarter=0)
    pages = pdf_text(render(report))
    everything = flat(" ".join(pages))
    assert "BÁO CÁO" in pages[0]
    assert flat(report.summary) in flat(pages[0])
    for text in expected:
        assert text in everything, text
    assert "Quý III/2026" not in everything


def test_the_action_month_counts_may_only(dataset, commune, officer):
    report = create(commune, officer, variant=Variant.ACTION_MONTH, quarter=0)
    assert report.summary == (
        "Kết quả tổ chức Tháng hành động về an toàn, vệ sinh lao động năm 2026"
    )
    data = quarterly.build_report_data(report)
    assert data["propaganda"]["totals"]["broadcasts"] == 50
    assert data["accidents"]["total"]["period"]["accidents"] == 0


# ------------------------------------------------------------------------------
# .docx and .xlsx
# ------------------------------------------------------------------------------
def test_the_docx_is_the_whole_report_editable(dataset, commune, officer):
    report = create(commune, officer)
    document = Document(io.BytesIO(quarterly.report_docx(report)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30
    assert round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20
    assert round(section.bottom_margin.mm) == 20
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "DỰ THẢO"
    for heading in ("BÁO CÁO", SUMMARY_Q3, "I. KẾT QUẢ THỰC HIỆN", "IV. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in texts, heading
    header = document.tables[0]
    assert "ỦY BAN NHÂN DÂN" in header.cell(0, 0).text
    assert "XÃ EA LY" in header.cell(0, 0).text
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert header.cell(1, 0).text.replace(" ", "") == "Số:/BC-UBND"
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Số vụ tai nạn lao động", "3", "1", "+2", "5"] in cells
    footer = document.tables[-1]
    assert "Nơi nhận:" in footer.cell(0, 0).text
    assert "TM. ỦY BAN NHÂN DÂN" in footer.cell(0, 1).text
    assert SIGNER in footer.cell(0, 1).text


def test_the_xlsx_has_the_tables_as_numbers(dataset, commune, officer):
    report = create(commune, officer)
    workbook = load_workbook(io.BytesIO(quarterly.report_xlsx(report)))
    assert workbook.sheetnames == ["Tai nạn lao động", "Chỉ tiêu", "Tuyên truyền", "Kinh phí"]
    rows = list(workbook["Tai nạn lao động"].iter_rows(values_only=True))
    assert ("Số vụ tai nạn lao động", 3, 1, 2, 5) in rows
    propaganda = list(workbook["Tuyên truyền"].iter_rows(values_only=True))
    assert ("Tổng cộng", 5, 8, 22, 12, 3, 190) in propaganda
    budget = list(workbook["Kinh phí"].iter_rows(values_only=True))
    line = next(row for row in budget if row[1] == "Tuyên truyền Tháng hành động về ATVSLĐ")
    assert line[3:5] == (15_000_000, 12_500_000)
    # Text typed by a user never runs as a formula.
    assert any(row[1] == '\'=HYPERLINK("http://x")' for row in budget)
    indicators = list(workbook["Chỉ tiêu"].iter_rows(values_only=True))
    accidents = next(row for row in indicators if row[0] and row[0].startswith("Số vụ tai nạn"))
    assert accidents[2:4] == (3, 5)
