from __future__ import annotations

import factory

from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, User, Village

TEST_PASSWORD = "correct-horse-battery"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    level = AdministrativeUnit.Level.PROVINCE
    code = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    level = AdministrativeUnit.Level.COMMUNE
    code = factory.Sequence(lambda n: f"{n + 30000:05d}")
    name = factory.Sequence(lambda n: f"Xã thử {n}")
    parent = factory.SubFactory(ProvinceFactory)


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Thôn {n}")


class ResponsibleUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibleUnit

    commune = factory.SubFactory(CommuneFactory)
    kind = ResponsibleUnit.Kind.POLICE
    name = factory.Sequence(lambda n: f"Đơn vị {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    role = User.Role.COMMUNE_OFFICIAL
    administrative_unit = factory.SubFactory(CommuneFactory)
    password = factory.django.Password(TEST_PASSWORD)
