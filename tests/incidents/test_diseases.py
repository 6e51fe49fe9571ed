"""Occupational diseases through the pages users take: the reference list, detection-exam rounds
(filed and approved like any filing) and case records with their personal data."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from atvsld_portal.models import Filing, Outbox, PersonalDataView, User
from enterprises.models import HarmfulFactor
from incidents.models import DiseaseCase, DiseaseExam, OccupationalDisease
from incidents.selectors import disease_exam_list_for_user, examined_by_quarter
from tests.core.factories import UserFactory
from tests.enterprises.factories import EnterpriseFactory, MonitoringRecordFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RECOMPUTE_TASK = "reporting.tasks.recompute_indicators_task"
WORKER_NAME = "Nguyễn Thị Hoa"
WORKER_ID = "066190001234"


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def _url(name: str, obj=None) -> str:
    if obj is None:
        return reverse(f"diseases:{name}")
    return reverse(f"diseases:{name}", kwargs={"public_id": obj.public_id})


def _disease(code: str) -> OccupationalDisease:
    return OccupationalDisease.objects.get(is_active=True, code=code)


def _exam(enterprise, *, status=Filing.Status.DRAFT, **fields) -> DiseaseExam:
    values = {
        "exam_date": date(2026, 5, 20),
        "facility": "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk",
        "workers_examined": 20,
        **fields,
    }
    return DiseaseExam.objects.create(enterprise=enterprise, status=status, **values)


def _case(enterprise, *, by: User, commune=None, **fields) -> DiseaseCase:
    values = {
        "full_name": WORKER_NAME,
        "sex": DiseaseCase.Sex.FEMALE,
        "birth_date": date(1990, 3, 4),
        "personal_id": WORKER_ID,
        "job": "Thợ khoan đá",
        "years_in_job": 6,
        "exposure_months": 60,
        "exam_date": date(2026, 6, 10),
        "exam_facility": "Bệnh viện Đa khoa tỉnh Đắk Lắk",
        "disease": _disease("1"),
        "result": DiseaseCase.Result.SUSPECTED,
        **fields,
    }
    case = DiseaseCase.objects.create(
        enterprise=enterprise,
        commune=commune or enterprise.commune,
        created_by=by,
        **values,
    )
    case.exposure_factors.set(HarmfulFactor.objects.filter(is_active=True)[:1])
    return case


def _exam_post(**overrides) -> dict:
    return {
        "exam_date": "15/02/2026",
        "facility": "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk",
        "workers_examined": "40",
        "suspected": "2",
        "confirmed": "1",
        "diseases_screened": [str(_disease("1").pk), str(_disease("18").pk)],
        "note": "",
        **overrides,
    }


def _case_post(**overrides) -> dict:
    factor = HarmfulFactor.objects.filter(is_active=True).first()
    return {
        "full_name": WORKER_NAME,
        "sex": DiseaseCase.Sex.FEMALE,
        "birth_date": "04/03/1990",
        "personal_id": WORKER_ID,
        "job": "Thợ khoan đá",
        "years_in_job": "6",
        "exposure_factors": [str(factor.pk)],
        "exposure_months": "60",
        "monitoring_record": "",
        "exam": "",
        "exam_date": "10/06/2026",
        "exam_facility": "Bệnh viện Đa khoa tỉnh Đắk Lắk",
        "disease": str(_disease("1").pk),
        "result": DiseaseCase.Result.CONFIRMED,
        "capacity_loss_percent": "31",
        "follow_up": "Chuyển công việc khác",
        "insurance_note": "",
        **overrides,
    }


def _field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.fixture(autouse=True)
def _today():
    """Every test runs on 01/12/2026 (fixtures and logins included, so sessions stay valid)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        yield


@pytest.fixture
def unit_reporter(commune):
    return UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)


@pytest.fixture
def far_enterprise(other_commune):
    """An enterprise of dave's commune."""
    return EnterpriseFactory(commune=other_commune, name="Công ty TNHH Cà phê Ea Bá")


# ------------------------------------------------------------------------------
# Reference list
# ------------------------------------------------------------------------------
def test_reference_lists_the_35_diseases_by_group(client, officer):
    client.force_login(officer)
    response = client.get(_url("reference"))
    assert response.status_code == 200
    page = response.text
    assert len(response.context["diseases"]) == 35
    for name in ("COVID-19 nghề nghiệp", "Bụi phổi silic nghề nghiệp", "Lao nghề nghiệp"):
        assert name in page
    assert "I. Bụi phổi và phế quản" in page
    assert "TT 02/2023/TT-BYT" in page
    assert "01/04/2023" in page
    # Diseases 1-34 await confirmation against the official text; COVID-19 does not.
    assert page.count('class="badge text-bg-warning"') == 34


@pytest.mark.parametrize("persona", ["leader", "enterprise_owner", "province_viewer"])
def test_reference_is_open_to_the_reading_roles(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("reference")).status_code == 200


# ------------------------------------------------------------------------------
# Exam rounds
# ------------------------------------------------------------------------------
def test_exam_round_filed_returned_resubmitted_and_approved(
    client, enterprise_owner, officer, leader, enterprise
):
    client.force_login(enterprise_owner)
    create_url = f"{_url('exam_create')}?enterprise={enterprise.public_id}"
    assert client.get(create_url).status_code == 200
    response = client.post(create_url, _exam_post())
    exam = DiseaseExam.objects.get(enterprise=enterprise)
    assert response["Location"] == exam.get_absolute_url()
    assert (exam.status, exam.channel, exam.workers_examined) == (
        Filing.Status.DRAFT,
        Filing.Channel.ONLINE,
        40,
    )
    assert set(exam.diseases_screened.values_list("code", flat=True)) == {"1", "18"}
    client.post(_url("exam_submit", exam))
    exam.refresh_from_db()
    assert exam.status == Filing.Status.SUBMITTED

    client.force_login(officer)
    client.post(_url("exam_return", exam), {"reason": "Thiếu danh sách người được khám."})
    exam.refresh_from_db()
    assert (exam.status, exam.return_reason) == (
        Filing.Status.RETURNED,
        "Thiếu danh sách người được khám.",
    )

    client.force_login(enterprise_owner)
    assert "Thiếu danh sách người được khám." in client.get(exam.get_absolute_url()).text
    client.post(_url("exam_edit", exam), _exam_post(workers_examined="42"))
    client.post(_url("exam_submit", exam))
    exam.refresh_from_db()
    assert (exam.status, exam.workers_examined) == (Filing.Status.SUBMITTED, 42)

    client.force_login(leader)
    client.post(_url("exam_approve", exam), {"note": ""})
    exam.refresh_from_db()
    assert exam.status == Filing.Status.APPROVED
    assert exam.decided_by == leader
    assert Outbox.objects.filter(
        task_name=RECOMPUTE_TASK, args=[enterprise.commune_id, 2026]
    ).exists()
    page = client.get(exam.get_absolute_url()).text
    assert str(enterprise_owner) in page
    assert str(leader) in page


def test_examined_by_quarter_counts_only_approved_rounds(
    client, officer, enterprise, other_enterprise, far_enterprise
):
    approved = Filing.Status.APPROVED
    _exam(enterprise, status=approved, exam_date=date(2026, 2, 15), workers_examined=40)
    _exam(other_enterprise, status=approved, exam_date=date(2026, 5, 20), workers_examined=25)
    _exam(
        enterprise, status=Filing.Status.SUBMITTED, exam_date=date(2026, 8, 10), workers_examined=30
    )
    _exam(enterprise, status=approved, exam_date=date(2026, 11, 5), workers_examined=10)
    # Not counted: a draft, a returned round, another year, another commune.
    _exam(enterprise, exam_date=date(2026, 3, 1), workers_examined=7)
    _exam(enterprise, status=Filing.Status.RETURNED, exam_date=date(2026, 9, 1), workers_examined=8)
    _exam(enterprise, status=approved, exam_date=date(2025, 12, 31), workers_examined=9)
    _exam(far_enterprise, status=approved, exam_date=date(2026, 2, 1), workers_examined=11)

    scoped = disease_exam_list_for_user(user=officer)
    assert examined_by_quarter(exams=scoped, year=2026) == {1: 40, 2: 25, 3: 0, 4: 10}

    client.force_login(officer)
    response = client.get(_url("exam_list"), {"year": "2026"})
    assert response.status_code == 200
    assert response.context["by_quarter"] == [40, 25, 0, 10]
    assert response.context["examined_total"] == 75
    assert response.context["page_obj"].paginator.count == 6  # this commune's 2026 rounds
    filtered = client.get(_url("exam_list"), {"year": "2026", "status": "submitted"})
    assert filtered.context["page_obj"].paginator.count == 1
    assert filtered.context["by_quarter"] == [40, 25, 0, 10]


def test_enterprise_user_lists_only_their_own_rounds(
    client, enterprise_owner, enterprise, other_enterprise
):
    mine = _exam(enterprise, status=Filing.Status.APPROVED, workers_examined=12)
    _exam(other_enterprise, status=Filing.Status.APPROVED, workers_examined=30)
    client.force_login(enterprise_owner)
    response = client.get(_url("exam_list"), {"year": "2026"})
    assert list(response.context["page_obj"]) == [mine]
    assert response.context["by_quarter"] == [0, 12, 0, 0]


def test_exam_list_keeps_a_constant_number_of_queries(
    client, officer, enterprise, other_enterprise
):
    client.force_login(officer)
    _exam(enterprise)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("exam_list"), {"year": "2026"})
    for day in range(1, 6):
        _exam(other_enterprise, exam_date=date(2026, 1, day))
    with CaptureQueriesContext(connection) as many:
        client.get(_url("exam_list"), {"year": "2026"})
    assert len(many) == len(one)


def test_invalid_exam_explains_next_to_the_field_and_keeps_the_input(
    client, enterprise_owner, enterprise
):
    client.force_login(enterprise_owner)
    create_url = f"{_url('exam_create')}?enterprise={enterprise.public_id}"
    response = client.post(create_url, _exam_post(workers_examined="40", suspected="45"))
    assert response.status_code == 200
    assert _field_errors(response, "suspected") == [
        gettext("Suspected cases cannot outnumber the workers examined.")
    ]
    assert 'value="45"' in response.text
    assert "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk" in response.text

    response = client.post(create_url, _exam_post(exam_date="02/12/2026"))
    assert _field_errors(response, "exam_date") == [
        gettext("The exam date cannot be in the future.")
    ]
    assert 'value="02/12/2026"' in response.text

    response = client.post(
        create_url, _exam_post(workers_examined="0", suspected="0", confirmed="0")
    )
    assert _field_errors(response, "workers_examined")
    assert not DiseaseExam.objects.exists()


def test_official_enters_a_paper_round_choosing_the_enterprise(
    client, officer, enterprise, far_enterprise
):
    client.force_login(officer)
    form_page = client.get(_url("exam_create"))
    choices = list(form_page.context["form"].fields["enterprise"].queryset)
    assert enterprise in choices
    assert far_enterprise not in choices
    response = client.post(
        _url("exam_create"),
        _exam_post(enterprise=str(enterprise.pk), channel=Filing.Channel.PHONE),
    )
    exam = DiseaseExam.objects.get()
    assert response["Location"] == exam.get_absolute_url()
    assert (exam.enterprise, exam.channel, exam.entered_by) == (
        enterprise,
        Filing.Channel.PHONE,
        officer,
    )
    # Another commune's enterprise cannot be slipped in.
    response = client.post(_url("exam_create"), _exam_post(enterprise=str(far_enterprise.pk)))
    assert response.status_code == 200
    assert _field_errors(response, "enterprise")
    assert DiseaseExam.objects.count() == 1


def test_result_file_is_checked_and_served_after_the_access_check(
    client, enterprise_owner, province_viewer, enterprise
):
    client.force_login(enterprise_owner)
    create_url = f"{_url('exam_create')}?enterprise={enterprise.public_id}"
    bad = SimpleUploadedFile("ket-qua.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(create_url, {**_exam_post(), "result_file": bad})
    assert _field_errors(response, "result_file")
    good = SimpleUploadedFile("ket-qua.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(create_url, {**_exam_post(), "result_file": good})
    exam = DiseaseExam.objects.get()
    download = client.get(_url("exam_file", exam))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Cache-Control"] == "private, no-store"
    client.force_login(province_viewer)
    assert client.get(_url("exam_file", exam)).status_code == 200


def test_reopened_round_can_be_corrected_by_the_enterprise(
    client, officer, enterprise_owner, enterprise
):
    exam = _exam(enterprise, status=Filing.Status.APPROVED)
    client.force_login(officer)
    client.post(_url("exam_reopen", exam), {"reason": "Sai số người khám."})
    exam.refresh_from_db()
    assert exam.status == Filing.Status.REOPENED
    client.force_login(enterprise_owner)
    assert client.get(_url("exam_edit", exam)).status_code == 200


def test_a_decision_without_reason_is_refused_with_a_message(client, officer, enterprise):
    exam = _exam(enterprise, status=Filing.Status.SUBMITTED)
    client.force_login(officer)
    response = client.post(_url("exam_return", exam), {"reason": ""}, follow=True)
    exam.refresh_from_db()
    assert exam.status == Filing.Status.SUBMITTED
    assert gettext("Write the reason before sending.") in response.text
    # Approving twice: the second gets a message, not an error page.
    client.post(_url("exam_approve", exam), {"note": ""})
    response = client.post(_url("exam_approve", exam), {"note": ""}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


# ------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------
def test_officer_records_a_confirmed_case_with_the_monitoring_record(client, officer, enterprise):
    record = MonitoringRecordFactory(enterprise=enterprise)
    client.force_login(officer)
    create_url = f"{_url('case_create')}?enterprise={enterprise.public_id}"
    form_page = client.get(create_url)
    assert "13/2023" in form_page.text  # the privacy notice
    response = client.post(create_url, _case_post(monitoring_record=str(record.pk)))
    case = DiseaseCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.enterprise, case.commune, case.created_by, case.monitoring_record) == (
        enterprise,
        enterprise.commune,
        officer,
        record,
    )
    assert (case.personal_id, case.result, case.capacity_loss_percent) == (
        WORKER_ID,
        DiseaseCase.Result.CONFIRMED,
        31,
    )
    assert case.exposure_factors.count() == 1
    assert Outbox.objects.filter(
        task_name=RECOMPUTE_TASK, args=[enterprise.commune_id, 2026]
    ).exists()


def test_confirmed_case_needs_a_monitoring_record_or_a_confirmation(client, officer, enterprise):
    client.force_login(officer)
    create_url = f"{_url('case_create')}?enterprise={enterprise.public_id}"
    response = client.post(create_url, _case_post())
    assert response.status_code == 200
    errors = _field_errors(response, "monitoring_record")
    assert errors == [
        gettext(
            "A confirmed case needs the monitoring record that documents the exposure, "
            "or an uploaded exposure confirmation."
        )
    ]
    assert WORKER_NAME in response.text  # what was typed is kept
    assert not DiseaseCase.objects.exists()


def test_monitoring_record_of_another_enterprise_is_rejected(
    client, officer, enterprise, other_enterprise
):
    foreign = MonitoringRecordFactory(enterprise=other_enterprise)
    client.force_login(officer)
    # Given an enterprise, only its records are offered.
    create_url = f"{_url('case_create')}?enterprise={enterprise.public_id}"
    response = client.post(create_url, _case_post(monitoring_record=str(foreign.pk)))
    assert _field_errors(response, "monitoring_record")
    # Choosing the employer on the form, the model rule catches the mismatch.
    response = client.post(
        _url("case_create"),
        _case_post(enterprise=str(enterprise.pk), monitoring_record=str(foreign.pk)),
    )
    assert _field_errors(response, "monitoring_record") == [
        gettext("The monitoring record must belong to the same employer.")
    ]
    # A worker without a labour contract has no employer's record.
    response = client.post(
        _url("case_create"), _case_post(enterprise="", monitoring_record=str(foreign.pk))
    )
    assert _field_errors(response, "monitoring_record")
    assert not DiseaseCase.objects.exists()


def test_personal_id_and_birth_date_are_checked(client, officer, enterprise):
    record = MonitoringRecordFactory(enterprise=enterprise)
    client.force_login(officer)
    create_url = f"{_url('case_create')}?enterprise={enterprise.public_id}"
    response = client.post(
        create_url, _case_post(monitoring_record=str(record.pk), personal_id="12345")
    )
    assert _field_errors(response, "personal_id") == [
        gettext("A personal ID number has exactly 12 digits.")
    ]
    assert 'value="12345"' in response.text
    response = client.post(
        create_url, _case_post(monitoring_record=str(record.pk), birth_date="05/01/2027")
    )
    # The model reports it as "before the exam date" (the later rule of its clean() wins).
    assert _field_errors(response, "birth_date")
    assert not DiseaseCase.objects.exists()
    # Spaces typed inside the number are dropped.
    client.post(
        create_url,
        _case_post(monitoring_record=str(record.pk), personal_id="0661 9000 1234"),
    )
    assert DiseaseCase.objects.get().personal_id == WORKER_ID


def test_officer_records_an_informal_worker_with_an_exposure_confirmation(client, officer, commune):
    client.force_login(officer)
    minutes = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        _url("case_create"), {**_case_post(enterprise=""), "exposure_confirmation": minutes}
    )
    case = DiseaseCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.enterprise, case.commune) == (None, commune)
    download = client.get(_url("case_file", case))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert PersonalDataView.objects.filter(user=officer, object_id=str(case.public_id)).exists()
    assert gettext("Without a labour contract") in client.get(_url("case_list")).text


def test_enterprise_user_records_a_case_of_their_own_enterprise(
    client, enterprise_owner, enterprise, other_enterprise
):
    record = MonitoringRecordFactory(enterprise=enterprise)
    client.force_login(enterprise_owner)
    form = client.get(_url("case_create")).context["form"]
    assert list(form.fields["enterprise"].queryset) == [enterprise]
    assert form.fields["enterprise"].required
    response = client.post(
        _url("case_create"),
        _case_post(enterprise=str(enterprise.pk), monitoring_record=str(record.pk)),
    )
    case = DiseaseCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    # Not for another enterprise, even of the same commune.
    response = client.post(
        _url("case_create"),
        _case_post(enterprise=str(other_enterprise.pk), monitoring_record=str(record.pk)),
    )
    assert _field_errors(response, "enterprise")
    other_url = f"{_url('case_create')}?enterprise={other_enterprise.public_id}"
    assert client.get(other_url).status_code == 404
    # Editing keeps the employer and logs the personal data shown.
    views_before = PersonalDataView.objects.count()
    response = client.post(
        _url("case_edit", case),
        _case_post(monitoring_record=str(record.pk), job="Thợ nổ mìn"),
    )
    case.refresh_from_db()
    assert (case.job, case.enterprise) == ("Thợ nổ mìn", enterprise)
    assert PersonalDataView.objects.count() == views_before + 1


def test_case_detail_logs_personal_data_and_hides_it_from_the_province(
    client, officer, enterprise_owner, province_viewer, enterprise
):
    case = _case(enterprise, by=officer)
    case.exposure_confirmation.save("bien-ban.pdf", ContentFile(PDF_BYTES))

    client.force_login(officer)
    page = client.get(_url("case_detail", case)).text
    assert WORKER_NAME in page
    assert WORKER_ID in page
    assert _url("case_file", case) in page
    logged = PersonalDataView.objects.get(user=officer)
    assert (logged.object_id, logged.purpose) == (str(case.public_id), "occupational-disease case")

    client.force_login(enterprise_owner)
    assert WORKER_NAME in client.get(_url("case_detail", case)).text
    assert PersonalDataView.objects.filter(user=enterprise_owner).count() == 1

    client.force_login(province_viewer)
    response = client.get(_url("case_detail", case))
    assert response.status_code == 200
    for secret in (WORKER_NAME, WORKER_ID, "04/03/1990", _url("case_file", case)):
        assert secret not in response.text
    assert "Bụi phổi silic nghề nghiệp" in response.text
    assert not PersonalDataView.objects.filter(user=province_viewer).exists()
    assert client.get(_url("case_file", case)).status_code == 403


def test_province_viewer_history_leaves_out_personal_data(
    client, officer, province_viewer, enterprise
):
    case = _case(enterprise, by=officer)
    case.full_name = "Trần Văn Bình"
    case.job = "Thợ xẻ đá"
    case.save()
    client.force_login(province_viewer)
    page = client.get(_url("case_detail", case)).text
    assert "Thợ xẻ đá" in page
    assert "Trần Văn Bình" not in page
    assert WORKER_NAME not in page
    # The exposure factors' change reads as names, not as raw through-table rows.
    assert HarmfulFactor.objects.filter(is_active=True).first().name in page
    assert "harmfulfactor" not in page


def test_lists_never_show_personal_data(
    client, officer, leader, enterprise_owner, province_viewer, enterprise
):
    exam = _exam(enterprise, status=Filing.Status.APPROVED)
    _case(enterprise, by=officer, exam=exam)
    _case(None, by=officer, commune=enterprise.commune, full_name="Lê Văn Cường")
    for user in (officer, leader, enterprise_owner, province_viewer):
        client.force_login(user)
        for url in (_url("case_list"), _url("exam_detail", exam)):
            response = client.get(url)
            assert response.status_code == 200
            for secret in (WORKER_NAME, "Lê Văn Cường", WORKER_ID, "04/03/1990"):
                assert secret not in response.text
    assert not PersonalDataView.objects.exists()
    client.force_login(officer)
    response = client.get(_url("case_list"), {"result": "suspected", "year": "2026"})
    assert response.context["page_obj"].paginator.count == 2
    assert client.get(_url("case_list"), {"year": "2025"}).context["page_obj"].paginator.count == 0
    client.force_login(enterprise_owner)
    assert client.get(_url("case_list")).context["page_obj"].paginator.count == 1


def test_case_list_keeps_a_constant_number_of_queries(client, officer, enterprise):
    client.force_login(officer)
    _case(enterprise, by=officer)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("case_list"))
    for _index in range(4):
        _case(enterprise, by=officer)
        _case(None, by=officer, commune=enterprise.commune)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("case_list"))
    assert len(many) == len(one)


# ------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------
@pytest.fixture
def exam_with_file(enterprise):
    exam = _exam(enterprise, status=Filing.Status.SUBMITTED)
    exam.result_file.save("ket-qua.pdf", ContentFile(PDF_BYTES))
    return exam


@pytest.fixture
def case_with_file(enterprise, officer):
    case = _case(enterprise, by=officer)
    case.exposure_confirmation.save("bien-ban.pdf", ContentFile(PDF_BYTES))
    return case


EXAM_OBJECT_URLS = [
    ("get", "exam_detail"),
    ("get", "exam_edit"),
    ("post", "exam_edit"),
    ("post", "exam_submit"),
    ("post", "exam_approve"),
    ("post", "exam_return"),
    ("post", "exam_reopen"),
    ("get", "exam_file"),
]
CASE_OBJECT_URLS = [
    ("get", "case_detail"),
    ("get", "case_edit"),
    ("post", "case_edit"),
    ("get", "case_file"),
]


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
@pytest.mark.parametrize(("method", "name"), EXAM_OBJECT_URLS)
def test_outsiders_get_404_on_every_exam_url(
    client, request, exam_with_file, outsider, method, name
):
    client.force_login(request.getfixturevalue(outsider))
    data = {"reason": "x", "note": ""} if method == "post" else None
    response = getattr(client, method)(_url(name, exam_with_file), data)
    assert response.status_code == 404
    exam_with_file.refresh_from_db()
    assert exam_with_file.status == Filing.Status.SUBMITTED


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
@pytest.mark.parametrize(("method", "name"), CASE_OBJECT_URLS)
def test_outsiders_get_404_on_every_case_url(
    client, request, case_with_file, outsider, method, name
):
    client.force_login(request.getfixturevalue(outsider))
    response = getattr(client, method)(_url(name, case_with_file), {} if method == "post" else None)
    assert response.status_code == 404
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
def test_outsiders_cannot_start_a_round_or_case_for_the_enterprise(
    client, request, enterprise, outsider
):
    client.force_login(request.getfixturevalue(outsider))
    query = f"?enterprise={enterprise.public_id}"
    assert client.get(_url("exam_create") + query).status_code == 404
    assert client.get(_url("case_create") + query).status_code == 404


def test_enterprise_user_cannot_decide_on_their_round(client, enterprise_owner, exam_with_file):
    client.force_login(enterprise_owner)
    assert client.post(_url("exam_approve", exam_with_file), {"note": ""}).status_code == 403
    assert client.post(_url("exam_return", exam_with_file), {"reason": "x"}).status_code == 403
    exam_with_file.refresh_from_db()
    assert exam_with_file.status == Filing.Status.SUBMITTED


def test_leader_decides_but_records_nothing(client, leader, enterprise, case_with_file):
    draft = _exam(enterprise)
    client.force_login(leader)
    query = f"?enterprise={enterprise.public_id}"
    assert client.get(_url("case_create")).status_code == 403
    assert client.get(_url("case_create") + query).status_code == 403
    assert client.post(_url("case_create") + query, _case_post()).status_code == 403
    assert client.get(_url("case_edit", case_with_file)).status_code == 403
    assert client.get(_url("exam_create") + query).status_code == 403
    assert client.get(_url("exam_edit", draft)).status_code == 403
    assert client.post(_url("exam_submit", draft)).status_code == 403
    # Leaders see the personal data (logged) and the exposure confirmation.
    assert WORKER_NAME in client.get(_url("case_detail", case_with_file)).text
    assert client.get(_url("case_file", case_with_file)).status_code == 200
    assert PersonalDataView.objects.filter(user=leader).count() == 2


def test_province_viewer_reads_but_cannot_act(
    client, province_viewer, enterprise, exam_with_file, case_with_file
):
    draft = _exam(enterprise)
    client.force_login(province_viewer)
    query = f"?enterprise={enterprise.public_id}"
    assert client.get(_url("exam_list")).status_code == 200
    assert client.get(_url("case_list")).status_code == 200
    assert client.get(_url("exam_detail", exam_with_file)).status_code == 200
    assert client.get(_url("exam_create")).status_code == 403
    assert client.get(_url("exam_create") + query).status_code == 403
    assert client.get(_url("exam_edit", draft)).status_code == 403
    assert client.post(_url("exam_edit", draft), _exam_post()).status_code == 403
    assert client.post(_url("exam_submit", draft)).status_code == 403
    assert client.post(_url("exam_approve", exam_with_file), {"note": ""}).status_code == 403
    assert client.get(_url("case_create")).status_code == 403
    assert client.get(_url("case_create") + query).status_code == 403
    assert client.get(_url("case_edit", case_with_file)).status_code == 403
    assert client.get(_url("case_file", case_with_file)).status_code == 403


def test_unit_reporter_has_no_business_with_diseases(client, unit_reporter, enterprise):
    exam = _exam(enterprise, status=Filing.Status.APPROVED)
    client.force_login(unit_reporter)
    for name in ("exam_list", "case_list", "reference", "exam_create", "case_create"):
        assert client.get(_url(name)).status_code == 403
    assert client.get(_url("exam_detail", exam)).status_code == 404
