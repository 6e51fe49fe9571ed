"""Who may act on registry records. Reading scope is in selectors (outsiders get 404 there);
these rules decide what a user who can see a record may do with it (else 403)."""

from __future__ import annotations

from atvsld_portal.models import Filing, User
from enterprises.models import Enterprise


def can_manage_registry(user: User) -> bool:
    """Create and edit enterprises, invite members, enter paper filings, import, open periods.

    A commune's official (or a superuser given a home commune); a superuser without one
    administers through the admin site.
    """
    return user.commune is not None and (
        user.is_superuser or user.role == User.Role.COMMUNE_OFFICIAL
    )


def can_decide_filings(user: User) -> bool:
    """Approve, return and reopen filings."""
    return user.is_superuser or user.role in {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER}


def can_list_filings(user: User) -> bool:
    """The lists of enterprise filings: the commune's readers, and enterprise users (their own
    enterprises' filings only, through the selectors); never unit reporters."""
    return user.is_superuser or user.role in {
        User.Role.COMMUNE_OFFICIAL,
        User.Role.COMMUNE_LEADER,
        User.Role.PROVINCE_VIEWER,
        User.Role.ENTERPRISE_USER,
    }


def can_export(user: User) -> bool:
    return user.is_superuser or user.role in {
        User.Role.COMMUNE_OFFICIAL,
        User.Role.COMMUNE_LEADER,
        User.Role.PROVINCE_VIEWER,
    }


def is_member(user: User, enterprise: Enterprise) -> bool:
    return (
        user.role == User.Role.ENTERPRISE_USER
        and enterprise.memberships.filter(user=user, is_active=True).exists()
    )


def can_edit_filing(user: User, filing: Filing, enterprise: Enterprise) -> bool:
    """The enterprise edits its own draft online until the close date; the commune types in
    filings that arrived on paper, by phone or email, whatever the date."""
    if not filing.is_editable_status:
        return False
    if can_manage_registry(user):
        return True
    return is_member(user, enterprise) and not filing.is_locked_for_enterprise()


def may_file_for(user: User, enterprise: Enterprise) -> bool:
    """Who files for an enterprise: its own members online, the commune's officials for what
    arrived on paper, by phone or email (the edit window is can_edit_filing's business)."""
    return can_manage_registry(user) or is_member(user, enterprise)


def can_upload_scan(user: User, enterprise: Enterprise) -> bool:
    return may_file_for(user, enterprise)
