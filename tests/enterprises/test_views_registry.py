from __future__ import annotations

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.core.factories import UserFactory
from tests.enterprises.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_search_ignores_case_and_marks_including_d(officer_client, commune):
    EnterpriseFactory(commune=commune, name="Công ty Đá Ea Ly")
    EnterpriseFactory(commune=commune, name="Công ty Gạch Tân Lập")
    response = officer_client.get(reverse("enterprises:list"), {"q": "cong ty da"})
    assert "Công ty Đá Ea Ly" in response.text
    assert "Công ty Gạch Tân Lập" not in response.text
    assert (
        "Công ty Đá Ea Ly" in officer_client.get(reverse("enterprises:list"), {"q": "ĐÁ EA"}).text
    )


def test_search_by_tax_code_prefix(officer_client, commune):
    EnterpriseFactory(commune=commune, name="Công ty A", tax_code="0100109106")
    assert "Công ty A" in officer_client.get(reverse("enterprises:list"), {"q": "01001"}).text


def test_htmx_request_renders_only_the_results_region(officer_client, enterprise):
    response = officer_client.get(reverse("enterprises:list"), {"q": "da"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="results">')
    assert "<html" not in response.text
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]


def test_filters_by_village_and_harmful_factors(officer_client, commune):
    from tests.core.factories import VillageFactory

    village = VillageFactory(commune=commune, name="Buôn Ken")
    EnterpriseFactory(
        commune=commune, name="Xưởng cưa Buôn Ken", village=village, has_harmful_factors=True
    )
    EnterpriseFactory(commune=commune, name="Tạp hóa", has_harmful_factors=False)
    text = officer_client.get(
        reverse("enterprises:list"), {"village": village.pk, "harmful": "yes"}
    ).text
    assert "Xưởng cưa Buôn Ken" in text
    assert "Tạp hóa" not in text


@pytest.mark.parametrize("count", [5, 50])
def test_list_issues_the_same_number_of_queries_whatever_the_row_count(
    officer_client, commune, count, django_assert_num_queries
):
    EnterpriseFactory.create_batch(count, commune=commune)
    officer_client.get(reverse("enterprises:list"))  # warm up caches (content types, session)
    with django_assert_num_queries(12):
        response = officer_client.get(reverse("enterprises:list"))
    assert response.status_code == 200


def test_other_commune_official_sees_none_of_ea_ly(client, other_officer, enterprise):
    client.force_login(other_officer)
    assert enterprise.name not in client.get(reverse("enterprises:list")).text
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_province_viewer_reads_both_communes_and_changes_nothing(
    client, province_viewer, enterprise, other_commune
):
    other = EnterpriseFactory(commune=other_commune, name="Công ty Ea Bá")
    client.force_login(province_viewer)
    text = client.get(reverse("enterprises:list")).text
    assert enterprise.name in text
    assert other.name in text
    assert client.get(other.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("enterprises:edit", kwargs={"public_id": other.public_id})).status_code
        == 403
    )
    assert client.post(reverse("enterprises:create")).status_code == 403


def test_enterprise_user_sees_only_its_own_enterprise(
    client, enterprise_owner, enterprise, other_enterprise
):
    client.force_login(enterprise_owner)
    assert client.get(enterprise.get_absolute_url()).status_code == 200
    assert client.get(other_enterprise.get_absolute_url()).status_code == 404
    assert client.get(reverse("enterprises:list")).status_code == 403
    mine = client.get(reverse("enterprises:mine")).text
    assert enterprise.name in mine
    assert other_enterprise.name not in mine


def test_create_keeps_what_was_typed_and_shows_vietnamese_errors(officer_client):
    from enterprises.models import OwnershipType

    data = {
        "name": "Công ty TNHH Sai mã",
        "tax_code": "0100109107",
        "ownership_type": OwnershipType.objects.get(code="2").pk,
        "activity_version": "2025",
        "activity_code": "0810",
        "phone": "0123",
        "status": "active",
        "workforce_total": "10",
        "workforce_women": "12",
        "payroll": "0",
    }
    response = officer_client.post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert 'value="Công ty TNHH Sai mã"' in response.text
    assert "chữ số kiểm tra" in response.text
    assert "số điện thoại" in response.text.lower()
    assert not Enterprise.objects.exists()


def test_create_and_edit_record_history(officer_client, officer):
    from enterprises.models import OwnershipType

    data = {
        "name": "Công ty TNHH Mới",
        "tax_code": "0100109106",
        "ownership_type": OwnershipType.objects.get(code="2").pk,
        "activity_version": "2025",
        "activity_code": "0810",
        "phone": "0905 123 456",
        "status": "active",
        "workforce_total": "1.250",
        "workforce_women": "300",
        "payroll": "0",
    }
    response = officer_client.post(reverse("enterprises:create"), data)
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert enterprise.phone == "+84905123456"
    assert enterprise.workforce_total == 1250
    assert enterprise.activity_section.letter == "B"
    officer_client.post(
        reverse("enterprises:edit", kwargs={"public_id": enterprise.public_id}),
        {**data, "name": "Công ty TNHH Đổi tên"},
    )
    detail = officer_client.get(enterprise.get_absolute_url()).text
    assert "Công ty TNHH Mới → Công ty TNHH Đổi tên" in detail
    assert enterprise.history.count() == 2
    assert enterprise.history.first().history_user == officer


def test_leader_cannot_create(client, leader):
    client.force_login(leader)
    assert client.get(reverse("enterprises:create")).status_code == 403


def test_export_streams_xlsx_and_csv_with_formulas_neutralised(officer_client, commune):
    EnterpriseFactory(commune=commune, name='=HYPERLINK("x")')
    csv_response = officer_client.get(reverse("enterprises:export"), {"format": "csv"})
    assert csv_response.streaming
    assert "'=HYPERLINK" in b"".join(csv_response.streaming_content).decode()
    xlsx_response = officer_client.get(reverse("enterprises:export"))
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_export_is_refused_to_enterprise_users(client, enterprise_owner):
    client.force_login(enterprise_owner)
    assert client.get(reverse("enterprises:export")).status_code == 403


def test_member_invite_sends_a_set_password_link(
    officer_client, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("enterprises:member_invite", kwargs={"public_id": enterprise.public_id}),
            {"full_name": "Lê Văn An", "email": "an@example.vn", "role": "osh_officer"},
        )
    assert response.status_code == 302
    member = enterprise.memberships.get()
    assert member.user.role == "enterprise_user"
    assert not member.user.has_usable_password()
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_member_deactivation_removes_access(officer_client, client, enterprise, enterprise_owner):
    member = enterprise.memberships.get(user=enterprise_owner)
    officer_client.post(reverse("enterprises:member_deactivate", kwargs={"pk": member.pk}))
    client.force_login(enterprise_owner)
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_member_of_another_commune_cannot_be_deactivated(
    client, other_officer, enterprise, enterprise_owner
):
    client.force_login(other_officer)
    member = enterprise.memberships.get(user=enterprise_owner)
    assert (
        client.post(reverse("enterprises:member_deactivate", kwargs={"pk": member.pk})).status_code
        == 404
    )


def test_a_user_of_several_enterprises_is_asked_which(
    client, commune, enterprise, other_enterprise
):
    from tests.enterprises.factories import MemberFactory

    service = UserFactory(role="enterprise_user", administrative_unit=commune)
    MemberFactory(user=service, enterprise=enterprise)
    MemberFactory(user=service, enterprise=other_enterprise)
    client.force_login(service)
    text = client.get(reverse("enterprises:mine")).text
    assert enterprise.name in text
    assert other_enterprise.name in text
    assert "Chọn doanh nghiệp" in text or "Chọn" in text
