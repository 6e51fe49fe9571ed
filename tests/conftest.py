"""Shared fixtures: places and personas.

alice is the commune OSH official of the commune under test; dave is the official of another
commune in the same province; erin reads the whole province. Enterprise personas (bob and
charlie) arrive with the enterprise registry.
"""

from __future__ import annotations

import pytest

from atvsld_portal.models import User
from tests.core.factories import CommuneFactory, ProvinceFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province(db):
    return ProvinceFactory(code="66", name="Đắk Lắk")


@pytest.fixture
def commune(province):
    return CommuneFactory(parent=province, name="Ea Ly", code=None, code_provisional="TEST-EA-LY")


@pytest.fixture
def other_commune(province):
    return CommuneFactory(parent=province, name="Ea Bá", code=None, code_provisional="TEST-EA-BA")


@pytest.fixture
def officer(commune):
    """alice: commune OSH official."""
    return UserFactory(
        username="alice", role=User.Role.COMMUNE_OFFICIAL, administrative_unit=commune
    )


@pytest.fixture
def leader(commune):
    return UserFactory(username="lena", role=User.Role.COMMUNE_LEADER, administrative_unit=commune)


@pytest.fixture
def other_officer(other_commune):
    """dave: official of another commune."""
    return UserFactory(
        username="dave", role=User.Role.COMMUNE_OFFICIAL, administrative_unit=other_commune
    )


@pytest.fixture
def province_viewer(province):
    """erin: reads every commune of the province."""
    return UserFactory(
        username="erin", role=User.Role.PROVINCE_VIEWER, administrative_unit=province
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def enterprise(commune):
    from tests.enterprises.factories import EnterpriseFactory

    return EnterpriseFactory(commune=commune, name="Công ty TNHH Đá Ea Ly")


@pytest.fixture
def other_enterprise(commune):
    from tests.enterprises.factories import EnterpriseFactory

    return EnterpriseFactory(commune=commune, name="Công ty TNHH Gạch Tân Lập")


@pytest.fixture
def enterprise_owner(enterprise):
    """bob: files for `enterprise`."""
    from tests.enterprises.factories import MemberFactory

    bob = UserFactory(
        username="bob", role=User.Role.ENTERPRISE_USER, administrative_unit=enterprise.commune
    )
    MemberFactory(user=bob, enterprise=enterprise)
    return bob


@pytest.fixture
def other_enterprise_owner(other_enterprise):
    """charlie: files for `other_enterprise` of the same commune."""
    from tests.enterprises.factories import MemberFactory

    charlie = UserFactory(
        username="charlie",
        role=User.Role.ENTERPRISE_USER,
        administrative_unit=other_enterprise.commune,
    )
    MemberFactory(user=charlie, enterprise=other_enterprise)
    return charlie


# The `make run` walk (tests/make_run.py) starts in the background as soon as the suite knows it
# will need it, and runs on the processor the single-process suite leaves idle.
def pytest_collection_finish(session):
    from tests import make_run

    make_run.start_in_background(session)


def pytest_sessionfinish(session):
    from tests import make_run

    make_run.stop_background(session)
