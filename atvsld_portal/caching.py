"""Cached page fragments that are never served stale: each is keyed by what it shows.

A fragment's key carries a *generation* for every family of records it reads that changes in the
web process (a number in the shared cache that a signal receiver moves forward once the
transaction that changed such a record commits), a version read from the database where one
exists (for indicator values: when they were last computed), and whatever else the fragment
depends on (the day, the language, the role). A change therefore makes a new key rather than
deleting an old entry, which simply expires after ``FRAGMENT_TIMEOUT``.

The cache is an accelerator, never a dependency: when it cannot be reached the fragment is built
as if it were missing, nothing is stored, and the failure is logged.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from functools import partial

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# A fragment outlives its data only until a generation moves; the timeout merely bounds how
# long an entry no key names any more stays in memory (and how long a deploy's old markup lives).
FRAGMENT_TIMEOUT = 600


def _generation_key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> int | None:
    """The current generation of ``name``, or None when the cache cannot be reached.

    A counter that was evicted (or never set) restarts from the clock in nanoseconds, never from
    a number an older entry's key may still carry.
    """
    key = _generation_key(name)
    try:
        value = cache.get(key)
        if value is None:
            cache.add(key, time.time_ns(), timeout=None)
            value = cache.get(key)
    except Exception as exc:  # the cache backend's own connection errors
        logger.warning("Cache unavailable reading generation %s: %s", name, exc)
        return None
    return value


def _bump(name: str) -> None:
    key = _generation_key(name)
    try:
        try:
            cache.incr(key)
        except ValueError:  # missing: start from the clock, past every earlier number
            cache.add(key, time.time_ns(), timeout=None)
    except Exception as exc:
        # Entries already cached under the old generation live at most FRAGMENT_TIMEOUT.
        logger.warning("Cache unavailable moving generation %s: %s", name, exc)


def bump_generation(name: str) -> None:
    """Move ``name`` forward once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_bump, name), robust=True)


def fragment_key(name: str, *parts: object) -> str:
    """A short cache key for fragment ``name`` naming every part it depends on."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"fragment:{name}:{digest}"


def cached[T](key: str | None, build: Callable[[], T], timeout: int = FRAGMENT_TIMEOUT) -> T:
    """The value cached under ``key``, else ``build()`` stored there; ``key=None`` (a part of the
    key could not be read) only builds."""
    if key is None:
        return build()
    try:
        found = cache.get(key)
    except Exception as exc:
        logger.warning("Cache unavailable reading %s: %s", key, exc)
        return build()
    if found is not None:
        return found
    value = build()
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        logger.warning("Cache unavailable storing %s: %s", key, exc)
    return value
