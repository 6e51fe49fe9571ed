"""Faults without data loss, injected for real (issue 9, deliverable 5).

- The database connection dropped in the middle of a request: the request's own PostgreSQL
  backend is terminated from another connection between two of its writes; the user gets the
  Vietnamese error page and nothing of the request is left in the database.
- A form sent twice (a double click, back and resubmit), one after the other or racing in two
  threads: one record, one receipt number, and the repeat lands on the first result.
- A report generation redelivered after a worker died: exactly one PDF file, none left behind.

The broker outage and the worker killed mid-report go through a real worker:
tests/integration/test_faults_worker.py.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.models import (
    Filing,
    FilingEvent,
    Outbox,
    ResponsibleUnit,
    SubmissionToken,
    User,
)
from enterprises.models import HarmfulFactor, MonitoringRecord
from incidents import services as incident_services
from incidents.forms import VictimFormSet
from incidents.models import (
    Accident,
    AccidentDeclaration,
    DiseaseCase,
    DiseaseExam,
    ReceiptCounter,
    Victim,
)
from incidents.services import declarations
from plans.models import ActivityReport
from reporting import quarterly, report_services
from reporting.models import QuarterlyReport
from tests.core.factories import ResponsibleUnitFactory, UserFactory
from tests.enterprises.factories import MonitoringRecordFactory
from tests.incidents.factories import AccidentFactory, VictimFactory
from tests.incidents.test_diseases import _case_post, _exam, _exam_post
from tests.incidents.test_views_declarations import _post_data, _victim
from tests.plans.factories import AssignmentFactory, PlanFactory

TOKEN = re.compile(r'<input type="hidden" name="submission_token" value="([0-9a-f]{32})">')
RECEIPT = re.compile(r"TEST-EA-LY/\d{4}/\d{5}")
POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="terminates a PostgreSQL backend")


def _url(name: str, accident: Accident) -> str:
    return reverse(f"incidents:{name}", kwargs={"public_id": accident.public_id})


def _form_token(client: Client) -> str:
    page = client.get(reverse("incidents:create"))
    assert page.status_code == 200
    match = TOKEN.search(page.text)
    assert match, "the create form carries a one-time submission token"
    return match.group(1)


def _draft(enterprise, bob) -> Accident:
    accident = AccidentFactory(enterprise=enterprise, created_by=bob)
    VictimFactory(accident=accident, severity=Victim.Severity.MINOR)
    return accident


# ------------------------------------------------------------------------------
# The database connection dropped mid-request
# ------------------------------------------------------------------------------
def _terminate_the_request_backend() -> None:
    """Kill this thread's PostgreSQL backend (the request's) from a second connection, and wait
    until it is gone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def _assert_vietnamese_error_page(response) -> None:
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Lỗi hệ thống" in page
    assert "Dữ liệu đã lưu trước đó không bị mất" in page
    assert "Traceback" not in page
    assert "Server error" not in page  # no English fallback


@pytest.fixture
def failing_client(enterprise_owner) -> Client:
    """bob's browser: a server error comes back as the 500 page, as in production."""
    client = Client(raise_request_exception=False)
    client.force_login(enterprise_owner)
    return client


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_request_leaves_nothing_half_written(
    failing_client, enterprise, monkeypatch
):
    """bob's declaration survives two dropped connections: one while the draft is written (the
    accident row, then its victims), one while it is submitted (receipt number, accident,
    declaration, then the outbox). Each time: the error page, nothing kept, and sending the
    same form again works."""
    real_save, real_enqueue = VictimFormSet.save, declarations.outbox_enqueue

    def cut_then_save(self, *args, **kwargs):  # the accident row is written, its victims next
        _terminate_the_request_backend()
        return real_save(self, *args, **kwargs)

    def cut_then_enqueue(**kwargs):  # number taken, accident and declaration written
        _terminate_the_request_backend()
        return real_enqueue(**kwargs)

    token = _form_token(failing_client)
    victims = [_victim(), _victim(full_name="Lê Thị Hoa", sex=Victim.Sex.FEMALE)]
    data = {**_post_data(enterprise, victims), "submission_token": token}

    monkeypatch.setattr(VictimFormSet, "save", cut_then_save)
    response = failing_client.post(reverse("incidents:create"), data)

    _assert_vietnamese_error_page(response)
    connection.close()  # the test client keeps the dead connection; start a fresh one
    assert not Accident.objects.exists()
    assert not Victim.objects.exists()
    assert not Accident.history.exists()
    assert not SubmissionToken.objects.exists()  # so the same form can be sent again
    assert not Outbox.objects.exists()

    monkeypatch.setattr(VictimFormSet, "save", real_save)
    assert failing_client.post(reverse("incidents:create"), data).status_code == 302
    accident = Accident.objects.get()
    assert accident.victims.count() == 2

    monkeypatch.setattr(declarations, "outbox_enqueue", cut_then_enqueue)
    response = failing_client.post(_url("submit", accident))

    _assert_vietnamese_error_page(response)
    connection.close()
    accident.refresh_from_db()
    assert (accident.status, accident.receipt_number) == (Accident.Status.DRAFT, None)
    assert not AccidentDeclaration.objects.exists()
    assert not ReceiptCounter.objects.filter(last__gt=0).exists()
    assert not Outbox.objects.exists()

    monkeypatch.setattr(declarations, "outbox_enqueue", real_enqueue)
    assert failing_client.post(_url("submit", accident)).status_code == 302
    accident.refresh_from_db()
    assert accident.receipt_number.endswith("/00001")  # the number was given back: no gap


# ------------------------------------------------------------------------------
# A form sent twice
# ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["enterprise_owner", "officer"])
def test_the_declaration_form_sent_twice_saves_one_draft(client, request, persona, enterprise):
    """bob declaring online, or alice typing in a paper declaration: same form, one record."""
    client.force_login(request.getfixturevalue(persona))
    data = {
        **_post_data(enterprise, [_victim()], channel="paper"),
        "submission_token": _form_token(client),
    }

    first = client.post(reverse("incidents:create"), data)
    again = client.post(reverse("incidents:create"), data)  # double click / back and resubmit

    accident = Accident.objects.get()
    assert first["Location"] == again["Location"] == _url("detail", accident)
    assert accident.victims.count() == 1
    page = client.get(again["Location"]).text
    assert "Biểu mẫu này đã được gửi" in page  # told, not shown an error


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_its_token(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    token = _form_token(client)
    bad = {**_post_data(enterprise, [_victim()], place=""), "submission_token": token}
    response = client.post(reverse("incidents:create"), bad)
    assert response.status_code == 200
    assert TOKEN.search(response.text).group(1) == token  # still the same form

    good = {**_post_data(enterprise, [_victim()]), "submission_token": token}
    client.post(reverse("incidents:create"), good)
    client.post(reverse("incidents:create"), good)
    assert Accident.objects.count() == 1


@pytest.mark.django_db
def test_two_new_forms_are_two_declarations(client, enterprise_owner, enterprise):
    """The token stops a repeat, not a second declaration made on purpose."""
    client.force_login(enterprise_owner)
    for _ in range(2):
        data = {**_post_data(enterprise, [_victim()]), "submission_token": _form_token(client)}
        client.post(reverse("incidents:create"), data)
    assert Accident.objects.count() == 2


@pytest.mark.django_db
def test_submit_sent_twice_gives_one_receipt_number_and_lands_on_the_receipt(
    client, enterprise_owner, enterprise
):
    accident = _draft(enterprise, enterprise_owner)
    client.force_login(enterprise_owner)

    first = client.post(_url("submit", accident))
    again = client.post(_url("submit", accident), follow=True)

    accident.refresh_from_db()
    assert first["Location"] == _url("detail", accident)
    assert again.redirect_chain == [(_url("detail", accident), 302)]
    assert again.status_code == 200
    page = again.text
    assert set(RECEIPT.findall(page)) == {accident.receipt_number}  # one number, shown
    assert "đã được gửi trước đó" in page
    assert _url("receipt", accident) in page
    assert "alert-danger" not in page
    assert AccidentDeclaration.objects.filter(accident=accident).count() == 1
    assert ReceiptCounter.objects.get().last == 1
    assert Outbox.objects.filter(task_name=declarations.NOTIFY_TASK).count() == 1


@pytest.mark.django_db
def test_a_reader_who_does_not_file_gets_no_shortcut_to_a_submitted_declaration(
    client, leader, enterprise, enterprise_owner
):
    accident = _draft(enterprise, enterprise_owner)
    declarations.accident_submit(accident=accident, by=enterprise_owner)
    client.force_login(leader)  # reads the commune's declarations, never files one
    assert client.post(_url("submit", accident)).status_code == 403


def _sent_twice(client: Client, url: str, data: dict) -> tuple:
    """Open the form, then send it twice with the token it came with."""
    match = TOKEN.search(client.get(url).text)
    assert match, f"{url} carries a one-time submission token"
    data = {**data, "submission_token": match.group(1)}
    return client.post(url, data), client.post(url, data)


@pytest.mark.django_db
def test_a_disease_case_sent_twice_is_recorded_once(client, officer, enterprise):
    client.force_login(officer)
    url = f"{reverse('diseases:case_create')}?enterprise={enterprise.public_id}"
    confirmation = MonitoringRecordFactory(enterprise=enterprise)
    first, again = _sent_twice(client, url, _case_post(monitoring_record=str(confirmation.pk)))
    case = DiseaseCase.objects.get()
    assert first["Location"] == again["Location"] == case.get_absolute_url()


@pytest.mark.django_db
def test_an_exam_round_sent_twice_is_filed_once(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    url = f"{reverse('diseases:exam_create')}?enterprise={enterprise.public_id}"
    first, again = _sent_twice(client, url, _exam_post())
    exam = DiseaseExam.objects.get()
    assert first["Location"] == again["Location"] == exam.get_absolute_url()


@pytest.mark.django_db
def test_a_monitoring_record_sent_twice_is_filed_once(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    url = reverse("enterprises:monitoring_create", kwargs={"public_id": enterprise.public_id})
    data = {
        "year": "2026",
        "round": "1",
        "sampled_from": "10/04/2026",
        "sampled_to": "11/04/2026",
        "organisation": "CDC Đắk Lắk",
        "organisation_announcement": "15/CB-SYT",
        "workers_exposed": "12",
        "results-TOTAL_FORMS": "1",
        "results-INITIAL_FORMS": "0",
        "results-0-factor": HarmfulFactor.objects.get(code="noise").pk,
        "results-0-location": "Xưởng nghiền",
        "results-0-samples_measured": "6",
        "results-0-samples_over": "2",
    }
    first, again = _sent_twice(client, url, data)
    record = MonitoringRecord.objects.get()
    assert first["Location"] == again["Location"] == record.get_absolute_url()
    assert record.results.count() == 1


@pytest.mark.django_db
def test_an_activity_report_sent_twice_counts_once(client, commune):
    unit = ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.CULTURE_RADIO)
    rita = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    unit.members.add(rita)
    assignment = AssignmentFactory(
        task__group__plan=PlanFactory(commune=commune, start_year=2026, end_year=2030), unit=unit
    )
    client.force_login(rita)
    url = reverse("plans:report_create", kwargs={"pk": assignment.pk})
    data = {
        "occurred_on": "15/05/2026",
        "kind": ActivityReport.Kind.RADIO,
        "description": "Phát tin Tháng hành động về ATVSLĐ",
        "broadcasts": "3",
        "airings": "1.200",
    }
    first, again = _sent_twice(client, url, data)
    report = ActivityReport.objects.get()
    assert first["Location"] == again["Location"] == report.get_absolute_url()


@pytest.mark.django_db
def test_a_filing_submitted_twice_lands_on_it_with_one_submission(
    client, enterprise_owner, enterprise
):
    exam = _exam(enterprise)
    client.force_login(enterprise_owner)
    url = reverse("diseases:exam_submit", kwargs={"public_id": exam.public_id})

    client.post(url)
    again = client.post(url, follow=True)

    assert again.redirect_chain == [(exam.get_absolute_url(), 302)]
    assert "Hồ sơ này đã được gửi trước đó" in again.text
    assert "alert-danger" not in again.text
    submitted = FilingEvent.objects.filter(object_id=exam.pk, to_status=Filing.Status.SUBMITTED)
    assert submitted.count() == 1


def _race(first_started: threading.Event, post_first, post_second) -> list:
    """Send the first POST; once it is inside its transaction, send the second."""
    responses: list = [None, None]

    def run(index: int, post) -> None:
        try:
            responses[index] = post()
        finally:
            connection.close()  # this thread's own database connection

    threads = [threading.Thread(target=run, args=(0, post_first))]
    threads[0].start()
    assert first_started.wait(timeout=10)
    threads.append(threading.Thread(target=run, args=(1, post_second)))
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def _slowed(target, name: str, started: threading.Event, monkeypatch) -> None:
    """Make ``target.name`` signal that it runs, then hold its transaction open a moment."""
    real = getattr(target, name)

    def slow(*args, **kwargs):
        started.set()
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_of_one_form_make_one_record(enterprise_owner, enterprise, monkeypatch):
    """A true double click: the second POST arrives while the first is still in its
    transaction, for the declaration form and then for its submit."""
    clients = [Client(), Client()]
    for one in clients:
        one.force_login(enterprise_owner)
    data = {**_post_data(enterprise, [_victim()]), "submission_token": _form_token(clients[0])}
    saving = threading.Event()
    _slowed(incident_services, "accident_save_draft", saving, monkeypatch)

    responses = _race(
        saving,
        lambda: clients[0].post(reverse("incidents:create"), data),
        lambda: clients[1].post(reverse("incidents:create"), data),
    )

    accident = Accident.objects.get()
    assert [r["Location"] for r in responses] == [_url("detail", accident)] * 2
    assert accident.victims.count() == 1

    submitting = threading.Event()
    _slowed(declarations, "accident_snapshot", submitting, monkeypatch)  # inside the row lock

    responses = _race(
        submitting,
        lambda: clients[0].post(_url("submit", accident)),
        lambda: clients[1].post(_url("submit", accident)),
    )

    assert [r.status_code for r in responses] == [302, 302]
    assert [r["Location"] for r in responses] == [_url("detail", accident)] * 2
    accident.refresh_from_db()
    assert AccidentDeclaration.objects.filter(accident=accident).count() == 1
    assert ReceiptCounter.objects.get().last == 1
    page = clients[1].get(responses[1]["Location"]).text
    assert accident.receipt_number in page
    assert "đã được gửi trước đó" in page
    assert "alert-danger" not in page


# ------------------------------------------------------------------------------
# A report generation redelivered after its worker died
# ------------------------------------------------------------------------------
REPORT_FILES = Path(settings.PRIVATE_MEDIA_ROOT) / "quarterly-reports"


def _report_files() -> set[str]:
    return {f"quarterly-reports/{p.name}" for p in REPORT_FILES.glob("*")}


@pytest.fixture
def generating_report(commune, officer, monkeypatch) -> QuarterlyReport:
    """A report waiting for its PDF (the job itself is run by the test), with a quick layout."""
    monkeypatch.setattr(quarterly, "build_charts", lambda report, data: {})
    monkeypatch.setattr(quarterly, "render_report_pdf", lambda *a, **k: b"%PDF-1.7 report")
    today = timezone.localdate()
    report = report_services.report_create(
        commune=commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        by=officer,
    )
    return report_services.report_request_generation(report=report, by=officer)


@pytest.mark.django_db
def test_a_redelivered_generation_overwrites_the_file_of_the_attempt_that_died(
    generating_report,
):
    before = _report_files()
    storage = QuarterlyReport._meta.get_field("pdf").storage
    # The killed attempt had written its file but never committed.
    storage.save(
        report_services._generated_pdf_name(generating_report), ContentFile(b"%PDF-1.7 half")
    )

    assert report_services.report_generate(report_id=generating_report.pk) is True
    assert report_services.report_generate(report_id=generating_report.pk) is False  # again

    generating_report.refresh_from_db()
    assert generating_report.status == QuarterlyReport.Status.READY
    assert _report_files() - before == {generating_report.pdf.name}
    with generating_report.pdf.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 report"


@pytest.mark.django_db
def test_a_generation_whose_save_fails_keeps_no_file(generating_report, monkeypatch):
    before = _report_files()

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("could not write to the database")

    monkeypatch.setattr(QuarterlyReport, "save", broken_save)
    assert report_services.report_generate(report_id=generating_report.pk) is False

    generating_report.refresh_from_db()
    assert generating_report.status == QuarterlyReport.Status.FAILED
    assert _report_files() == before
