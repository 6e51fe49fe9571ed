"""Accident declarations through the pages users take: the enterprise declares online, the commune
types in a paper declaration, and readers see what their role allows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atvsld_portal import services as core_services
from atvsld_portal.models import Filing, Outbox, PersonalDataView, User
from incidents import services
from incidents.models import Accident, AccidentDeclaration, InjuryCode, Victim
from tests.core.factories import ResponsibleUnitFactory, UserFactory
from tests.incidents.factories import AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=HCM)
ACCOUNT = (
    "Khi đang điều chỉnh băng tải của máy nghiền mà không dừng máy, hai công nhân bị đá văng "
    "trúng người."
)
PERSONAL_ID = "066090001234"


@pytest.fixture(autouse=True)
def _frozen_clock():
    """The whole journey happens the afternoon after a morning accident."""
    with time_machine.travel(NOW, tick=False):
        yield


def _url(name: str, obj) -> str:
    return reverse(f"incidents:{name}", kwargs={"public_id": obj.public_id})


def _code() -> InjuryCode:
    return InjuryCode.objects.filter(is_active=True).order_by("order", "code").first()


def _victim(**overrides) -> dict:
    return {
        "full_name": "Trần Văn An",
        "sex": Victim.Sex.MALE,
        "birth_year": "1990",
        "personal_id": "",
        "occupation_name": "Công nhân vận hành",
        "under_management": "on",
        "severity": Victim.Severity.MINOR,
        "treatment_place": "Trung tâm Y tế Sông Hinh",
        "days_off": "3",
        "cost_medical": "1.500.000",
        "cost_wages": "0",
        "cost_compensation": "0",
        **overrides,
    }


def _post_data(enterprise, victims: list[dict], **overrides) -> dict:
    data = {
        "sector": Accident.Sector.EMPLOYED,
        "enterprise": str(enterprise.pk) if enterprise else "",
        "kind": Accident.Kind.ACCIDENT,
        "occurred_at": "10/03/2026 08:30",
        "place": "Mỏ đá thôn 1",
        "account": ACCOUNT,
        "main_cause": "7",
        "other_causes": ["2"],
        "property_damage": "2.000.000",
        "declarant_name": "Nguyễn Văn Bình",
        "declarant_position": "Giám đốc",
        "declarant_phone": "0905123456",
        "victims-TOTAL_FORMS": str(len(victims)),
        "victims-INITIAL_FORMS": "0",
        "victims-MIN_NUM_FORMS": "0",
        "victims-MAX_NUM_FORMS": str(settings.ACCIDENT_MAX_VICTIMS),
        **overrides,
    }
    for index, victim in enumerate(victims):
        for key, value in victim.items():
            data[f"victims-{index}-{key}"] = value
    return data


@pytest.fixture
def declared(enterprise, enterprise_owner):
    """A submitted accident of `enterprise` with one seriously injured victim with a personal ID."""
    accident = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    victim = VictimFactory(
        accident=accident, severity=Victim.Severity.SERIOUS, personal_id=PERSONAL_ID
    )
    victim.injury_codes.add(_code())
    services.accident_submit(accident=accident, by=enterprise_owner)
    accident.refresh_from_db()
    return accident


@pytest.fixture
def police_reporter(commune):
    user = UserFactory(username="phong", role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    ResponsibleUnitFactory(commune=commune, name="Công an xã Ea Ly").members.add(user)
    return user


def test_enterprise_user_drafts_two_victims_resumes_and_submits(
    client, enterprise_owner, enterprise, commune
):
    client.force_login(enterprise_owner)
    victims = [
        _victim(severity=Victim.Severity.SERIOUS, injury_codes=[str(_code().pk)]),
        _victim(full_name="Lê Thị Hoa", sex=Victim.Sex.FEMALE, birth_year="1995"),
    ]
    response = client.post(reverse("incidents:create"), _post_data(enterprise, victims))
    accident = Accident.objects.get()
    assert response["Location"] == _url("detail", accident)
    assert accident.status == Accident.Status.DRAFT
    assert (accident.commune, accident.created_by, accident.channel) == (
        commune,
        enterprise_owner,
        Filing.Channel.ONLINE,
    )
    assert accident.other_causes == ["2"]
    assert accident.victims.count() == 2
    assert accident.victims.get(full_name="Trần Văn An").cost_medical == 1_500_000

    response = client.get(_url("edit", accident))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lê Thị Hoa" in content
    assert 'value="10/03/2026 08:30"' in content
    assert 'value="1995"' in content

    response = client.post(_url("submit", accident), follow=True)
    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED
    assert accident.receipt_number == "TEST-EA-LY/2026/00001"
    assert accident.receipt_number in response.content.decode()
    declaration = AccidentDeclaration.objects.get(accident=accident)
    assert declaration.version == 1
    assert len(declaration.snapshot["victims"]) == 2
    assert declaration.snapshot["receipt_number"] == "TEST-EA-LY/2026/00001"
    tasks = set(Outbox.objects.values_list("task_name", flat=True))
    assert {services.NOTIFY_TASK, core_services.RECOMPUTE_TASK} <= tasks


def test_save_and_add_victim_returns_to_the_form(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    data = _post_data(enterprise, [_victim()], add_victim="1")
    response = client.post(reverse("incidents:create"), data)
    accident = Accident.objects.get()
    assert response["Location"] == _url("edit", accident)
    response = client.get(_url("edit", accident))
    assert response.context["formset"].total_form_count() == 2


def test_serious_victim_without_code_is_an_error_next_to_the_field(
    client, enterprise_owner, enterprise
):
    client.force_login(enterprise_owner)
    victims = [_victim(full_name="Phạm Văn Cường", severity=Victim.Severity.SERIOUS)]
    response = client.post(reverse("incidents:create"), _post_data(enterprise, victims))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "injury_codes" in errors
    assert "Phạm Văn Cường" in response.content.decode()
    assert not Accident.objects.exists()


def test_minor_victim_with_a_code_is_an_error(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    victims = [_victim(injury_codes=[str(_code().pk)])]
    response = client.post(reverse("incidents:create"), _post_data(enterprise, victims))
    assert "injury_codes" in response.context["formset"].forms[0].errors
    assert not Accident.objects.exists()


def test_short_account_and_bad_personal_id_are_rejected(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    data = _post_data(enterprise, [_victim(personal_id="12345")], account="Bị thương.")
    response = client.post(reverse("incidents:create"), data)
    assert "account" in response.context["form"].errors
    assert "personal_id" in response.context["formset"].forms[0].errors


def test_member_cannot_file_for_another_enterprise(client, enterprise_owner, other_enterprise):
    client.force_login(enterprise_owner)
    response = client.post(reverse("incidents:create"), _post_data(other_enterprise, [_victim()]))
    assert "enterprise" in response.context["form"].errors
    assert not Accident.objects.exists()


def test_receipt_pdf_is_rendered_once_then_served_from_storage(client, enterprise_owner, declared):
    client.force_login(enterprise_owner)
    response = client.get(_url("receipt", declared))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    declaration = declared.declarations.get()
    assert declaration.receipt_pdf
    stored_name = declaration.receipt_pdf.name

    response = client.get(_url("receipt", declared))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    declaration.refresh_from_db()
    assert declaration.receipt_pdf.name == stored_name


def test_no_receipt_for_a_draft(client, enterprise_owner, enterprise):
    accident = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    client.force_login(enterprise_owner)
    assert client.get(_url("receipt", accident)).status_code == 404


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
@pytest.mark.parametrize(
    ("name", "method"),
    [("detail", "get"), ("edit", "get"), ("submit", "post"), ("receipt", "get")],
)
def test_outsiders_get_404(client, request, declared, outsider, name, method):
    client.force_login(request.getfixturevalue(outsider))
    draft = AccidentFactory(enterprise=declared.enterprise, created_by=declared.created_by)
    for accident in (declared, draft):
        response = getattr(client, method)(_url(name, accident))
        assert response.status_code == 404


def test_declaration_scan_is_404_for_outsiders(client, other_enterprise_owner, declared):
    declaration = declared.declarations.get()
    client.force_login(other_enterprise_owner)
    response = client.get(reverse("incidents:declaration_scan", args=[declaration.public_id]))
    assert response.status_code == 404


def test_submitted_declaration_cannot_be_edited(client, enterprise_owner, declared):
    client.force_login(enterprise_owner)
    assert client.get(_url("edit", declared)).status_code == 403


@pytest.mark.parametrize("reader", ["province_viewer", "police_reporter"])
def test_province_and_police_see_the_detail_without_personal_id(client, request, declared, reader):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(_url("detail", declared))
    assert response.status_code == 200
    content = response.content.decode()
    assert declared.victims.get().full_name in content
    assert PERSONAL_ID not in content
    assert not PersonalDataView.objects.exists()


def test_official_sees_the_personal_id_and_the_view_is_logged(client, officer, declared):
    client.force_login(officer)
    response = client.get(_url("detail", declared))
    assert PERSONAL_ID in response.content.decode()
    victim = declared.victims.get()
    assert PersonalDataView.objects.filter(user=officer, object_id=str(victim.public_id)).exists()


def test_official_enters_a_paper_declaration_with_a_scan(client, officer, enterprise):
    client.force_login(officer)
    data = _post_data(enterprise, [_victim()], channel=Filing.Channel.PAPER)
    response = client.post(reverse("incidents:create"), data)
    accident = Accident.objects.get()
    assert response["Location"] == _url("detail", accident)
    assert (accident.channel, accident.entered_by) == (Filing.Channel.PAPER, officer)
    scan = SimpleUploadedFile("khai-bao.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(_url("submit", accident), {"channel": Filing.Channel.PAPER, "scan": scan})
    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED
    declaration = accident.declarations.get()
    assert (declaration.channel, declaration.submitted_by) == (Filing.Channel.PAPER, officer)
    assert declaration.scan
    response = client.get(reverse("incidents:declaration_scan", args=[declaration.public_id]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"


def test_official_declares_an_informal_accident_in_their_commune(client, officer, commune):
    client.force_login(officer)
    data = _post_data(
        None, [_victim(under_management="")], sector=Accident.Sector.INFORMAL, channel="phone"
    )
    client.post(reverse("incidents:create"), data)
    accident = Accident.objects.get()
    assert (accident.commune, accident.enterprise, accident.channel) == (commune, None, "phone")


def test_urgent_notice_is_shown_for_a_death(client, enterprise_owner, enterprise):
    accident = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    VictimFactory(accident=accident, severity=Victim.Severity.FATAL)
    client.force_login(enterprise_owner)
    response = client.get(_url("detail", accident))
    content = response.content.decode()
    assert 'role="alert"' in content
    assert settings.ACCIDENT_URGENT_NOTICE[:40] in content


def test_list_shows_drafts_to_members_and_the_declare_button(
    client, enterprise_owner, enterprise, declared
):
    AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    client.force_login(enterprise_owner)
    response = client.get(reverse("incidents:list"))
    assert len(response.context["page_obj"]) == 2
    assert reverse("incidents:create") in response.content.decode()


def test_province_viewer_cannot_declare(client, province_viewer):
    client.force_login(province_viewer)
    assert client.get(reverse("incidents:create")).status_code == 403
