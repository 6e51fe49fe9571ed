"""The report to the Party committee: create a draft from the data, edit its narrative, generate
the PDF in Celery with progress, retry a failure, and issue it (number, signing date, final PDF
with QR code, SHA-256, frozen figures). Nothing changes a report once it is issued.

The figures and the document itself come from ``reporting.quarterly`` (``build_report_data``,
``draft_narrative``, ``render_report_pdf``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, User
from atvsld_portal.services import outbox_enqueue
from reporting import quarterly
from reporting.models import CommuneDocumentSettings, QuarterlyReport

logger = logging.getLogger(__name__)

GENERATE_TASK = "reporting.tasks.generate_report_task"
Status = QuarterlyReport.Status


def document_settings_for(commune: AdministrativeUnit) -> CommuneDocumentSettings:
    settings_row, _created = CommuneDocumentSettings.objects.get_or_create(
        commune=commune, defaults={"place": commune.name.split(" (")[0]}
    )
    return settings_row


def _locked(report: QuarterlyReport) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update().get(pk=report.pk)


def _refuse_if_issued(report: QuarterlyReport) -> None:
    if report.is_issued:
        raise ApplicationError(_("This report has been issued; it can no longer be changed."))


@transaction.atomic
def report_create(
    *, commune: AdministrativeUnit, variant: str, year: int, quarter: int, by: User
) -> QuarterlyReport:
    """A new draft with the commune's signer block and the narrative drafted from the data."""
    doc = document_settings_for(commune)
    report = QuarterlyReport(
        commune=commune,
        variant=variant,
        year=year,
        quarter=quarter if variant == QuarterlyReport.Variant.QUARTERLY else 0,
        place=doc.place,
        signer_authority=doc.signer_authority,
        signer_deputy=doc.signer_deputy,
        signer_title=doc.signer_title,
        signer_name=doc.signer_name,
        recipients=doc.recipients,
        created_by=by,
    )
    report.summary = quarterly.default_summary(report)
    report.full_clean(exclude=["summary"] if not report.summary else None)
    data = quarterly.build_report_data(report)
    for name, text in quarterly.draft_narrative(report, data).items():
        setattr(report, name, text)
    report.data = data
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def report_update(*, report: QuarterlyReport, by: User, data: dict[str, Any]) -> QuarterlyReport:
    """Change the narrative parts and the document fields; figures are never typed."""
    report = _locked(report)
    _refuse_if_issued(report)
    if report.status == Status.GENERATING:
        raise ApplicationError(_("The report is being generated; wait until it is ready."))
    allowed = {
        *QuarterlyReport.NARRATIVE_FIELDS,
        "summary",
        "place",
        "signer_authority",
        "signer_deputy",
        "signer_title",
        "signer_name",
        "recipients",
    }
    for name, value in data.items():
        if name not in allowed:
            raise ApplicationError(_("This part of the report comes from the data."))
        setattr(report, name, value)
    if report.status in {Status.READY, Status.FAILED}:
        report.status = Status.DRAFT  # the PDF no longer matches the text
    report.full_clean()
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def report_request_generation(*, report: QuarterlyReport, by: User) -> QuarterlyReport:
    """Queue the PDF generation; the request returns at once (eagerly in ``make run``)."""
    report = _locked(report)
    _refuse_if_issued(report)
    if report.status == Status.GENERATING:
        return report
    report.status = Status.GENERATING
    report.progress = 0
    report.progress_step = _("Waiting for a worker")
    report.error = ""
    report.generation_requested_at = timezone.now()
    report.save(
        update_fields=[
            "status",
            "progress",
            "progress_step",
            "error",
            "generation_requested_at",
            "updated_at",
        ]
    )
    outbox_enqueue(task_name=GENERATE_TASK, args=[report.pk])
    return report


def _progress(report_id: int, percent: int, step: str) -> None:
    """Record a step in its own transaction so a polling page sees it at once."""
    QuarterlyReport.objects.filter(pk=report_id, status=Status.GENERATING).update(
        progress=percent, progress_step=step, updated_at=timezone.now()
    )


def report_generate(*, report_id: int) -> bool:
    """The Celery job: collect the figures, draw the charts, lay out the pages.

    Idempotent: a report that is not waiting for generation is left alone. Any failure ends in
    "failed" with the error kept, and the draft text is never lost.
    """
    report = QuarterlyReport.objects.filter(pk=report_id, status=Status.GENERATING).first()
    if report is None:
        return False
    try:
        _progress(report_id, 10, _("Collecting the figures"))
        data = quarterly.build_report_data(report)
        _progress(report_id, 45, _("Drawing the charts"))
        charts = quarterly.build_charts(report, data)
        _progress(report_id, 70, _("Laying out the pages"))
        pdf = quarterly.render_report_pdf(report, data, charts=charts)
        return _store_generated(report_id, data, pdf)
    except Exception as exc:
        logger.exception("Generation of report %s failed", report_id)
        QuarterlyReport.objects.filter(pk=report_id, status=Status.GENERATING).update(
            status=Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            progress_step=_("Failed"),
            updated_at=timezone.now(),
        )
        return False


def _generated_pdf_name(report: QuarterlyReport) -> str:
    """One name per generation request, the same for every attempt of it, and unguessable
    (keyed with the secret key). A job redelivered after its worker was killed between writing
    the file and committing overwrites that file instead of leaving an orphan next to it."""
    requested = report.generation_requested_at or report.created_at
    digest = salted_hmac(
        "reporting.report_generate", f"{report.pk}:{requested.isoformat()}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"quarterly-reports/{digest}.pdf"


def _store_generated(report_id: int, data: dict, pdf: bytes) -> bool:
    """Keep the PDF and mark the report ready, once; the file goes if the change does not commit."""
    storage = QuarterlyReport._meta.get_field("pdf").storage
    stored = ""
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.select_for_update().get(pk=report_id)
            if report.status != Status.GENERATING:
                return False  # done by an earlier delivery of the same job
            name = _generated_pdf_name(report)
            if storage.exists(name):
                storage.delete(name)  # written by an attempt that died before committing
            stored = storage.save(name, ContentFile(pdf))
            previous = report.pdf.name
            if previous and previous != stored:
                transaction.on_commit(lambda: storage.delete(previous))
            report.pdf.name = stored
            report.data = data
            report.status = Status.READY
            report.progress = 100
            report.progress_step = _("Ready")
            report.generated_at = timezone.now()
            report.save()
    except Exception:
        if stored:
            storage.delete(stored)
        raise
    return True


def _replace_pdf(report: QuarterlyReport, pdf: bytes) -> None:
    """Store the new PDF and delete the one it replaces once the change is committed."""
    previous = report.pdf.name
    report.pdf.save(quarterly.pdf_filename(report), ContentFile(pdf), save=False)
    if previous and previous != report.pdf.name:
        storage = report.pdf.storage
        transaction.on_commit(lambda: storage.delete(previous))


def verification_url(report: QuarterlyReport) -> str:
    path = reverse("reporting:verify", kwargs={"token": report.verify_token})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


@transaction.atomic
def report_issue(
    *, report: QuarterlyReport, by: User, number: int, signed_on: date
) -> QuarterlyReport:
    """Issue = freeze: the final PDF with its number and QR code, its SHA-256 and the figures as
    they are now. Only a report whose PDF is ready can be issued, and only once."""
    report = _locked(report)
    _refuse_if_issued(report)
    if report.status != Status.READY:
        raise ApplicationError(_("Generate the report and check it before issuing it."))
    errors = {}
    if number < 1:
        errors["number"] = _("The number starts at 1.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if signed_on.year < report.year:
        errors["signed_on"] = _("The signing date is before the report's year.")
    taken = QuarterlyReport.objects.filter(
        commune=report.commune, symbol=report.symbol, number=number, number_year=signed_on.year
    ).exclude(pk=report.pk)
    if taken.exists():
        errors["number"] = _("Number %(number)s/%(symbol)s is already used this year.") % {
            "number": f"{number:02d}",
            "symbol": report.symbol,
        }
    if errors:
        raise ValidationError(errors)
    report.number = number
    report.number_year = signed_on.year
    report.signed_on = signed_on
    data = quarterly.build_report_data(report)
    charts = quarterly.build_charts(report, data)
    pdf = quarterly.render_report_pdf(
        report, data, charts=charts, final=True, verify_url=verification_url(report)
    )
    report.data = data
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    _replace_pdf(report, pdf)
    report.status = Status.ISSUED
    report.issued_at = timezone.now()
    report.issued_by = by
    report._history_user = by
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        report.pdf.storage.delete(report.pdf.name)
        raise ValidationError(
            {"number": _("Number %(number)s is already used.") % {"number": number}}
        ) from exc
    return report
