"""Impossible values get a Vietnamese message next to the field, never a server error or a hang:
31 February, a victim born in the future, more victims than a declaration may list, and 2,000
victims in one declaration (refused before the form is read, with the portal's own page)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from incidents.models import Accident, DiseaseCase, OccupationalDisease, Victim
from tests.hardening.corpus import (
    IMPOSSIBLE_DATE,
    IMPOSSIBLE_DATETIME,
    LONG_TEXT,
    MANY_VICTIMS,
    future_birth_year,
)

pytestmark = pytest.mark.django_db

ACCOUNT = (
    "Khi đang điều chỉnh băng tải của máy nghiền mà không dừng máy, công nhân bị đá văng trúng "
    "người và ngã xuống sàn."
)


def _victim(**overrides) -> dict:
    return {
        "full_name": "Trần Văn An",
        "sex": Victim.Sex.MALE,
        "birth_year": "1990",
        "occupation_name": "Công nhân vận hành",
        "severity": Victim.Severity.MINOR,
        "days_off": "3",
        "cost_medical": "0",
        "cost_wages": "0",
        "cost_compensation": "0",
        **overrides,
    }


def _declaration(enterprise, victims: list[dict], **overrides) -> dict:
    data = {
        "sector": Accident.Sector.EMPLOYED,
        "enterprise": str(enterprise.pk),
        "kind": Accident.Kind.ACCIDENT,
        "occurred_at": timezone.localtime().strftime("%d/%m/%Y 00:00"),
        "place": "Mỏ đá thôn 1",
        "account": ACCOUNT,
        "property_damage": "0",
        "declarant_name": "Nguyễn Văn Bình",
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
def bob_client(client, enterprise_owner):
    client.force_login(enterprise_owner)
    return client


def test_31_february_is_an_invalid_date_next_to_the_field(bob_client, enterprise):
    data = _declaration(enterprise, [_victim()], occurred_at=IMPOSSIBLE_DATETIME)
    response = bob_client.post(reverse("incidents:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == ["Nhập một ngày/thời gian hợp lệ."]
    assert 'id="error_1_id_occurred_at"' in response.text
    assert f'value="{IMPOSSIBLE_DATETIME}"' in response.text  # what was typed is kept
    assert not Accident.objects.exists()


def test_31_february_as_a_date_of_birth(officer_client, enterprise):
    data = {
        "enterprise": str(enterprise.pk),
        "full_name": "Lê Văn Cường",
        "sex": DiseaseCase.Sex.MALE,
        "birth_date": IMPOSSIBLE_DATE,
        "job": "Thợ khoan",
        "years_in_job": "3",
        "exposure_months": "36",
        "exam_date": "15/02/2026",
        "exam_facility": "Trung tâm Kiểm soát bệnh tật tỉnh",
        "disease": str(OccupationalDisease.objects.get(code="1").pk),
        "result": DiseaseCase.Result.SUSPECTED,
    }
    response = officer_client.post(reverse("diseases:case_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == ["Nhập một ngày hợp lệ."]
    assert 'id="error_1_id_birth_date"' in response.text
    assert not DiseaseCase.objects.exists()


def test_a_victim_born_in_the_future_is_refused(bob_client, enterprise):
    next_year = future_birth_year(timezone.localdate())
    victims = [_victim(birth_year=str(next_year)), _victim(birth_year="1850")]
    response = bob_client.post(reverse("incidents:create"), _declaration(enterprise, victims))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].errors["birth_year"] == ["Năm sinh không được sau năm hiện tại."]
    assert formset.forms[1].errors["birth_year"] == [
        "Nhập năm sinh gồm bốn chữ số, từ năm 1900 trở đi."
    ]
    assert 'id="error_1_id_victims-0-birth_year"' in response.text
    assert not Accident.objects.exists()
    # The year itself is a valid year of birth.
    victims = [_victim(birth_year=str(next_year - 1))]
    response = bob_client.post(reverse("incidents:create"), _declaration(enterprise, victims))
    assert response.status_code == 302


def test_a_patient_born_in_the_future_is_refused(officer_client, enterprise):
    data = {
        "enterprise": str(enterprise.pk),
        "full_name": "Lê Văn Cường",
        "sex": DiseaseCase.Sex.MALE,
        "birth_date": date(timezone.localdate().year + 1, 1, 1).strftime("%d/%m/%Y"),
        "job": "Thợ khoan",
        "years_in_job": "3",
        "exposure_months": "36",
        "exam_date": "15/02/2026",
        "exam_facility": "Trung tâm Kiểm soát bệnh tật tỉnh",
        "disease": str(OccupationalDisease.objects.get(code="1").pk),
        "result": DiseaseCase.Result.SUSPECTED,
    }
    response = officer_client.post(reverse("diseases:case_create"), data)
    assert response.status_code == 200
    assert (
        "Ngày sinh không được sau ngày hiện tại." in response.context["form"].errors["birth_date"]
    )


def test_one_victim_more_than_a_declaration_may_list(bob_client, enterprise):
    victims = [
        _victim(full_name=f"Người bị nạn {i}") for i in range(settings.ACCIDENT_MAX_VICTIMS + 1)
    ]
    response = bob_client.post(reverse("incidents:create"), _declaration(enterprise, victims))
    assert response.status_code == 200
    limit = settings.ACCIDENT_MAX_VICTIMS
    assert response.context["formset"].non_form_errors() == [
        f"Một bản khai báo chỉ được ghi tối đa {limit} người bị nạn."
    ]
    # No more forms are built (and shown again) than a declaration may hold.
    assert len(response.context["formset"].forms) == limit
    assert not Accident.objects.exists()


def test_two_thousand_victims_get_a_clear_vietnamese_page_at_once(bob_client, enterprise):
    """Refused before the form is read (DATA_UPLOAD_MAX_NUMBER_FIELDS is sized to the largest
    declaration the portal accepts), with the portal's 413 page saying what to do."""
    victims = [_victim(full_name=f"Người bị nạn {i}") for i in range(MANY_VICTIMS)]
    data = _declaration(enterprise, victims)
    assert len(data) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    started = time.monotonic()
    response = bob_client.post(reverse("incidents:create"), data)
    assert time.monotonic() - started < 5
    assert response.status_code == 413
    text = response.content.decode()
    assert "Biểu mẫu chứa quá nhiều dữ liệu" in text
    assert f"tối đa {settings.ACCIDENT_MAX_VICTIMS} người bị nạn" in text
    assert "chưa có nội dung nào được lưu" in text
    assert not Accident.objects.exists()


def test_a_username_longer_than_any_account_is_refused_at_login(client, officer):
    """Before authentication: django-axes would fail to record the failure (a 500)."""
    response = client.post(
        reverse("login"), {"username": LONG_TEXT, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Giá trị này chỉ có tối đa 150 kí tự (hiện có 10000)"
    ]
