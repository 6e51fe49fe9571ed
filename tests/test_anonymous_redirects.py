"""Every non-public URL sends an anonymous visitor to the login page.

The routes are walked from the URLconf, so a new view is covered the moment it is routed. The
public URLs are the allowlist in docs/permissions.md.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

SAMPLE_ARGS = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "mau", "str": "mau", "path": "mau"}


def public_url_names() -> set[str]:
    text = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    block = text.split("<!-- public-url-names", 1)[1].split("<!-- end public-url-names -->", 1)[0]
    return set(re.findall(r"^- `([^`]+)`", block, re.MULTILINE))


def walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern)


def sample_path(pattern: str) -> str:
    path = pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGS.get(m.group(1) or "str", "mau"), path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)  # regex routes (admin)
    path = path.replace("\\", "")
    return "/" + path


def routes():
    for name, pattern in walk(get_resolver().url_patterns):
        path = sample_path(pattern)
        if path.startswith("/admin/") or name in public_url_names():
            continue  # the admin has its own login (tested below); public URLs are allowlisted
        yield name, path


def test_allowlist_names_exist():
    for name in public_url_names():
        if name in {"password_reset_confirm"}:
            reverse(name, kwargs={"uidb64": "x", "token": "y"})
        elif name == "reporting:verify":
            reverse(name, kwargs={"token": uuid.uuid4()})
        else:
            reverse(name)


@pytest.mark.parametrize(("name", "path"), list(routes()))
def test_anonymous_is_sent_to_login(client, name, path):
    response = client.get(path)
    assert response.status_code == 302, (name, path, response.status_code)
    assert response["Location"].startswith(reverse("login") + "?next="), (name, path)


def test_admin_sends_anonymous_to_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_public_urls_answer_anonymous(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
