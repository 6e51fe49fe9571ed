from __future__ import annotations

import pytest
from django.urls import reverse

from atvsld_portal.models import ResponsibleUnit

pytestmark = pytest.mark.django_db


def test_home_sends_officials_to_their_dashboard(officer_client):
    response = officer_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:dashboard")


def test_home_sends_the_province_viewer_to_the_province_view(client, province_viewer):
    client.force_login(province_viewer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:province")


def test_home_names_the_reporters_unit(client, commune):
    from tests.core.factories import UserFactory

    reporter = UserFactory(role="unit_reporter", administrative_unit=commune)
    unit = ResponsibleUnit.objects.create(
        commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an xã Ea Ly"
    )
    unit.members.add(reporter)
    client.force_login(reporter)
    # A unit reporter lands on their unit's duties.
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:my_assignments")
    assert "Công an xã Ea Ly" in response.text


def test_pages_send_a_strict_csp(officer_client):
    response = officer_client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text
    assert " style=" not in response.text


def test_error_pages_are_vietnamese(officer_client):
    response = officer_client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
