"""The filing compliance table: for one reporting period of an enterprise filing, who filed, on
time or late, online or from paper, who has not, and whose filed figures disagree with the
records (DOMAIN §7.8). Officials and leaders see their commune; province viewers choose one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from atvsld_portal.exports import csv_response
from atvsld_portal.filings import FilingKind, filing_kinds, get_filing_kind
from atvsld_portal.models import AdministrativeUnit, ReportingPeriod, User
from atvsld_portal.selectors import commune_list_for_user, reporting_period_list_for_user
from enterprises.access import can_manage_registry
from incidents.compliance import ComplianceRow, ComplianceSummary, compliance_table
from incidents.selectors import COMMUNE_READERS

PAGE_SIZE = 50

# The states of compliance_table, as the page names them.
STATE_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "overdue": gettext_lazy("Missing"),
    "pending": gettext_lazy("Not due yet"),
}
STATE_BADGES = {
    "on_time": "text-bg-success",
    "late": "text-bg-warning",
    "overdue": "text-bg-danger",
    "pending": "text-bg-secondary",
}
# ?state= values: the four states ("missing" is the URL word for "overdue") and two extra views.
STATE_FILTERS = {
    "on_time": "on_time",
    "late": "late",
    "missing": "overdue",
    "pending": "pending",
    "paper": "paper",
    "disagreeing": "disagreeing",
}


@dataclass
class Line:
    """One row of the page: the compliance row and the links and labels the template needs."""

    row: ComplianceRow
    filing_url: str
    state_label: str
    badge: str


def _check_access(user: User) -> None:
    if not (user.is_superuser or user.role in COMMUNE_READERS):
        raise PermissionDenied


def _enterprise_kinds() -> list[str]:
    return [kind.key for kind in filing_kinds(filer="enterprise")]


def _choose_commune(
    request: HttpRequest, communes: QuerySet[AdministrativeUnit]
) -> AdministrativeUnit | None:
    """The user's own commune, or the one a province viewer picked (404 outside the scope)."""
    choice = request.GET.get("commune", "")
    if choice:
        commune = communes.filter(pk=choice).first() if choice.isdecimal() else None
        if commune is None:
            raise Http404
        return commune
    own = request.user.commune
    if own is not None and communes.filter(pk=own.pk).exists():
        return own
    return communes.first()


def _choose_period(request: HttpRequest, periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """?period=<public_id> among the commune's periods (404 for any other); by default the most
    recent period whose due date has passed, else the latest."""
    choice = request.GET.get("period", "")
    if choice:
        try:
            wanted = UUID(choice)
        except ValueError:
            raise Http404 from None
        for period in periods:
            if period.public_id == wanted:
                return period
        raise Http404
    today = timezone.localdate()
    past = [period for period in periods if period.due_on < today]
    return (past or periods or [None])[0]


def _period_from_query(request: HttpRequest) -> tuple[AdministrativeUnit | None, dict]:
    """The commune and its periods from the query string. A ?period= alone selects its commune
    (when the user may read it); with ?commune= it must belong to that commune."""
    user = request.user
    communes = commune_list_for_user(user=user).order_by("name", "pk")
    scoped_periods = reporting_period_list_for_user(user=user).filter(kind__in=_enterprise_kinds())
    if request.GET.get("period") and not request.GET.get("commune"):
        try:
            wanted = UUID(request.GET["period"])
        except ValueError:
            raise Http404 from None
        period = scoped_periods.filter(public_id=wanted).first()
        if period is None:
            raise Http404
        commune = period.commune
    else:
        commune = _choose_commune(request, communes)
    periods = (
        list(scoped_periods.filter(commune=commune).order_by("-due_on", "kind", "pk"))
        if commune is not None
        else []
    )
    return commune, {"communes": communes, "periods": periods}


def _detail_url(kind: FilingKind, row: ComplianceRow) -> str:
    if row.filing is None or not kind.detail_url_name:
        return ""
    try:
        return reverse(kind.detail_url_name, kwargs={"public_id": row.filing.public_id})
    except NoReverseMatch:  # the kind's pages are not mounted (yet)
        return ""


def _filter_rows(rows: list[ComplianceRow], state: str) -> list[ComplianceRow]:
    wanted = STATE_FILTERS.get(state)
    if wanted is None:
        return rows
    if wanted == "paper":
        return [row for row in rows if row.is_paper and row.state in {"on_time", "late"}]
    if wanted == "disagreeing":
        return [row for row in rows if row.disagreements]
    return [row for row in rows if row.state == wanted]


def _table_for(request: HttpRequest) -> tuple[dict, list[ComplianceRow]]:
    """Everything both the page and the CSV need: the choices, the period and its rows."""
    _check_access(request.user)
    commune, context = _period_from_query(request)
    period = _choose_period(request, context["periods"])
    rows: list[ComplianceRow] = []
    summary = ComplianceSummary()
    kind = None
    if period is not None:
        kind = get_filing_kind(period.kind)
        rows, summary = compliance_table(period=period)
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    context.update(
        commune=commune, period=period, kind=kind, summary=summary, state=state, all_rows=rows
    )
    return context, _filter_rows(rows, state)


@login_required
@require_GET
def compliance_table_view(request: HttpRequest) -> HttpResponse:
    context, rows = _table_for(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kind = context["kind"]
    lines = [
        Line(
            row=row,
            filing_url=_detail_url(kind, row),
            state_label=str(STATE_LABELS[row.state]),
            badge=STATE_BADGES[row.state],
        )
        for row in page.object_list
    ]
    summary = context["summary"]
    context.update(
        page_obj=page,
        lines=lines,
        show_commune_choice=context["communes"].count() > 1,
        can_open_period=can_manage_registry(request.user),
        summary_cards=[
            ("", _("Owed"), summary.owed, "text-body"),
            ("on_time", _("Filed on time"), summary.on_time, "text-success"),
            ("late", _("Filed late"), summary.late, "text-warning-emphasis"),
            ("missing", _("Not filed after the due date"), summary.overdue, "text-danger"),
            ("pending", _("Not filed, not yet due"), summary.pending, "text-body-secondary"),
            ("paper", _("Entered from paper, phone or email"), summary.paper, "text-body"),
            ("disagreeing", _("Figures disagreeing with the records"), summary.disagreeing, ""),
        ],
        state_choices=[
            ("on_time", STATE_LABELS["on_time"]),
            ("late", STATE_LABELS["late"]),
            ("missing", STATE_LABELS["overdue"]),
            ("pending", STATE_LABELS["pending"]),
            ("paper", _("Entered from paper, phone or email")),
            ("disagreeing", _("Figures disagreeing")),
        ],
    )
    return render(request, "incidents/compliance.html", context)


def _csv_rows(rows: list[ComplianceRow]) -> Iterator[list]:
    for row in rows:
        filing = row.filing
        filed = row.state in {"on_time", "late"}
        yield [
            row.enterprise.name,
            row.enterprise.tax_code or "",
            str(STATE_LABELS[row.state]),
            str(filing.get_channel_display()) if filed else "",
            row.filed_on,
            str(filing.get_status_display()) if filing is not None else "",
            " | ".join(row.disagreements),
        ]


@login_required
@require_GET
def compliance_table_csv(request: HttpRequest) -> StreamingHttpResponse:
    context, rows = _table_for(request)
    period = context["period"]
    if period is None:
        raise Http404
    header = [
        _("Enterprise"),
        _("Tax code"),
        _("State"),
        _("Channel"),
        _("Filed on"),
        _("Status"),
        _("Figures disagreeing with the records"),
    ]
    filename = f"compliance-{period.kind}-{period.year}-{period.part}.csv".replace("_", "-")
    return csv_response(filename, header, _csv_rows(rows))
