"""Accident statistics computed from the accident records (DOMAIN §3.7, §3.8).

Table I of Phụ lục XII is a function of the records: counted accidents (kind "accident", declared,
not concluded "not occupational") of one enterprise, by local occurrence date inside the period.
Commuting accidents go to row 2 only. Each accident is classified once per dimension: by its main
cause, by its injury factor, and — for the accident columns 3-5 — by the occupation of its first
victim, while each victim (columns 6-13) goes under their own occupation, so every breakdown sums
to row 1.

The same counting serves the commune's report on the informal sector and the indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atvsld_portal.dates import local_day_range
from incidents.models import Accident, Cause, InjuryFactor, Victim

# Column numbers of Table I after the label (1) and the row code (2).
COLUMNS = tuple(range(3, 14))
ROW_TOTAL, ROW_COMMUTING, ROW_GRAND_TOTAL = "1", "2", "3"
COMMUTING_ROW_CODE = "10"


@dataclass
class Counts:
    """Columns 3-13 of Table I."""

    accidents: int = 0  # 3
    fatal_accidents: int = 0  # 4
    multi_victim_accidents: int = 0  # 5
    victims: int = 0  # 6
    victims_outside: int = 0  # 7 — not under the enterprise's management
    women: int = 0  # 8
    women_outside: int = 0  # 9
    deaths: int = 0  # 10
    deaths_outside: int = 0  # 11
    serious: int = 0  # 12
    serious_outside: int = 0  # 13

    def values(self) -> list[int]:
        return [getattr(self, f.name) for f in fields(self)]

    @classmethod
    def from_values(cls, values: Iterable[int]) -> Counts:
        return cls(*values)

    def __add__(self, other: Counts) -> Counts:
        return Counts.from_values(a + b for a, b in zip(self.values(), other.values(), strict=True))

    def add_accident(self, accident: Accident, victims: list[Victim]) -> None:
        self.accidents += 1
        if any(v.severity == Victim.Severity.FATAL for v in victims):
            self.fatal_accidents += 1
        if len(victims) >= 2:
            self.multi_victim_accidents += 1

    def add_victim(self, victim: Victim) -> None:
        outside = not victim.under_management
        woman = victim.sex == Victim.Sex.FEMALE
        self.victims += 1
        self.victims_outside += outside
        self.women += woman
        self.women_outside += woman and outside
        if victim.severity == Victim.Severity.FATAL:
            self.deaths += 1
            self.deaths_outside += outside
        elif victim.severity == Victim.Severity.SERIOUS:
            self.serious += 1
            self.serious_outside += outside


def period_bounds(year: int, part: str) -> tuple[date, date]:
    """First and last day of a statistics period ("h1" or "year")."""
    if part == "h1":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 1, 1), date(year, 12, 31)


def counted_accidents(accidents: QuerySet[Accident], *, year: int, part: str) -> QuerySet[Accident]:
    """Accidents of the period that count, with their victims (two queries when evaluated)."""
    since, until = local_day_range(*period_bounds(year, part))
    return (
        accidents.counted()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .select_related("injury_factor", "village")
        .prefetch_related(
            Prefetch("victims", queryset=Victim.objects.select_related("occupation").order_by("pk"))
        )
        .order_by("occurred_at", "pk")
    )


def enterprise_accidents(*, enterprise, year: int, part: str) -> QuerySet[Accident]:
    return counted_accidents(
        Accident.objects.filter(enterprise=enterprise, sector=Accident.Sector.EMPLOYED),
        year=year,
        part=part,
    )


def _occupation_key(victim: Victim) -> tuple[str, str]:
    if victim.occupation_id:
        return victim.occupation.code, victim.occupation.name
    return "", victim.occupation_name.strip()


def table_i(accidents: Iterable[Accident]) -> dict:
    """Table I of Phụ lục XII, as a JSON-ready dict (the shape frozen on submission).

    ``rows``: each with ``key``, ``code`` (column 2), ``label``, ``kind`` ("total", "heading" or
    "item") and ``values`` (columns 3-13). ``unclassified``: receipt numbers of row-1 accidents
    without a main cause or an injury factor, which cannot be filed until corrected.
    """
    row1, row2 = Counts(), Counts()
    by_cause = {choice.value: Counts() for choice in Cause}
    by_factor: dict[tuple[str, str], Counts] = {
        (factor.code, factor.name): Counts()
        for factor in InjuryFactor.objects.filter(is_active=True).order_by("order", "code")
    }
    by_occupation: dict[tuple[str, str], Counts] = {}
    unclassified: list[str] = []

    for accident in accidents:
        victims = list(accident.victims.all())
        if accident.commuting:
            row2.add_accident(accident, victims)
            for victim in victims:
                row2.add_victim(victim)
            continue
        row1.add_accident(accident, victims)
        if not accident.main_cause or accident.injury_factor_id is None:
            unclassified.append(accident.receipt_number or str(accident.public_id))
        targets = []
        if accident.main_cause:
            targets.append(by_cause.setdefault(accident.main_cause, Counts()))
        if accident.injury_factor_id:
            factor = accident.injury_factor
            targets.append(by_factor.setdefault((factor.code, factor.name), Counts()))
        for target in targets:
            target.add_accident(accident, victims)
            for victim in victims:
                target.add_victim(victim)
        for victim in victims:
            row1.add_victim(victim)
            by_occupation.setdefault(_occupation_key(victim), Counts()).add_victim(victim)
        if victims:
            by_occupation[_occupation_key(victims[0])].add_accident(accident, victims)

    # Row labels are the form's wording and are frozen with the filed table, so they are always
    # taken in the form's language, whatever the language of the request.
    with translation.override(settings.LANGUAGE_CODE):
        rows = _table_rows(row1, row2, by_cause, by_factor, by_occupation)
    return {"columns": list(COLUMNS), "rows": rows, "unclassified": unclassified}


def _table_rows(row1, row2, by_cause, by_factor, by_occupation) -> list[dict]:
    cause_labels = dict(Cause.choices)
    rows = [_row(ROW_TOTAL, "", _("1. Occupational accidents"), "total", row1)]
    rows.append(_heading("1.1", _("1.1. By cause")))
    rows += [
        _row(f"cause-{code}", code, cause_labels.get(code, code), "item", counts)
        for code, counts in by_cause.items()
    ]
    rows.append(_heading("1.2", _("1.2. By injury factor")))
    rows += [
        _row(f"factor-{code}", code, name, "item", counts)
        for (code, name), counts in by_factor.items()
    ]
    rows.append(_heading("1.3", _("1.3. By occupation")))
    rows += [
        _row(f"occupation-{code or name}", code, name, "item", counts)
        for (code, name), counts in sorted(by_occupation.items())
    ]
    rows.append(
        _row(
            ROW_COMMUTING,
            COMMUTING_ROW_CODE,
            _("2. Accidents entitled to benefits under Art. 39(2) of the OSH Law (commuting)"),
            "total",
            row2,
        )
    )
    rows.append(_row(ROW_GRAND_TOTAL, "", _("3. Total (3 = 1 + 2)"), "total", row1 + row2))
    return rows


def _row(key: str, code: str, label: str, kind: str, counts: Counts) -> dict:
    return {"key": key, "code": code, "label": str(label), "kind": kind, "values": counts.values()}


def _heading(key: str, label: str) -> dict:
    return {"key": key, "code": "", "label": str(label), "kind": "heading", "values": []}


def row_values(table: dict, key: str) -> list[int]:
    for row in table.get("rows", []):
        if row["key"] == key:
            return row["values"]
    return Counts().values()


# ------------------------------------------------------------------------------
# Cross-field rules of DOMAIN §3.7
# ------------------------------------------------------------------------------
def _row_rule_errors(label: str, c: Counts, *, accident_level: bool) -> list[str]:
    """The rules every row obeys; the accident-level ones only where accidents and their victims
    fall in the same row (totals, causes, injury factors)."""
    errors = []

    def fail(message: str) -> None:
        errors.append(f"{label}: {message}")

    if c.women > c.victims:
        fail(_("female victims (column 8) exceed all victims (column 6)."))
    if c.deaths + c.serious > c.victims:
        fail(_("deaths plus seriously injured (columns 10 + 12) exceed all victims (column 6)."))
    for outside, total, columns in (
        (c.victims_outside, c.victims, "7 ≤ 6"),
        (c.women_outside, c.women, "9 ≤ 8"),
        (c.deaths_outside, c.deaths, "11 ≤ 10"),
        (c.serious_outside, c.serious, "13 ≤ 12"),
    ):
        if outside > total:
            fail(
                _("victims not under the enterprise's management exceed their total (%s).")
                % columns
            )
    if not accident_level:
        return errors
    if c.fatal_accidents > c.accidents:
        fail(_("fatal accidents (column 4) exceed all accidents (column 3)."))
    if c.multi_victim_accidents > c.accidents:
        fail(_("accidents with two or more victims (column 5) exceed all accidents (column 3)."))
    if c.victims < c.accidents:
        fail(_("every accident has at least one victim: column 6 must be at least column 3."))
    if c.victims < c.accidents + c.multi_victim_accidents:
        fail(
            _(
                "each accident with two or more victims adds at least one victim: column 6 must "
                "be at least column 3 + column 5."
            )
        )
    if c.deaths < c.fatal_accidents:
        fail(_("each fatal accident has at least one death: column 10 must be at least column 4."))
    if (c.deaths == 0) != (c.fatal_accidents == 0):
        fail(_("deaths (column 10) and fatal accidents (column 4) must both be zero or both not."))
    return errors


def table_i_errors(table: dict) -> list[str]:
    """Every cross-field rule of §3.7 that ``table`` breaks, as Vietnamese messages."""
    errors: list[str] = []
    rows = table.get("rows", [])
    if table.get("unclassified"):
        errors.append(
            _(
                "These accidents have no main cause or injury factor, so they cannot be classified "
                "in Table I; correct the accidents first: %(receipts)s."
            )
            % {"receipts": ", ".join(table["unclassified"])}
        )
    section = ""
    sums: dict[str, Counts] = {"1.1": Counts(), "1.2": Counts(), "1.3": Counts()}
    for row in rows:
        if row["kind"] == "heading":
            section = row["key"]
            continue
        if row["kind"] == "total":
            section = ""
        counts = Counts.from_values(row["values"])
        errors += _row_rule_errors(
            row["label"], counts, accident_level=section in {"", "1.1", "1.2"}
        )
        if section in sums:
            sums[section] = sums[section] + counts
    row1 = Counts.from_values(row_values(table, ROW_TOTAL))
    for section, total in sums.items():
        if total != row1:
            errors.append(
                _(
                    "The rows of %(section)s do not add up to row 1: each accident and each victim "
                    "must be classified exactly once."
                )
                % {"section": section}
            )
    row2 = Counts.from_values(row_values(table, ROW_COMMUTING))
    row3 = Counts.from_values(row_values(table, ROW_GRAND_TOTAL))
    if row3 != row1 + row2:
        errors.append(_("Row 3 must equal row 1 + row 2."))
    return errors


def table_ii_from_records(accidents: Iterable[Accident]) -> dict[str, int]:
    """Table II (damage) as the records hold it: days off, costs in thousand VND."""
    days = medical = wages = compensation = damage = 0
    for accident in accidents:
        damage += accident.property_damage
        for victim in accident.victims.all():
            days += victim.days_off
            medical += victim.cost_medical
            wages += victim.cost_wages
            compensation += victim.cost_compensation
    medical, wages, compensation = (round(v / 1000) for v in (medical, wages, compensation))
    return {
        "days_off": days,
        "cost_medical": medical,
        "cost_wages": wages,
        "cost_compensation": compensation,
        "cost_total": medical + wages + compensation,
        "property_damage": round(damage / 1000),
    }


def h1_exceeds_year_warnings(h1_table: dict, year_table: dict) -> list[str]:
    """The first half cannot have more of anything than the whole year (a warning only)."""
    warnings = []
    for key, label in ((ROW_TOTAL, "1"), (ROW_COMMUTING, "2")):
        for column, h1, whole in zip(
            COLUMNS, row_values(h1_table, key), row_values(year_table, key), strict=True
        ):
            if h1 > whole:
                warnings.append(
                    _(
                        "Row %(row)s, column %(column)s: the first half (%(h1)s) is more than the "
                        "whole year (%(year)s)."
                    )
                    % {"row": label, "column": column, "h1": h1, "year": whole}
                )
    return warnings


# ------------------------------------------------------------------------------
# The commune's report on the informal sector (DOMAIN §3.8, [D] model of Phụ lục XVI)
# ------------------------------------------------------------------------------
def commune_informal_accidents(*, commune, year: int, part: str) -> QuerySet[Accident]:
    """Counted accidents of workers without a labour contract that happened in the commune."""
    return counted_accidents(
        Accident.objects.filter(commune=commune, sector=Accident.Sector.INFORMAL),
        year=year,
        part=part,
    )


def _breakdown(groups: dict[tuple[str, str], Counts]) -> list[dict]:
    return [
        {"code": code, "name": name, "values": counts.values()}
        for (code, name), counts in sorted(groups.items(), key=lambda item: item[0])
    ]


def commune_report_content(*, commune, year: int, part: str) -> dict:
    """Parts I-V of the commune's report, JSON-ready (frozen when the report is sent).

    Counts use the columns of Table I (3-13); the breakdowns put each accident under the
    occupation of its first victim, its injury factor and its village, and each victim under
    their own occupation.
    """
    start, end = period_bounds(year, part)
    since, until = local_day_range(start, end)
    accidents = list(commune_informal_accidents(commune=commune, year=year, part=part))
    totals = Counts()
    by_occupation: dict[tuple[str, str], Counts] = {}
    by_factor: dict[tuple[str, str], Counts] = {}
    by_village: dict[tuple[str, str], Counts] = {}
    listed: list[dict] = []
    for accident in accidents:
        victims = list(accident.victims.all())
        # Labels printed on the report itself: Vietnamese data, frozen with the report when sent.
        factor = (
            (accident.injury_factor.code, accident.injury_factor.name)
            if accident.injury_factor_id
            else ("", "Chưa phân loại")
        )
        village_name = accident.village.name if accident.village_id else ""
        village = ("", village_name or "Không ghi thôn, buôn")
        for target in (
            totals,
            by_factor.setdefault(factor, Counts()),
            by_village.setdefault(village, Counts()),
        ):
            target.add_accident(accident, victims)
            for victim in victims:
                target.add_victim(victim)
        for victim in victims:
            by_occupation.setdefault(_occupation_key(victim), Counts()).add_victim(victim)
            if victim.severity in {Victim.Severity.FATAL, Victim.Severity.SERIOUS}:
                listed.append(
                    {
                        "date": timezone.localtime(accident.occurred_at).date().isoformat(),
                        "village": village_name,
                        "place": accident.place,
                        "name": victim.full_name,
                        "sex": victim.get_sex_display(),
                        "birth_year": victim.birth_year
                        or (victim.birth_date.year if victim.birth_date else None),
                        "occupation": _occupation_key(victim)[1],
                        "severity": victim.get_severity_display(),
                        "factor": factor[1],
                        "account": accident.account,
                        "reference": accident.receipt_number or "",
                        "commuting": accident.commuting,
                    }
                )
        if victims:
            by_occupation[_occupation_key(victims[0])].add_accident(accident, victims)
    incidents = (
        Accident.objects.filter(
            commune=commune,
            sector=Accident.Sector.INFORMAL,
            kind=Accident.Kind.TECHNICAL_INCIDENT,
            occurred_at__gte=since,
            occurred_at__lt=until,
        )
        .exclude(status=Accident.Status.DRAFT)
        .select_related("village")
        .order_by("occurred_at", "pk")
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "totals": totals.values(),
        "by_occupation": _breakdown(by_occupation),
        "by_factor": _breakdown(by_factor),
        "by_village": _breakdown(by_village),
        "fatal_and_serious": listed,
        "damage": table_ii_from_records(accidents),
        "technical_incidents": [
            {
                "date": timezone.localtime(incident.occurred_at).date().isoformat(),
                "village": incident.village.name if incident.village_id else "",
                "place": incident.place,
                "account": incident.account,
                "reference": incident.receipt_number or "",
            }
            for incident in incidents
        ],
    }


def totals_by_enterprise(accidents: Iterable[Accident]) -> dict[int, tuple[Counts, Counts]]:
    """Row 1 (work accidents) and row 2 (commuting) of every enterprise among ``accidents``."""
    totals: dict[int, tuple[Counts, Counts]] = {}
    for accident in accidents:
        row1, row2 = totals.setdefault(accident.enterprise_id, (Counts(), Counts()))
        target = row2 if accident.commuting else row1
        victims = list(accident.victims.all())
        target.add_accident(accident, victims)
        for victim in victims:
            target.add_victim(victim)
    return totals
