"""Enterprise accounts: the commune invites a member by email and deactivates one."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import services
from enterprises.access import can_manage_registry
from enterprises.forms import MemberInviteForm
from enterprises.models import EnterpriseMember
from enterprises.selectors import enterprise_get_for_user, enterprise_list_for_user


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, public_id: UUID) -> HttpResponse:
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    if not can_manage_registry(request.user):
        raise PermissionDenied
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(
                enterprise=enterprise, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)  # field errors go next to their field
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(enterprise)
    return render(
        request, "enterprises/member_invite.html", {"form": form, "enterprise": enterprise}
    )


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = (
        EnterpriseMember.objects.select_related("enterprise", "user")
        .filter(pk=pk, enterprise__in=enterprise_list_for_user(user=request.user))
        .first()
    )
    if member is None:
        raise Http404
    if not can_manage_registry(request.user):
        raise PermissionDenied
    services.member_deactivate(member=member, by=request.user)
    messages.success(
        request, _("%(user)s can no longer file for this enterprise.") % {"user": member.user}
    )
    return redirect(member.enterprise)
