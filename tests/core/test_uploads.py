"""Every upload goes through the private-file helper, proved through real upload views.

One upload view per app: the scan of an enterprise's annual report (core filing scans), the scan
of an accident declaration entered from paper, the attachment of a unit's activity report and
the scan behind the historical figures. Each refuses an .exe renamed .pdf, a 30 MB file and a
HEIC photo with the Vietnamese message and stores nothing; an accepted file is reachable only
through its object view, after the access check, and not by guessing a URL.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from atvsld_portal.models import Filing, FilingScan, User
from incidents.models import AccidentDeclaration, InjuryCode, Victim
from plans.models import ActivityReport
from reporting.models import HistoricalAggregate
from tests.core.factories import ResponsibleUnitFactory, UserFactory
from tests.enterprises.factories import AnnualReportFactory
from tests.incidents.factories import AccidentFactory, VictimFactory
from tests.plans.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# A Windows executable (DOS stub and PE signature) saved under a .pdf name.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 46 + b"PE\x00\x00"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
THIRTY_MB = 30 * 1024 * 1024


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _vietnamese(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    assert text != message, f"no Vietnamese translation for {message!r}"
    return text % params if params else text


def _hostile_files() -> list[tuple[str, Callable[[], SimpleUploadedFile], str]]:
    return [
        (
            "exe renamed pdf",
            lambda: SimpleUploadedFile("bao-cao.pdf", EXE, content_type="application/pdf"),
            _vietnamese("Only PDF, JPEG, PNG, Excel (.xlsx) and Word (.docx) files are accepted."),
        ),
        (
            "30 MB",
            # A real PDF header: only the size is wrong.
            lambda: SimpleUploadedFile(
                "ban-quet.pdf", PDF + b"0" * (THIRTY_MB - len(PDF)), content_type="application/pdf"
            ),
            _vietnamese(
                "The file is larger than %(limit)s MB.",
                limit=settings.PRIVATE_FILE_MAX_BYTES // (1024 * 1024),
            ),
        ),
        (
            "HEIC",
            lambda: SimpleUploadedFile("IMG_0042.heic", HEIC, content_type="image/heic"),
            _vietnamese(
                "HEIC photos are not accepted. Please save the photo as JPEG and upload it again."
            ),
        ),
    ]


def _stored_files() -> set[Path]:
    return {path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()}


@dataclass
class UploadView:
    """One upload view: who posts what where, and how to find what it stored."""

    user: User
    outsider: User
    url: str
    data: dict
    field: str
    folder: str
    # True: the form comes back with the error under the field; False: the view redirects to
    # the object and shows the error as a message.
    errors_next_to_field: bool
    rows: Callable[[], int]
    latest_file: Callable[[], FieldFile]
    download_url: Callable[[], str]


@pytest.fixture
def annual_report_scan(enterprise, enterprise_owner, other_enterprise_owner) -> UploadView:
    report = AnnualReportFactory(enterprise=enterprise, workers_total=20)
    return UploadView(
        user=enterprise_owner,
        outsider=other_enterprise_owner,
        url=reverse(
            "enterprises:annual_report_scan_upload", kwargs={"public_id": report.public_id}
        ),
        data={},
        field="file",
        folder="filing-scans",
        errors_next_to_field=False,
        rows=FilingScan.objects.count,
        latest_file=lambda: FilingScan.objects.get().file,
        download_url=lambda: reverse(
            "enterprises:annual_report_scan",
            kwargs={"public_id": report.public_id, "version": 1},
        ),
    )


@pytest.fixture
def accident_declaration_scan(enterprise, officer, other_enterprise_owner) -> UploadView:
    accident = AccidentFactory(
        enterprise=enterprise, created_by=officer, channel=Filing.Channel.PAPER, entered_by=officer
    )
    victim = VictimFactory(accident=accident, severity=Victim.Severity.SERIOUS)
    victim.injury_codes.add(InjuryCode.objects.filter(is_active=True).order_by("order").first())
    return UploadView(
        user=officer,
        outsider=other_enterprise_owner,
        url=reverse("incidents:submit", kwargs={"public_id": accident.public_id}),
        data={"channel": Filing.Channel.PAPER},
        field="scan",
        folder="accident-declarations",
        errors_next_to_field=False,
        rows=AccidentDeclaration.objects.count,
        latest_file=lambda: AccidentDeclaration.objects.get().scan,
        download_url=lambda: reverse(
            "incidents:declaration_scan", args=[AccidentDeclaration.objects.get().public_id]
        ),
    )


@pytest.fixture
def activity_report_attachment(commune, other_officer) -> UploadView:
    unit = ResponsibleUnitFactory(commune=commune, name="Văn hóa - Đài truyền thanh")
    reporter = UserFactory(
        username="rita", role=User.Role.UNIT_REPORTER, administrative_unit=commune
    )
    unit.members.add(reporter)
    assignment = AssignmentFactory(
        task__group__plan=PlanFactory(commune=commune, start_year=2026, end_year=2030), unit=unit
    )
    return UploadView(
        user=reporter,
        outsider=other_officer,
        url=reverse("plans:report_create", kwargs={"pk": assignment.pk}),
        data={
            "occurred_on": "15/05/2026",
            "kind": ActivityReport.Kind.RADIO,
            "description": "Phát tin Tháng hành động về ATVSLĐ",
            "broadcasts": "3",
            "airings": "1.200",
        },
        field="attachment",
        folder="activity-reports",
        errors_next_to_field=True,
        rows=ActivityReport.objects.count,
        latest_file=lambda: ActivityReport.objects.get().attachment,
        download_url=lambda: reverse(
            "plans:report_attachment", kwargs={"public_id": ActivityReport.objects.get().public_id}
        ),
    )


@pytest.fixture
def historical_aggregate_scan(officer, other_officer) -> UploadView:
    return UploadView(
        user=officer,
        outsider=other_officer,
        url=reverse("reporting:historical_create"),
        data={
            "year": "2024",
            "sector": "employed",
            "accidents": "3",
            "victims": "4",
            "deaths": "1",
            "serious": "2",
            "workforce": "1.250",
            "source_document": "45/BC-UBND",
            "source_date": "15/01/2025",
        },
        field="scan",
        folder="historical-aggregates",
        errors_next_to_field=True,
        rows=HistoricalAggregate.objects.count,
        latest_file=lambda: HistoricalAggregate.objects.get().scan,
        download_url=lambda: reverse(
            "reporting:historical_scan",
            kwargs={"public_id": HistoricalAggregate.objects.get().public_id},
        ),
    )


UPLOAD_VIEWS = [
    "annual_report_scan",
    "accident_declaration_scan",
    "activity_report_attachment",
    "historical_aggregate_scan",
]


def _upload(client, view: UploadView, upload: SimpleUploadedFile):
    return client.post(view.url, {**view.data, view.field: upload}, follow=True)


def _error_shown(response, view: UploadView, message: str) -> None:
    assert response.status_code == 200
    if view.errors_next_to_field:
        assert response.context["form"].errors[view.field] == [message]
        # Rendered in the field's own feedback block, not only at the top of the form.
        feedback = response.text.split(f'id="error_1_id_{view.field}"', 1)
        assert len(feedback) == 2, f"no error block for the field {view.field}"
        assert html.escape(message) in feedback[1].split("</span>", 1)[0]
    else:
        assert [m.message for m in response.context["messages"]] == [message]
        assert html.escape(message) in response.text


@pytest.mark.parametrize("fixture_name", UPLOAD_VIEWS)
def test_hostile_files_are_refused_with_a_vietnamese_message_and_nothing_is_stored(
    client, request, fixture_name
):
    view: UploadView = request.getfixturevalue(fixture_name)
    client.force_login(view.user)
    before = _stored_files()
    for label, make_file, message in _hostile_files():
        response = _upload(client, view, make_file())
        _error_shown(response, view, message)
        assert view.rows() == 0, label
        assert _stored_files() == before, label

    # The same view accepts a real PDF: the refusals above came from the file check.
    _upload(client, view, SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"))
    assert view.rows() == 1
    added = _stored_files() - before
    assert len(added) == 1
    (path,) = added
    assert path.read_bytes() == PDF
    stored_name = view.latest_file().name
    assert stored_name.startswith(f"{view.folder}/")
    assert "bao-cao" not in stored_name  # a random name, not the user's


@pytest.mark.parametrize("fixture_name", UPLOAD_VIEWS)
def test_a_stored_file_is_served_only_through_its_object_view(client, request, fixture_name):
    view: UploadView = request.getfixturevalue(fixture_name)
    client.force_login(view.user)
    _upload(client, view, SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"))
    stored_name = view.latest_file().name
    download_url = view.download_url()

    response = client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"

    # Guessing a URL to the stored file leads nowhere, signed in or not.
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    guesses = [
        f"/media/{stored_name}",
        f"/{stored_name}",
        f"/static/{stored_name}",
        f"/static/../var/media/{stored_name}",
        f"/static/%2e%2e/var/media/{stored_name}",
        f"/static/../../../../../..{media_root}/{stored_name}",
        f"/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e{media_root}/{stored_name}",
    ]
    for guess in guesses:
        response = client.get(guess)
        assert response.status_code == 404, guess
        assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))

    # Another enterprise or commune gets a 404 from the object view itself.
    client.force_login(view.outsider)
    assert client.get(download_url).status_code == 404

    # Signed out: the login page, never the file.
    client.logout()
    response = client.get(download_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
