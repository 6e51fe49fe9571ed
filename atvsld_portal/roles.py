"""Role groups: ``User.role`` is the source of truth, the Django ``Group`` of the same name
follows it, and each app grants its model permissions to the role groups on ``post_migrate``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission

if TYPE_CHECKING:
    from atvsld_portal.models import User


def role_names() -> list[str]:
    from atvsld_portal.models import User

    return [role.value for role in User.Role]


def ensure_role_groups() -> dict[str, Group]:
    """Create one group per role (idempotent) and return them by name."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in role_names()}


def grant_permissions(grants: dict[str, Iterable[str]]) -> None:
    """Add ``"app_label.codename"`` permissions to role groups (idempotent; never removes)."""
    groups = ensure_role_groups()
    for role, perms in grants.items():
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        groups[role].permissions.add(*wanted)


def sync_user_groups(user: User) -> None:
    """Make the user's role group membership match ``user.role``."""
    names = role_names()
    current = set(user.groups.filter(name__in=names).values_list("name", flat=True))
    wanted = {user.role} if user.role else set()
    if current == wanted:
        return
    stale = current - wanted
    if stale:
        user.groups.remove(*Group.objects.filter(name__in=stale))
    for name in wanted - current:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
