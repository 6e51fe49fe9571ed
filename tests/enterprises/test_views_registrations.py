"""An enterprise registers itself; the commune approves (inviting its contact) or refuses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseRegistration, OwnershipType
from tests.enterprises.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _data(commune, **overrides):
    return {
        "commune": commune.pk,
        "name": "Công ty TNHH Gạch Không Nung Ea Ly",
        "tax_code": "0100109106",
        "ownership_type": OwnershipType.objects.get(code="2").pk,
        "activity_version": "2025",
        "activity_code": "2392",
        "address": "Tổ 2",
        "contact_name": "Trần Thị Bích",
        "contact_email": "bich@example.vn",
        "contact_phone": "0905 111 222",
        **overrides,
    }


def test_anonymous_registration_then_approval_invites_the_contact(
    client, commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    officer.email = "alice@example.vn"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:register"), _data(commune))
    assert response.status_code == 200
    enterprise = Enterprise.objects.get()
    assert enterprise.status == Enterprise.Status.PENDING
    assert mailoutbox[0].to == ["alice@example.vn"]
    # Pending enterprises get no filing when a period opens, and are shown to the official.
    client.force_login(officer)
    assert "status=pending" in client.get(reverse("enterprises:list")).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:registration_approve", kwargs={"public_id": enterprise.public_id})
        )
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.ACTIVE
    member = enterprise.memberships.get()
    assert member.user.email == "bich@example.vn"
    assert mailoutbox[-1].to == ["bich@example.vn"]
    registration = EnterpriseRegistration.objects.get()
    assert registration.decided_by == officer


def test_refusal_needs_a_reason(client, commune, officer):
    client.post(reverse("enterprises:register"), _data(commune))
    enterprise = Enterprise.objects.get()
    client.force_login(officer)
    url = reverse("enterprises:registration_reject", kwargs={"public_id": enterprise.public_id})
    client.post(url, {"reason": ""})
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.PENDING
    client.post(url, {"reason": "Không hoạt động trên địa bàn xã"})
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.REJECTED


def test_registration_with_another_communes_tax_code_is_refused(client, commune, other_commune):
    EnterpriseFactory(commune=other_commune, tax_code="0100109106")
    response = client.post(reverse("enterprises:register"), _data(commune))
    assert response.status_code == 200
    assert "Sở Nội vụ" in response.text
    assert "Xã Ea Bá" in response.text
    assert 'value="Công ty TNHH Gạch Không Nung Ea Ly"' in response.text
    assert Enterprise.objects.filter(commune=commune).count() == 0


def test_bad_tax_code_keeps_the_input(client, commune):
    response = client.post(reverse("enterprises:register"), _data(commune, tax_code="0100109107"))
    assert response.status_code == 200
    assert "chữ số kiểm tra" in response.text
    assert not Enterprise.objects.exists()


def test_decisions_are_for_the_communes_official_only(client, commune, leader, other_officer):
    client.post(reverse("enterprises:register"), _data(commune))
    enterprise = Enterprise.objects.get()
    url = reverse("enterprises:registration_approve", kwargs={"public_id": enterprise.public_id})
    client.force_login(leader)
    assert client.post(url).status_code == 403
    client.force_login(other_officer)
    assert client.post(url).status_code == 404
