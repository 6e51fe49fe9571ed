"""Occupational diseases: detection-exam rounds (filed and approved like any filing) and case
records. Every change that affects figures asks for a recompute of the commune's year."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import Filing, User
from atvsld_portal.services import (
    filing_approve,
    filing_reopen,
    filing_return,
    filing_submit,
    indicators_recompute_later,
)
from enterprises.models import Enterprise
from incidents.models import DiseaseCase, DiseaseExam


# ------------------------------------------------------------------------------
# Detection-exam rounds
# ------------------------------------------------------------------------------
@transaction.atomic
def disease_exam_save(
    *,
    exam: DiseaseExam,
    by: User,
    data: dict[str, Any],
    diseases=None,
    channel: str | None = None,
) -> DiseaseExam:
    """Create or change a round while it is editable (``exam`` may be unsaved)."""
    if exam.pk and not exam.is_editable_status:
        raise ApplicationError(_("This exam round is locked: it has been submitted or approved."))
    previous_year = exam.exam_date.year if exam.pk and exam.exam_date else None
    for name, value in data.items():
        setattr(exam, name, value)
    if channel and channel != Filing.Channel.ONLINE:
        exam.channel = channel
        exam.entered_by = by
    exam.full_clean()
    exam._history_user = by
    exam.save()
    if diseases is not None:
        exam.diseases_screened.set(diseases)
    if previous_year and previous_year != exam.exam_date.year:
        indicators_recompute_later(commune_id=exam.enterprise.commune_id, year=previous_year)
    return exam


def _exam_changed(exam: DiseaseExam) -> None:
    indicators_recompute_later(commune_id=exam.enterprise.commune_id, year=exam.exam_date.year)


@transaction.atomic
def disease_exam_submit(*, exam: DiseaseExam, by: User) -> DiseaseExam:
    submitted = filing_submit(filing=exam, by=by, snapshot=exam.build_master_snapshot())
    _exam_changed(exam)
    return submitted


@transaction.atomic
def disease_exam_approve(*, exam: DiseaseExam, by: User, note: str = "") -> DiseaseExam:
    approved = filing_approve(filing=exam, by=by, note=note)
    _exam_changed(exam)
    return approved


@transaction.atomic
def disease_exam_return(*, exam: DiseaseExam, by: User, reason: str) -> DiseaseExam:
    returned = filing_return(filing=exam, by=by, reason=reason)
    _exam_changed(exam)
    return returned


@transaction.atomic
def disease_exam_reopen(*, exam: DiseaseExam, by: User, reason: str) -> DiseaseExam:
    reopened = filing_reopen(filing=exam, by=by, reason=reason)
    _exam_changed(exam)
    return reopened


# ------------------------------------------------------------------------------
# Case records
# ------------------------------------------------------------------------------
@transaction.atomic
def disease_case_save(
    *,
    case: DiseaseCase,
    by: User,
    data: dict[str, Any],
    exposure_factors=None,
    enterprise: Enterprise | None = None,
) -> DiseaseCase:
    """Create or change a case. Its commune is the employer's, or the recording official's for a
    worker without a labour contract; it never changes afterwards."""
    previous_year = case.exam_date.year if case.pk else None
    for name, value in data.items():
        setattr(case, name, value)
    if not case.pk:
        case.enterprise = enterprise if enterprise is not None else case.enterprise
        case.commune = case.enterprise.commune if case.enterprise_id else by.commune
        case.created_by = by
        if case.commune is None:
            raise ApplicationError(_("Only a commune or an employer can record a case."))
    if case.full_name:
        case.full_name = unicodedata.normalize("NFC", case.full_name).strip()
    case.full_clean()
    case._history_user = by
    case.save()
    if exposure_factors is not None:
        case.exposure_factors.set(exposure_factors)
    indicators_recompute_later(commune_id=case.commune_id, year=case.exam_date.year)
    if previous_year and previous_year != case.exam_date.year:
        indicators_recompute_later(commune_id=case.commune_id, year=previous_year)
    return case
