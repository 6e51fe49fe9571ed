"""The report to the Party committee through its pages (reporting.views.reports): drafting from
the data, editing the narrative, generating (eagerly here; through a real worker in
tests/integration/test_report_worker.py), issuing with a number, the frozen record, the public
verification page and who may reach what."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atvsld_portal.models import User
from reporting import report_services
from reporting.models import CommuneDocumentSettings, QuarterlyReport
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = QuarterlyReport.Status
Variant = QuarterlyReport.Variant
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
SECRET_TEXT = "Thôn 7 mở lớp huấn luyện riêng cho thợ đá ĐỘC-NHẤT-4711"
SECRET_FIGURE = 987654
LIST = reverse("reporting:report_list")
CREATE = reverse("reporting:report_create")
SETTINGS = reverse("reporting:document_settings")
OBJECT_GETS = ("report_detail", "report_progress", "report_edit", "report_pdf", "report_docx")
OBJECT_GETS += ("report_xlsx",)
OBJECT_POSTS = ("report_edit", "report_generate", "report_issue")


def url(name: str, report: QuarterlyReport) -> str:
    return reverse(f"reporting:{name}", kwargs={"public_id": report.public_id})


def verify_url(report: QuarterlyReport) -> str:
    return reverse("reporting:verify", kwargs={"token": report.verify_token})


def current_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def make_report(commune, by, *, status: str = Status.DRAFT, **fields) -> QuarterlyReport:
    """A report written straight to the database (no drafting, no PDF rendering)."""
    year, quarter = current_quarter()
    values = {
        "commune": commune,
        "variant": Variant.QUARTERLY,
        "year": year,
        "quarter": quarter,
        "place": "Ea Ly",
        "summary": "Kết quả thực hiện công tác an toàn, vệ sinh lao động",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_deputy": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Y Blông Niê",
        "recipients": "- Thường trực Đảng ủy xã (b/c);\n- Lưu: VT, VHXH.",
        "created_by": by,
        "status": status,
        "strengths": SECRET_TEXT,
        "data": {"secret": {"accidents": SECRET_FIGURE}},
    }
    if status in {Status.READY, Status.ISSUED}:
        values["pdf"] = ContentFile(PDF, name="bao-cao.pdf")
    if status == Status.ISSUED:
        values.update(
            number=7,
            number_year=year,
            signed_on=timezone.localdate(),
            sha256=hashlib.sha256(PDF).hexdigest(),
            issued_at=timezone.now(),
            issued_by=by,
        )
    values.update(fields)
    return QuarterlyReport.objects.create(**values)


def drafted(commune, by) -> QuarterlyReport:
    """A draft written by the service from the (empty) data, as the create page does."""
    year, quarter = current_quarter()
    return report_services.report_create(
        commune=commune, variant=Variant.QUARTERLY, year=year, quarter=quarter, by=by
    )


def generate(client, report: QuarterlyReport, capture):
    """POST "generate" and run the job the outbox queued (eager Celery)."""
    with capture(execute=True):
        response = client.post(url("report_generate", report))
    report.refresh_from_db()
    return response


def stored_bytes(report: QuarterlyReport) -> bytes:
    report.refresh_from_db()
    with report.pdf.open("rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


@pytest.fixture
def unit_reporter(commune):
    return UserFactory(username="uma", role=User.Role.UNIT_REPORTER, administrative_unit=commune)


# ------------------------------------------------------------------------------
# Drafting and editing
# ------------------------------------------------------------------------------
def test_create_writes_a_draft_with_the_narrative_drafted_from_the_data(officer_client, commune):
    year, quarter = current_quarter()
    response = officer_client.post(
        CREATE, {"variant": Variant.QUARTERLY, "year": year, "quarter": quarter}
    )

    report = QuarterlyReport.objects.get(commune=commune)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.variant, report.year, report.quarter) == (
        Status.DRAFT,
        Variant.QUARTERLY,
        year,
        quarter,
    )
    assert report.summary
    assert report.data
    drafted_parts = [getattr(report, name) for name in QuarterlyReport.NARRATIVE_FIELDS]
    assert any(drafted_parts)
    assert report.number is None
    page = officer_client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert url("report_edit", report) in page.text
    assert url("report_generate", report) in page.text
    html = page.content.decode()
    some_part = next(text for text in drafted_parts if text)
    assert some_part.splitlines()[0][:40] in html
    # The figures are shown as the PDF prints them, read-only.
    assert 'id="figures-accidents"' in html
    assert 'id="figures-indicators"' in html
    assert 'name="accidents"' not in html
    assert "style=" not in html


def test_create_takes_the_communes_signer_block(officer_client, commune):
    CommuneDocumentSettings.objects.create(
        commune=commune, place="Ea Ly", signer_name="Nguyễn Thị Hoa", recipients="- Lưu: VT."
    )
    officer_client.post(CREATE, {"variant": Variant.ANNUAL, "year": current_quarter()[0]})

    report = QuarterlyReport.objects.get(commune=commune)
    assert (report.variant, report.quarter) == (Variant.ANNUAL, 0)
    assert (report.signer_name, report.recipients) == ("Nguyễn Thị Hoa", "- Lưu: VT.")


def test_a_quarterly_report_needs_its_quarter(officer_client, commune):
    response = officer_client.post(
        CREATE, {"variant": Variant.QUARTERLY, "year": current_quarter()[0], "quarter": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"]
    assert not QuarterlyReport.objects.exists()


def test_creating_the_same_report_twice_leads_to_the_existing_draft(
    officer_client, officer, commune
):
    existing = make_report(commune, officer)
    response = officer_client.post(
        CREATE, {"variant": existing.variant, "year": existing.year, "quarter": existing.quarter}
    )
    assert response.status_code == 302
    assert response["Location"] == existing.get_absolute_url()
    assert QuarterlyReport.objects.count() == 1
    # Once issued, the same period may be reported again (a revision is a new report).
    QuarterlyReport.objects.filter(pk=existing.pk).delete()
    make_report(commune, officer, status=Status.ISSUED)
    officer_client.post(
        CREATE, {"variant": existing.variant, "year": existing.year, "quarter": existing.quarter}
    )
    assert QuarterlyReport.objects.filter(status=Status.DRAFT).count() == 1


def edit_data(report: QuarterlyReport, **overrides) -> dict:
    data = {
        name: getattr(report, name)
        for name in (
            "summary",
            *QuarterlyReport.NARRATIVE_FIELDS,
            "place",
            "signer_authority",
            "signer_deputy",
            "signer_title",
            "signer_name",
            "recipients",
        )
    }
    data.update(overrides)
    return data


def test_edit_saves_the_narrative_and_sends_a_ready_report_back_to_draft(
    officer_client, officer, commune
):
    report = make_report(commune, officer, status=Status.READY)
    text = "Ban hành Kế hoạch số 12/KH-UBND ngày 10/01 về Tháng hành động."
    response = officer_client.post(url("report_edit", report), edit_data(report, leadership=text))

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.leadership == text
    assert report.status == Status.DRAFT
    assert report.data == {"secret": {"accidents": SECRET_FIGURE}}  # the figures are untouched


def test_edit_keeps_what_was_typed_when_a_field_is_wrong(officer_client, officer, commune):
    report = make_report(commune, officer)
    typed = "Đã tổ chức 3 hội nghị tuyên truyền tại thôn 2, thôn 5 và buôn Ea Ly."
    response = officer_client.post(
        url("report_edit", report), edit_data(report, leadership=typed, summary="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["summary"]
    assert typed in response.content.decode()
    report.refresh_from_db()
    assert report.leadership != typed


def test_figures_cannot_be_typed_through_the_edit_page(officer_client, officer, commune):
    report = make_report(commune, officer)
    officer_client.post(
        url("report_edit", report),
        {**edit_data(report), "data": '{"secret": {"accidents": 1}}', "sha256": "0" * 64},
    )
    report.refresh_from_db()
    assert report.data == {"secret": {"accidents": SECRET_FIGURE}}
    assert report.sha256 == ""


# ------------------------------------------------------------------------------
# Generating, progress and failure
# ------------------------------------------------------------------------------
def test_generate_eagerly_ends_ready_with_a_pdf(
    officer_client, officer, commune, django_capture_on_commit_callbacks
):
    report = drafted(commune, officer)
    response = generate(officer_client, report, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert (report.status, report.progress, report.error) == (Status.READY, 100, "")
    content = stored_bytes(report)
    assert content.startswith(b"%PDF")
    download = officer_client.get(url("report_pdf", report))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert body(download) == content
    page = officer_client.get(report.get_absolute_url())
    assert url("report_pdf", report) in page.text
    assert "hx-get" not in page.text


def test_a_failing_generation_keeps_its_error_and_retry_works(
    officer_client, officer, commune, django_capture_on_commit_callbacks, monkeypatch
):
    from reporting import quarterly

    report = drafted(commune, officer)
    real_render = quarterly.render_report_pdf

    def broken(*args, **kwargs):
        raise RuntimeError("Phông chữ Liberation Serif không đọc được")

    monkeypatch.setattr(quarterly, "render_report_pdf", broken)
    generate(officer_client, report, django_capture_on_commit_callbacks)

    assert report.status == Status.FAILED
    assert "Liberation Serif không đọc được" in report.error
    page = officer_client.get(report.get_absolute_url())
    assert "Liberation Serif không đọc được" in page.content.decode()
    assert 'id="report-retry"' in page.text
    assert url("report_pdf", report) not in page.text
    assert officer_client.get(url("report_pdf", report)).status_code == 404

    monkeypatch.setattr(quarterly, "render_report_pdf", real_render)
    generate(officer_client, report, django_capture_on_commit_callbacks)
    assert (report.status, report.error) == (Status.READY, "")
    assert stored_bytes(report).startswith(b"%PDF")


def test_the_progress_fragment_polls_while_generating_and_stops_when_ready(
    officer_client, officer, commune
):
    report = make_report(commune, officer, status=Status.READY)  # with the PDF of a first run
    QuarterlyReport.objects.filter(pk=report.pk).update(
        status=Status.GENERATING, progress=45, progress_step="Drawing the charts"
    )
    polled = officer_client.get(url("report_progress", report), HTTP_HX_REQUEST="true")

    html = polled.content.decode()
    assert polled.status_code == 200
    assert "<html" not in html  # the fragment alone
    assert f'hx-get="{url("report_progress", report)}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert '<progress id="report-progress-bar" class="w-100" value="45" max="100">' in html
    assert "Drawing the charts" in html
    assert "style=" not in html
    assert "HX-Refresh" not in polled
    assert "hx-get" in officer_client.get(report.get_absolute_url()).text

    QuarterlyReport.objects.filter(pk=report.pk).update(status=Status.READY, progress=100)
    done = officer_client.get(url("report_progress", report), HTTP_HX_REQUEST="true")
    assert "hx-get" not in done.text
    assert url("report_pdf", report) in done.text
    assert done["HX-Refresh"] == "true"  # the whole page reloads with the buttons of "ready"
    # Without htmx it is an ordinary page.
    full = officer_client.get(url("report_progress", report))
    assert full.status_code == 200
    assert "<html" in full.text


# ------------------------------------------------------------------------------
# Issuing and the frozen record
# ------------------------------------------------------------------------------
def issue(client, report: QuarterlyReport, number: str = "5", signed_on=None):
    signed_on = signed_on or timezone.localdate()
    return client.post(
        url("report_issue", report),
        {"number": number, "signed_on": signed_on.strftime("%d/%m/%Y")},
    )


def test_the_leader_issues_a_ready_report_with_its_number_and_hash(
    client, leader, officer, commune, django_capture_on_commit_callbacks
):
    report = drafted(commune, officer)
    client.force_login(officer)
    generate(client, report, django_capture_on_commit_callbacks)
    assert issue(client, report).status_code == 403  # officials draft; the leader issues

    client.force_login(leader)
    page = client.get(report.get_absolute_url())
    assert url("report_issue", report) in page.text
    response = issue(client, report, number="05")

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ISSUED
    assert (report.number, report.number_year, report.number_text) == (
        5,
        timezone.localdate().year,
        "05/BC-UBND",
    )
    assert report.signed_on == timezone.localdate()
    assert report.issued_by == leader
    content = stored_bytes(report)
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert body(client.get(url("report_pdf", report))) == content

    page = client.get(report.get_absolute_url()).content.decode()
    assert "05/BC-UBND" in page
    assert report.sha256 in page
    assert report_services.verification_url(report) in page
    assert "data:image/svg+xml" in page  # the QR code
    for name in ("report_edit", "report_generate", "report_issue"):
        assert url(name, report) not in page


def test_an_issued_report_cannot_be_changed_through_any_view(
    client, leader, officer, commune, django_capture_on_commit_callbacks
):
    report = drafted(commune, officer)
    client.force_login(leader)
    generate(client, report, django_capture_on_commit_callbacks)
    issue(client, report)
    report.refresh_from_db()
    frozen = (stored_bytes(report), report.sha256, report.data, report.pdf.name, report.strengths)

    for user in (leader, officer):
        client.force_login(user)
        assert client.get(url("report_edit", report)).status_code == 403
        edited = edit_data(report, strengths="Sửa sau khi ban hành")
        assert client.post(url("report_edit", report), edited).status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url("report_generate", report)).status_code == 403
        assert issue(client, report, number="9").status_code == 403

    report.refresh_from_db()
    assert report.status == Status.ISSUED
    assert report.number == 5
    after = (stored_bytes(report), report.sha256, report.data, report.pdf.name, report.strengths)
    assert after == frozen
    assert hashlib.sha256(after[0]).hexdigest() == report.sha256


def test_a_number_used_this_year_is_refused_next_to_the_number(leader_client, leader, commune):
    make_report(commune, leader, status=Status.ISSUED, number=5, variant=Variant.ANNUAL, quarter=0)
    report = make_report(commune, leader, status=Status.READY)
    typed_date = timezone.localdate() - timedelta(days=1)
    if typed_date.year != timezone.localdate().year:
        typed_date = timezone.localdate()

    response = issue(leader_client, report, number="05", signed_on=typed_date)

    assert response.status_code == 200
    errors = response.context["issue_form"].errors
    assert "05/BC-UBND" in errors["number"][0]
    html = response.content.decode()
    assert "is-invalid" in html
    assert typed_date.strftime("%d/%m/%Y") in html  # what was typed is kept
    report.refresh_from_db()
    assert (report.status, report.number, report.sha256) == (Status.READY, None, "")


def test_a_signing_date_in_the_future_is_refused_next_to_the_date(leader_client, leader, commune):
    report = make_report(commune, leader, status=Status.READY)
    response = issue(leader_client, report, signed_on=timezone.localdate() + timedelta(days=2))
    assert response.status_code == 200
    assert response.context["issue_form"].errors["signed_on"]
    report.refresh_from_db()
    assert report.status == Status.READY


def test_only_a_ready_report_can_be_issued(leader_client, leader, commune):
    report = make_report(commune, leader)
    page = leader_client.get(report.get_absolute_url())
    assert url("report_issue", report) not in page.text
    response = issue(leader_client, report, number="5")
    assert response.status_code == 302
    page = leader_client.get(response["Location"]).content.decode()
    assert _("Generate the report and check it before issuing it.") in page
    report.refresh_from_db()
    assert report.status == Status.DRAFT


# ------------------------------------------------------------------------------
# The public verification page
# ------------------------------------------------------------------------------
def test_the_verification_page_shows_number_date_commune_and_hash_only(client, officer, commune):
    report = make_report(commune, officer, status=Status.ISSUED, number=5)
    response = client.get(verify_url(report))  # anonymous

    assert response.status_code == 200
    html = response.content.decode()
    assert "05/BC-UBND" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html
    assert "Ea Ly" in html
    assert report.sha256 in html
    for hidden in (
        SECRET_TEXT,
        report.summary,
        report.signer_name,
        str(SECRET_FIGURE),
        "987.654",
        "Thường trực Đảng ủy",
        officer.username,
        str(report.public_id),
    ):
        assert hidden not in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_the_verification_page_is_404_for_an_unknown_token_or_an_unissued_report(
    client, officer, commune
):
    import uuid

    assert client.get(reverse("reporting:verify", args=[uuid.uuid4()])).status_code == 404
    for status in (Status.DRAFT, Status.READY):
        report = make_report(commune, officer, status=status)
        assert client.get(verify_url(report)).status_code == 404
        QuarterlyReport.objects.filter(pk=report.pk).delete()


# ------------------------------------------------------------------------------
# Who reaches what
# ------------------------------------------------------------------------------
def test_enterprise_users_and_unit_reporters_cannot_reach_reports(
    client, officer, commune, enterprise_owner, unit_reporter
):
    draft = make_report(commune, officer, status=Status.READY)
    issued = make_report(commune, officer, status=Status.ISSUED, variant=Variant.ANNUAL, quarter=0)
    for user in (enterprise_owner, unit_reporter):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(CREATE).status_code == 403
        assert client.get(SETTINGS).status_code == 403
        for report in (draft, issued):
            for name in OBJECT_GETS:
                assert client.get(url(name, report)).status_code == 404, (user, name)
            for name in OBJECT_POSTS:
                assert client.post(url(name, report)).status_code == 404, (user, name)


def test_another_communes_official_gets_404_on_every_report_url(
    client, officer, other_officer, commune
):
    report = make_report(commune, officer, status=Status.READY)
    client.force_login(other_officer)
    for name in OBJECT_GETS:
        assert client.get(url(name, report)).status_code == 404, name
    for name in OBJECT_POSTS:
        assert client.post(url(name, report)).status_code == 404, name
    assert report.get_absolute_url() not in client.get(LIST).text


def test_the_province_viewer_reads_issued_reports_of_the_province_only(
    client, officer, commune, other_commune, other_officer, province_viewer
):
    issued = make_report(commune, officer, status=Status.ISSUED)
    issued_elsewhere = make_report(other_commune, other_officer, status=Status.ISSUED)
    draft = make_report(commune, officer, status=Status.READY, variant=Variant.HALF_YEAR, quarter=0)
    far_commune = CommuneFactory(parent=ProvinceFactory(code="67", name="Gia Lai"))
    far = make_report(far_commune, UserFactory(administrative_unit=far_commune), status="issued")
    client.force_login(province_viewer)

    listing = client.get(LIST).text
    assert issued.get_absolute_url() in listing
    assert issued_elsewhere.get_absolute_url() in listing
    assert draft.get_absolute_url() not in listing
    assert far.get_absolute_url() not in listing
    page = client.get(issued.get_absolute_url())
    assert page.status_code == 200
    assert body(client.get(url("report_pdf", issued))) == PDF
    assert url("report_edit", issued) not in page.text
    assert client.post(url("report_generate", issued)).status_code == 403
    assert client.get(url("report_edit", issued)).status_code == 403
    assert issue(client, issued).status_code == 403
    for report in (draft, far):
        for name in OBJECT_GETS:
            assert client.get(url(name, report)).status_code == 404, name
    assert client.get(CREATE).status_code == 403
    assert client.get(SETTINGS).status_code == 403


def test_the_list_shows_the_communes_reports_newest_first(
    officer_client, officer, commune, other_commune, other_officer
):
    year = current_quarter()[0]
    older = make_report(commune, officer, variant=Variant.ANNUAL, quarter=0, year=year - 1)
    newer = make_report(commune, officer, status=Status.ISSUED, number=3)
    elsewhere = make_report(other_commune, other_officer)

    with CaptureQueriesContext(connection) as few:
        response = officer_client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.get_absolute_url()) < html.index(older.get_absolute_url())
    assert elsewhere.get_absolute_url() not in html
    assert "03/BC-UBND" in html
    assert CREATE in html
    for years_back in range(2, 8):
        make_report(commune, officer, variant=Variant.ANNUAL, quarter=0, year=year - years_back)
    with CaptureQueriesContext(connection) as many:
        officer_client.get(LIST)
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------------------
# Downloads and settings
# ------------------------------------------------------------------------------
def test_docx_and_xlsx_downloads(officer_client, officer, commune):
    report = drafted(commune, officer)
    docx = officer_client.get(url("report_docx", report))
    assert docx.status_code == 200
    assert body(docx).startswith(b"PK")
    assert docx["Content-Disposition"].startswith("attachment")
    xlsx = officer_client.get(url("report_xlsx", report))
    assert xlsx.status_code == 200
    assert body(xlsx).startswith(b"PK")
    assert officer_client.get(url("report_pdf", report)).status_code == 404  # not generated


def test_officials_and_leaders_change_the_communes_document_settings(
    client, officer, leader, commune
):
    for user, name in ((officer, "Nguyễn Văn An"), (leader, "H'Hen Niê")):
        client.force_login(user)
        assert client.get(SETTINGS).status_code == 200
        response = client.post(
            SETTINGS,
            {
                "place": "Ea Ly",
                "signer_authority": "TM. ỦY BAN NHÂN DÂN",
                "signer_deputy": "",
                "signer_title": "CHỦ TỊCH",
                "signer_name": name,
                "recipients": "- Thường trực Đảng ủy xã (b/c);\n- Lưu: VT, VHXH.",
            },
        )
        assert response.status_code == 302
        row = CommuneDocumentSettings.objects.get(commune=commune)
        assert (row.signer_name, row.signer_deputy, row.signer_title) == (name, "", "CHỦ TỊCH")
    missing = client.post(SETTINGS, {"place": "", "signer_authority": "", "signer_title": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors["place"]
    assert _("Signer and recipients") in client.get(LIST).content.decode()


def test_the_figures_show_the_counts_and_provisional_mark_under_a_rate(
    officer_client, officer, commune
):
    from decimal import Decimal

    from reporting.models import IndicatorValue

    year, quarter = current_quarter()
    IndicatorValue.objects.create(
        commune=commune,
        year=year,
        quarter=quarter,
        code="fatality_frequency",
        value=Decimal("0.800"),
        numerator=1,
        denominator=1250,
        unit="‰",
        provisional=True,
        status=IndicatorValue.Status.NOT_MET,
    )
    report = drafted(commune, officer)

    page = officer_client.get(report.get_absolute_url()).content.decode()

    assert "(tạm tính)" in page
