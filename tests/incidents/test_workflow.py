"""The commune's workflow after receipt (incidents.workflow, the workflow services and views):
investigation time limits of Art 35, transitions and their refusals, who may act."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from atvsld_portal import services as core_services
from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, Outbox
from atvsld_portal.services import outbox_dedup_key
from incidents import services, workflow
from incidents.models import Accident, InvestigationLevel, QuickReportMethod, Victim
from tests.incidents.factories import AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FATAL = Victim.Severity.FATAL
SERIOUS = Victim.Severity.SERIOUS
MINOR = Victim.Severity.MINOR
Status = Accident.Status
# Received late in the evening, local time: the limit counts from the local date (1 April).
RECEIVED_AT = datetime(2026, 4, 1, 23, 30, tzinfo=HCM)


def received(
    *,
    commune: AdministrativeUnit,
    severities: Sequence[str] = (MINOR,),
    informal: bool = False,
    status: str = Status.RECEIVED,
    **extra,
) -> Accident:
    """A received accident in `commune`, with one victim per severity."""
    kwargs = {"enterprise": None, "sector": Accident.Sector.INFORMAL} if informal else {}
    if not informal and "enterprise" not in extra:
        kwargs["enterprise__commune"] = commune
    fields = {
        "commune": commune,
        "status": status,
        "receipt_number": f"TEST/2026/{Accident.objects.count() + 1:05d}",
        "submitted_at": RECEIVED_AT - timedelta(hours=2),
        "received_at": RECEIVED_AT,
        **kwargs,
        **extra,
    }
    accident = AccidentFactory(**fields)
    for severity in severities:
        VictimFactory(accident=accident, severity=severity)
    return accident


# ------------------------------------------------------------------------------
# Time limits
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("severities", "informal", "examination", "days", "level"),
    [
        ((FATAL,), False, False, 30, InvestigationLevel.PROVINCE),
        ((FATAL,), True, True, 60, InvestigationLevel.PROVINCE),
        ((SERIOUS, SERIOUS), False, False, 20, InvestigationLevel.PROVINCE),
        ((SERIOUS, MINOR), False, False, 7, InvestigationLevel.BASE),
        ((MINOR, MINOR), False, False, 4, InvestigationLevel.BASE),
        ((SERIOUS,), True, False, None, InvestigationLevel.COMMUNE_RECORD),
        ((MINOR,), True, False, None, None),
    ],
)
def test_deadline_by_case(commune, severities, informal, examination, days, level):
    accident = received(
        commune=commune,
        severities=severities,
        informal=informal,
        needs_technical_examination=examination,
    )
    expected = date(2026, 4, 1) + timedelta(days=days) if days else None
    assert workflow.investigation_deadline(accident) == expected
    assert workflow.expected_level(accident) == level


def test_technical_incident_has_no_deadline(commune):
    accident = received(commune=commune, severities=(), kind=Accident.Kind.TECHNICAL_INCIDENT)
    assert workflow.investigation_deadline(accident) is None
    assert workflow.deadline_state(accident, date(2026, 6, 1)) == "none"


def test_not_received_has_no_deadline(commune):
    accident = received(commune=commune, severities=(FATAL,), received_at=None)
    assert workflow.investigation_deadline(accident) is None


def test_extension_adds_to_the_limit(commune):
    accident = received(commune=commune, severities=(FATAL,), extension_days=30)
    assert workflow.investigation_deadline(accident) == date(2026, 5, 31)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (datetime(2026, 4, 1, 9, 0, tzinfo=HCM), "ok"),
        (datetime(2026, 4, 4, 23, 59, tzinfo=HCM), "ok"),  # 4 days left
        (datetime(2026, 4, 5, 0, 0, tzinfo=HCM), "due_soon"),  # 3 days left
        (datetime(2026, 4, 8, 23, 59, tzinfo=HCM), "due_soon"),  # the last day
        (datetime(2026, 4, 9, 0, 0, tzinfo=HCM), "overdue"),
    ],
)
def test_deadline_state_at_the_boundary(commune, now, state):
    accident = received(commune=commune, severities=(SERIOUS,))  # 7 days → 8 April
    with time_machine.travel(now, tick=False):
        assert workflow.deadline_state(accident, timezone.localdate()) == state


@pytest.mark.parametrize(
    "status", [Status.CLOSED, Status.NOT_OCCUPATIONAL, Status.TRANSFERRED_POLICE]
)
def test_finished_cases_have_no_state(commune, status):
    accident = received(commune=commune, severities=(SERIOUS,), status=status)
    assert workflow.deadline_state(accident, date(2026, 12, 1)) == "none"


# ------------------------------------------------------------------------------
# Transitions
# ------------------------------------------------------------------------------
def recompute_rows() -> int:
    return Outbox.objects.filter(task_name=core_services.RECOMPUTE_TASK).count()


def test_start_investigation(commune, officer):
    accident = received(commune=commune, severities=(FATAL,), informal=True)
    services.accident_start_investigation(
        accident=accident,
        by=officer,
        level=InvestigationLevel.PROVINCE,
        needs_technical_examination=True,
        note="Sở Nội vụ thành lập đoàn.",
    )
    assert accident.status == Status.UNDER_INVESTIGATION
    assert accident.investigation_level == InvestigationLevel.PROVINCE
    assert accident.investigation_started_on == timezone.localdate()
    assert accident.status_note == "Sở Nội vụ thành lập đoàn."
    assert accident.history.first().history_user == officer
    assert recompute_rows() >= 1


def test_examination_only_for_deaths(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS, SERIOUS))
    with pytest.raises(ApplicationError) as exc:
        services.accident_start_investigation(
            accident=accident,
            by=officer,
            level=InvestigationLevel.PROVINCE,
            needs_technical_examination=True,
        )
    assert exc.value.code == "examination_without_death"


def test_stale_status_is_refused(commune, officer):
    accident = received(commune=commune, severities=(MINOR,))
    seen = Accident.objects.get(pk=accident.pk)
    services.accident_close(accident=accident, by=officer, record_published_on=date(2026, 4, 3))
    with pytest.raises(ApplicationError) as exc:
        services.accident_mark_not_occupational(accident=seen, by=officer, reason="Đánh nhau")
    assert exc.value.code == "stale_status"
    seen.refresh_from_db()
    assert seen.status == Status.CLOSED


def test_quick_report_for_urgent_informal(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS, SERIOUS), informal=True)
    sent = timezone.now() - timedelta(hours=1)
    services.accident_mark_quick_reported(
        accident=accident,
        by=officer,
        sent_at=sent,
        method=QuickReportMethod.PHONE,
        recipients="Công an xã; Sở Nội vụ",
    )
    assert accident.status == Status.QUICK_REPORTED
    assert accident.quick_report_sent_at == sent
    assert accident.quick_report_recipients == "Công an xã; Sở Nội vụ"


@pytest.mark.parametrize(
    ("severities", "informal"), [((FATAL,), False), ((SERIOUS,), True), ((MINOR,), True)]
)
def test_quick_report_refused_otherwise(commune, officer, severities, informal):
    accident = received(commune=commune, severities=severities, informal=informal)
    with pytest.raises(ApplicationError) as exc:
        services.accident_mark_quick_reported(
            accident=accident,
            by=officer,
            sent_at=timezone.now(),
            method=QuickReportMethod.PHONE,
            recipients="Công an xã",
        )
    assert exc.value.code == "quick_report_not_needed"
    accident.refresh_from_db()
    assert accident.status == Status.RECEIVED


def test_close_needs_publication_date(commune, officer):
    accident = received(commune=commune, severities=(MINOR,))
    with pytest.raises(ApplicationError) as exc:
        services.accident_close(accident=accident, by=officer, record_published_on=None)
    assert exc.value.code == "no_publication_date"


def test_serious_case_cannot_close_on_receipt(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS,))
    with pytest.raises(ApplicationError) as exc:
        services.accident_close(accident=accident, by=officer, record_published_on=date(2026, 4, 5))
    assert exc.value.code == "needs_investigation"


def test_close_after_investigation(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS,), status=Status.UNDER_INVESTIGATION)
    services.accident_close(accident=accident, by=officer, record_published_on=date(2026, 4, 7))
    assert accident.status == Status.CLOSED
    assert accident.record_published_on == date(2026, 4, 7)


def test_not_occupational_needs_a_reason_and_leaves_the_counts(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS,))
    with pytest.raises(ApplicationError) as exc:
        services.accident_mark_not_occupational(accident=accident, by=officer, reason="  ")
    assert exc.value.code == "no_reason"
    assert Accident.objects.counted().filter(pk=accident.pk).exists()
    services.accident_mark_not_occupational(
        accident=accident, by=officer, reason="Tự gây thương tích"
    )
    assert accident.status == Status.NOT_OCCUPATIONAL
    assert accident.not_occupational_reason == "Tự gây thương tích"
    assert not Accident.objects.counted().filter(pk=accident.pk).exists()
    assert recompute_rows() >= 1


def test_not_occupational_refused_when_closed(commune, officer):
    accident = received(commune=commune, status=Status.CLOSED)
    with pytest.raises(ApplicationError) as exc:
        services.accident_mark_not_occupational(accident=accident, by=officer, reason="Khác")
    assert exc.value.code == "invalid_status"


def test_transfer_to_police(commune, officer):
    accident = received(commune=commune, severities=(FATAL,), status=Status.UNDER_INVESTIGATION)
    services.accident_transfer_to_police(
        accident=accident, by=officer, note="Dấu hiệu cố ý gây thương tích."
    )
    assert accident.status == Status.TRANSFERRED_POLICE
    assert workflow.deadline_state(accident, date(2026, 4, 2)) == "none"


def test_extend_once_within_the_original_limit(commune, officer):
    accident = received(commune=commune, severities=(SERIOUS, SERIOUS))
    accident.status = Status.UNDER_INVESTIGATION
    accident.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as exc:
        services.accident_extend(accident=accident, by=officer, days=21)
    assert exc.value.code == "extension_too_long"
    services.accident_extend(accident=accident, by=officer, days=20)
    assert accident.extension_days == 20
    assert workflow.investigation_deadline(accident) == date(2026, 5, 11)
    with pytest.raises(ApplicationError) as exc:
        services.accident_extend(accident=accident, by=officer, days=1)
    assert exc.value.code == "already_extended"


def test_minor_case_cannot_be_extended(commune, officer):
    accident = received(commune=commune, severities=(MINOR,), status=Status.UNDER_INVESTIGATION)
    with pytest.raises(ApplicationError) as exc:
        services.accident_extend(accident=accident, by=officer, days=2)
    assert exc.value.code == "not_extendable"


def test_allowed_actions(commune):
    urgent = received(commune=commune, severities=(FATAL,), informal=True)
    assert workflow.allowed_actions(urgent) == [
        "quick_reported",
        "investigate",
        "not_occupational",
        "transfer",
    ]
    ongoing = received(commune=commune, severities=(FATAL,), status=Status.UNDER_INVESTIGATION)
    assert workflow.allowed_actions(ongoing) == ["extend", "close", "not_occupational", "transfer"]
    assert workflow.allowed_actions(received(commune=commune, status=Status.CLOSED)) == []


# ------------------------------------------------------------------------------
# Views
# ------------------------------------------------------------------------------
def url(name: str, accident: Accident) -> str:
    return reverse(f"incidents:{name}", kwargs={"public_id": accident.public_id})


def test_official_starts_the_investigation(officer_client, commune):
    accident = received(commune=commune, severities=(SERIOUS,))
    response = officer_client.post(
        url("investigate", accident),
        {"investigate-level": InvestigationLevel.BASE, "investigate-note": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == accident.get_absolute_url()
    accident.refresh_from_db()
    assert accident.status == Status.UNDER_INVESTIGATION
    key = outbox_dedup_key(core_services.RECOMPUTE_TASK, [commune.pk, 2026])
    assert Outbox.objects.filter(dedup_key=key).exists()


def test_invalid_form_changes_nothing(officer_client, commune):
    accident = received(commune=commune, severities=(SERIOUS,))
    response = officer_client.post(url("not_occupational", accident), {}, follow=True)
    assert response.status_code == 200
    accident.refresh_from_db()
    assert accident.status == Status.RECEIVED


def test_rule_error_comes_back_as_a_message(officer_client, commune):
    accident = received(commune=commune, severities=(MINOR,), informal=True)
    response = officer_client.post(
        url("quick_reported", accident),
        {
            "quick_reported-sent_at": "2026-04-01T10:00",
            "quick_reported-method": QuickReportMethod.PHONE,
            "quick_reported-recipients": "Công an xã",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    accident.refresh_from_db()
    assert accident.status == Status.RECEIVED


@pytest.mark.parametrize("persona", ["leader", "enterprise_owner", "province_viewer"])
def test_others_may_not_act(client, commune, enterprise, persona, request):
    accident = received(commune=commune, severities=(MINOR,), enterprise=enterprise)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(url("close", accident), {"close-record_published_on": "2026-04-02"})
    assert response.status_code == 403
    accident.refresh_from_db()
    assert accident.status == Status.RECEIVED


def test_other_communes_official_gets_404(client, commune, other_officer):
    accident = received(commune=commune, severities=(MINOR,))
    client.force_login(other_officer)
    response = client.post(url("transfer", accident), {"transfer-note": "Có dấu hiệu tội phạm"})
    assert response.status_code == 404


def test_get_is_not_allowed(officer_client, commune):
    accident = received(commune=commune)
    assert officer_client.get(url("extend", accident)).status_code == 405


def test_workflow_context_and_card(commune, officer, enterprise_owner):
    accident = received(commune=commune, severities=(SERIOUS,))
    ctx = workflow.workflow_context(accident, officer, date(2026, 4, 6))
    assert ctx["deadline"] == date(2026, 4, 8)
    assert ctx["state"] == "due_soon"
    assert ctx["days_left"] == 2
    assert list(ctx["forms"]) == ["investigate", "not_occupational", "transfer"]
    assert ctx["forms"]["investigate"].initial == {"level": InvestigationLevel.BASE}
    assert workflow.workflow_context(accident, enterprise_owner, date(2026, 4, 6)) == {}
    from django.template.loader import render_to_string

    html = render_to_string("incidents/includes/_workflow.html", {"workflow": ctx})
    assert url("investigate", accident) in html
    assert "badge text-bg-warning" in html
