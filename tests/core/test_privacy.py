from __future__ import annotations

import pytest

from atvsld_portal.models import PersonalDataView
from atvsld_portal.privacy import personal_data_view_list, record_personal_data_view

pytestmark = pytest.mark.django_db


def test_a_view_of_personal_data_is_logged_with_who_and_when(officer, leader):
    # Any model works; a user record stands in for a victim here.
    record_personal_data_view(officer, leader, purpose="accident detail")
    record_personal_data_view(officer, leader)
    entries = list(personal_data_view_list(obj=leader))
    assert len(entries) == 2
    assert {entry.user for entry in entries} == {officer}
    assert entries[0].viewed_at >= entries[1].viewed_at
    assert PersonalDataView.objects.filter(
        object_id=str(leader.pk), purpose="accident detail"
    ).exists()


def test_the_log_of_one_record_does_not_show_another(officer, leader, other_officer):
    record_personal_data_view(officer, leader)
    assert list(personal_data_view_list(obj=other_officer)) == []
