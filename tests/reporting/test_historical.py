"""Historical aggregates through the pages users take (reporting.views.historical): who reads
and who enters them, the checks next to each field, the scan, and the recompute asked for."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Outbox, User
from atvsld_portal.services import RECOMPUTE_TASK, outbox_dedup_key
from plans.models import PlanGoal
from reporting.models import ComputationRun, HistoricalAggregate, IndicatorValue
from tests.core.factories import CommuneFactory, ResponsibleUnitFactory, UserFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import HCM
from tests.plans.factories import PlanFactory
from tests.reporting.factories import ApprovedAnnualReportFactory, HistoricalAggregateFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
LIST = reverse("reporting:historical_list")
CREATE = reverse("reporting:historical_create")


def frozen():
    return time_machine.travel(datetime(2026, 11, 29, 9, tzinfo=HCM), tick=False)


def url(name: str, aggregate: HistoricalAggregate) -> str:
    return reverse(f"reporting:{name}", kwargs={"public_id": aggregate.public_id})


def form_data(**overrides) -> dict:
    data = {
        "year": "2024",
        "sector": "employed",
        "accidents": "3",
        "victims": "4",
        "deaths": "1",
        "serious": "2",
        "workforce": "1.250",
        "exposed": "430",
        "examined": "412",
        "harmful_establishments": "25",
        "monitored_establishments": "20",
        "source_document": "45/BC-UBND",
        "source_date": "15/01/2025",
    }
    data.update(overrides)
    return data


@pytest.fixture
def aggregate(commune, officer):
    return HistoricalAggregateFactory(
        commune=commune,
        year=2024,
        accidents=2,
        victims=3,
        deaths=1,
        serious=1,
        workforce=1100,
        source_document="12/BC-UBND",
        entered_by=officer,
        scan=SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
    )


@pytest.fixture
def other_aggregate(other_commune, other_officer):
    return HistoricalAggregateFactory(
        commune=other_commune, year=2025, source_document="77/BC-UBND", entered_by=other_officer
    )


@pytest.fixture
def police(commune):
    user = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    ResponsibleUnitFactory(commune=commune).members.add(user)
    return user


# ------------------------------------------------------------------------------
# List
# ------------------------------------------------------------------------------
def test_officials_and_leaders_list_their_communes_figures(
    client, officer, leader, aggregate, other_aggregate
):
    for user in (officer, leader):
        client.force_login(user)
        page = client.get(LIST).text
        assert "12/BC-UBND" in page
        assert "77/BC-UBND" not in page
        assert aggregate.get_absolute_url() in page
    assert "Ea Bá" not in page


def test_only_the_official_is_offered_to_enter_figures(client, officer, leader):
    client.force_login(officer)
    assert CREATE in client.get(LIST).text
    client.force_login(leader)
    assert CREATE not in client.get(LIST).text


def test_the_province_viewer_lists_every_commune_with_its_name(
    client, province_viewer, aggregate, other_aggregate
):
    client.force_login(province_viewer)
    response = client.get(LIST)
    page = response.text
    assert "12/BC-UBND" in page
    assert "77/BC-UBND" in page
    assert "Ea Ly" in page
    assert "Ea Bá" in page
    assert CREATE not in page


def test_the_list_filters_by_year_and_sector(client, officer, commune, aggregate):
    HistoricalAggregateFactory(
        commune=commune, year=2025, source_document="88/BC-UBND", entered_by=officer
    )
    HistoricalAggregateFactory(
        commune=commune,
        year=2025,
        sector=HistoricalAggregate.Sector.INFORMAL,
        source_document="99/BC-UBND",
        entered_by=officer,
    )
    client.force_login(officer)

    page = client.get(LIST, {"year": "2025"}).text
    assert ("12/BC-UBND" in page, "88/BC-UBND" in page, "99/BC-UBND" in page) == (
        False,
        True,
        True,
    )
    page = client.get(LIST, {"year": "2025", "sector": "informal"}).text
    assert ("88/BC-UBND" in page, "99/BC-UBND" in page) == (False, True)


def test_the_list_is_paginated_with_a_constant_number_of_queries(client, province_viewer, province):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    client.force_login(province_viewer)
    communes = [CommuneFactory(parent=province) for _ in range(11)]
    for commune in communes[:2]:
        HistoricalAggregateFactory(commune=commune, year=2024)
    few = count_queries()
    for year in (2022, 2023, 2025):
        for commune in communes:
            HistoricalAggregateFactory(commune=commune, year=year)
    assert count_queries() == few

    page_two = client.get(LIST, {"page": "2"})
    assert page_two.context["page_obj"].number == 2
    assert len(page_two.context["page_obj"]) == 35 - 30


@pytest.mark.parametrize("persona", ["enterprise_owner", "police"])
def test_the_list_is_refused_to_enterprises_and_unit_reporters(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403


# ------------------------------------------------------------------------------
# Create
# ------------------------------------------------------------------------------
def test_the_official_enters_a_year_and_its_recompute_is_asked_for(client, officer, commune):
    with frozen():
        client.force_login(officer)
        assert client.get(CREATE).status_code == 200
        response = client.post(CREATE, form_data())

    created = HistoricalAggregate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.commune, created.entered_by, created.year, created.sector) == (
        commune,
        officer,
        2024,
        "employed",
    )
    assert (created.accidents, created.victims, created.deaths, created.serious) == (3, 4, 1, 2)
    assert (created.workforce, created.exposed, created.examined) == (1250, 430, 412)
    assert (created.harmful_establishments, created.monitored_establishments) == (25, 20)
    assert (created.source_document, created.source_date) == ("45/BC-UBND", date(2025, 1, 15))
    # 2024, and the later years that compare with it or compound from it.
    rows = Outbox.objects.filter(task_name=RECOMPUTE_TASK).order_by("pk")
    assert [row.args for row in rows] == [
        [commune.pk, 2024],
        [commune.pk, 2025],
        [commune.pk, 2026],
    ]
    assert {row.status for row in rows} == {Outbox.Status.PENDING}


def test_saving_recomputes_the_indicators_of_that_year(
    client, officer, commune, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, form_data(deaths="1", workforce="1.250"))

    run = ComputationRun.objects.get(commune=commune, year=2024)
    assert run.status == ComputationRun.Status.DONE
    k_death = IndicatorValue.objects.get(
        commune=commune, year=2024, quarter=0, code=Code.FATALITY_FREQUENCY
    )
    assert k_death.value == Decimal("0.800")  # 1 / 1,250 x 1,000
    assert k_death.details["aggregate"] == str(HistoricalAggregate.objects.get().public_id)
    assert not Outbox.objects.filter(status=Outbox.Status.PENDING).exists()


def test_entering_the_baseline_year_refreshes_the_target_of_this_year(
    client, officer, commune, django_capture_on_commit_callbacks
):
    plan = PlanFactory(commune=commune, start_year=2025, end_year=2030)
    PlanGoal.objects.create(
        plan=plan,
        text="Giảm ít nhất 4%/năm tần suất TNLĐ chết người",
        indicator=Code.FATALITY_FREQUENCY,
        direction=PlanGoal.Direction.DECREASE,
        target_value=Decimal("4"),
        method=PlanGoal.Method.BASELINE,
        baseline_year=2024,
    )
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=1300)
    with frozen():
        client.force_login(officer)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                CREATE,
                form_data(accidents="9", victims="9", deaths="9", serious="0", workforce="10.000"),
            )

    k_death = IndicatorValue.objects.get(
        commune=commune, year=2026, quarter=0, code=Code.FATALITY_FREQUENCY
    )
    assert k_death.details["baseline_value"] == "0.900"  # 9 / 10,000 x 1,000
    assert k_death.target == Decimal("0.829")  # 0.900 x 0.96^2 = 0.82944
    assert k_death.status == IndicatorValue.Status.MET  # 0 deaths in 2026


def test_the_official_may_attach_a_scan(client, officer):
    client.force_login(officer)
    scan = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
    client.post(CREATE, {**form_data(), "scan": scan})

    created = HistoricalAggregate.objects.get()
    assert created.scan
    assert "bao-cao" not in created.scan.name  # stored under a random name


def test_a_heic_scan_is_refused_next_to_the_field(client, officer):
    client.force_login(officer)
    scan = SimpleUploadedFile("anh.heic", HEIC, content_type="image/heic")
    response = client.post(CREATE, {**form_data(), "scan": scan})

    assert response.status_code == 200
    assert response.context["form"].errors["scan"] == [
        _("HEIC photos are not accepted. Please save the photo as JPEG and upload it again.")
    ]
    assert not HistoricalAggregate.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"victims": "2", "deaths": "3", "serious": "0"},
            "deaths",
            "Deaths cannot outnumber the people injured.",
        ),
        (
            {"victims": "2", "deaths": "0", "serious": "3"},
            "serious",
            "The seriously injured cannot outnumber the people injured.",
        ),
        (
            {"victims": "2", "deaths": "1", "serious": "2"},
            "serious",
            "Deaths and seriously injured together cannot outnumber the people injured.",
        ),
        (
            {"exposed": "400", "examined": "412"},
            "examined",
            "The workers examined cannot outnumber the workers exposed.",
        ),
        (
            {"exposed": "", "examined": "412"},
            "exposed",
            "Give the exposed workers the examined are counted in.",
        ),
        (
            {"harmful_establishments": "19", "monitored_establishments": "20"},
            "monitored_establishments",
            "The monitored establishments cannot outnumber the establishments with harmful "
            "factors.",
        ),
        (
            {"source_date": "01/01/2999"},
            "source_date",
            "The document date cannot be in the future.",
        ),
    ],
)
def test_inconsistent_figures_are_explained_next_to_the_field(
    client, officer, overrides, field, message
):
    client.force_login(officer)
    response = client.post(CREATE, form_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {field: [_(message)]}
    assert not HistoricalAggregate.objects.exists()
    assert not Outbox.objects.exists()
    assert 'value="45/BC-UBND"' in response.text  # what was typed is kept


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"year": "1999"}, "year"), ({"source_document": ""}, "source_document")],
)
def test_a_year_before_2000_or_no_source_document_is_refused(client, officer, overrides, field):
    client.force_login(officer)
    response = client.post(CREATE, form_data(**overrides))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert not HistoricalAggregate.objects.exists()


def test_a_year_in_the_future_is_refused(client, officer):
    client.force_login(officer)
    next_year = str(timezone.localdate().year + 1)
    response = client.post(CREATE, form_data(year=next_year))

    assert response.context["form"].errors["year"] == [_("The year cannot be in the future.")]
    assert f'value="{next_year}"' in response.text
    assert not HistoricalAggregate.objects.exists()


def test_a_second_entry_of_the_same_year_and_sector_is_refused(client, officer, aggregate):
    client.force_login(officer)
    response = client.post(CREATE, form_data(year="2024", sector="employed"))

    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        _("The commune already has figures for %(year)s (%(sector)s): correct those.")
        % {"year": 2024, "sector": _("Workers with a labour relation")}
    ]
    assert HistoricalAggregate.objects.count() == 1
    # Another sector of the same year is a different entry.
    response = client.post(CREATE, form_data(year="2024", sector="informal"))
    assert response.status_code == 302
    assert HistoricalAggregate.objects.count() == 2


def test_another_communes_figures_of_that_year_do_not_block(client, other_officer, aggregate):
    client.force_login(other_officer)
    assert client.post(CREATE, form_data(year="2024")).status_code == 302


@pytest.mark.parametrize("persona", ["leader", "province_viewer", "enterprise_owner", "police"])
def test_only_the_commune_official_enters_figures(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not HistoricalAggregate.objects.exists()


# ------------------------------------------------------------------------------
# Edit
# ------------------------------------------------------------------------------
def test_the_official_corrects_figures_and_both_years_are_recomputed(
    client, officer, commune, aggregate
):
    with frozen():
        client.force_login(officer)
        assert client.get(url("historical_edit", aggregate)).status_code == 200
        response = client.post(
            url("historical_edit", aggregate), form_data(year="2023", deaths="0", serious="1")
        )

    assert response.status_code == 302
    aggregate.refresh_from_db()
    assert (aggregate.year, aggregate.deaths, aggregate.serious) == (2023, 0, 1)
    assert aggregate.entered_by == officer
    assert aggregate.scan  # left as it was
    assert sorted(row.args for row in Outbox.objects.filter(task_name=RECOMPUTE_TASK)) == [
        [commune.pk, 2023],
        [commune.pk, 2024],
        [commune.pk, 2025],
        [commune.pk, 2026],
    ]


def test_the_scan_can_be_removed(client, officer, aggregate):
    client.force_login(officer)
    client.post(url("historical_edit", aggregate), {**form_data(), "scan-clear": "on"})

    aggregate.refresh_from_db()
    assert not aggregate.scan


def test_correcting_into_an_existing_year_is_refused(client, officer, commune, aggregate):
    HistoricalAggregateFactory(commune=commune, year=2025, entered_by=officer)
    client.force_login(officer)
    response = client.post(url("historical_edit", aggregate), form_data(year="2025"))

    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        _("The commune already has figures for %(year)s (%(sector)s): correct those.")
        % {"year": 2025, "sector": _("Workers with a labour relation")}
    ]
    aggregate.refresh_from_db()
    assert aggregate.year == 2024


@pytest.mark.parametrize("persona", ["leader", "province_viewer"])
def test_readers_cannot_correct(client, request, persona, aggregate):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("historical_edit", aggregate)).status_code == 403
    assert client.post(url("historical_edit", aggregate), form_data()).status_code == 403
    aggregate.refresh_from_db()
    assert aggregate.source_document == "12/BC-UBND"


# ------------------------------------------------------------------------------
# Detail and scan
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["officer", "leader", "province_viewer"])
def test_readers_see_the_figures_the_source_and_the_history(client, request, persona, aggregate):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url("historical_detail", aggregate))

    assert response.status_code == 200
    page = response.text
    assert "12/BC-UBND" in page
    assert url("historical_scan", aggregate) in page
    assert response.context["in_use"]
    assert _("The indicators of %(year)s are computed from these figures.") % {"year": 2024} in page
    assert response.context["history"][0].kind == "+"
    assert (url("historical_edit", aggregate) in page) == (persona == "officer")


def test_the_detail_says_when_the_year_has_records(client, officer, commune, aggregate):
    ApprovedAnnualReportFactory(
        enterprise=EnterpriseFactory(commune=commune), year=2024, workers_total=50
    )
    client.force_login(officer)
    response = client.get(url("historical_detail", aggregate))

    assert not response.context["in_use"]
    assert (
        _(
            "The portal has records of %(year)s: the indicators of %(year)s do not use "
            "these figures."
        )
        % {"year": 2024}
        in response.text
    )


def test_the_history_shows_a_correction(client, officer, aggregate):
    client.force_login(officer)
    client.post(url("historical_edit", aggregate), form_data(deaths="0", serious="1"))

    history = client.get(url("historical_detail", aggregate)).context["history"]
    assert history[0].user == officer
    changed = {str(label): (old, new) for label, old, new in history[0].changes}
    assert changed[_("deaths")] == (1, 0)


@pytest.mark.parametrize("persona", ["officer", "leader", "province_viewer"])
def test_readers_download_the_scan(client, request, persona, aggregate):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url("historical_scan", aggregate))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert "so-lieu-2024-employed.pdf" in response["Content-Disposition"]


def test_no_scan_is_404(client, officer, other_aggregate, other_officer):
    client.force_login(other_officer)
    assert client.get(url("historical_scan", other_aggregate)).status_code == 404


@pytest.mark.parametrize("persona", ["other_officer", "other_enterprise_owner", "police"])
@pytest.mark.parametrize("name", ["historical_detail", "historical_edit", "historical_scan"])
def test_it_returns_404_for_other_communes_and_enterprises(
    client, request, persona, name, aggregate
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(name, aggregate)).status_code == 404


def test_a_province_viewer_of_another_province_gets_404(client, aggregate):
    from tests.core.factories import ProvinceFactory

    stranger = UserFactory(
        role=User.Role.PROVINCE_VIEWER, administrative_unit=ProvinceFactory(code="01")
    )
    client.force_login(stranger)
    assert client.get(url("historical_detail", aggregate)).status_code == 404
    assert "12/BC-UBND" not in client.get(LIST).text


def test_the_outbox_key_is_the_one_the_apps_use(commune):
    """The aggregate's recompute joins the same pending row as an accident's of that year."""
    assert outbox_dedup_key(RECOMPUTE_TASK, [commune.pk, 2024]) == (
        f"reporting.tasks.recompute_indicators_task:[{commune.pk},2024]"
    )
