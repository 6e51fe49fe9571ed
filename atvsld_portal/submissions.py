"""One record per form: a one-time token against double clicks and back-and-resubmit.

A create form carries a hidden token (``{% submission_token_field %}`` from the ``submissions``
tag library). The view runs its service through :func:`submit_once`: the first POST records
the token with the object it created, in the same transaction as the object; a repeat of the
same form finds that row and gets the first object back instead of creating a second one.
Two POSTs racing in parallel meet on the token's unique index: the second waits until the
first commits, then answers with the first object. A form that failed (validation error,
rollback) leaves no row, so the user corrects it and sends the same token again.

Views call :func:`submission_repeat` first, before validating the form, so a repeat is sent to
the first result even when the form would no longer validate (e.g. "already filed this year").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from atvsld_portal.models import Filing, SubmissionToken

TOKEN_FIELD = "submission_token"


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    """The token the form came back with, or None (missing or not a UUID)."""
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


def token_for_form(request: HttpRequest | None) -> str:
    """The token to put in a form: the posted one when the form is shown again with errors
    (the same form, so still one record), else a new one."""
    token = posted_token(request) if request is not None else None
    return (token or uuid.uuid4()).hex


def _result_of(token: SubmissionToken | None) -> models.Model | None:
    if token is None or token.content_type_id is None:
        return None
    model = token.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=token.object_id).first()


def submission_repeat(request: HttpRequest) -> models.Model | None:
    """What this form already created, when the POST repeats one that was processed."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return None
    return _result_of(
        SubmissionToken.objects.select_related("content_type")
        .filter(user=request.user, key=token)
        .first()
    )


def redirect_to_first(request: HttpRequest, result: models.Model) -> HttpResponse:
    """Answer a repeated form with the record it created the first time."""
    messages.info(request, _("This form had already been sent; here is what it saved."))
    return redirect(result)


def submit_once[T: models.Model](request: HttpRequest, save: Callable[[], T]) -> tuple[T, bool]:
    """Run ``save`` once per form token. Returns the object and whether it was created now.

    Without a token (an old page, a script) ``save`` simply runs. ``save`` may raise: nothing
    is recorded and the same form can be sent again.
    """
    token = posted_token(request)
    if token is None:
        return save(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionToken.objects.create(user=request.user, key=token)
        except IntegrityError:
            # The same form was processed (or was being processed, and has now committed).
            claim = SubmissionToken.objects.select_for_update().get(user=request.user, key=token)
            if (first := _result_of(claim)) is not None:
                return cast(T, first), False
            # What it created has been deleted since: the form may create it again.
        result = save()
        claim.content_type = ContentType.objects.get_for_model(type(result))
        claim.object_id = result.pk
        claim.save(update_fields=["content_type", "object_id"])
    return result, True


# ------------------------------------------------------------------------------
# "Submit" clicked twice
# ------------------------------------------------------------------------------
def filing_submit_repeat(request: HttpRequest, filing: Filing) -> HttpResponse:
    """A second "Submit" of a filing already submitted lands on the filing, not on an error."""
    messages.info(request, _("This filing had already been submitted; it was not sent twice."))
    return redirect(filing)


def is_submitted_meanwhile(exc: ValidationError, filing: Filing) -> bool:
    """Whether the submit service refused because a parallel click submitted the filing first."""
    if getattr(exc, "code", None) != "stale_status":
        return False
    filing.refresh_from_db(fields=["status"])
    return filing.status == Filing.Status.SUBMITTED
