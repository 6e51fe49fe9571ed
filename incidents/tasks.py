"""Accident tasks: thin wrappers over services (enqueued through the outbox, or run by beat)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from incidents.services import notify_officials_of_declaration
from incidents.services.retention import personal_data_pseudonymise_expired


@shared_task(name="incidents.tasks.notify_accident_declared_task", acks_late=True)
def notify_accident_declared_task(accident_id: int) -> int:
    return notify_officials_of_declaration(accident_id=accident_id)


@shared_task(
    name="incidents.tasks.pseudonymise_expired_personal_data_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def pseudonymise_expired_personal_data_task() -> dict:
    """Daily (beat): personal data past PERSONAL_DATA_RETENTION_YEARS is pseudonymised."""
    return personal_data_pseudonymise_expired(today=timezone.localdate()).as_dict()
