"""The accident detail page logs every victim's personal-data view in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atvsld_portal.models import PersonalDataView
from incidents import services
from incidents.models import Victim
from tests.incidents.factories import AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db


def _declared(enterprise, owner, victims: int):
    accident = AccidentFactory(enterprise=enterprise, created_by=owner)
    for index in range(victims):
        VictimFactory(
            accident=accident,
            severity=Victim.Severity.MINOR,
            personal_id=f"0660900{index:05d}",
        )
    services.accident_submit(accident=accident, by=owner)
    return accident


def _queries(client, accident) -> int:
    url = reverse("incidents:detail", kwargs={"public_id": accident.public_id})
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_detail_query_count_does_not_grow_with_victims(
    client, officer, enterprise, enterprise_owner
):
    one = _declared(enterprise, enterprise_owner, 1)
    five = _declared(enterprise, enterprise_owner, 5)
    client.force_login(officer)
    _queries(client, one)  # warm the per-process caches (content types, session)
    PersonalDataView.objects.all().delete()

    assert _queries(client, one) == _queries(client, five)

    for accident in (one, five):
        for victim in accident.victims.all():
            assert (
                PersonalDataView.objects.filter(
                    user=officer, object_id=str(victim.public_id), purpose="accident detail"
                ).count()
                == 1
            )
    assert PersonalDataView.objects.count() == 6
