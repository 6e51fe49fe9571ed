"""Role-aware navigation. Core imports no app: items name their URL by string and are shown
only once the URL exists (so an app that is not built yet simply has no menu entry)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atvsld_portal.models import User

R = User.Role
COMMUNE_STAFF = frozenset({R.COMMUNE_OFFICIAL, R.COMMUNE_LEADER})
ALL_ROLES = frozenset(R)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    for_superuser: bool = True


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", ALL_ROLES),
    NavItem(
        pgettext_lazy("menu", "Province"), "reporting:province", frozenset({R.PROVINCE_VIEWER})
    ),
    NavItem(_("Dashboard"), "reporting:dashboard", COMMUNE_STAFF),
    NavItem(_("Enterprises"), "enterprises:list", COMMUNE_STAFF | {R.PROVINCE_VIEWER}),
    NavItem(
        _("My enterprises"), "enterprises:mine", frozenset({R.ENTERPRISE_USER}), for_superuser=False
    ),
    NavItem(
        _("Annual reports"), "enterprises:annual_report_list", COMMUNE_STAFF | {R.PROVINCE_VIEWER}
    ),
    NavItem(_("Reporting periods"), "period_list", COMMUNE_STAFF | {R.PROVINCE_VIEWER}),
    NavItem(
        _("Plan"), "plans:detail_current", COMMUNE_STAFF | {R.UNIT_REPORTER, R.PROVINCE_VIEWER}
    ),
    NavItem(
        _("My assignments"),
        "plans:my_assignments",
        frozenset({R.UNIT_REPORTER}),
        for_superuser=False,
    ),
    NavItem(_("To review"), "plans:review_queue", COMMUNE_STAFF),
    NavItem(_("Accidents"), "incidents:list", ALL_ROLES),
    NavItem(_("Inbox"), "incidents:inbox", COMMUNE_STAFF),
    NavItem(_("Register"), "incidents:register", COMMUNE_STAFF | {R.PROVINCE_VIEWER}),
    NavItem(
        pgettext_lazy("menu", "Accident statistics"),
        "statistics:report_list",
        COMMUNE_STAFF | {R.PROVINCE_VIEWER, R.ENTERPRISE_USER},
    ),
    NavItem(
        pgettext_lazy("menu", "Who filed"), "compliance:table", COMMUNE_STAFF | {R.PROVINCE_VIEWER}
    ),
    NavItem(
        pgettext_lazy("menu", "Commune reports"),
        "commune_reports:list",
        COMMUNE_STAFF | {R.PROVINCE_VIEWER},
    ),
    NavItem(
        pgettext_lazy("menu", "Diseases"),
        "diseases:exam_list",
        COMMUNE_STAFF | {R.PROVINCE_VIEWER, R.ENTERPRISE_USER},
    ),
    NavItem(_("Reports"), "reporting:report_list", COMMUNE_STAFF | {R.PROVINCE_VIEWER}),
)

# The page each role lands on after login, by URL name; "/" falls back to the core home page
# until the app that owns the URL exists.
ROLE_HOME_URL_NAMES: dict[str, str] = {
    R.COMMUNE_OFFICIAL: "reporting:dashboard",
    R.COMMUNE_LEADER: "reporting:dashboard",
    R.UNIT_REPORTER: "plans:my_assignments",
    R.ENTERPRISE_USER: "enterprises:mine",
    R.PROVINCE_VIEWER: "reporting:province",
}


@cache
def resolve_url_name(url_name: str) -> str | None:
    """The URL of an argument-free route, or None when no app provides it yet."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_items_for(user: User) -> list[dict[str, str]]:
    items = []
    for item in NAV_ITEMS:
        if not (user.role in item.roles or (user.is_superuser and item.for_superuser)):
            continue
        url = resolve_url_name(item.url_name)
        if url is not None:
            items.append({"label": item.label, "url": url, "url_name": item.url_name})
    return items


def home_url_for(user: User) -> str | None:
    url_name = ROLE_HOME_URL_NAMES.get(user.role)
    return resolve_url_name(url_name) if url_name else None
