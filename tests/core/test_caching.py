"""Generations and cached fragments: a change after commit makes a new key; a rollback does not;
an evicted counter never falls back to a number an old key carries; a cache that cannot be
reached costs a rebuild, never an error."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from atvsld_portal.caching import bump_generation, cached, fragment_key, generation

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_a_generation_moves_only_once_its_transaction_commits(django_capture_on_commit_callbacks):
    start = generation("things")
    assert generation("things") == start

    with django_capture_on_commit_callbacks(execute=False):
        bump_generation("things")
    assert generation("things") == start  # rolled back: the callback never ran

    with django_capture_on_commit_callbacks(execute=True):
        bump_generation("things")
    assert generation("things") == start + 1


def test_an_evicted_generation_restarts_above_every_earlier_number(
    django_capture_on_commit_callbacks,
):
    start = generation("things")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            bump_generation("things")
    moved = generation("things")
    assert moved == start + 3

    cache.delete("generation:things")

    assert generation("things") > moved


def test_cached_builds_once_per_key():
    calls = []

    def build():
        calls.append(1)
        return f"built {len(calls)}"

    key = fragment_key("page", 1, "vi")
    assert cached(key, build) == "built 1"
    assert cached(key, build) == "built 1"
    assert cached(fragment_key("page", 2, "vi"), build) == "built 2"
    assert cached(None, build) == "built 3"  # no key: never stored
    assert len(calls) == 3


def test_an_unreachable_cache_costs_a_rebuild_not_an_error(settings, caplog):
    settings.CACHES = DEAD_CACHE

    assert generation("things") is None
    bump_generation("things")  # logged, not raised
    assert cached(fragment_key("page", 1), lambda: "built") == "built"
    assert "Cache unavailable" in caplog.text


def test_fragment_keys_name_every_part():
    assert fragment_key("page", 1, 2) != fragment_key("page", 1, 3)
    assert fragment_key("page", 1, 2) != fragment_key("other", 1, 2)
    assert fragment_key("page", 1, 2) == fragment_key("page", 1, 2)
