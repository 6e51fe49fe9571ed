from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_public_json(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["pdf"]["ok"] is True
    assert body["version"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_broker_is_down(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_healthz_reports_a_missing_pdf_engine(client, monkeypatch):
    monkeypatch.setattr(
        "atvsld_portal.views.pdf_engine_status", lambda: (False, "OSError: no pango")
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["pdf"] == {"ok": False, "detail": "OSError: no pango"}


def test_healthz_reports_the_last_worker_heartbeat(client):
    from atvsld_portal.tasks import worker_heartbeat_task

    assert client.get(reverse("healthz")).json()["worker_last_seen"] is None
    worker_heartbeat_task.delay("worker-1")  # eager in tests
    assert client.get(reverse("healthz")).json()["worker_last_seen"] is not None
