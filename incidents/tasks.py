"""Accident tasks: thin wrappers over services (enqueued through the outbox)."""

from __future__ import annotations

from celery import shared_task

from incidents.services import notify_officials_of_declaration


@shared_task(name="incidents.tasks.notify_accident_declared_task", acks_late=True)
def notify_accident_declared_task(accident_id: int) -> int:
    return notify_officials_of_declaration(accident_id=accident_id)
