from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from incidents.models import Accident, Victim
from tests.core.factories import UserFactory
from tests.enterprises.factories import EnterpriseFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


class AccidentFactory(factory.django.DjangoModelFactory):
    """A draft accident at an enterprise, in the enterprise's commune."""

    class Meta:
        model = Accident

    enterprise = factory.SubFactory(EnterpriseFactory)
    commune = factory.SelfAttribute("enterprise.commune")
    sector = Accident.Sector.EMPLOYED
    occurred_at = datetime(2026, 3, 10, 8, 30, tzinfo=HCM)
    place = "Mỏ đá thôn 1"
    account = (
        "Công nhân vận hành máy nghiền bị đá văng trúng đầu khi đang điều chỉnh băng tải "
        "mà không dừng máy."
    )
    declarant_name = "Nguyễn Văn Bình"
    declarant_position = "Giám đốc"
    declarant_phone = "0905123456"
    created_by = factory.SubFactory(UserFactory)


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    accident = factory.SubFactory(AccidentFactory)
    full_name = factory.Sequence(lambda n: f"Người bị nạn {n}")
    sex = Victim.Sex.MALE
    birth_year = 1990
    occupation_name = "Công nhân vận hành"
    severity = Victim.Severity.MINOR
