"""The province view (reporting.views.province, reporting.province, reporting.province_documents):
communes side by side, the province list of serious accidents, the commune reports received and
the Phụ lục XIV/XV summary from approved Phụ lục XII reports, with hand-computed figures."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

import atvsld_portal.urls
import reporting.urls
from atvsld_portal import navigation
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Filing, ReportingPeriod, User
from enterprises.models import ActivitySection, Enterprise, OwnershipType
from incidents.models import Accident, CommuneAccidentReport, PeriodicAccidentReport
from incidents.services.reports import COMMUNE_REPORT_KIND, PERIODIC_REPORT_KIND
from reporting.models import IndicatorValue
from reporting.province import province_communes, province_summary, value_years
from reporting.province_documents import TITLE, breakdown_rows, overview_rows
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import HCM, ReceivedAccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

APPROVED = Filing.Status.APPROVED
URL_NAMES = (
    "reporting:province",
    "reporting:province_accidents",
    "reporting:province_commune_reports",
    "reporting:province_summary",
    "reporting:province_summary_pdf",
    "reporting:province_summary_xlsx",
)
VICTIM_NAME = "Hoàng Thị Độc Nhất"
VICTIM_ID = "079912345678"


# ------------------------------------------------------------------------------
# A URLconf with stand-ins for the dashboard and explain pages (built by other parts of the
# issue), so the drill-down and explain links can be checked whether or not they exist yet.
# ------------------------------------------------------------------------------
def _stub(request, **kwargs) -> HttpResponse:
    return HttpResponse("stub")


urlpatterns = [
    pattern
    for pattern in atvsld_portal.urls.urlpatterns
    if not str(pattern.pattern).startswith("reporting/")
] + [
    path(
        "reporting/",
        include(
            (
                [
                    *reporting.urls.urlpatterns,
                    path("stub-dashboard/", _stub, name="dashboard"),
                    path("stub-explain/<uuid:public_id>/", _stub, name="explain"),
                ],
                "reporting",
            )
        ),
    )
]


@pytest.fixture
def stub_links(settings):
    """The URLconf above; the navigation's cache of resolved URLs is cleared around it."""
    navigation.resolve_url_name.cache_clear()
    settings.ROOT_URLCONF = __name__
    yield
    navigation.resolve_url_name.cache_clear()


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
@pytest.fixture
def erin_client(client, province_viewer):
    client.force_login(province_viewer)
    return client


@pytest.fixture
def far_commune(db):
    """A commune of another province: never in erin's view."""
    return CommuneFactory(
        parent=ProvinceFactory(code="54", name="Phú Yên"),
        name="Xã Xa Xôi",
        code=None,
        code_provisional="TEST-XA-XOI",
    )


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _table(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


def _period(commune, year: int, part: str, kind: str = PERIODIC_REPORT_KIND) -> ReportingPeriod:
    due = {"h1": date(year, 7, 5), "year": date(year + 1, 1, 5)}[part]
    period, _created = ReportingPeriod.objects.get_or_create(
        commune=commune,
        kind=kind,
        year=year,
        part=part,
        defaults={
            "opens_on": date(year, 6, 15) if part == "h1" else date(year, 12, 1),
            "due_on": due,
            "closes_on": date(due.year, due.month, 31),
        },
    )
    return period


def _row(key: str, values: list[int], *, code: str = "", label: str = "", kind: str = "item"):
    return {"key": key, "code": code, "label": label, "kind": kind, "values": values}


def _report(enterprise, *, rows, status=APPROVED, year=2026, part="h1", **fields):
    """A Phụ lục XII report with a crafted frozen Table I (``rows``: key -> values 3-13)."""
    table = {
        "columns": list(range(3, 14)),
        "rows": [
            _row("1", rows["1"], kind="total"),
            _row("1.1", [], kind="heading"),
            *[
                _row(key, values, code=key.removeprefix("cause-"))
                for key, values in rows.items()
                if key.startswith("cause-")
            ],
            _row("1.2", [], kind="heading"),
            *[
                _row(key, values, code=key.removeprefix("factor-"), label=FACTORS[key])
                for key, values in rows.items()
                if key.startswith("factor-")
            ],
        ],
        "unclassified": [],
    }
    return PeriodicAccidentReport.objects.create(
        enterprise=enterprise,
        period=_period(enterprise.commune, year, part),
        year=year,
        part=part,
        status=status,
        table=table,
        **fields,
    )


FACTORS = {"factor-12": "Sập lò, sập đất đá", "factor-14": "Ngã cao"}
# Report A (Ea Ly): 2 accidents, 1 fatal, 1 with 2 victims; 3 victims: 1 woman, 1 death,
# 2 seriously injured, all under the enterprise's management.
A_ROW1 = [2, 1, 1, 3, 0, 1, 0, 1, 0, 2, 0]
A_FALL = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0]
A_COLLAPSE = [1, 0, 1, 2, 0, 1, 0, 0, 0, 2, 0]
# Report B (Ea Bá): 1 accident with 2 victims, 1 seriously injured who is not under the
# enterprise's management (outside N).
B_ROW1 = [1, 0, 1, 2, 1, 0, 0, 0, 0, 1, 1]


@pytest.fixture
def summary_data(commune, other_commune, far_commune):
    """Two approved reports of the province (A in Ea Ly, B in Ea Bá) and three to ignore: a
    submitted one of Ea Ly, an approved one of the whole year, an approved one of another
    province. Ea Ly also has a closed enterprise that reported nothing."""
    mining = ActivitySection.objects.filter(letter="B").first()
    a = EnterpriseFactory(commune=commune, name="Đá A", workforce_total=1000)
    if mining is not None:
        Enterprise.objects.filter(pk=a.pk).update(activity_section=mining)
    c = EnterpriseFactory(commune=commune, name="Gạch C", workforce_total=40, workforce_women=5)
    EnterpriseFactory(commune=commune, name="Đóng cửa D", status=Enterprise.Status.CLOSED)
    b = EnterpriseFactory(
        commune=other_commune,
        name="Cà phê B",
        workforce_total=700,
        ownership_type=OwnershipType.objects.get(code="3"),
    )
    far = EnterpriseFactory(commune=far_commune, name="Xa X")
    _report(
        a,
        rows={
            "1": A_ROW1,
            "cause-7": A_FALL,
            "cause-5": A_COLLAPSE,
            "factor-14": A_FALL,
            "factor-12": A_COLLAPSE,
        },
        workers_total=1250,
        workers_women=300,
        days_off=37,
        cost_medical=1500,
        cost_wages=2000,
        cost_compensation=500,
        cost_total=4000,
        property_damage=7000,
    )
    _report(
        b,
        rows={"1": B_ROW1, "cause-7": B_ROW1, "factor-14": B_ROW1},
        workers_total=750,
        workers_women=100,
        days_off=10,
        cost_medical=200,
        cost_wages=300,
        cost_total=500,
    )
    big = [9] * 11
    _report(
        c,
        rows={"1": big, "cause-1": big, "factor-14": big},
        status=Filing.Status.SUBMITTED,
        workers_total=999,
        days_off=999,
    )
    _report(a, rows={"1": big, "cause-1": big}, part="year", workers_total=5, days_off=888)
    _report(far, rows={"1": big, "cause-1": big}, workers_total=100, days_off=777)
    return {"a": a, "b": b, "c": c}


def _lines(summary, attribute: str) -> dict:
    return {line.key: line for line in getattr(summary, attribute)}


# ------------------------------------------------------------------------------
# Phụ lục XIV/XV summary, hand-computed
# ------------------------------------------------------------------------------
def test_summary_adds_up_the_approved_reports_of_the_period_only(
    province, commune, other_commune, summary_data
):
    summary = province_summary(
        communes=[other_commune, commune], year=2026, part="h1", province=province
    )
    overview = _lines(summary, "overview")
    total = overview["total"]
    assert summary.reports == 2
    # Establishments: A, B and C (active; C's report is not approved), not the closed D.
    assert (total.establishments, total.participating) == (3, 2)
    # Workers: A 1,250 and B 750 from their reports, C 40 from the registry.
    assert (total.workers, total.workers_participating, total.women) == (2040, 2000, 400)
    assert (total.victims, total.deaths, total.serious) == (5, 1, 3)
    assert (total.victims_outside, total.deaths_outside) == (1, 0)
    # K = (5 - 1 outside N) / 2,000 x 1,000; K chết = 1 / 2,000 x 1,000.
    assert total.k == Decimal("2.000")
    assert total.k_deaths == Decimal("0.500")

    ea_ly = overview[f"commune-{commune.pk}"]
    assert (ea_ly.establishments, ea_ly.participating, ea_ly.workers) == (2, 1, 1290)
    assert (ea_ly.victims, ea_ly.deaths, ea_ly.serious) == (3, 1, 2)
    assert ea_ly.k == Decimal("2.400")  # 3 / 1,250 x 1,000
    assert ea_ly.k_deaths == Decimal("0.800")  # 1 / 1,250 x 1,000 (DOMAIN §4.2)
    ea_ba = overview[f"commune-{other_commune.pk}"]
    assert ea_ba.k == Decimal("1.333")  # (2 - 1 outside N) / 750 x 1,000
    assert ea_ba.k_deaths == Decimal("0.000")
    assert overview["ownership-2"].workers_participating == 1250
    assert overview["ownership-3"].victims == 2
    assert overview["ownership-1"].establishments == 0

    breakdown = _lines(summary, "breakdown")
    # Columns: accidents (total, fatal, >= 2 victims), victims (total, women, deaths, serious).
    assert breakdown["total"].values == [3, 1, 2, 5, 1, 1, 3]
    # Table II: days off, cost total, medical, wages, compensation, property (thousand VND).
    assert breakdown["total"].damage == [47, 4500, 1700, 2300, 500, 7000]
    assert breakdown["cause-7"].values == [2, 1, 1, 3, 0, 1, 1]
    assert breakdown["cause-5"].values == [1, 0, 1, 2, 1, 0, 2]
    assert breakdown["cause-1"].values == [0, 0, 0, 0, 0, 0, 0]
    assert breakdown["cause-7"].damage is None
    assert breakdown["factor-14"].values == [2, 1, 1, 3, 0, 1, 1]
    assert breakdown["factor-12"].values == [1, 0, 1, 2, 1, 0, 2]
    assert breakdown["factor-12"].label == "Sập lò, sập đất đá"
    sectors = [line for line in summary.breakdown if line.key.startswith("sector-")]
    assert sum(line.values[0] for line in sectors) == 3
    assert sum(line.damage[0] for line in sectors) == 47


def test_summary_documents_use_the_form_wording(province, commune, other_commune, summary_data):
    summary = province_summary(
        communes=[commune, other_commune], year=2026, part="h1", province=province
    )
    overview = overview_rows(summary)
    assert overview[0].label == "Tổng số"
    assert overview[0].display_values == [
        "3",
        "2",
        "2.040",
        "2.000",
        "400",
        "5",
        "1",
        "3",
        "2,000",
        "0,500",
    ]
    ea_ba = next(row for row in overview if row.label == "Ea Bá")
    assert ea_ba.note == "Ngoài mẫu số: 1 người bị nạn"
    labels = [row.label for row in breakdown_rows(summary)]
    assert "2. Phân theo nguyên nhân xảy ra TNLĐ" in labels
    assert "Vi phạm nội quy, quy trình, quy chuẩn, biện pháp làm việc an toàn" in labels
    assert "3. Phân theo yếu tố gây chấn thương" in labels


def test_summary_page_shows_the_figures(erin_client, commune, summary_data):
    html = _html(
        erin_client.get(reverse("reporting:province_summary"), {"year": 2026, "part": "h1"})
    )
    overview = _table(html, "summary-overview")
    total = overview[overview.index('data-key="total"') :]
    total = _text(total[: total.index("</tr>")])
    assert "3 2 2.040 2.000 400 5 1 3 2,000 0,500" in total
    ea_ly = overview[overview.index(f'data-key="commune-{commune.pk}"') :]
    assert "2,400 0,800" in _text(ea_ly[: ea_ly.index("</tr>")])
    breakdown = _table(html, "summary-breakdown")
    row = breakdown[breakdown.index('data-key="total"') :]
    assert "3 1 2 5 1 1 3 47 4.500 1.700 2.300 500 7.000" in _text(row[: row.index("</tr>")])


def test_summary_pdf_has_the_title_the_period_and_the_totals(erin_client, summary_data):
    response = erin_client.get(
        reverse("reporting:province_summary_pdf"), {"year": 2026, "part": "h1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "tong-hop-tnld-66-2026-h1.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # landscape
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    assert TITLE in text
    assert "Kỳ báo cáo: 6 tháng đầu năm 2026" in text
    assert "SỞ NỘI VỤ" in text
    assert "Tổng số 3 2 2.040 2.000 400 5 1 3 2,000 0,500" in text
    assert VICTIM_NAME not in text


def test_summary_xlsx_opens_and_has_the_numbers(erin_client, summary_data):
    response = erin_client.get(
        reverse("reporting:province_summary_xlsx"), {"year": 2026, "part": "h1"}
    )
    assert response.status_code == 200
    assert "tong-hop-tnld-66-2026-h1.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert any(TITLE in str(value) for row in rows for value in row if value)
    totals = [row for row in rows if row[0] == "Tổng số"]
    overview, breakdown = totals[0], totals[1]
    assert overview[2:12] == [3, 2, 2040, 2000, 400, 5, 1, 3, 2, 0.5]
    assert breakdown[2:15] == [3, 1, 2, 5, 1, 1, 3, 47, 4500, 1700, 2300, 500, 7000]


def test_summary_xlsx_neutralises_a_hostile_commune_name(erin_client, province, summary_data):
    CommuneFactory(parent=province, name="=HYPERLINK(1)")
    response = erin_client.get(reverse("reporting:province_summary_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in values
    assert "=HYPERLINK(1)" not in values


# ------------------------------------------------------------------------------
# Communes side by side
# ------------------------------------------------------------------------------
def _value(commune, code, value, *, numerator=0, denominator=None, status="not_met", **fields):
    fields = {"year": 2026, "quarter": 0, **fields}
    return IndicatorValue.objects.create(
        commune=commune,
        code=code,
        value=None if value is None else Decimal(value),
        numerator=Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
        status=status,
        **fields,
    )


def _all_values(commune, fatality: str) -> None:
    _value(commune, Code.FATALITY_FREQUENCY, fatality, numerator=1, denominator=1250)
    _value(commune, Code.ACCIDENT_FREQUENCY, "2.400", numerator=3, denominator=1250)
    _value(commune, Code.EXPOSED_EXAM_COVERAGE, "95.814", numerator=412, denominator=430)
    _value(commune, Code.MONITORED_ENTERPRISES, "20", numerator=20, details={"required": 21})
    _value(commune, Code.INFORMAL_ACCIDENTS, "1", numerator=1, status="no_target")
    _value(commune, Code.ON_TIME_FILING, "75", numerator=3, denominator=4, status="no_target")
    _value(commune, Code.ANNUAL_REPORTS_FILED, "100", numerator=4, denominator=4)


def _names_in_order(html: str, names: list[str]) -> list[str]:
    table = _table(html, "communes-side-by-side")
    body = table[table.index("<tbody>") :]
    return sorted(names, key=body.index)


def test_side_by_side_shows_the_province_communes_only(
    erin_client, commune, other_commune, far_commune
):
    _all_values(commune, "0.800")
    _all_values(other_commune, "0.400")
    _all_values(far_commune, "9.999")
    html = _html(erin_client.get(reverse("reporting:province"), {"year": 2026}))
    table = _table(html, "communes-side-by-side")
    assert "Ea Ly" in table
    assert "Ea Bá" in table
    assert "Xã Xa Xôi" not in table
    assert "9,999" not in table
    text = _text(table)
    assert "0,800 ‰" in text
    assert "1.250" in text  # N beside the rate
    assert "95,8%" in text
    assert "412/430" in text
    assert "21" in text


def test_side_by_side_another_province_is_404_for_a_province_viewer(erin_client, far_commune):
    response = erin_client.get(reverse("reporting:province"), {"province": far_commune.parent_id})
    assert response.status_code == 404


def test_side_by_side_sorts_by_any_column_with_missing_values_last(
    erin_client, province, commune, other_commune
):
    CommuneFactory(parent=province, name="An Phú")
    _all_values(commune, "0.800")
    _all_values(other_commune, "0.400")
    names = ["An Phú", "Ea Bá", "Ea Ly"]
    url = reverse("reporting:province")

    html = _html(erin_client.get(url, {"year": 2026}))
    assert _names_in_order(html, names) == ["An Phú", "Ea Bá", "Ea Ly"]
    html = _html(erin_client.get(url, {"year": 2026, "sort": "commune", "dir": "desc"}))
    assert _names_in_order(html, names) == ["Ea Ly", "Ea Bá", "An Phú"]
    html = _html(erin_client.get(url, {"year": 2026, "sort": "fatality_frequency"}))
    assert _names_in_order(html, names) == ["Ea Bá", "Ea Ly", "An Phú"]
    html = _html(erin_client.get(url, {"year": 2026, "sort": "fatality_frequency", "dir": "desc"}))
    assert _names_in_order(html, names) == ["Ea Ly", "Ea Bá", "An Phú"]
    # The header links sort the other way round next time, with no script.
    assert "sort=fatality_frequency&amp;dir=asc" in html


def test_side_by_side_links_each_value_and_each_commune(
    stub_links, erin_client, commune, other_commune
):
    _all_values(commune, "0.800")
    value = IndicatorValue.objects.get(commune=commune, code=Code.FATALITY_FREQUENCY)
    html = _html(erin_client.get(reverse("reporting:province"), {"year": 2026}))
    assert f'href="{reverse("reporting:dashboard")}?commune={commune.pk}"' in html
    assert f'href="{reverse("reporting:dashboard")}?commune={other_commune.pk}"' in html
    assert f'href="{value.get_absolute_url()}"' in html


def test_side_by_side_escapes_the_texts_of_each_value(erin_client, commune, other_commune):
    _value(
        commune,
        Code.FATALITY_FREQUENCY,
        "0.800",
        numerator=1,
        denominator=1250,
        status_reason='<b>"reason"</b>',
        provisional=True,
        source_note="<i>note</i> & 'more'",
    )
    html = _html(erin_client.get(reverse("reporting:province"), {"year": 2026}))
    table = _table(html, "communes-side-by-side")
    assert 'title="&lt;b&gt;&quot;reason&quot;&lt;/b&gt;"' in table
    assert 'title="&lt;i&gt;note&lt;/i&gt; &amp; &#x27;more&#x27;"' in table
    assert "<b>" not in table
    assert "<i>" not in table
    # Ea Bá has no values: every cell of its row says so.
    row = table[table.index("Ea Bá") : table.index("</tr>", table.index("Ea Bá"))]
    assert row.count("text-body-secondary") == 7


def test_side_by_side_queries_do_not_grow_with_communes(erin_client, province, commune):
    url = reverse("reporting:province")
    _all_values(commune, "0.800")
    second = CommuneFactory(parent=province)
    _all_values(second, "0.400")
    erin_client.get(url)  # warm up the session and caches
    with CaptureQueriesContext(connection) as two:
        _html(erin_client.get(url, {"year": 2026, "sort": "fatality_frequency"}))
    for _n in range(3):
        _all_values(CommuneFactory(parent=province), "0.100")
    with CaptureQueriesContext(connection) as five:
        html = _html(erin_client.get(url, {"year": 2026, "sort": "fatality_frequency"}))
    assert html.count('<th scope="row" class="text-nowrap">') == 5
    assert len(five.captured_queries) == len(two.captured_queries)


def test_side_by_side_offers_every_year_with_values_of_the_province(
    erin_client, province_viewer, province, commune, other_commune, far_commune
):
    for unit, year, quarter in (
        (commune, 2011, 0),
        (commune, 2011, 3),
        (commune, 2019, 0),
        (other_commune, 2015, 2),  # a year with only a quarter's value still counts
        (far_commune, 2009, 0),  # another province
    ):
        _value(unit, Code.ACCIDENTS, "1", year=year, quarter=quarter)
    communes = province_communes(user=province_viewer, province=province)
    assert value_years(communes=communes) == [2019, 2015, 2011]
    assert value_years(communes=communes.none()) == []

    html = _html(erin_client.get(reverse("reporting:province"), {"year": 2026}))
    select = html[html.index('id="id_year"') : html.index("</select>", html.index('id="id_year"'))]
    offered = [int(year) for year in re.findall(r'<option value="(\d+)"', select)]
    this_year = timezone.localdate().year
    assert offered == sorted({2011, 2015, 2019, 2026, *range(this_year - 4, this_year + 1)})[::-1]


# ------------------------------------------------------------------------------
# Fatal and serious accidents
# ------------------------------------------------------------------------------
def _accident(enterprise=None, *, commune=None, severities=(), **fields) -> Accident:
    kwargs = {"received_at": datetime(2026, 3, 10, 15, 0, tzinfo=HCM), **fields}
    if enterprise is None:
        kwargs.update(enterprise=None, commune=commune, sector=Accident.Sector.INFORMAL)
    else:
        kwargs["enterprise"] = enterprise
    accident = ReceivedAccidentFactory(**kwargs)
    for severity in severities:
        VictimFactory(accident=accident, severity=severity)
    return accident


@time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=HCM))
def test_accidents_lists_fatal_and_serious_with_their_deadline_and_no_victim_name(
    client, province_viewer, commune, enterprise, far_commune
):
    client.force_login(province_viewer)
    fatal = _accident(enterprise, severities=["fatal"])
    VictimFactory(accident=fatal, severity="minor", full_name=VICTIM_NAME, personal_id=VICTIM_ID)
    two_serious = _accident(commune=commune, severities=["serious", "serious"])
    _accident(enterprise, severities=["serious", "minor"])  # one seriously injured: not listed
    _accident(EnterpriseFactory(commune=far_commune), severities=["fatal"])  # another province
    html = _html(client.get(reverse("reporting:province_accidents"), {"year": 2026}))
    table = _table(html, "serious-accidents")
    assert table.count("<tr>") == 3  # the header and two accidents
    assert fatal.get_absolute_url() in table
    assert two_serious.get_absolute_url() in table
    # Received on 10/03/2026: a death gives 30 days, two seriously injured 20 days.
    assert "09/04/2026" in table
    assert "30/03/2026" in table
    assert table.count('data-state="overdue"') == 2
    assert enterprise.name in table
    assert VICTIM_NAME not in html
    assert VICTIM_ID not in html


def test_accidents_queries_do_not_grow_with_accidents(erin_client, commune, enterprise):
    url = reverse("reporting:province_accidents")
    _accident(enterprise, severities=["fatal"])
    erin_client.get(url, {"year": 2026})
    with CaptureQueriesContext(connection) as one:
        _html(erin_client.get(url, {"year": 2026}))
    for _n in range(4):
        _accident(enterprise, severities=["fatal", "serious"])
        _accident(commune=commune, severities=["serious", "serious"])
    with CaptureQueriesContext(connection) as nine:
        html = _html(erin_client.get(url, {"year": 2026}))
    assert _table(html, "serious-accidents").count("<tr>") == 10
    assert len(nine.captured_queries) == len(one.captured_queries)


# ------------------------------------------------------------------------------
# Commune reports received
# ------------------------------------------------------------------------------
def _commune_report(commune, *, sent_on: date | None) -> CommuneAccidentReport:
    return CommuneAccidentReport.objects.create(
        commune=commune,
        period=_period(commune, 2025, "year", kind=COMMUNE_REPORT_KIND),
        year=2025,
        part="year",
        form_version="pl16-draft-2025",
        status=Filing.Status.SUBMITTED if sent_on else Filing.Status.DRAFT,
        sent_on=sent_on,
        sent_via=CommuneAccidentReport.SentVia.POST if sent_on else "",
    )


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=HCM))
def test_commune_reports_show_on_time_late_and_missing(
    client, province_viewer, province, commune, other_commune, far_commune
):
    client.force_login(province_viewer)
    on_time = _commune_report(commune, sent_on=date(2026, 1, 5))
    late = _commune_report(other_commune, sent_on=date(2026, 1, 12))
    _commune_report(CommuneFactory(parent=province, name="Cư Mốt"), sent_on=None)
    CommuneFactory(parent=province, name="Dray Sáp")  # no period opened
    _commune_report(far_commune, sent_on=date(2026, 1, 2))
    html = _html(
        client.get(reverse("reporting:province_commune_reports"), {"year": 2025, "part": "year"})
    )
    table = _table(html, "commune-reports")

    def state_of(name: str) -> str:
        row = table[table.index(name) :]
        return re.search(r'data-state="(\w+)"', row).group(1)

    assert state_of("Ea Ly") == "on_time"
    assert state_of("Ea Bá") == "late"
    assert state_of("Cư Mốt") == "missing"
    assert state_of("Dray Sáp") == "missing"
    assert "Xã Xa Xôi" not in table
    assert on_time.get_absolute_url() in table
    assert late.get_absolute_url() in table
    assert "12/01/2026" in table
    assert "05/01/2026" in table  # the due date


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_commune_and_enterprise_roles_get_403(
    client, url_name, officer, leader, enterprise_owner, commune
):
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    for user in (officer, leader, enterprise_owner, reporter):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 403, user.username


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_the_province_view_refuses_posts(erin_client, url_name):
    assert erin_client.post(reverse(url_name)).status_code == 405


def test_superuser_chooses_a_province(client, commune, far_commune):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    admin.administrative_unit = None
    admin.save()
    client.force_login(admin)
    _all_values(commune, "0.800")
    _all_values(far_commune, "0.100")
    url = reverse("reporting:province")
    everything = _table(_html(client.get(url, {"year": 2026})), "communes-side-by-side")
    assert "Ea Ly" in everything
    assert "Xã Xa Xôi" in everything
    one = _table(
        _html(client.get(url, {"year": 2026, "province": far_commune.parent_id})),
        "communes-side-by-side",
    )
    assert "Xã Xa Xôi" in one
    assert "Ea Ly" not in one


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_fast_number_format_agrees_with_django(language):
    """The table's own grouping by three gives exactly what django.utils.numberformat gives."""
    from django.utils import numberformat, translation

    from reporting.province import NumberFormatter

    numbers = [0, 7, -7, 999, 1000, -1000, 1234567, 10**30, -(10**12)]
    numbers += [
        Decimal(text) for text in ("0.0004", "-0.0004", "0.999", "1234.5678", "-98765.4321")
    ]
    numbers += [Decimal("0.05"), Decimal("-0.0"), Decimal("1E+3"), Decimal("123456789.123456")]
    with translation.override(language):
        fmt = NumberFormatter.for_active_language()
        for number in numbers:
            for decimals in range(4):
                expected = numberformat.format(
                    number,
                    fmt.decimal_separator,
                    decimals,
                    fmt.grouping,
                    fmt.thousand_separator,
                    force_grouping=True,
                )
                assert fmt(number, decimals) == expected, (number, decimals)
