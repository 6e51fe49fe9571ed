"""'Explain this number': how one indicator value was computed and from which records.

The formula in words, numerator and denominator, the counting rules, the source records with
links (or the historical aggregate behind the figure), the method and target, the status, and
when and by which run the value was computed. Victims are never named: the stored details hold
receipt numbers, dates, enterprises and severities only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from atvsld_portal.indicators import IndicatorCode as Code
from enterprises.models import Enterprise
from incidents.models import Victim
from plans.models import PlanGoal
from reporting.models import HistoricalAggregate, IndicatorValue
from reporting.selectors import indicator_value_get_for_user, number_text, value_text
from reporting.views.dashboard import dashboard_url, period_label

# The formula of each indicator, in words.
FORMULAS = {
    Code.FATALITY_FREQUENCY: gettext_lazy(
        "K_chết = deaths among the workers of the enterprises registered in the commune "
        "(enterprises inside N only, victims under the enterprise's management) divided by N, "
        "times 1,000. N is the workforce of those enterprises. The goal compares K_chết with "
        "last year's (year over year) or with the path compounded from a baseline year; with "
        "no death in either year the goal is met, and from no death to at least one it is not "
        "met (no percentage shown)."
    ),
    Code.ACCIDENT_FREQUENCY: gettext_lazy(
        "K = people injured or killed among the workers of the enterprises registered in the "
        "commune (enterprises inside N only, victims under the enterprise's management) "
        "divided by N, times 1,000. Commuting accidents are left out."
    ),
    Code.FATAL_RATE: gettext_lazy(
        "Deaths among the workers of the enterprises inside N, divided by N, times 100,000."
    ),
    Code.ACCIDENTS: gettext_lazy(
        "Counted accidents of the enterprises registered in the commune, wherever they "
        "happened, from 1 January to the end of the period. Commuting accidents are counted "
        "apart."
    ),
    Code.ACCIDENT_DEATHS: gettext_lazy(
        "Deaths in the counted accidents of the enterprises registered in the commune, "
        "including victims outside N."
    ),
    Code.INFORMAL_ACCIDENTS: gettext_lazy(
        "Counted accidents of workers without a labour contract that happened in the commune. "
        "Counts only: no rate without a number of workers."
    ),
    Code.EXPOSED_EXAM_COVERAGE: gettext_lazy(
        "Examined exposed workers divided by exposed workers, times 100. Exposed workers come "
        "from each enterprise's approved annual OSH report; examined workers are, enterprise "
        "by enterprise, the workers examined in its approved exam rounds of the period, never "
        "more than its exposed workers. The target is to examine all of them."
    ),
    Code.MONITORED_ENTERPRISES: gettext_lazy(
        "Establishments with harmful factors that have an approved workplace-monitoring record "
        "of the year (one per establishment, however many records). The goal: at least 5 per "
        "cent more than last year, rounded up; from 0, at least 1."
    ),
    Code.MONITORING_COVERAGE: gettext_lazy(
        "Monitored establishments divided by establishments with harmful factors, times 100."
    ),
    Code.TRAINING_COVERAGE: gettext_lazy(
        "Workers trained divided by workers to train, times 100, from section 5 of the "
        "approved annual OSH reports (last year's report where this year's is missing)."
    ),
    Code.DISEASE_CASES: gettext_lazy(
        "Confirmed occupational-disease cases examined from 1 January to the end of the period."
    ),
    Code.ON_TIME_FILING: gettext_lazy(
        "Filings made on time divided by filings owed, times 100, over the enterprise "
        "reporting periods due from 1 January to the end of the period."
    ),
    Code.ANNUAL_REPORTS_FILED: gettext_lazy(
        "Enterprises that filed their annual OSH report divided by enterprises that owed it, "
        "times 100, for the annual report periods due this year."
    ),
    Code.ASSIGNMENTS_ON_TIME: gettext_lazy(
        "Assignments of the plan done in their window (an accepted activity report) divided "
        "by the assignments already due, times 100."
    ),
    Code.PROPAGANDA_PARTICIPANTS: gettext_lazy(
        "Participants counted in the accepted activity reports of the plan, from 1 January to "
        "the end of the period."
    ),
}

NUMERATORS = {
    Code.FATALITY_FREQUENCY: gettext_lazy("deaths of workers inside N"),
    Code.ACCIDENT_FREQUENCY: gettext_lazy("people injured or killed inside N"),
    Code.FATAL_RATE: gettext_lazy("deaths of workers inside N"),
    Code.ACCIDENTS: gettext_lazy("counted accidents"),
    Code.ACCIDENT_DEATHS: gettext_lazy("deaths"),
    Code.INFORMAL_ACCIDENTS: gettext_lazy("counted accidents"),
    Code.EXPOSED_EXAM_COVERAGE: gettext_lazy("exposed workers examined"),
    Code.MONITORED_ENTERPRISES: gettext_lazy("monitored establishments with harmful factors"),
    Code.MONITORING_COVERAGE: gettext_lazy("monitored establishments"),
    Code.TRAINING_COVERAGE: gettext_lazy("workers trained"),
    Code.DISEASE_CASES: gettext_lazy("confirmed cases"),
    Code.ON_TIME_FILING: gettext_lazy("filings on time"),
    Code.ANNUAL_REPORTS_FILED: gettext_lazy("annual reports filed"),
    Code.ASSIGNMENTS_ON_TIME: gettext_lazy("assignments done"),
    Code.PROPAGANDA_PARTICIPANTS: gettext_lazy("participants"),
}

DENOMINATORS = {
    Code.FATALITY_FREQUENCY: gettext_lazy("N: workforce of the enterprises registered"),
    Code.ACCIDENT_FREQUENCY: gettext_lazy("N: workforce of the enterprises registered"),
    Code.FATAL_RATE: gettext_lazy("N: workforce of the enterprises registered"),
    Code.EXPOSED_EXAM_COVERAGE: gettext_lazy("workers exposed to harmful factors"),
    Code.MONITORING_COVERAGE: gettext_lazy("establishments with harmful factors"),
    Code.TRAINING_COVERAGE: gettext_lazy("workers to train"),
    Code.ON_TIME_FILING: gettext_lazy("filings owed"),
    Code.ANNUAL_REPORTS_FILED: gettext_lazy("enterprises that owed an annual report"),
    Code.ASSIGNMENTS_ON_TIME: gettext_lazy("assignments due"),
}

# The counting rules of reporting/indicators.py, for readers.
COUNTING_RULES = (
    gettext_lazy(
        'Counted accidents: kind "accident", not a draft, not concluded "not an occupational '
        'accident", by the date they happened (local time); severity as currently recorded; '
        "commuting accidents are shown apart and left out of K; technical incidents never count."
    ),
    gettext_lazy(
        "A commune's K counts the victims of the enterprises registered in the commune, "
        "wherever the accident happened; victims not under the declaring enterprise's "
        "management, and victims of enterprises without a workforce figure, are listed "
        '"ngoài mẫu số" beside the rate.'
    ),
    gettext_lazy(
        "N for year t, enterprise by enterprise: the approved annual OSH report of t, else the "
        "approved Phụ lục XII report of the first half of t, else the approved annual report "
        'of t-1 ("tạm tính", provisional).'
    ),
    gettext_lazy(
        "Exposed workers of year t come from the annual reports as N does; examined workers "
        "are the sum, over enterprises with exposed workers, of the smaller of their exposed "
        "workers and the workers examined in their approved exam rounds dated in the period."
    ),
    gettext_lazy(
        "An establishment has harmful factors in year t if its approved annual report of t or "
        "an approved monitoring record of t counts exposed workers; it is monitored if it has "
        "an approved monitoring record of t."
    ),
    gettext_lazy(
        "Only approved filings count; a year without records uses the commune's historical "
        "aggregate, typed from an official document."
    ),
)

WORKFORCE_SOURCES = {
    "annual": (gettext_lazy("annual OSH report of the year"), False),
    "h1": (gettext_lazy("Phụ lục XII report of the first half"), True),
    "annual_previous": (gettext_lazy("annual OSH report of the previous year"), True),
}
OUTSIDE_REASONS = {
    "not_managed": gettext_lazy("not under the enterprise's management"),
    "no_workforce": gettext_lazy("the enterprise has no workforce figure (not in N)"),
}


def _reverse(name: str, **kwargs: object) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _accident_rows(records: list) -> list[dict]:
    rows = []
    for record in records:
        if not isinstance(record, dict):
            continue
        rows.append(
            {
                "url": _reverse("incidents:detail", public_id=record.get("public_id")),
                "receipt_number": record.get("receipt_number") or _("(no number)"),
                "date": _iso_date(record.get("date")),
                "enterprise": record.get("enterprise", ""),
                "victims": record.get("victims"),
                "deaths": record.get("deaths"),
            }
        )
    return rows


def _outside_rows(outside: list) -> list[dict]:
    severities = dict(Victim.Severity.choices)
    return [
        {
            "url": _reverse("incidents:detail", public_id=item.get("accident")),
            "receipt_number": item.get("receipt_number") or _("(no number)"),
            "enterprise": item.get("enterprise", ""),
            "severity": severities.get(item.get("severity"), item.get("severity", "")),
            "reason": OUTSIDE_REASONS.get(item.get("reason"), item.get("reason", "")),
        }
        for item in outside
    ]


def _workforce_rows(sources: dict) -> list[dict]:
    """N enterprise by enterprise, the names looked up in one query."""
    ids = [int(pk) for pk in sources if str(pk).isdigit()]
    enterprises = {
        pk: (name, public_id)
        for pk, name, public_id in Enterprise.objects.filter(pk__in=ids).values_list(
            "pk", "name", "public_id"
        )
    }
    rows = []
    for pk, (workers, source) in sources.items():
        name, public_id = enterprises.get(int(pk), ("", None))
        label, provisional = WORKFORCE_SOURCES.get(source, (source, True))
        rows.append(
            {
                "enterprise": name,
                "url": _reverse("enterprises:detail", public_id=public_id) if public_id else None,
                "workers": workers,
                "source": label,
                "provisional": provisional,
            }
        )
    return sorted(rows, key=lambda row: row["enterprise"])


def _sections(value: IndicatorValue) -> dict:
    """The details of the value, ready for the template."""
    details = value.details or {}
    sections: dict = {}
    records = details.get("records") or []
    if records and all(isinstance(item, str) for item in records):
        sections["cases"] = [
            _reverse("diseases:case_detail", public_id=public_id) for public_id in records
        ]
    elif records:
        sections["accidents"] = _accident_rows(records)
    if details.get("outside"):
        sections["outside"] = _outside_rows(details["outside"])
    if details.get("workforce_sources"):
        sections["workforce"] = _workforce_rows(details["workforce_sources"])
    if details.get("enterprises"):
        sections["exam_enterprises"] = details["enterprises"]
    if details.get("rounds"):
        sections["rounds"] = [
            {
                **item,
                "date": _iso_date(item.get("date")),
                "url": _reverse("diseases:exam_detail", public_id=item.get("public_id")),
            }
            for item in details["rounds"]
        ]
    if details.get("periods"):
        compliance = _reverse("compliance:table")
        sections["periods"] = [
            {
                **item,
                "url": f"{compliance}?{urlencode({'period': item['public_id']})}"
                if compliance and item.get("public_id")
                else None,
            }
            for item in details["periods"]
        ]
    if details.get("rolling", {}).get("years"):
        rolling = details["rolling"]
        sections["rolling"] = {
            **rolling,
            "value_text": number_text(Decimal(rolling["value"]), 3) if rolling.get("value") else "",
        }
    if details.get("target_path"):
        sections["target_path"] = sorted(
            (int(year), Decimal(target)) for year, target in details["target_path"].items()
        )
    if details.get("plan"):
        sections["plan_url"] = _reverse("plans:detail", public_id=details["plan"])
    return sections


def _facts(value: IndicatorValue) -> list[tuple[str, str]]:
    """Other figures of the details, as label/value pairs."""
    details = value.details or {}
    facts = []
    labels = [
        ("victims", _("People injured or killed (all victims)")),
        ("deaths", _("Deaths")),
        ("serious", _("Seriously injured")),
        ("commuting_accidents", _("Commuting accidents (counted apart)")),
        ("commuting_victims", _("Victims of commuting accidents")),
        ("commuting_deaths", _("Deaths in commuting accidents")),
        ("previous", _("Last year, same period")),
        ("previous_value", _("Value last year, same period")),
        ("previous_deaths", _("Deaths last year, same period")),
        ("previous_workforce", _("N last year")),
        ("change_percent", _("Change on last year (%)")),
        ("required", _("Required this year")),
        ("growth_percent", _("Growth on last year (%)")),
        ("baseline_year", _("Baseline year")),
        ("baseline_value", _("Value of the baseline year")),
        ("annual_report_examined", _("Cross-check: examined workers in the annual reports")),
    ]
    for key, label in labels:
        if key == "deaths" and value.code == Code.FATALITY_FREQUENCY:
            continue  # the numerator already says it
        if key in details and details[key] not in (None, "", [], {}):
            raw = details[key]
            if key in {"previous_value", "baseline_value"}:
                text = number_text(Decimal(str(raw)), 3)
            elif key in {"change_percent", "growth_percent"}:
                text = number_text(Decimal(str(raw)), 1)
            elif key == "baseline_year":
                text = str(raw)
            else:
                text = number_text(Decimal(str(raw)))
            facts.append((label, text))
    return facts


def _aggregate(value: IndicatorValue) -> tuple[HistoricalAggregate | None, str | None]:
    public_id = (value.details or {}).get("aggregate")
    if not public_id:
        return None, None
    aggregate = HistoricalAggregate.objects.filter(
        commune_id=value.commune_id, public_id=public_id
    ).first()
    if aggregate is None:
        return None, None
    return aggregate, _reverse("reporting:historical_detail", public_id=aggregate.public_id)


@login_required
@require_GET
def explain(request: HttpRequest, public_id: UUID) -> HttpResponse:
    value = indicator_value_get_for_user(user=request.user, public_id=public_id)
    aggregate, aggregate_url = _aggregate(value)
    methods = dict(PlanGoal.Method.choices)
    context = {
        "value": value,
        "text": value_text(value),
        "period_label": period_label(value.year, value.quarter),
        "formula": FORMULAS.get(value.code, ""),
        "numerator_label": NUMERATORS.get(value.code, ""),
        "denominator_label": DENOMINATORS.get(value.code, ""),
        "numerator": number_text(value.numerator),
        "denominator": number_text(value.denominator) if value.denominator is not None else "",
        "rules": COUNTING_RULES,
        "method_label": methods.get(value.method, value.method),
        "target": value_text_of(value, value.target),
        "sections": _sections(value),
        "facts": _facts(value),
        "harmful": (value.details or {}).get("harmful") or [],
        "monitored": (value.details or {}).get("monitored") or [],
        "aggregate": aggregate,
        "aggregate_url": aggregate_url,
        "run": value.run,
        "dashboard_url": dashboard_url(
            value.commune, request.user, year=value.year, quarter=value.quarter
        ),
    }
    return render(request, "reporting/explain.html", context)


def value_text_of(value: IndicatorValue, number: Decimal | None) -> str:
    """``number`` shown as ``value`` itself would be (same decimals)."""
    if number is None:
        return ""
    shown = IndicatorValue(code=value.code, value=number)
    return value_text(shown)
