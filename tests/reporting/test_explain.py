"""'Explain this number': the formula, the counts, the records behind a value (with links, never
a victim's name), the historical aggregate when the value comes from one, and the run."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import User
from incidents.models import Victim
from reporting.models import ComputationRun, IndicatorValue
from reporting.services import indicators_recompute
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import VictimFactory
from tests.reporting.factories import (
    ApprovedAnnualReportFactory,
    ApprovedExamFactory,
    ApprovedH1ReportFactory,
    ApprovedMonitoringFactory,
    CountedAccidentFactory,
    HistoricalAggregateFactory,
    local,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR


def recompute(commune, *years):
    for year in years:
        indicators_recompute(
            commune_id=commune.pk, year=year, trigger=ComputationRun.Trigger.COMMAND, today=TODAY
        )


def value_of(commune, code, year=2026, quarter=0) -> IndicatorValue:
    return IndicatorValue.objects.get(commune=commune, year=year, quarter=quarter, code=code)


def get(client, user, value):
    with time_machine.travel(TODAY):
        client.force_login(user)
        return client.get(value.get_absolute_url())


@pytest.fixture
def records(commune):
    """2026: the quarry (N from its annual report) has a death and a victim not under its
    management; the bakery's N comes from its H1 report (provisional); the workshop has no
    workforce figure, so its victim is outside N."""
    quarry = EnterpriseFactory(commune=commune, name="Công ty Đá Ea Ly")
    bakery = EnterpriseFactory(commune=commune, name="Cơ sở Bánh mì Ea Ly")
    workshop = EnterpriseFactory(commune=commune, name="Xưởng Mộc Không Số Liệu")
    ApprovedAnnualReportFactory(enterprise=quarry, year=2026, workers_total=900, workers_exposed=40)
    ApprovedH1ReportFactory(enterprise=bakery, year=2026, workers_total=100)
    first = CountedAccidentFactory(enterprise=quarry, occurred_at=local(2026, 4, 2))
    VictimFactory(accident=first, severity=FATAL, full_name="Nguyễn Văn Tử")
    VictimFactory(
        accident=first, severity=SERIOUS, full_name="Trần Thị Ngoài", under_management=False
    )
    second = CountedAccidentFactory(enterprise=workshop, occurred_at=local(2026, 6, 9))
    VictimFactory(accident=second, severity=MINOR, full_name="Lê Văn Xưởng")
    ApprovedExamFactory(enterprise=quarry, exam_date=date(2026, 5, 4), workers_examined=30)
    ApprovedMonitoringFactory(enterprise=quarry, year=2026)
    recompute(commune, 2026)
    return {"quarry": quarry, "bakery": bakery, "first": first, "second": second}


def test_fatality_frequency_is_explained_down_to_the_records(client, leader, commune, records):
    value = value_of(commune, Code.FATALITY_FREQUENCY)

    response = get(client, leader, value)

    assert response.status_code == 200
    text = response.text
    assert str(value.get_code_display()) in text
    assert "K_chết" in text  # the formula in words
    assert 'id="numerator">1<' in text
    assert 'id="denominator">1.000<' in text  # N = 900 + 100
    for accident in (records["first"], records["second"]):
        assert accident.receipt_number in text
        assert reverse("incidents:detail", kwargs={"public_id": accident.public_id}) in text
    # Workforce sources, enterprise by enterprise, with the provisional source marked.
    workforce = text.split('id="workforce"')[1].split("</section>")[0]
    assert records["quarry"].name in workforce
    assert records["quarry"].get_absolute_url() in workforce
    assert records["bakery"].name in workforce
    assert "tạm tính" in workforce
    # The counting rules and the run.
    assert 'id="rules"' in text
    run = value.run
    assert f"{run.values_written}" in text.split('id="run"')[1].split("</td>")[0]
    assert timezone.localtime(value.computed_at).strftime("%d/%m/%Y") in text


def test_victims_outside_n_are_listed_with_the_reason_but_never_named(
    client, province_viewer, commune, records
):
    value = value_of(commune, Code.FATALITY_FREQUENCY)

    text = get(client, province_viewer, value).text

    outside = text.split('id="outside"')[1].split("</section>")[0]
    assert records["first"].receipt_number in outside  # not under the quarry's management
    assert records["second"].receipt_number in outside  # the workshop has no N
    assert outside.count("<tr>") == 3  # header + two victims
    for name in ("Nguyễn Văn Tử", "Trần Thị Ngoài", "Lê Văn Xưởng"):
        assert name not in text


def test_exam_coverage_lists_the_rounds_with_links(client, leader, commune, records):
    value = value_of(commune, Code.EXPOSED_EXAM_COVERAGE)

    text = get(client, leader, value).text

    exam = records["quarry"].disease_exams.get()
    assert reverse("diseases:exam_detail", kwargs={"public_id": exam.public_id}) in text
    table = text.split('id="exam-enterprises"')[1].split("</section>")[0]
    assert records["quarry"].name in table
    assert ">40<" in table
    assert ">30<" in table


def test_monitored_establishments_are_named(client, leader, commune, records):
    text = get(client, leader, value_of(commune, Code.MONITORED_ENTERPRISES)).text

    establishments = text.split('id="establishments"')[1].split("</section>")[0]
    assert records["quarry"].name in establishments


def test_value_from_a_historical_aggregate_shows_the_aggregate(client, officer, commune):
    aggregate = HistoricalAggregateFactory(
        commune=commune, year=2024, accidents=2, victims=3, deaths=1, serious=1, workforce=1000
    )
    recompute(commune, 2024)
    value = value_of(commune, Code.FATALITY_FREQUENCY, year=2024)
    assert value.details["aggregate"] == str(aggregate.public_id)

    text = get(client, officer, value).text

    section = text.split('id="aggregate"')[1].split("</section>")[0]
    assert aggregate.source_document in section
    assert aggregate.get_absolute_url() in section
    assert 'id="accidents"' not in text  # no records behind this figure


def test_dashboard_names_the_aggregate_in_the_accident_chart(client, officer, commune):
    aggregate = HistoricalAggregateFactory(
        commune=commune, year=2024, accidents=2, victims=3, deaths=1, serious=1, workforce=1000
    )
    recompute(commune, 2024)

    with time_machine.travel(TODAY):
        client.force_login(officer)
        text = client.get(reverse("reporting:dashboard"), {"year": 2024}).text

    assert aggregate.source_document in text


def test_province_viewer_of_another_province_gets_404(client, commune, records):
    elsewhere = ProvinceFactory(code="54", name="Phú Yên")
    viewer = UserFactory(role=User.Role.PROVINCE_VIEWER, administrative_unit=elsewhere)

    assert get(client, viewer, value_of(commune, Code.FATALITY_FREQUENCY)).status_code == 404


def test_outsiders_get_404(
    client, commune, records, other_officer, enterprise_owner, province_viewer
):
    value = value_of(commune, Code.FATALITY_FREQUENCY)
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)

    assert get(client, other_officer, value).status_code == 404
    assert get(client, enterprise_owner, value).status_code == 404
    assert get(client, reporter, value).status_code == 404
    assert get(client, province_viewer, value).status_code == 200


def test_other_commune_values_are_not_readable_by_the_official(client, officer, other_commune):
    recompute(other_commune, 2026)
    value = value_of(other_commune, Code.ACCIDENTS)

    assert get(client, officer, value).status_code == 404


def test_every_indicator_has_an_explain_page(client, leader, commune, records):
    for value in IndicatorValue.objects.filter(commune=commune, year=2026, quarter=0):
        response = get(client, leader, value)
        assert response.status_code == 200, value.code
        assert "style=" not in response.text.split('<main id="main"')[1]


def test_a_commune_of_another_province_does_not_leak_into_the_province_viewer(
    client, province_viewer
):
    elsewhere = CommuneFactory(parent=ProvinceFactory(code="54", name="Phú Yên"))
    recompute(elsewhere, 2026)

    assert get(client, province_viewer, value_of(elsewhere, Code.ACCIDENTS)).status_code == 404
