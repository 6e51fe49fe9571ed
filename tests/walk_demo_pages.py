"""Crawl the portal as every demo account (run by tests/test_make_run_walk.py in a subprocess
set up exactly as `make run` sets it up: DEBUG on, SQLite, eager Celery).

Logs in through the real login form, then follows every same-site link reachable from the home
page and prints one JSON object: {username: {path: status}} plus each home page's unit name.
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

from atvsld_portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: E402

HREF = re.compile(r'href="([^"#][^"]*)"')
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/admin/", "/i18n/")
MAX_PAGES = 300


def crawl(username: str) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        return {"login": response.status_code}
    seen: dict[str, int] = {}
    queue = deque(["/"])
    home_text = ""
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
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
