"""Corrections of a filed declaration: a draft with a reason becomes the next version under the
same receipt number; a commune official applies it, with the differences shown."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from atvsld_portal import services as core_services
from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import Outbox
from incidents import services
from incidents.models import Accident, AccidentDeclaration, Victim
from incidents.views.corrections import corrections_context
from tests.incidents.factories import AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _url(name: str, obj) -> str:
    return reverse(f"incidents:{name}", kwargs={"public_id": obj.public_id})


@pytest.fixture
def accident(enterprise, enterprise_owner):
    accident = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    VictimFactory(accident=accident, full_name="Trần Văn An", treatment_place="Trạm Y tế xã")
    services.accident_submit(accident=accident, by=enterprise_owner)
    accident.refresh_from_db()
    return accident


def _edit_data(**overrides) -> dict:
    return {
        "occurred_at": "10/03/2026 08:30",
        "place": "Mỏ đá thôn 2",
        "account": "Công nhân bị đá văng trúng tay khi điều chỉnh băng tải mà không dừng máy.",
        "victim_0_severity": Victim.Severity.MINOR,
        "victim_0_days_off": "12",
        "victim_0_treatment_place": "Bệnh viện huyện",
        **overrides,
    }


def _corrected(client, accident) -> AccidentDeclaration:
    """bob starts, fills in and submits a correction through the pages."""
    response = client.post(_url("correction_start", accident), {"reason": "Sai địa điểm"})
    draft = accident.declarations.get(is_draft=True)
    assert response.url == _url("correction_edit", draft)
    assert client.get(_url("correction_edit", draft)).status_code == 200
    response = client.post(_url("correction_edit", draft), _edit_data())
    assert response.status_code == 302
    response = client.post(_url("correction_submit", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    return draft


def test_correction_keeps_earlier_version_and_receipt_number(client, accident, enterprise_owner):
    client.force_login(enterprise_owner)
    first = accident.declarations.get(version=1)
    original = dict(first.snapshot)
    Outbox.objects.all().delete()

    second = _corrected(client, accident)

    first.refresh_from_db()
    assert first.snapshot == original
    assert second.version == 2
    assert second.is_draft is False
    assert second.reason == "Sai địa điểm"
    assert (
        second.snapshot["receipt_number"] == accident.receipt_number == original["receipt_number"]
    )
    assert second.snapshot["place"] == "Mỏ đá thôn 2"
    assert second.snapshot["victims"][0]["days_off"] == 12
    accident.refresh_from_db()
    assert accident.place == "Mỏ đá thôn 1"  # not applied yet
    assert Outbox.objects.filter(task_name=services.NOTIFY_TASK, args=[accident.pk]).exists()


def test_no_correction_once_the_case_is_closed(client, accident, enterprise_owner):
    Accident.objects.filter(pk=accident.pk).update(status=Accident.Status.CLOSED)
    accident.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.correction_start(accident=accident, by=enterprise_owner, reason="Sai")
    client.force_login(enterprise_owner)
    response = client.post(_url("correction_start", accident), {"reason": "Sai"})
    assert response.status_code == 403
    assert accident.declarations.count() == 1


def test_one_draft_at_a_time(accident, enterprise_owner):
    services.correction_start(accident=accident, by=enterprise_owner, reason="Sai giờ")
    with pytest.raises(ApplicationError):
        services.correction_start(accident=accident, by=enterprise_owner, reason="Sai nữa")
    assert accident.declarations.filter(is_draft=True).count() == 1


def test_a_draft_cannot_be_applied(accident, enterprise_owner, officer):
    draft = services.correction_start(accident=accident, by=enterprise_owner, reason="Sai giờ")
    with pytest.raises(ApplicationError):
        services.correction_apply(declaration=draft, by=officer)


def test_apply_changes_the_accident_and_shows_the_differences(
    client, accident, enterprise_owner, officer
):
    client.force_login(enterprise_owner)
    second = _corrected(client, accident)
    client.force_login(officer)

    response = client.post(_url("correction_apply", second))

    assert response.status_code == 302
    accident.refresh_from_db()
    second.refresh_from_db()
    assert accident.place == "Mỏ đá thôn 2"
    assert accident.receipt_number == second.snapshot["receipt_number"]
    victim = accident.victims.get()
    assert (victim.days_off, victim.treatment_place) == (12, "Bệnh viện huyện")
    assert second.applied_by == officer
    assert second.applied_at is not None
    with pytest.raises(ApplicationError):
        services.correction_apply(declaration=second, by=officer)
    differences = services.declaration_differences(
        accident.declarations.get(version=1).snapshot, second.snapshot
    )
    assert ("Mỏ đá thôn 1", "Mỏ đá thôn 2") in [(old, new) for _label, old, new in differences]
    assert ("Trạm Y tế xã", "Bệnh viện huyện") in [(old, new) for _l, old, new in differences]
    html = render_to_string(
        "incidents/includes/_corrections.html",
        {"accident": accident, **corrections_context(accident, officer)},
    )
    assert "Mỏ đá thôn 1" in html
    assert "Mỏ đá thôn 2" in html
    assert "Bệnh viện huyện" in html


def test_moving_the_date_to_another_year_recomputes_both_years(accident, enterprise_owner, officer):
    draft = services.correction_start(accident=accident, by=enterprise_owner, reason="Sai năm")
    services.correction_update(
        declaration=draft, by=enterprise_owner, occurred_at=datetime(2025, 12, 30, 9, 0, tzinfo=HCM)
    )
    services.correction_submit(declaration=draft, by=enterprise_owner)
    Outbox.objects.all().delete()

    services.correction_apply(declaration=draft, by=officer)

    years = {
        args[1]
        for args in Outbox.objects.filter(task_name=core_services.RECOMPUTE_TASK).values_list(
            "args", flat=True
        )
    }
    assert years == {2025, 2026}


def test_apply_is_for_officials_of_the_accident(client, accident, enterprise_owner, other_officer):
    second = _corrected(client_logged_in(client, enterprise_owner), accident)

    assert client.post(_url("correction_apply", second)).status_code == 403
    client.force_login(other_officer)
    assert client.post(_url("correction_apply", second)).status_code == 404
    second.refresh_from_db()
    assert second.applied_at is None


def client_logged_in(client, user):
    client.force_login(user)
    return client


def test_every_version_stays_listed_on_the_detail_page(client, accident, enterprise_owner, officer):
    client.force_login(enterprise_owner)
    second = _corrected(client, accident)
    services.correction_apply(declaration=second, by=officer)
    client.force_login(officer)

    response = client.get(accident.get_absolute_url())

    assert response.status_code == 200
    listed = [d.version for d in response.context["declarations"]]
    assert listed == [2, 1]
    body = response.content.decode()
    assert "Sai địa điểm" in body


def test_a_draft_correction_never_reaches_the_receipt_or_the_version_list(
    client, enterprise_owner, enterprise
):
    from django.urls import reverse

    from incidents import services
    from incidents.models import Accident
    from tests.incidents.factories import AccidentFactory, VictimFactory

    accident = AccidentFactory(
        enterprise=enterprise, commune=enterprise.commune, created_by=enterprise_owner
    )
    VictimFactory(accident=accident, severity="minor")
    services.accident_submit(accident=accident, by=enterprise_owner)
    accident = Accident.objects.get(pk=accident.pk)
    draft = services.correction_start(
        accident=accident, by=enterprise_owner, reason="Sai nơi xảy ra"
    )
    client.force_login(enterprise_owner)
    response = client.get(accident.get_absolute_url())
    assert [d.version for d in response.context["declarations"]] == [1]
    assert draft.is_draft
    receipt = client.get(reverse("incidents:receipt", kwargs={"public_id": accident.public_id}))
    assert receipt.status_code == 200
    accident.declarations.get(version=1).refresh_from_db()
    assert accident.declarations.get(version=1).receipt_pdf
    assert not accident.declarations.get(version=2).receipt_pdf
