"""The commune side of declarations: the inbox of declarations waiting to be received, and
receiving one (DOMAIN §3.3, §3.9.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atvsld_portal.models import User
from incidents import services
from incidents.models import Accident
from incidents.selectors import accident_get_for_user, accident_inbox

PAGE_SIZE = 30
INBOX_READERS = frozenset({User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER})


def can_read_inbox(user: User) -> bool:
    return user.is_superuser or user.role in INBOX_READERS


def can_receive(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.COMMUNE_OFFICIAL


@dataclass(frozen=True)
class InboxRow:
    accident: Accident
    urgent: bool

    @property
    def sort_key(self) -> tuple[bool, datetime]:
        return (not self.urgent, self.accident.submitted_at or self.accident.occurred_at)


def inbox_rows(user: User) -> list[InboxRow]:
    """The waiting declarations, urgent ones (a death, or two or more seriously injured) first,
    then the longest waiting. Urgency is judged on the prefetched victims; the waiting list of
    one commune is short, so it is ordered in memory before paging."""
    accidents = {a.pk: a for a in accident_inbox(user=user)}  # one row per accident
    rows = [InboxRow(a, services.is_urgent(list(a.victims.all()))) for a in accidents.values()]
    return sorted(rows, key=lambda row: row.sort_key)


@login_required
@require_GET
def accident_inbox_view(request: HttpRequest) -> HttpResponse:
    """Declarations waiting for the commune to receive them."""
    if not can_read_inbox(request.user):
        raise PermissionDenied
    page = Paginator(inbox_rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "can_receive": can_receive(request.user)}
    return render(request, "incidents/accident_inbox.html", context)


@login_required
@require_POST
def accident_receive_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Receive a submitted declaration; a second click (or a colleague's) only gets a message."""
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    if not can_receive(request.user):
        raise PermissionDenied
    try:
        services.accident_receive(accident=accident, by=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Declaration %(number)s has been received.") % {"number": accident.receipt_number},
        )
    return redirect(accident.get_absolute_url())
