"""Accident services: gapless receipt numbers, the injury-code rule, the outbox, receipt by the
commune, and who reads which accident (incidents.selectors.accident_list_for_user)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from atvsld_portal.celery import app as celery_app
from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, Filing, Outbox, ResponsibleUnit, User
from atvsld_portal.services import outbox_sweep
from enterprises.models import Enterprise
from incidents import services
from incidents.models import Accident, AccidentDeclaration, InjuryCode, ReceiptCounter, Victim
from incidents.selectors import accident_list_for_user
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

SERIOUS = Victim.Severity.SERIOUS
MINOR = Victim.Severity.MINOR
FATAL = Victim.Severity.FATAL


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def injury_code() -> InjuryCode:
    code, _created = InjuryCode.objects.get_or_create(
        version="test", code="011", defaults={"name": "Chấn thương sọ não hở hoặc kín"}
    )
    return code


def make_accident(
    *,
    commune: AdministrativeUnit,
    by: User,
    enterprise: Enterprise | None = None,
    occurred_at: datetime | None = None,
    severities: Sequence[str] = (MINOR,),
    coded: bool = True,
    channel: str = Filing.Channel.ONLINE,
) -> Accident:
    """A draft accident with one victim per severity (serious victims get a code if `coded`)."""
    accident = Accident.objects.create(
        commune=commune,
        sector=Accident.Sector.EMPLOYED if enterprise else Accident.Sector.INFORMAL,
        enterprise=enterprise,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=3),
        place="Mỏ đá thôn Ea Lâm 2",
        account="Công nhân bị đá rơi trúng khi đang khoan lỗ mìn tại tầng khai thác số 2.",
        channel=channel,
        created_by=by,
    )
    for number, severity in enumerate(severities, start=1):
        victim = Victim.objects.create(
            accident=accident,
            full_name=f"Nạn nhân {number}",
            sex=Victim.Sex.MALE,
            birth_year=1990,
            occupation_name="Thợ khoan",
            severity=severity,
        )
        if severity == SERIOUS and coded:
            victim.injury_codes.add(injury_code())
    return accident


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


@contextmanager
def broker_down() -> Iterator[None]:
    """Publish for real (not eagerly) to a closed port: the broker is down (as in
    tests/core/test_services_outbox.py); leaving the block brings the eager broker back."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_connection_pools()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _reset_connection_pools()


def _reset_connection_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def police_reporter(commune) -> User:
    from tests.core.factories import ResponsibleUnitFactory

    user = UserFactory(username="paul", role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.POLICE).members.add(user)
    return user


# ------------------------------------------------------------------------------
# Receipt numbers
# ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gapless_numbers(commune, enterprise, enterprise_owner):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers, so two submissions cannot race there; "
            "run with DATABASE_URL=postgres://… (CI does)"
        )
    accidents = [
        make_accident(commune=commune, by=enterprise_owner, enterprise=enterprise) for _ in range(2)
    ]
    barrier = threading.Barrier(len(accidents), timeout=10)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def submit(accident: Accident) -> None:
        try:
            barrier.wait()
            declaration = services.accident_submit(accident=accident, by=enterprise_owner)
            numbers.append(declaration.accident.receipt_number)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(a,)) for a in accidents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    year = timezone.localdate().year
    assert set(numbers) == {f"TEST-EA-LY/{year}/00001", f"TEST-EA-LY/{year}/00002"}
    assert ReceiptCounter.objects.get(commune=commune, year=year).last == 2


def test_a_rolled_back_submission_gives_its_number_back(commune, officer):
    first = make_accident(commune=commune, by=officer)
    second = make_accident(commune=commune, by=officer)

    def failing_request() -> None:
        with transaction.atomic():
            services.accident_submit(accident=first, by=officer, channel=Filing.Channel.PAPER)
            raise RuntimeError("the request failed after the number was taken")

    with pytest.raises(RuntimeError):
        failing_request()
    first.refresh_from_db()
    assert first.status == Accident.Status.DRAFT
    assert first.receipt_number is None

    declaration = services.accident_submit(
        accident=second, by=officer, channel=Filing.Channel.PAPER
    )
    year = timezone.localdate().year
    assert declaration.accident.receipt_number == f"TEST-EA-LY/{year}/00001"


def test_numbering_restarts_each_year_and_is_per_commune(commune, other_commune, officer):
    def number(unit: AdministrativeUnit, when: datetime) -> str:
        accident = make_accident(commune=unit, by=officer, occurred_at=when)
        return services.accident_submit(accident=accident, by=officer).accident.receipt_number

    assert number(commune, local(2025, 3, 1, 9, 0)) == "TEST-EA-LY/2025/00001"
    assert number(commune, local(2025, 6, 1, 9, 0)) == "TEST-EA-LY/2025/00002"
    assert number(commune, local(2024, 12, 1, 9, 0)) == "TEST-EA-LY/2024/00001"
    assert number(other_commune, local(2025, 6, 2, 9, 0)) == "TEST-EA-BA/2025/00001"
    assert number(commune, local(2025, 7, 1, 9, 0)) == "TEST-EA-LY/2025/00003"


def test_the_local_date_decides_the_year(commune, officer):
    # 00:30 on 1 January in Asia/Ho_Chi_Minh is 17:30 UTC on 31 December.
    occurred = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)
    accident = make_accident(commune=commune, by=officer, occurred_at=occurred)
    assert services.accident_year(accident) == 2026
    declaration = services.accident_submit(accident=accident, by=officer)
    assert declaration.accident.receipt_number == "TEST-EA-LY/2026/00001"


# ------------------------------------------------------------------------------
# Severity and injury codes (DOMAIN §3.2)
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("severity", "codes", "ok"),
    [
        (SERIOUS, 0, False),
        (SERIOUS, 1, True),
        (MINOR, 0, True),
        (MINOR, 1, False),
        (FATAL, 0, True),
    ],
)
def test_victim_rule(severity, codes, ok):
    problem = services.victim_rule_errors(severity=severity, injury_code_count=codes)
    assert (problem is None) is ok


def test_submit_refuses_a_serious_victim_without_a_code(commune, officer):
    accident = make_accident(commune=commune, by=officer, severities=(SERIOUS,), coded=False)
    with pytest.raises(ApplicationError, match="Nạn nhân 1"):
        services.accident_submit(accident=accident, by=officer)
    accident.refresh_from_db()
    assert accident.status == Accident.Status.DRAFT
    assert not ReceiptCounter.objects.exists()
    assert not AccidentDeclaration.objects.exists()


def test_submit_freezes_version_one_and_records_who_entered_a_paper_filing(commune, officer):
    accident = make_accident(commune=commune, by=officer, severities=(SERIOUS, FATAL))
    declaration = services.accident_submit(
        accident=accident, by=officer, channel=Filing.Channel.PAPER
    )
    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED
    assert accident.entered_by == officer
    assert declaration.version == 1
    assert [v["severity_code"] for v in declaration.snapshot["victims"]] == [SERIOUS, FATAL]
    with pytest.raises(ApplicationError) as excinfo:
        services.accident_submit(accident=accident, by=officer)
    assert excinfo.value.code == "stale_status"


def test_urgency():
    def victims(*severities: str) -> list[Victim]:
        return [Victim(severity=s) for s in severities]

    assert services.is_urgent(victims(FATAL))
    assert services.is_urgent(victims(SERIOUS, SERIOUS))
    assert not services.is_urgent(victims(SERIOUS, MINOR, MINOR))
    assert not services.is_urgent([])


# ------------------------------------------------------------------------------
# Outbox: a broker outage never loses the notification
# ------------------------------------------------------------------------------
def test_a_broker_outage_keeps_the_declaration_and_the_sweep_sends_the_email(
    commune, officer, enterprise_owner, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    officer.email = "alice@example.invalid"
    officer.save(update_fields=["email"])
    accident = make_accident(commune=commune, by=enterprise_owner, enterprise=enterprise)

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        declaration = services.accident_submit(accident=accident, by=enterprise_owner)

    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED
    assert accident.receipt_number
    assert declaration.version == 1
    notify = Outbox.objects.get(task_name=services.NOTIFY_TASK)
    assert notify.status == Outbox.Status.PENDING
    assert notify.attempts == 1
    assert mailoutbox == []

    assert outbox_sweep(grace=timedelta(0)) >= 1  # the broker is back (eager)
    notify.refresh_from_db()
    assert notify.status == Outbox.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.invalid"]
    assert accident.receipt_number in mailoutbox[0].subject


# ------------------------------------------------------------------------------
# Receipt by the commune
# ------------------------------------------------------------------------------
def test_receive_is_compare_and_set(commune, officer, enterprise_owner, enterprise):
    accident = make_accident(commune=commune, by=enterprise_owner, enterprise=enterprise)
    services.accident_submit(accident=accident, by=enterprise_owner)

    received = services.accident_receive(accident=accident, by=officer)
    assert received.status == Accident.Status.RECEIVED
    assert received.received_by == officer
    assert received.received_at is not None
    with pytest.raises(ApplicationError) as excinfo:
        services.accident_receive(accident=accident, by=officer)
    assert excinfo.value.code == "stale_status"


def test_a_draft_cannot_be_received(commune, officer):
    accident = make_accident(commune=commune, by=officer, channel=Filing.Channel.PHONE)
    with pytest.raises(ApplicationError) as excinfo:
        services.accident_receive(accident=accident, by=officer)
    assert excinfo.value.code == "stale_status"


# ------------------------------------------------------------------------------
# Who reads which accident
# ------------------------------------------------------------------------------
def _submitted(**kwargs) -> Accident:
    accident = make_accident(**kwargs)
    services.accident_submit(accident=accident, by=kwargs["by"])
    return accident


def test_an_enterprise_user_reads_only_their_enterprises(
    commune, enterprise, other_enterprise, enterprise_owner, other_enterprise_owner
):
    own = _submitted(commune=commune, by=enterprise_owner, enterprise=enterprise)
    own_draft = make_accident(commune=commune, by=enterprise_owner, enterprise=enterprise)
    _submitted(commune=commune, by=other_enterprise_owner, enterprise=other_enterprise)
    assert set(accident_list_for_user(user=enterprise_owner)) == {own, own_draft}


def test_another_communes_official_reads_nothing(commune, officer, other_officer):
    _submitted(commune=commune, by=officer)
    assert not accident_list_for_user(user=other_officer).exists()


def test_an_accident_elsewhere_declared_by_our_enterprise_is_ours_too(
    commune, other_commune, officer, other_officer, enterprise, enterprise_owner
):
    accident = _submitted(commune=other_commune, by=enterprise_owner, enterprise=enterprise)
    assert accident in accident_list_for_user(user=officer)
    assert accident in accident_list_for_user(user=other_officer)


def test_officials_read_commune_drafts_but_not_enterprise_drafts(
    commune, officer, enterprise, enterprise_owner
):
    paper_draft = make_accident(commune=commune, by=officer, channel=Filing.Channel.PAPER)
    make_accident(commune=commune, by=enterprise_owner, enterprise=enterprise)
    assert list(accident_list_for_user(user=officer)) == [paper_draft]


def test_the_police_reporter_reads_declared_accidents_of_the_commune(
    commune, other_commune, officer, police_reporter
):
    declared = _submitted(commune=commune, by=officer)
    make_accident(commune=commune, by=officer, channel=Filing.Channel.PAPER)  # draft
    _submitted(commune=other_commune, by=officer)
    assert list(accident_list_for_user(user=police_reporter)) == [declared]
