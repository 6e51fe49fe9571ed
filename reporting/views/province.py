"""The province view (docs/permissions.md, "Province view"): every commune side by side, the
province list of serious accidents, the commune reports received, and the summary in the shape of
Phụ lục XIV/XV as a page, a PDF and an .xlsx workbook.

Province viewers read the communes of their province, superusers any province (?province=);
every other role gets 403. Nothing here changes data, and no page or document shows a victim's
name or personal ID.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from atvsld_portal.exports import XLSX_CONTENT_TYPE
from atvsld_portal.models import AdministrativeUnit
from incidents.models import StatisticsPart
from reporting import province as selectors
from reporting import province_documents as documents

PAGE_SIZE = 30
QUARTERS = range(0, 5)
PARTS = (StatisticsPart.H1.value, StatisticsPart.YEAR.value)


@dataclass
class Scope:
    province: AdministrativeUnit | None
    provinces: list[AdministrativeUnit]
    communes: QuerySet[AdministrativeUnit]

    @property
    def query(self) -> dict[str, str]:
        """The ?province= to keep in the links of a superuser's pages."""
        return {"province": str(self.province.pk)} if self.province and self.choosable else {}

    @property
    def choosable(self) -> bool:
        return len(self.provinces) > 1


def _scope(request: HttpRequest) -> Scope:
    """The province the page is about and its communes; 403 for anyone but province viewers and
    superusers, 404 for a ?province= outside the user's reach."""
    user = request.user
    if not selectors.can_view_province(user):
        raise PermissionDenied
    provinces = list(selectors.province_list_for_user(user=user))
    province = None
    choice = request.GET.get("province", "")
    if choice:
        province = next((p for p in provinces if str(p.pk) == choice), None)
        if province is None:
            raise Http404
    elif len(provinces) == 1:
        province = provinces[0]
    return Scope(province, provinces, selectors.province_communes(user=user, province=province))


def _year(request: HttpRequest, default: int) -> int:
    value = request.GET.get("year", "")
    if value.isdecimal() and 2000 <= int(value) <= 2100:
        return int(value)
    return default


def _quarter(request: HttpRequest) -> int:
    value = request.GET.get("quarter", "")
    return int(value) if value.isdecimal() and int(value) in QUARTERS else 0


def _period(request: HttpRequest) -> tuple[int, str]:
    """?year= and ?part= (h1 or year); by default the latest period that has ended."""
    default_year, default_part = selectors.latest_ended_part(timezone.localdate())
    part = request.GET.get("part", "")
    if part not in PARTS:
        part = default_part
    return _year(request, default_year), part


def _year_choices(chosen: int, years: list[int] | None = None) -> list[int]:
    this_year = timezone.localdate().year
    return sorted({*(years or []), *range(this_year - 4, this_year + 1), chosen}, reverse=True)


def _base_context(scope: Scope, tab: str) -> dict:
    return {
        "scope": scope,
        "province": scope.province,
        "tab": tab,
        "part_choices": StatisticsPart.choices,
    }


# ------------------------------------------------------------------------------
# Communes side by side
# ------------------------------------------------------------------------------
def _table_rows(rows: list[selectors.CommuneRow]) -> list[tuple[selectors.CommuneRow, SafeString]]:
    """Each row of the side-by-side table with the markup of its value cells (``<td>``).

    The cells are built here rather than in the template: the table has hundreds of them, and
    the template engine spent most of the request on them. Every text is escaped
    (``html.escape``, which ``django.utils.html.escape`` calls)."""
    provisional = escape(_("provisional"))
    not_computed = f'<span class="text-body-secondary">{escape(_("not computed"))}</span>'
    table = []
    for row in rows:
        parts = []
        for cell in row.cells:
            parts.append(f'<td data-code="{escape(cell.code)}">')
            if not cell.computed:
                parts.append(f"{not_computed}</td>")
                continue
            display = escape(cell.display)
            if cell.explain_url:
                url = escape(cell.explain_url)
                parts.append(f'<a class="fw-semibold" href="{url}">{display}</a>')
            else:
                parts.append(f'<span class="fw-semibold">{display}</span>')
            if cell.detail:
                parts.append(f'<div class="small text-body-secondary">{escape(cell.detail)}</div>')
            parts.append(
                f'<span class="badge {escape(cell.badge)}" title="{escape(cell.status_reason)}">'
                f"{escape(cell.status_label)}</span>"
            )
            if cell.provisional:
                parts.append(
                    f'<span class="badge text-bg-warning" title="{escape(cell.source_note)}">'
                    f"{provisional}</span>"
                )
            parts.append("</td>")
        table.append((row, mark_safe("\n".join(parts))))  # every text above is escaped
    return table


@login_required
@require_GET
def province_overview(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    year = _year(request, today.year)
    quarter = _quarter(request)
    column = request.GET.get("sort", "")
    if column not in selectors.SORT_COLUMNS:
        column = selectors.SORT_COMMUNE
    direction = "desc" if request.GET.get("dir") == "desc" else "asc"
    rows = selectors.sort_rows(
        selectors.side_by_side(communes=scope.communes, year=year, quarter=quarter),
        column,
        descending=direction == "desc",
    )
    columns = [
        {
            "key": key,
            "label": selectors.COLUMN_LABELS.get(key, ""),
            "active": key == column,
            "dir": direction if key == column else "",
            "next_dir": "desc" if key == column and direction == "asc" else "asc",
        }
        for key in selectors.PROVINCE_CODES
    ]
    context = _base_context(scope, "overview")
    context.update(
        year=year,
        quarter=quarter,
        quarter_choices=list(QUARTERS),
        year_choices=_year_choices(year, selectors.value_years(communes=scope.communes)),
        rows=_table_rows(rows),
        columns=columns,
        sort=column,
        direction=direction,
        commune_next_dir="desc"
        if column == selectors.SORT_COMMUNE and direction == "asc"
        else "asc",
    )
    return render(request, "reporting/province.html", context)


# ------------------------------------------------------------------------------
# Fatal and serious accidents
# ------------------------------------------------------------------------------
@login_required
@require_GET
def province_accidents(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    year = _year(request, today.year)
    accidents = selectors.serious_accidents(user=request.user, communes=scope.communes, year=year)
    page = Paginator(accidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _base_context(scope, "accidents")
    context.update(
        year=year,
        year_choices=_year_choices(year),
        page_obj=page,
        lines=selectors.accident_lines(page.object_list, today=today),
        today=today,
    )
    return render(request, "reporting/province_accidents.html", context)


# ------------------------------------------------------------------------------
# Commune reports received
# ------------------------------------------------------------------------------
@login_required
@require_GET
def province_commune_reports(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    year, part = _period(request)
    lines = selectors.commune_report_lines(
        user=request.user,
        communes=scope.communes,
        year=year,
        part=part,
        today=timezone.localdate(),
    )
    counts = selectors.report_state_counts(lines)
    context = _base_context(scope, "commune_reports")
    context.update(
        year=year,
        part=part,
        year_choices=_year_choices(year),
        lines=lines,
        state_counts=[
            (state, label, counts[state], selectors.REPORT_STATE_BADGES[state])
            for state, label in selectors.REPORT_STATE_LABELS.items()
        ],
    )
    return render(request, "reporting/province_commune_reports.html", context)


# ------------------------------------------------------------------------------
# Phụ lục XIV/XV summary
# ------------------------------------------------------------------------------
def _summary(request: HttpRequest) -> tuple[Scope, selectors.ProvinceSummary]:
    scope = _scope(request)
    year, part = _period(request)
    summary = selectors.province_summary(
        communes=scope.communes, year=year, part=part, province=scope.province
    )
    return scope, summary


@login_required
@require_GET
def province_summary(request: HttpRequest) -> HttpResponse:
    scope, summary = _summary(request)
    context = _base_context(scope, "summary")
    context.update(
        summary=summary,
        year=summary.year,
        part=summary.part,
        year_choices=_year_choices(summary.year),
    )
    return render(request, "reporting/province_summary.html", context)


@login_required
@require_GET
def province_summary_pdf(request: HttpRequest) -> FileResponse:
    summary = _summary(request)[1]
    return FileResponse(
        io.BytesIO(documents.summary_pdf(summary)),
        as_attachment=False,
        filename=documents.filename(summary, "pdf"),
        content_type="application/pdf",
    )


@login_required
@require_GET
def province_summary_xlsx(request: HttpRequest) -> FileResponse:
    summary = _summary(request)[1]
    return FileResponse(
        io.BytesIO(documents.summary_xlsx(summary)),
        as_attachment=True,
        filename=documents.filename(summary, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
