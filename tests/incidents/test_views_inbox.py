"""The commune's accident inbox and receiving a declaration (incidents.views.commune)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit, Filing, ResponsibleUnit, User
from enterprises.models import Enterprise
from incidents import services
from incidents.models import Accident, InjuryCode, Victim
from tests.core.factories import ResponsibleUnitFactory, UserFactory

pytestmark = pytest.mark.django_db
INBOX = reverse("incidents:inbox")


def submitted_accident(
    *,
    commune: AdministrativeUnit,
    by: User,
    severities: tuple[str, ...] = (Victim.Severity.MINOR,),
    enterprise: Enterprise | None = None,
    hours_ago: int = 3,
) -> Accident:
    accident = Accident.objects.create(
        commune=commune,
        sector=Accident.Sector.EMPLOYED if enterprise else Accident.Sector.INFORMAL,
        enterprise=enterprise,
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        place="Rẫy cà phê buôn Ken",
        account="Người lao động bị ngã khi đang hái cà phê trên thang tự chế.",
        channel=Filing.Channel.ONLINE if enterprise else Filing.Channel.PHONE,
        created_by=by,
    )
    code, _created = InjuryCode.objects.get_or_create(
        version="test", code="024", defaults={"name": "Gãy xương sườn"}
    )
    for number, severity in enumerate(severities, start=1):
        victim = Victim.objects.create(
            accident=accident,
            full_name=f"Nạn nhân {number}",
            sex=Victim.Sex.FEMALE,
            occupation_name="Nông dân",
            severity=severity,
        )
        if severity == Victim.Severity.SERIOUS:
            victim.injury_codes.add(code)
    channel = Filing.Channel.ONLINE if enterprise else Filing.Channel.PHONE
    services.accident_submit(accident=accident, by=by, channel=channel)
    accident.refresh_from_db()
    return accident


def test_it_lists_urgent_declarations_first_then_the_oldest(client, officer):
    S = Victim.Severity
    old_minor = submitted_accident(commune=officer.commune, by=officer)
    two_serious = submitted_accident(
        commune=officer.commune, by=officer, severities=(S.SERIOUS, S.SERIOUS)
    )
    death = submitted_accident(
        commune=officer.commune, by=officer, severities=(S.FATAL, S.MINOR, S.MINOR)
    )
    one_serious = submitted_accident(commune=officer.commune, by=officer, severities=(S.SERIOUS,))
    Accident.objects.filter(pk=old_minor.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    received = submitted_accident(commune=officer.commune, by=officer)
    services.accident_receive(accident=received, by=officer)

    client.force_login(officer)
    response = client.get(INBOX)

    assert response.status_code == 200
    rows = [row.accident for row in response.context["page_obj"]]
    assert rows == [two_serious, death, old_minor, one_serious]
    assert [row.urgent for row in response.context["page_obj"]] == [True, True, False, False]
    content = response.content.decode()
    assert death.receipt_number in content
    assert received.receipt_number not in content
    assert reverse("incidents:receive", kwargs={"public_id": death.public_id}) in content


def test_a_late_declaration_is_flagged(client, officer):
    submitted_accident(commune=officer.commune, by=officer, hours_ago=30)
    client.force_login(officer)
    row = client.get(INBOX).context["page_obj"][0]
    assert row.accident.is_late


def test_the_leader_reads_the_inbox_without_the_receive_button(client, leader, officer):
    accident = submitted_accident(commune=officer.commune, by=officer)
    client.force_login(leader)
    response = client.get(INBOX)
    assert response.status_code == 200
    receive_url = reverse("incidents:receive", kwargs={"public_id": accident.public_id})
    assert receive_url not in response.content.decode()


@pytest.fixture
def police_reporter(commune) -> User:
    user = UserFactory(username="paul", role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.POLICE).members.add(user)
    return user


@pytest.mark.parametrize("persona", ["enterprise_owner", "police_reporter", "province_viewer"])
def test_it_returns_403_for_other_roles(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(INBOX).status_code == 403


def test_receive_moves_the_declaration_to_received(client, officer, enterprise, enterprise_owner):
    accident = submitted_accident(
        commune=officer.commune, by=enterprise_owner, enterprise=enterprise
    )
    client.force_login(officer)

    response = client.post(reverse("incidents:receive", kwargs={"public_id": accident.public_id}))

    assert response.status_code == 302
    assert response.url == accident.get_absolute_url()
    accident.refresh_from_db()
    assert accident.status == Accident.Status.RECEIVED
    assert accident.received_by == officer
    assert not client.get(INBOX).context["page_obj"].object_list


def test_receiving_twice_only_warns(client, officer):
    accident = submitted_accident(commune=officer.commune, by=officer)
    url = reverse("incidents:receive", kwargs={"public_id": accident.public_id})
    client.force_login(officer)
    client.post(url)

    response = client.post(url, follow=False)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already been received" in m or "đã được tiếp nhận" in m for m in messages)


def test_receive_is_get_not_allowed(client, officer):
    accident = submitted_accident(commune=officer.commune, by=officer)
    client.force_login(officer)
    url = reverse("incidents:receive", kwargs={"public_id": accident.public_id})
    assert client.get(url).status_code == 405


def test_it_returns_404_for_other_communes_official(client, officer, other_officer):
    accident = submitted_accident(commune=officer.commune, by=officer)
    client.force_login(other_officer)
    url = reverse("incidents:receive", kwargs={"public_id": accident.public_id})
    assert client.post(url).status_code == 404
    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED


def test_the_leader_cannot_receive(client, officer, leader):
    accident = submitted_accident(commune=officer.commune, by=officer)
    client.force_login(leader)
    url = reverse("incidents:receive", kwargs={"public_id": accident.public_id})
    assert client.post(url).status_code == 403
