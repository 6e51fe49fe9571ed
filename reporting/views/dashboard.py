"""The dashboard: the home of commune officials and leaders, read-only for the province viewer.

Three goal cards, the trend of each goal over the plan period with its target, accidents by sector
and severity, the context indicators, plan progress and what is overdue. Every figure links to its
"explain this number" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atvsld_portal.caching import cached, fragment_key
from atvsld_portal.dates import quarter_of
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, User
from atvsld_portal.selectors import commune_list_for_user
from atvsld_portal.services import indicators_recompute_later
from incidents.models import Victim
from plans.models import PlanGoal
from plans.signals import plans_generation
from plans.status import Status as AssignmentState
from reporting import charts
from reporting.models import ComputationRun, IndicatorValue
from reporting.selectors import (
    CONTEXT_CODES,
    DECIMALS,
    GOAL_CODES,
    DashboardData,
    FiguresStamp,
    can_read_indicators,
    dashboard_commune_for_user,
    dashboard_data,
    fatality_target_path,
    figures_stamp,
    number_text,
    value_text,
)

FIRST_YEAR = 2000
PLAN_STATES = (
    AssignmentState.DONE,
    AssignmentState.IN_PROGRESS,
    AssignmentState.NOT_STARTED,
    AssignmentState.OVERDUE,
    AssignmentState.NOT_DUE,
)


def can_recompute(user: User) -> bool:
    """Only the commune official (and superusers) may queue a recompute."""
    return user.is_superuser or user.role == User.Role.COMMUNE_OFFICIAL


def province_url() -> str | None:
    """The province view, once it exists."""
    try:
        return reverse("reporting:province")
    except NoReverseMatch:
        return None


def dashboard_url(commune: AdministrativeUnit, user: User, **params: object) -> str:
    """The dashboard of ``commune``, naming the commune only for users who pick one."""
    query = {}
    if user.administrative_unit_id != commune.pk:
        query["commune"] = commune.pk
    query.update({key: value for key, value in params.items() if value is not None})
    url = reverse("reporting:dashboard")
    return f"{url}?{urlencode(query)}" if query else url


def period_from_query(request: HttpRequest, today: date) -> tuple[int, int]:
    """?year= (2000 to this year; default this year) and ?quarter= (0 = full year, 1-4 =
    quarter-to-date; default the current quarter this year, the full year for past years)."""
    year_param = request.GET.get("year", "")
    year = today.year
    if year_param.isdecimal() and FIRST_YEAR <= int(year_param) <= today.year:
        year = int(year_param)
    quarter_param = request.GET.get("quarter", "")
    if quarter_param in {"0", "1", "2", "3", "4"}:
        quarter = int(quarter_param)
    else:
        quarter = quarter_of(today) if year == today.year else 0
    return year, quarter


def period_label(year: int, quarter: int) -> str:
    if quarter:
        return _("%(year)s, from 1 January to the end of quarter %(quarter)s") % {
            "year": year,
            "quarter": quarter,
        }
    return _("full year %(year)s") % {"year": year}


# ------------------------------------------------------------------------------
# Cards and charts
# ------------------------------------------------------------------------------
@dataclass
class GoalCard:
    code: str
    label: str
    value: IndicatorValue | None
    text: str
    counts: str
    change: str
    previous: str
    extra: str
    chart: SafeString
    table: charts.ChartTable


@dataclass
class ContextRow:
    code: str
    label: str
    value: IndicatorValue | None
    text: str
    counts: str


def _fmt(number: object, decimals: int = 0) -> str:
    if number in (None, ""):
        return "-"
    return number_text(Decimal(str(number)), decimals)


def _signed(number: Decimal, decimals: int = 1) -> str:
    text = number_text(abs(number), decimals)
    return f"+{text}" if number > 0 else (f"-{text}" if number < 0 else text)


def _fatality_texts(value: IndicatorValue | None, year: int) -> tuple[str, str, str, str]:
    if value is None:
        return "", "", "", ""
    details = value.details or {}
    counts = _("deaths: %(deaths)s; N: %(workers)s workers") % {
        "deaths": _fmt(value.numerator),
        "workers": _fmt(value.denominator),
    }
    outside = len(details.get("outside") or [])
    if outside:
        counts += "; " + _("%(count)s victims outside N (ngoài mẫu số)") % {"count": outside}
    change = ""
    if details.get("change_percent"):
        change = _("%(change)s%% on %(year)s") % {
            "change": _signed(Decimal(details["change_percent"])),
            "year": year - 1,
        }
    previous = ""
    if details.get("previous_value"):
        previous = _("%(year)s: %(value)s (deaths: %(deaths)s; N: %(workers)s)") % {
            "year": year - 1,
            "value": _fmt(details["previous_value"], 3),
            "deaths": _fmt(details.get("previous_deaths")),
            "workers": _fmt(details.get("previous_workforce")),
        }
    extra = ""
    rolling = details.get("rolling") or {}
    if rolling.get("value"):
        extra = _("3 years to %(year)s: %(value)s (deaths: %(deaths)s; N: %(workers)s)") % {
            "year": year,
            "value": _fmt(rolling["value"], 3),
            "deaths": _fmt(rolling.get("deaths")),
            "workers": _fmt(rolling.get("workforce")),
        }
    return counts, change, previous, extra


def _exam_texts(
    value: IndicatorValue | None, previous_value: IndicatorValue | None, year: int
) -> tuple[str, str, str, str]:
    if value is None:
        return "", "", "", ""
    counts = _("%(examined)s of %(exposed)s exposed workers examined") % {
        "examined": _fmt(value.numerator),
        "exposed": _fmt(value.denominator),
    }
    change = previous = ""
    if previous_value is not None and previous_value.value is not None:
        previous = _("%(year)s: %(value)s%%") % {
            "year": year - 1,
            "value": value_text(previous_value),
        }
        if value.value is not None:
            change = _("%(change)s points on %(year)s") % {
                "change": _signed(value.value - previous_value.value),
                "year": year - 1,
            }
    return counts, change, previous, ""


def _monitoring_texts(value: IndicatorValue | None, year: int) -> tuple[str, str, str, str]:
    if value is None:
        return "", "", "", ""
    details = value.details or {}
    counts = _("%(count)s establishments monitored; required %(required)s") % {
        "count": _fmt(value.numerator),
        "required": _fmt(details.get("required")),
    }
    change = ""
    if details.get("growth_percent"):
        change = _("%(change)s%% on %(year)s") % {
            "change": _signed(Decimal(details["growth_percent"])),
            "year": year - 1,
        }
    elif details.get("previous") == 0:
        change = _("growth from 0 to %(count)s") % {"count": _fmt(value.numerator)}
    previous = _("%(year)s: %(count)s establishments") % {
        "year": year - 1,
        "count": _fmt(details.get("previous")),
    }
    return counts, change, previous, ""


def _goal_chart(data: DashboardData, code: str, label: str) -> tuple[SafeString, charts.ChartTable]:
    years = data.trend_years
    values = [data.value(code, y) for y in years]
    numbers = [v.value if v is not None else None for v in values]
    decimals = DECIMALS.get(code, 1 if code != Code.MONITORED_ENTERPRISES else 0)
    goal = data.goals.get(code)
    target_line = None
    target_path = None
    if code == Code.EXPOSED_EXAM_COVERAGE:
        target_line = next((v.target for v in values if v is not None and v.target), None)
        if target_line is None:
            target_line = goal.target_value if goal is not None else Decimal(100)
        target_label = _("Target")
    elif (
        code == Code.FATALITY_FREQUENCY
        and goal is not None
        and goal.method == PlanGoal.Method.BASELINE
        and (path := fatality_target_path(data))
    ):
        target_path = path
        target_label = _("Target path")
    else:
        target_path = {y: v.target for y, v in zip(years, values, strict=True) if v is not None}
        target_label = _("Target of the year")
    series = [charts.Series(_("Value"), numbers)]
    title = _("%(indicator)s, %(first)s-%(last)s") % {
        "indicator": label,
        "first": years[0],
        "last": years[-1],
    }
    if data.quarter:
        title += " " + _("(to the end of quarter %(quarter)s)") % {"quarter": data.quarter}
    svg = charts.line_chart(
        title,
        years,
        series,
        target_line=target_line,
        target_path=target_path,
        target_label=target_label,
        decimals=decimals,
        no_data_text=_("No value computed yet"),
        chart_id=f"trend-{code}",
        width=480,
    )
    target_values = (
        [target_line] * len(years)
        if target_line is not None
        else [(target_path or {}).get(y) for y in years]
    )
    table = charts.chart_table(
        title,
        years,
        series,
        category_label=_("Year"),
        extra=[charts.Series(target_label, target_values)],
        decimals=decimals,
    )
    return svg, table


def _goal_cards(data: DashboardData) -> list[GoalCard]:
    cards = []
    for code in GOAL_CODES:
        label = str(Code(code).label)
        value = data.value(code)
        if code == Code.FATALITY_FREQUENCY:
            texts = _fatality_texts(value, data.year)
        elif code == Code.EXPOSED_EXAM_COVERAGE:
            texts = _exam_texts(value, data.value(code, data.year - 1), data.year)
        else:
            texts = _monitoring_texts(value, data.year)
        svg, table = _goal_chart(data, code, label)
        cards.append(GoalCard(code, label, value, value_text(value), *texts, svg, table))
    return cards


def _context_rows(data: DashboardData) -> list[ContextRow]:
    rows = []
    for code in CONTEXT_CODES:
        value = data.value(code)
        counts = ""
        if value is not None:
            details = value.details or {}
            if value.denominator is not None:
                counts = f"{_fmt(value.numerator)} / {_fmt(value.denominator)}"
            elif "victims" in details:
                counts = _("%(victims)s injured, %(deaths)s deaths") % {
                    "victims": _fmt(details.get("victims")),
                    "deaths": _fmt(details.get("deaths")),
                }
        rows.append(ContextRow(code, str(Code(code).label), value, value_text(value), counts))
    return rows


def _sector_chart(data: DashboardData) -> tuple[SafeString, charts.ChartTable]:
    categories = [row.label for row in data.sectors]
    severities = [
        (Victim.Severity.FATAL, "fatal", "#B00020"),
        (Victim.Severity.SERIOUS, "serious", "#E69F00"),
        (Victim.Severity.MINOR, "minor", "#56B4E9"),
    ]
    series = [
        charts.Series(str(severity.label), [getattr(row, key) for row in data.sectors], colour)
        for severity, key, colour in severities
    ]
    title = _("Victims of counted accidents by sector and severity, %(period)s") % {
        "period": period_label(data.year, data.quarter)
    }
    svg = charts.bar_chart(
        title,
        categories,
        series,
        y_label=_("people"),
        no_data_text=_("No accident"),
        chart_id="accidents-by-sector",
    )
    accidents = charts.Series(_("Accidents"), [row.accidents for row in data.sectors])
    table = charts.chart_table(
        title, categories, [accidents, *series], category_label=_("Sector"), decimals=0
    )
    return svg, table


def _plan_progress(data: DashboardData) -> list[tuple[str, str, int]]:
    return [
        (state, str(AssignmentState.LABELS[state]), data.plan_counts.get(state, 0))
        for state in PLAN_STATES
    ]


def _plan_url(data: DashboardData) -> str | None:
    if data.plan is None:
        return None
    query = urlencode({"year": data.year, "quarter": data.plan_quarter})
    return f"{data.plan.get_absolute_url()}?{query}"


def _year_choices(plan_start_year: int | None, today: date) -> list[int]:
    first = today.year - 6
    if plan_start_year is not None:
        first = min(first, plan_start_year)
    return list(range(today.year, max(first, FIRST_YEAR) - 1, -1))


def _quarter_choices(year: int, today: date) -> list[tuple[int, str]]:
    last = quarter_of(today) if year == today.year else 4
    choices = [(0, _("Full year"))]
    choices += [(q, _("Quarter %(quarter)s to date") % {"quarter": q}) for q in range(1, last + 1)]
    return choices


# ------------------------------------------------------------------------------
# The body below the header, cached
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardBody:
    """The dashboard below its header, rendered, and the first year of the plan it showed.

    It is the same for every reader of the commune with the same role, so it is cached under a
    key naming everything it shows (see :func:`dashboard_body`); the header, which carries the
    reader's own form token and rights, is rendered on every request.
    """

    html: SafeString
    plan_start_year: int | None


def dashboard_body(
    *,
    commune: AdministrativeUnit,
    year: int,
    quarter: int,
    user: User,
    today: date,
    stamp: FiguresStamp,
) -> DashboardBody:
    """The rendered body, from the cache when nothing it shows has changed.

    The key names the figures' stamp (every computation run moves it; accidents, reports and
    aggregates change the figures through the run they queue), the plans generation (any plan
    record, unit or commune saved), the day (plan statuses and what is overdue move with it), the
    language and the reader's role (what is overdue is read through the reader's plan scope).
    """
    plans_gen = plans_generation()
    key = None
    if plans_gen is not None:
        key = fragment_key(
            "dashboard-body",
            commune.pk,
            year,
            quarter,
            today,
            get_language(),
            stamp.last_computed,
            plans_gen,
            user.role,
            user.is_superuser,
        )

    def build() -> DashboardBody:
        data = dashboard_data(commune=commune, year=year, quarter=quarter, user=user, today=today)
        sector_svg, sector_table = _sector_chart(data)
        context = {
            "data": data,
            "year": year,
            "cards": _goal_cards(data),
            "context_rows": _context_rows(data),
            "sector_chart": sector_svg,
            "sector_table": sector_table,
            "plan_progress": _plan_progress(data),
            "plan_url": _plan_url(data),
            "overdue": data.overdue[:10],
            "overdue_count": len(data.overdue),
        }
        html = render_to_string("reporting/includes/_dashboard_body.html", context)
        return DashboardBody(html, data.plan.start_year if data.plan is not None else None)

    return cached(key, build)


# ------------------------------------------------------------------------------
# Views
# ------------------------------------------------------------------------------
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_read_indicators(user):
        raise PermissionDenied
    commune = dashboard_commune_for_user(user=user, commune_id=request.GET.get("commune"))
    if commune is None:
        communes = commune_list_for_user(user=user).order_by("name")
        return render(
            request,
            "reporting/dashboard.html",
            {"communes": communes, "province_url": province_url()},
        )
    today = timezone.localdate()
    year, quarter = period_from_query(request, today)
    stamp = figures_stamp(commune=commune, year=year, quarter=quarter)
    body = dashboard_body(
        commune=commune, year=year, quarter=quarter, user=user, today=today, stamp=stamp
    )
    own_commune = user.administrative_unit_id == commune.pk
    context = {
        "commune": commune,
        "year": year,
        "quarter": quarter,
        "period_label": period_label(year, quarter),
        "years": _year_choices(body.plan_start_year, today),
        "quarters": _quarter_choices(year, today),
        "body": body.html,
        "has_values": stamp.count > 0,
        "computed_at": stamp.computed_at,
        "can_recompute": can_recompute(user) and (own_commune or user.is_superuser),
        "read_only": not own_commune,
        "commune_param": "" if own_commune else commune.pk,
        "province_url": province_url() if not own_commune else None,
    }
    return render(request, "reporting/dashboard.html", context)


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Queue a recompute of the commune's year through the outbox (officials only)."""
    user = request.user
    if not can_read_indicators(user):
        raise PermissionDenied
    commune = dashboard_commune_for_user(user=user, commune_id=request.POST.get("commune"))
    if commune is None:
        raise PermissionDenied
    if not can_recompute(user) or (
        user.administrative_unit_id != commune.pk and not user.is_superuser
    ):
        raise PermissionDenied
    today = timezone.localdate()
    year_param = request.POST.get("year", "")
    if not (year_param.isdecimal() and FIRST_YEAR <= int(year_param) <= today.year):
        messages.error(
            request,
            _("Choose a year between %(first)s and %(last)s.")
            % {
                "first": FIRST_YEAR,
                "last": today.year,
            },
        )
        return redirect(dashboard_url(commune, user))
    year = int(year_param)
    with transaction.atomic():
        indicators_recompute_later(
            commune_id=commune.pk, year=year, trigger=ComputationRun.Trigger.MANUAL.value
        )
    messages.success(
        request,
        _("Recomputation of %(year)s queued: the figures update as soon as it has run.")
        % {"year": year},
    )
    quarter = request.POST.get("quarter")
    return redirect(
        dashboard_url(
            commune,
            user,
            year=year,
            quarter=quarter if quarter in {"0", "1", "2", "3", "4"} else None,
        )
    )
