from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, User
from atvsld_portal.selectors import commune_list_for_user
from tests.core.factories import CommuneFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_unit_needs_exactly_one_of_official_or_provisional_code(province):
    with pytest.raises(IntegrityError):
        AdministrativeUnit.objects.create(
            level=AdministrativeUnit.Level.COMMUNE,
            name="X",
            parent=province,
            code=None,
            code_provisional="",
        )


def test_unit_with_both_codes_is_rejected(province):
    with pytest.raises(IntegrityError):
        AdministrativeUnit.objects.create(
            level=AdministrativeUnit.Level.COMMUNE,
            name="X",
            parent=province,
            code="12345",
            code_provisional="TAM-X",
        )


def test_commune_must_have_a_province():
    with pytest.raises(IntegrityError):
        AdministrativeUnit.objects.create(
            level=AdministrativeUnit.Level.COMMUNE, name="X", code="12345"
        )


def test_commune_code_has_five_digits(province):
    unit = AdministrativeUnit(
        level=AdministrativeUnit.Level.COMMUNE, name="X", parent=province, code="66"
    )
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "code" in excinfo.value.message_dict


def test_predecessors_record_the_merger(commune, province):
    old = AdministrativeUnit.objects.create(
        level=AdministrativeUnit.Level.COMMUNE,
        name="Ea Lâm (cũ)",
        parent=province,
        code_provisional="CU-EALAM",
    )
    commune.predecessors.add(old)
    assert list(old.successors.all()) == [commune]


def test_user_without_role_or_unit_is_refused_unless_superuser(commune):
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="nobody", password="x")


def test_superuser_needs_no_role():
    admin = User.objects.create_superuser(username="root", password="x")
    assert admin.role == ""


def test_province_viewer_must_belong_to_a_province(commune):
    user = User(username="p", role=User.Role.PROVINCE_VIEWER, administrative_unit=commune)
    user.set_password("x")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "administrative_unit" in excinfo.value.message_dict


def test_group_membership_follows_role(commune):
    user = UserFactory(role=User.Role.COMMUNE_OFFICIAL, administrative_unit=commune)
    assert list(user.groups.values_list("name", flat=True)) == ["commune_official"]
    user.role = User.Role.COMMUNE_LEADER
    user.save()
    assert list(user.groups.values_list("name", flat=True)) == ["commune_leader"]


def test_role_groups_are_seeded_with_permissions():
    group = Group.objects.get(name="commune_official")
    assert group.permissions.filter(codename="view_responsibleunit").exists()


def test_village_board_needs_its_village(commune):
    with pytest.raises(IntegrityError):
        ResponsibleUnit.objects.create(
            commune=commune, kind=ResponsibleUnit.Kind.VILLAGE_BOARD, name="BND"
        )


def test_one_unit_per_kind_per_commune(commune):
    ResponsibleUnit.objects.create(
        commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an xã"
    )
    with pytest.raises(IntegrityError):
        ResponsibleUnit.objects.create(
            commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an 2"
        )


def test_village_board_of_another_communes_village_is_invalid(commune, other_commune):
    village = VillageFactory(commune=other_commune)
    unit = ResponsibleUnit(
        commune=commune, kind=ResponsibleUnit.Kind.VILLAGE_BOARD, name="BND", village=village
    )
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "village" in excinfo.value.message_dict


def test_commune_scope_by_role(officer, other_officer, province_viewer, commune, other_commune):
    CommuneFactory()  # a commune of another province
    assert list(commune_list_for_user(user=officer)) == [commune]
    assert set(commune_list_for_user(user=province_viewer)) == {commune, other_commune}
    assert list(commune_list_for_user(user=other_officer)) == [other_commune]
