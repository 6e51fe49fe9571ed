"""Retention of victims' and patients' personal data (Decree 13/2023/NĐ-CP on personal data
protection; Law on Personal Data Protection 91/2025/QH15).

``settings.PERSONAL_DATA_RETENTION_YEARS`` after an accident (its local date) or an
occupational-disease exam, the people's personal fields are pseudonymised:

- a victim's or worker's name becomes a stable pseudonym built from the record's public id
  ("Nạn nhân 3F9A2C", "Người lao động 7B01DE"), the same wherever the name appears;
- the personal ID is blanked; a victim's date of birth is dropped and the year kept; a worker's
  date of birth (a required field) becomes 1 January of the same year, so age groups still work;
- the declarant's phone is blanked; the names and personal IDs are replaced wherever they appear
  in free text (the account, the declarant, the biên bản, notes). The match is on the exact name,
  whatever the case and spacing, so a nickname or a misspelling stays;
- the same is done in the change history (django-simple-history rows), in every filed version of
  the declaration (its frozen snapshot; a stored receipt PDF is deleted and rendered again from
  the scrubbed snapshot on the next download) and in the rows of the commune's reports to
  Sở Nội vụ that list the accident.

Counts, severity, sex, occupation, management status, the accident's dates, days off and costs
are never touched, so Table I, the indicators and the reports compute the same numbers. Uploaded
scans are files, not fields: they are left as they are.

Each record is handled in its own transaction under a row lock and marked ``pseudonymised_at``,
so a second run (or two runs at once) changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from incidents.models import (
    Accident,
    AccidentDeclaration,
    CommuneAccidentReport,
    DiseaseCase,
    IncidentRecord,
    Victim,
)

# Data written into the records, so Vietnamese like the rest of the stored labels.
VICTIM_PREFIX = "Nạn nhân"
WORKER_PREFIX = "Người lao động"
# Stands for a personal ID number found in free text.
REDACTED_ID = "***"
CHANGE_REASON = "Pseudonymised: personal data retention period ended"

ACCIDENT_TEXT_FIELDS = ("declarant_name", "place", "account", "status_note")
ACCIDENT_TEXT_FIELDS += ("not_occupational_reason",)
RECORD_TEXT_FIELDS = (
    "recorded_place",
    "members_present",
    "work_being_done",
    "injuries_and_treatment",
    "preliminary_cause",
)
CASE_TEXT_FIELDS = ("follow_up", "insurance_note")


# ------------------------------------------------------------------------------
# Pseudonyms and free-text redaction
# ------------------------------------------------------------------------------
def pseudonym(prefix: str, public_id: UUID | str) -> str:
    """The stable stand-in for a person's name: the prefix and 6 hex digits of the record's id."""
    return f"{prefix} {UUID(str(public_id)).hex[:6].upper()}"


def _fallback_pseudonym(*parts: str) -> str:
    """For a name in a frozen document that no record matches any more (renamed since)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:6].upper()
    return f"{VICTIM_PREFIX} {digest}"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _name_key(value: str) -> str:
    return " ".join(_nfc(value).split()).casefold()


class Redactor:
    """Replaces known names (any case, any spacing) and personal IDs inside free text."""

    def __init__(self, *, names: dict[str, str], ids: Iterable[str] = ()) -> None:
        self.names = {_name_key(name): alias for name, alias in names.items() if name.strip()}
        patterns = [
            r"(?<!\w)" + r"\s+".join(re.escape(word) for word in key.split()) + r"(?!\w)"
            for key in sorted(self.names, key=len, reverse=True)
        ]
        patterns += [rf"(?<!\d){re.escape(pid)}(?!\d)" for pid in sorted(set(ids)) if pid]
        self.pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def _replace(self, match: re.Match) -> str:
        found = match.group(0)
        return self.names.get(_name_key(found), REDACTED_ID if found.isdigit() else found)

    def text(self, value: str) -> str:
        if not value or self.pattern is None:
            return value
        return self.pattern.sub(self._replace, _nfc(value))

    def data(self, value: Any) -> Any:
        """The same on every string of a JSON-like structure (a frozen snapshot)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(item) for item in value]
        if isinstance(value, dict):
            return {key: self.data(item) for key, item in value.items()}
        return value


# ------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------
@dataclass
class RetentionResult:
    cutoff: date
    accidents: int = 0
    victims: int = 0
    declarations: int = 0
    commune_reports: int = 0
    disease_cases: int = 0
    history_rows: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cutoff": self.cutoff.isoformat()}


def retention_cutoff(*, today: date, years: int) -> date:
    """The first day still inside the retention period: records dated before it have expired."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def expired_accidents(*, cutoff: date) -> models.QuerySet[Accident]:
    start = timezone.make_aware(datetime.combine(cutoff, time.min))
    return Accident.objects.filter(pseudonymised_at__isnull=True, occurred_at__lt=start)


def expired_disease_cases(*, cutoff: date) -> models.QuerySet[DiseaseCase]:
    return DiseaseCase.objects.filter(pseudonymised_at__isnull=True, exam_date__lt=cutoff)


def personal_data_pseudonymise_expired(
    *, today: date, years: int | None = None, dry_run: bool = False
) -> RetentionResult:
    """Pseudonymise every accident's victims and every disease case past the retention period.

    Idempotent: records already pseudonymised are skipped. With ``dry_run`` nothing is written
    and the result counts the records that would be changed.
    """
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    cutoff = retention_cutoff(today=today, years=years)
    result = RetentionResult(cutoff=cutoff, dry_run=dry_run)
    accident_ids = list(
        expired_accidents(cutoff=cutoff).order_by("occurred_at", "pk").values_list("pk", flat=True)
    )
    cases = expired_disease_cases(cutoff=cutoff).order_by("exam_date", "pk")
    case_ids = list(cases.values_list("pk", flat=True))
    if dry_run:
        result.accidents = len(accident_ids)
        result.victims = Victim.objects.filter(accident_id__in=accident_ids).count()
        result.disease_cases = len(case_ids)
        return result
    for accident_id in accident_ids:
        accident_pseudonymise(accident_id=accident_id, result=result)
    for case_id in case_ids:
        disease_case_pseudonymise(case_id=case_id, result=result)
    return result


# ------------------------------------------------------------------------------
# One accident
# ------------------------------------------------------------------------------
def _victim_aliases(accident: Accident) -> tuple[dict[str, str], dict[int, str], set[str]]:
    """Every name a victim of the accident ever had (history included) -> its pseudonym, the
    pseudonym by victim pk, and every personal ID ever recorded."""
    historical = Victim.history.model.objects.filter(accident_id=accident.pk)
    by_pk: dict[int, str] = {}
    names: dict[str, str] = {}
    ids: set[str] = set()
    rows = [
        *historical.values("id", "public_id", "full_name", "personal_id"),
        *accident.victims.values("id", "public_id", "full_name", "personal_id"),
    ]
    for row in rows:
        alias = by_pk.setdefault(row["id"], pseudonym(VICTIM_PREFIX, row["public_id"]))
        if row["full_name"] and row["full_name"] != alias:
            names.setdefault(row["full_name"], alias)
        if row["personal_id"]:
            ids.add(row["personal_id"])
    return names, by_pk, ids


def _birth_year(birth_year: int | None, birth_date: date | None) -> int | None:
    return birth_year or (birth_date.year if birth_date else None)


def _scrub_victim(victim: Any, alias: str) -> None:
    """Live or historical victim row: name, ID and date of birth (the year is kept)."""
    victim.birth_year = _birth_year(victim.birth_year, victim.birth_date)
    victim.birth_date = None
    victim.full_name = alias
    victim.personal_id = ""


def _snapshot_victim_alias(
    item: dict, index: int, live: list[Victim], names: dict[str, str], reference: str
) -> str:
    name = item.get("full_name") or item.get("name") or ""
    if index < len(live) and _name_key(live[index].full_name) == _name_key(name):
        return pseudonym(VICTIM_PREFIX, live[index].public_id)
    by_key = {_name_key(original): alias for original, alias in names.items()}
    return by_key.get(_name_key(name)) or _fallback_pseudonym(reference, name)


def scrub_declaration_snapshot(
    snapshot: dict, *, live: list[Victim], names: dict[str, str], redactor: Redactor
) -> dict:
    """A filed declaration's frozen snapshot without the victims' names, IDs or dates of birth."""
    scrubbed = redactor.data(snapshot)
    reference = str(snapshot.get("receipt_number") or "")
    for index, (item, original) in enumerate(
        zip(scrubbed.get("victims") or [], snapshot.get("victims") or [], strict=False)
    ):
        if not isinstance(item, dict):
            continue
        item["full_name"] = _snapshot_victim_alias(original, index, live, names, reference)
        for key in ("personal_id", "birth_date"):
            if key in item:
                item[key] = "" if key == "personal_id" else None
    declarant = scrubbed.get("declarant")
    if isinstance(declarant, dict) and declarant.get("phone"):
        declarant["phone"] = ""
    return scrubbed


def scrub_commune_report_content(
    content: dict, *, reference: str, names: dict[str, str], redactor: Redactor
) -> dict:
    """The rows of one accident (by receipt number) in a commune report's frozen content."""
    if not isinstance(content, dict) or not reference:
        return content
    by_key = {_name_key(original): alias for original, alias in names.items()}
    scrubbed = dict(content)
    rows = []
    for row in content.get("fatal_and_serious") or []:
        if isinstance(row, dict) and row.get("reference") == reference:
            name = row.get("name") or ""
            row = {
                **redactor.data(row),
                "name": by_key.get(_name_key(name)) or _fallback_pseudonym(reference, name),
            }
        rows.append(row)
    if "fatal_and_serious" in content:
        scrubbed["fatal_and_serious"] = rows
    return scrubbed


def _save_with_reason(obj: models.Model, fields: list[str]) -> None:
    obj._change_reason = CHANGE_REASON
    obj.save(update_fields=fields)


@transaction.atomic
def accident_pseudonymise(*, accident_id: int, result: RetentionResult | None = None) -> bool:
    """Pseudonymise one accident's victims everywhere they appear; False if already done."""
    accident = (
        Accident.objects.select_for_update(of=("self",))
        .filter(pk=accident_id, pseudonymised_at__isnull=True)
        .first()
    )
    if accident is None:
        return False
    result = result or RetentionResult(cutoff=timezone.localdate())
    names, by_pk, ids = _victim_aliases(accident)
    redactor = Redactor(names=names, ids=ids)
    live = list(accident.victims.order_by("pk"))

    # The live rows (each save writes one history row marked with the reason).
    for victim in live:
        _scrub_victim(victim, by_pk[victim.pk])
        _save_with_reason(victim, ["full_name", "birth_year", "birth_date", "personal_id"])
        result.victims += 1
    for field in ACCIDENT_TEXT_FIELDS:
        setattr(accident, field, redactor.text(getattr(accident, field)))
    accident.declarant_phone = ""
    accident.pseudonymised_at = timezone.now()
    _save_with_reason(accident, [*ACCIDENT_TEXT_FIELDS, "declarant_phone", "pseudonymised_at"])
    record = IncidentRecord.objects.filter(accident=accident).first()
    if record is not None:
        for field in RECORD_TEXT_FIELDS:
            setattr(record, field, redactor.text(getattr(record, field)))
        _save_with_reason(record, list(RECORD_TEXT_FIELDS))

    # The change history.
    victim_history = list(Victim.history.model.objects.filter(accident_id=accident.pk))
    for row in victim_history:
        _scrub_victim(row, by_pk[row.id])
    Victim.history.model.objects.bulk_update(
        victim_history, ["full_name", "birth_year", "birth_date", "personal_id"]
    )
    accident_history = list(Accident.history.model.objects.filter(id=accident.pk))
    for row in accident_history:
        for field in ACCIDENT_TEXT_FIELDS:
            setattr(row, field, redactor.text(getattr(row, field)))
        row.declarant_phone = ""
    Accident.history.model.objects.bulk_update(
        accident_history, [*ACCIDENT_TEXT_FIELDS, "declarant_phone"]
    )
    record_history = list(IncidentRecord.history.model.objects.filter(accident_id=accident.pk))
    for row in record_history:
        for field in RECORD_TEXT_FIELDS:
            setattr(row, field, redactor.text(getattr(row, field)))
    IncidentRecord.history.model.objects.bulk_update(record_history, list(RECORD_TEXT_FIELDS))
    result.history_rows += len(victim_history) + len(accident_history) + len(record_history)

    # Filed versions of the declaration (frozen snapshots and the stored receipt).
    for declaration in AccidentDeclaration.objects.filter(accident=accident):
        declaration.snapshot = scrub_declaration_snapshot(
            declaration.snapshot, live=live, names=names, redactor=redactor
        )
        declaration.reason = redactor.text(declaration.reason)
        fields = ["snapshot", "reason"]
        if declaration.receipt_pdf:
            storage, name = declaration.receipt_pdf.storage, declaration.receipt_pdf.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            declaration.receipt_pdf = ""
            fields.append("receipt_pdf")
        declaration.save(update_fields=fields)
        result.declarations += 1

    # The commune's reports to Sở Nội vụ (informal sector) that froze the accident's rows.
    if accident.receipt_number and accident.sector == Accident.Sector.INFORMAL:
        year = timezone.localtime(accident.occurred_at).year
        reports = CommuneAccidentReport.objects.filter(commune_id=accident.commune_id, year=year)
        for report in reports:
            content = scrub_commune_report_content(
                report.content, reference=accident.receipt_number, names=names, redactor=redactor
            )
            if content != report.content:
                CommuneAccidentReport.objects.filter(pk=report.pk).update(content=content)
                result.commune_reports += 1
        history = list(
            CommuneAccidentReport.history.model.objects.filter(
                id__in=reports.values_list("pk", flat=True)
            )
        )
        changed = []
        for row in history:
            content = scrub_commune_report_content(
                row.content, reference=accident.receipt_number, names=names, redactor=redactor
            )
            if content != row.content:
                row.content = content
                changed.append(row)
        CommuneAccidentReport.history.model.objects.bulk_update(changed, ["content"])
        result.history_rows += len(changed)
    result.accidents += 1
    return True


# ------------------------------------------------------------------------------
# One occupational-disease case
# ------------------------------------------------------------------------------
def _scrub_case(case: Any, alias: str, redactor: Redactor) -> None:
    case.full_name = alias
    case.personal_id = ""
    if case.birth_date:
        case.birth_date = date(case.birth_date.year, 1, 1)
    for field in CASE_TEXT_FIELDS:
        setattr(case, field, redactor.text(getattr(case, field)))


@transaction.atomic
def disease_case_pseudonymise(*, case_id: int, result: RetentionResult | None = None) -> bool:
    """Pseudonymise one worker's occupational-disease record; False if already done."""
    case = (
        DiseaseCase.objects.select_for_update()
        .filter(pk=case_id, pseudonymised_at__isnull=True)
        .first()
    )
    if case is None:
        return False
    result = result or RetentionResult(cutoff=timezone.localdate())
    alias = pseudonym(WORKER_PREFIX, case.public_id)
    history = list(DiseaseCase.history.model.objects.filter(id=case.pk))
    names = {row.full_name: alias for row in [case, *history] if row.full_name}
    ids = {row.personal_id for row in [case, *history] if row.personal_id}
    redactor = Redactor(names=names, ids=ids)
    fields = ["full_name", "personal_id", "birth_date", *CASE_TEXT_FIELDS]
    _scrub_case(case, alias, redactor)
    case.pseudonymised_at = timezone.now()
    _save_with_reason(case, [*fields, "pseudonymised_at"])
    for row in history:
        _scrub_case(row, alias, redactor)
    DiseaseCase.history.model.objects.bulk_update(history, fields)
    result.history_rows += len(history)
    result.disease_cases += 1
    return True
