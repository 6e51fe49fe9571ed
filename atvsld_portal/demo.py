"""Core demo data: Đắk Lắk province, the communes Ea Ly and Ea Bá with their villages, the
responsible units of the Ea Ly plan (section IV) and the demo accounts.

Idempotent by natural keys. Village names are illustrative demo data, not an official list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, User, Village

DEMO_PASSWORD = "ATVSLD-demo-2026"
MERGER_DAY = date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = date(2025, 6, 30)

EA_LY_VILLAGES = [
    (Village.Kind.THON, "Thôn Ea Lâm 1"),
    (Village.Kind.THON, "Thôn Ea Lâm 2"),
    (Village.Kind.THON, "Thôn Tân Lập"),
    (Village.Kind.THON, "Thôn Hòa Thuận"),
    (Village.Kind.BUON, "Buôn Ken"),
    (Village.Kind.BUON, "Buôn Ly"),
    (Village.Kind.BUON, "Buôn Chấp"),
]
EA_BA_VILLAGES = [
    (Village.Kind.THON, "Thôn Hai Riêng"),
    (Village.Kind.BUON, "Buôn Bá"),
    (Village.Kind.BUON, "Buôn Trinh"),
]

K = ResponsibleUnit.Kind
EA_LY_UNITS = [
    (K.LABOUR_DESK, "Bộ phận Lao động - Thương binh và Xã hội (Phòng Văn hóa - Xã hội)", "VHXH"),
    (K.CULTURE_RADIO, "Cán bộ Văn hóa - Thông tin và Đài truyền thanh xã", "VHTT"),
    (K.POLICE, "Công an xã Ea Ly", "CA"),
    (K.FRONT, "Ủy ban MTTQ Việt Nam xã và các đoàn thể", "MTTQ"),
    (K.HEALTH_STATION, "Trạm Y tế xã Ea Ly", "TYT"),
    (K.ENTERPRISES, "Các doanh nghiệp, cơ sở sản xuất - kinh doanh", "DN"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str  # "province", "ealy" or "eaba"
    responsible_unit_kind: str | None = None


R = User.Role
DEMO_ACCOUNTS = [
    DemoAccount("canbo.ealy", "Nguyễn Thị Hoa", R.COMMUNE_OFFICIAL, "ealy", K.LABOUR_DESK),
    DemoAccount("lanhdao.ealy", "Huỳnh Văn Hùng", R.COMMUNE_LEADER, "ealy"),
    DemoAccount("congan.ealy", "Trần Văn Nam", R.UNIT_REPORTER, "ealy", K.POLICE),
    DemoAccount("vhtt.ealy", "Lê Thị Mai", R.UNIT_REPORTER, "ealy", K.CULTURE_RADIO),
    DemoAccount("mttq.ealy", "Y Bil Niê", R.UNIT_REPORTER, "ealy", K.FRONT),
    DemoAccount("dn.ealy1", "Phạm Văn Đức", R.ENTERPRISE_USER, "ealy"),
    DemoAccount("dn.ealy2", "Võ Thị Lan", R.ENTERPRISE_USER, "ealy"),
    DemoAccount("canbo.eaba", "Đặng Văn Tùng", R.COMMUNE_OFFICIAL, "eaba"),
    DemoAccount("tinh.daklak", "Bùi Thị Thu", R.PROVINCE_VIEWER, "province"),
]


def _unit(*, lookup: dict, defaults: dict) -> AdministrativeUnit:
    unit, _created = AdministrativeUnit.objects.update_or_create(**lookup, defaults=defaults)
    return unit


@transaction.atomic
def load(*, today: date) -> dict:
    """Create or update the core demo records; returns them by name for the apps' demos."""
    daklak = _unit(
        lookup={"code": "66"},
        defaults={
            "level": AdministrativeUnit.Level.PROVINCE,
            "name": "Đắk Lắk",
            "valid_from": MERGER_DAY,
        },
    )
    # Former province and communes (before the 1 July 2025 merger). Their official codes are not
    # at hand, so they carry provisional codes rather than invented ones.
    phu_yen = _unit(
        lookup={"code_provisional": "CU-PHU-YEN"},
        defaults={
            "level": AdministrativeUnit.Level.PROVINCE,
            "name": "Phú Yên (cũ)",
            "valid_to": LAST_DAY_BEFORE_MERGER,
        },
    )
    former = {}
    for key, name in [
        ("ealam", "Ea Lâm (cũ)"),
        ("ealy_old", "Ea Ly (cũ)"),
        ("eabar", "Ea Bar (cũ)"),
    ]:
        former[key] = _unit(
            lookup={"code_provisional": f"CU-{key.upper()}"},
            defaults={
                "level": AdministrativeUnit.Level.COMMUNE,
                "name": name,
                "parent": phu_yen,
                "valid_to": LAST_DAY_BEFORE_MERGER,
            },
        )
    ealy = _unit(
        lookup={"code_provisional": "TAM-EA-LY"},
        defaults={
            "level": AdministrativeUnit.Level.COMMUNE,
            "name": "Ea Ly",
            "parent": daklak,
            "valid_from": MERGER_DAY,
        },
    )
    ealy.predecessors.add(former["ealam"], former["ealy_old"], former["eabar"])
    eaba = _unit(
        lookup={"code_provisional": "TAM-EA-BA"},
        defaults={
            "level": AdministrativeUnit.Level.COMMUNE,
            "name": "Ea Bá",
            "parent": daklak,
            "valid_from": MERGER_DAY,
        },
    )
    eaba.predecessors.add(former["eabar"])

    villages = {}
    for commune, rows in [(ealy, EA_LY_VILLAGES), (eaba, EA_BA_VILLAGES)]:
        for kind, name in rows:
            villages[name], _created = Village.objects.update_or_create(
                commune=commune, name=name, defaults={"kind": kind}
            )

    units = {}
    for kind, name, abbreviation in EA_LY_UNITS:
        units[kind], _created = ResponsibleUnit.objects.update_or_create(
            commune=ealy, kind=kind, defaults={"name": name, "abbreviation": abbreviation}
        )
    for name in ("Thôn Ea Lâm 1", "Buôn Ken"):
        ResponsibleUnit.objects.update_or_create(
            commune=ealy,
            village=villages[name],
            defaults={
                "kind": K.VILLAGE_BOARD,
                "name": f"Ban nhân dân {name}",
                "abbreviation": "BND",
            },
        )
    ResponsibleUnit.objects.update_or_create(
        commune=eaba,
        kind=K.LABOUR_DESK,
        defaults={"name": "Phòng Văn hóa - Xã hội xã Ea Bá", "abbreviation": "VHXH"},
    )

    homes = {"province": daklak, "ealy": ealy, "eaba": eaba}

    @functools.cache
    def password_hash() -> str:
        """Hashing is slow on purpose (about half a second): the new accounts share one hash
        of the one published demo password; existing accounts keep theirs."""
        return make_password(DEMO_PASSWORD)

    users = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first() or User(
            username=account.username
        )
        user.full_name = account.full_name
        user.role = account.role
        user.administrative_unit = homes[account.unit]
        user.email = f"{account.username}@example.invalid"
        if user.pk is None:
            user.password = password_hash()
        user.full_clean()
        user.save()
        if account.responsible_unit_kind:
            units[account.responsible_unit_kind].members.add(user)
        users[account.username] = user
    admin = User.objects.filter(username="admin").first() or User(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.full_name = "Quản trị hệ thống"
    admin.email = "admin@example.invalid"
    if admin.pk is None:
        admin.password = password_hash()
    admin.save()
    users["admin"] = admin

    return {
        "province": daklak,
        "ealy": ealy,
        "eaba": eaba,
        "villages": villages,
        "responsible_units": units,
        "users": users,
        "today": today,
    }
