"""Crawl the portal as every demo account (run by tests/test_make_run_walk.py in a subprocess
set up exactly as `make run` sets it up: DEBUG on, SQLite, eager Celery).

Logs in through the real login form, then follows the same-site links reachable from the home
page, visiting every kind of page (route) at most PER_ROUTE times, and prints one JSON object:
{username: {"pages": {path: status}, "home": html}}.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import deque
from urllib.parse import urldefrag, urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atvsld_portal.settings.base")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from atvsld_portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402

HREF = re.compile(r'href="([^"#][^"]*)"')
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/admin/", "/i18n/")
MAX_PAGES = 400
PER_ROUTE = 2  # two objects of each kind show a page works without crawling every record


def route_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path


def crawl(username: str) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        return {"login": response.status_code}
    seen: dict[str, int] = {}
    per_route: dict[str, int] = {}
    queue = deque(["/"])
    home_text = ""
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        route = route_of(path)
        if path in seen or per_route.get(route, 0) >= PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(path, follow=True)
        seen[path] = response.status_code
        if path == "/":
            home_text = response.text
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.text):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if (
                parts.scheme
                or parts.netloc
                or not href.startswith("/")
                or href.startswith(SKIP_PREFIXES)
            ):
                continue
            if href not in seen:
                queue.append(href)
    return {"pages": seen, "home": home_text}


def main() -> None:
    usernames = [account.username for account in DEMO_ACCOUNTS] + ["admin"]
    result = {username: crawl(username) for username in usernames}
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
