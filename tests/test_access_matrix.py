"""The access matrix: every named URL, every role, objects inside and outside the role's scope.

The expected answers come from the "URL access matrix" of docs/permissions.md (one row per named
URL); the URLs come from the URLconf, so a new URL without a row fails the suite. Per URL, one
object of the row's kind is built in the personas' own commune and enterprise, in another
enterprise of the commune, in another commune of the province and in a commune of another
province (tests/access_world.py), then:

- own object: a ✓ role's GET answers 200 (or a redirect; 405 when the URL takes POST only);
  a 403 or 404 role gets exactly that on GET and on POST, and its POST writes no row;
- another enterprise's object: 404 for the enterprise user, on GET and on POST;
- another commune's object: 404 for CO, CL, UR and EU, on GET and on POST; the province
  viewer's GET answers as for its own object (pages only: documents are not rendered twice);
- another province's object: 404 for the province viewer, on GET and on POST.

✓ roles never POST here (the feature tests do), so the world stays as built within a URL's test.
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, resolve, reverse

from tests.access_world import (
    ENTERPRISE_OWNED,
    ROLES,
    URL_SETUPS,
    World,
    build,
    build_world,
    changed_tables,
    data_fingerprint,
)
from tests.test_anonymous_redirects import public_url_names, walk

NO_OBJECT = "—"
ALLOWED = "✓"
CELLS = {ALLOWED, "403", "404"}


@dataclass(frozen=True)
class Row:
    name: str
    kind: str  # the object its kwargs name, or NO_OBJECT
    cells: dict[str, str]  # role -> ✓ / 403 / 404


def matrix_rows() -> dict[str, Row]:
    """The rows of the URL access matrix in docs/permissions.md, by URL name."""
    text = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    block = text.split("<!-- url-access-matrix -->", 1)[1]
    block = block.split("<!-- end url-access-matrix -->", 1)[0]
    rows: dict[str, Row] = {}
    for line in block.splitlines():
        match = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if not match:
            continue
        name, rest = match.groups()
        kind, *cells = (cell.strip().strip("`") for cell in rest.split("|"))
        assert name not in rows, f"two rows for {name}"
        assert len(cells) == len(ROLES), f"{name}: {len(cells)} role cells"
        assert set(cells) <= CELLS, f"{name}: cells must be ✓, 403 or 404: {cells}"
        rows[name] = Row(name, kind, dict(zip(ROLES, cells, strict=True)))
    return rows


def routed_names() -> set[str]:
    """Every named URL of the URLconf except the admin's and the public allowlist."""
    public = public_url_names()
    return {
        name
        for name, _pattern in walk(get_resolver().url_patterns)
        if name and not name.startswith("admin:") and name not in public
    }


ROWS = matrix_rows()


def allowed_methods(name: str, kwargs: dict) -> set[str]:
    """The HTTP methods the URL's view accepts, read from its require_http_methods decorator
    (or the class-based view's handlers)."""
    callback = resolve(reverse(name, kwargs=kwargs)).func
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function = callback
    while function is not None:
        methods = inspect.getclosurevars(function).nonlocals.get("request_method_list")
        if methods is not None:
            return set(methods)
        function = getattr(function, "__wrapped__", None)
    return {"GET", "POST"}


# ------------------------------------------------------------------------------
# The matrix and the URLconf agree
# ------------------------------------------------------------------------------
def test_every_url_has_a_row_and_every_row_a_url():
    routed = routed_names()
    missing = sorted(routed - set(ROWS))
    unknown = sorted(set(ROWS) - routed)
    assert not missing, f"URLs without a row in the URL access matrix: {missing}"
    assert not unknown, f"rows naming no URL (or a public one): {unknown}"


def test_rows_name_an_object_kind_with_a_builder():
    from tests.access_world import BUILDERS

    for row in ROWS.values():
        assert row.kind == NO_OBJECT or row.kind in BUILDERS, (row.name, row.kind)


# ------------------------------------------------------------------------------
# Every URL, every role
# ------------------------------------------------------------------------------
# The world (places, personas and their logged-in clients) is built once for the module inside
# a transaction rolled back at its end; each URL's test (django_db) runs in a savepoint of it.
# Sessions live in signed cookies here: the portal saves the session on every request, and
# two thousand session writes would only slow the matrix down.
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (
        override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = build_world()
        for role, user in built.personas.items():
            built.clients[role] = Client()
            built.clients[role].force_login(user)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def quiet_request_log():
    """Expected 403, 404 and 405 answers are not news: only errors reach the log."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    yield
    request_log.setLevel(level)


def _finished(response):
    """Read a streamed body to its end, as a browser would (the test client then closes the
    response without closing the test's database connection)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


class Probe:
    """Sends one URL's requests and collects every disagreement with the matrix."""

    def __init__(self, world: World, name: str, methods: set[str]) -> None:
        self.name = name
        self.methods = methods
        self.clients = world.clients
        self.failures: list[str] = []
        self.downloads = False  # the URL answers with a file (not rendered twice for nothing)
        self.login_url = reverse("login")

    def _fail(self, role: str, where: str, method: str, expected: str, response) -> None:
        location = f" → {response['Location']}" if response.has_header("Location") else ""
        self.failures.append(
            f"{self.name} {role} {where} {method}: expected {expected}, "
            f"got {response.status_code}{location}"
        )

    def get(self, role: str, where: str, url: str, cell: str) -> None:
        if "GET" not in self.methods:
            if cell == ALLOWED:  # a POST-only URL answers GET with 405, whoever asks
                response = _finished(self.clients[role].get(url))
                if response.status_code != 405:
                    self._fail(role, where, "GET", "405 (POST only)", response)
            return
        response = _finished(self.clients[role].get(url))
        self.downloads |= response.has_header("Content-Disposition")
        if cell == ALLOWED:
            redirect_ok = response.status_code == 302 and not response["Location"].startswith(
                self.login_url
            )
            if response.status_code != 200 and not redirect_ok:
                self._fail(role, where, "GET", "200 or a redirect", response)
        elif response.status_code != int(cell):
            self._fail(role, where, "GET", cell, response)

    def post(self, role: str, where: str, url: str, cell: str) -> None:
        """A refused POST: the expected status, and not one row written."""
        if cell == ALLOWED or "POST" not in self.methods:
            return
        before = data_fingerprint()
        response = _finished(self.clients[role].post(url))
        if response.status_code != int(cell):
            self._fail(role, where, "POST", cell, response)
        written = changed_tables(before, data_fingerprint())
        if written:
            self.failures.append(f"{self.name} {role} {where} POST wrote to {written}")

    def both(self, role: str, where: str, url: str, cell: str) -> None:
        self.get(role, where, url, cell)
        self.post(role, where, url, cell)


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_request_log")
@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(world, name):
    row = ROWS[name]
    if row.kind == NO_OBJECT:
        URL_SETUPS.get(name, lambda _world: None)(world)
        own_kwargs = {}
    else:
        own_kwargs = build(row.kind, world, world.own, name)
    probe = Probe(world, name, allowed_methods(name, own_kwargs))

    own_url = reverse(name, kwargs=own_kwargs)
    for role in ROLES:
        probe.both(role, "own", own_url, row.cells[role])

    if row.kind != NO_OBJECT:

        def url_in(scope: str) -> str:
            return reverse(name, kwargs=build(row.kind, world, world.scopes[scope], name))

        if row.kind in ENTERPRISE_OWNED:
            probe.both("EU", "other enterprise", url_in("other_enterprise"), "404")
        url = url_in("other_commune")
        for role in ("CO", "CL", "UR", "EU"):
            probe.both(role, "other commune", url, "404")
        if not probe.downloads:  # the province viewer reads the province's other communes
            probe.get("PV", "other commune", url, row.cells["PV"])
        probe.both("PV", "other province", url_in("other_province"), "404")

    assert not probe.failures, "\n".join(probe.failures)
