"""Import of the registry from the .xlsx template: download, preview, confirm.

The confirmation does not ask for the file again and does not trust the preview: the previewed
upload waits in private storage, named in a signed token (user, commune, one hour), and the
confirm step validates it once more before writing anything.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atvsld_portal.exports import XLSX_CONTENT_TYPE
from atvsld_portal.models import AdministrativeUnit, User
from enterprises import imports
from enterprises.access import can_manage_registry
from enterprises.forms import ImportUploadForm

TOKEN_SALT = "enterprise-import"
TOKEN_MAX_AGE = int(imports.STASH_MAX_AGE.total_seconds())
TEMPLATE_FILENAME = "mau-nhap-doanh-nghiep.xlsx"


def _import_commune(user: User) -> AdministrativeUnit:
    """The commune whose registry the user may import into; else 403."""
    if not can_manage_registry(user) or user.commune is None:
        raise PermissionDenied
    return user.commune


@login_required
@require_GET
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    commune = _import_commune(request.user)
    content = imports.import_template_bytes(commune=commune)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=TEMPLATE_FILENAME,
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    commune = _import_commune(request.user)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, commune)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "commune": commune}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = imports.parse_import(file=upload, commune=commune)
        context["preview"] = preview
        if preview.can_apply:
            context["token"] = _sign(imports.stash_upload(upload), request.user, commune)
    return _render(request, context)


def _confirm(request: HttpRequest, commune: AdministrativeUnit) -> HttpResponse:
    name = _unsign(request.POST.get("token", ""), request.user, commune)
    if name is None:
        messages.error(
            request, _("This confirmation is invalid or has expired. Upload the file again.")
        )
        return redirect("enterprises:import")
    try:
        outcome = imports.import_stashed_upload(name=name, commune=commune, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("enterprises:import")
    except IntegrityError:
        # A concurrent change (the same tax code registered meanwhile) won the race.
        messages.error(
            request,
            _("The registry changed while importing; nothing was imported. Upload the file again."),
        )
        return redirect("enterprises:import")
    if not outcome.preview.can_apply:
        return _render(
            request, {"form": ImportUploadForm(), "commune": commune, "preview": outcome.preview}
        )
    messages.success(
        request,
        _("Imported %(created)s new enterprises and updated %(updated)s.")
        % {"created": outcome.created, "updated": outcome.updated},
    )
    return redirect("enterprises:list")


def _render(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "enterprises/enterprise_import.html", context)


def _sign(name: str, user: User, commune: AdministrativeUnit) -> str:
    return signing.dumps({"file": name, "user": user.pk, "commune": commune.pk}, salt=TOKEN_SALT)


def _unsign(token: str, user: User, commune: AdministrativeUnit) -> str | None:
    """The stashed file name, if the token is genuine, recent and issued to this user here."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired is a subclass)
        return None
    if not isinstance(payload, dict):
        return None
    name = payload.get("file")
    if payload.get("user") != user.pk or payload.get("commune") != commune.pk:
        return None
    if not isinstance(name, str) or not imports.is_stash_name(name):
        return None
    return name
