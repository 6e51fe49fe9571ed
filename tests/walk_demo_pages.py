"""Crawl the portal as every demo account (run by tests/test_make_run_walk.py in a subprocess
set up exactly as `make run` sets it up: DEBUG on, SQLite, eager Celery).

Logs in through the real login form, then follows the same-site links reachable from the home
page, visiting every kind of page (route) at most PER_ROUTE times. Every HTML page it gets is
scanned (``scan_page``) for what the Content-Security-Policy forbids or CSRF needs: inline
scripts (JSON data blocks included: the portal has none), ``<style>`` elements, ``style=``
attributes, inline event handlers (``on…=``, htmx's ``hx-on``, ``hx-vars``, ``js:`` values and
event filters, which htmx evaluates as code), ``javascript:`` URLs, a POST form without its
CSRF token, and a missing or lax Content-Security-Policy header. The login form and the pages it
links to are crawled and scanned anonymously first.

The accounts are shared among a few worker processes (one per processor, or WALK_WORKERS), each
on its own copy of the SQLite file (what one account's visits write, such as the personal-data
view log, stays in its copy).
Prints one JSON object: {"anonymous": {...}, "accounts": {username: {...}}} where each crawl is
{"pages": {path: status}, "home": html, "problems": {path: [problem]}, "scanned": n,
"post_forms": n, "seconds": s}.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

SKIP_PREFIXES = ("/static/", "/accounts/logout", "/admin/", "/i18n/")
MAX_PAGES = 400
PER_ROUTE = 2  # two objects of each kind show a page works without crawling every record
LOGIN_PATH = "/accounts/login/"
MAX_WORKERS = 4
LONGEST_CRAWLS = ("tinh.daklak", "canbo.ealy", "admin")  # they see the most pages

# ------------------------------------------------------------------------------
# The page scan (standard library only, so the tests can exercise it directly)
# ------------------------------------------------------------------------------
HTMX_CODE_ATTRIBUTES = {"hx-vars"}  # always evaluated as JavaScript
URL_SCHEMES_WITH_CODE = ("javascript:", "vbscript:")
LAX_KEYWORDS = ("'unsafe-inline'", "'unsafe-eval'")


def _is_code_url(value: str) -> bool:
    """``javascript:`` however it is spelt: browsers drop control characters and spaces from
    the scheme and ignore its case."""
    squeezed = "".join(ch for ch in value if ch > " ").lower()
    return squeezed.startswith(URL_SCHEMES_WITH_CODE)


class PageScan(HTMLParser):
    """One HTML page: its links, and what the CSP would block or a POST would miss."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []
        self.post_forms = 0
        self._post_form: dict | None = None

    def _problem(self, text: str) -> None:
        self.problems.append(f"line {self.getpos()[0]}: {text}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name == "style":
                self._problem(f"style attribute on <{tag}>")
            elif name.startswith("on"):
                self._problem(f"inline event handler {name}= on <{tag}>")
            elif name.startswith("hx-on") or name in HTMX_CODE_ATTRIBUTES:
                self._problem(f"htmx inline code {name}= on <{tag}>")
            elif name == "hx-vals" and value.lstrip().startswith(("js:", "javascript:")):
                self._problem(f"htmx evaluated hx-vals on <{tag}>")
            elif name == "hx-trigger" and "[" in value:
                self._problem(f"htmx event filter (evaluated code) on <{tag}>")
            if _is_code_url(value):
                self._problem(f"javascript: URL in {name}= on <{tag}>")
        if tag == "script" and not values.get("src"):
            kind = values.get("type") or "text/javascript"
            self._problem(f"inline <script> ({kind})")
        elif tag == "style":
            self._problem("<style> element")
        elif tag == "form":
            self._close_form()
            if values.get("method", "get").strip().lower() == "post":
                self._post_form = {"line": self.getpos()[0], "token": False}
        elif (
            tag == "input"
            and self._post_form is not None
            and values.get("name") == "csrfmiddlewaretoken"
            and values.get("value")
        ):
            self._post_form["token"] = True
        if "href" in values:
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._close_form()

    def close(self) -> None:
        super().close()
        self._close_form()

    def _close_form(self) -> None:
        form, self._post_form = self._post_form, None
        if form is None:
            return
        self.post_forms += 1
        if not form["token"]:
            self.problems.append(f"line {form['line']}: POST form without csrfmiddlewaretoken")


def csp_problems(header: str | None) -> list[str]:
    """A policy must be sent, restrict where scripts and styles come from, and allow no inline
    code and no eval."""
    if not header:
        return ["no Content-Security-Policy header"]
    problems = [f"CSP allows {lax}" for lax in LAX_KEYWORDS if lax in header.lower()]
    directives = {}
    for part in header.split(";"):
        words = part.lower().split()
        if words:
            directives[words[0]] = words[1:]
    for kind, wide_open in (
        ("script-src", {"*", "data:", "http:", "https:"}),
        ("style-src", {"*"}),
    ):
        sources = directives.get(kind, directives.get("default-src"))
        if sources is None:
            problems.append(f"CSP does not restrict {kind}")
        elif wide_open.intersection(sources):
            problems.append(f"CSP {kind} is wide open: {' '.join(sources)}")
    return problems


def scan_page(html: str, csp_header: str | None) -> PageScan:
    scan = PageScan()
    scan.feed(html)
    scan.close()
    scan.problems.extend(csp_problems(csp_header))
    return scan


# ------------------------------------------------------------------------------
# The crawl (needs Django set up: run as a script)
# ------------------------------------------------------------------------------
def route_of(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path


def _same_site(href: str) -> str | None:
    href = urldefrag(href)[0]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP_PREFIXES):
        return None
    return href


def crawl(username: str | None) -> dict:
    """Crawl as ``username`` (logged in through the form), or anonymously from the login page."""
    from django.test import Client

    from atvsld_portal.demo import DEMO_PASSWORD

    started = time.monotonic()
    client = Client(HTTP_HOST="127.0.0.1")
    start = LOGIN_PATH
    if username is not None:
        response = client.post(LOGIN_PATH, {"username": username, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            return {"login": response.status_code}
        start = "/"
    seen: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    per_route: dict[str, int] = {}
    queue = deque([start])
    home_text = ""
    scanned = post_forms = 0
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        route = route_of(path)
        if path in seen or per_route.get(route, 0) >= PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(path, follow=True)
        seen[path] = response.status_code
        if path == start:
            home_text = response.text
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        scan = scan_page(response.text, response.get("Content-Security-Policy"))
        scanned += 1
        post_forms += scan.post_forms
        if scan.problems:
            problems[path] = scan.problems
        for href in scan.links:
            href = _same_site(href)
            if href and href not in seen:
                queue.append(href)
    return {
        "pages": seen,
        "home": home_text,
        "problems": problems,
        "scanned": scanned,
        "post_forms": post_forms,
        "seconds": round(time.monotonic() - started, 1),
    }


def _crawl_one(username: str | None) -> tuple[str | None, dict]:
    return username, crawl(username)


def _use_own_database_copy() -> None:
    """Pool initializer: this worker reads and writes its own copy of the SQLite file."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    database = settings.DATABASES["default"]
    copy = f"{database['NAME']}.walk-{os.getpid()}"
    shutil.copyfile(database["NAME"], copy)
    database["NAME"] = copy


def _workers(jobs: int) -> int:
    """One per processor (WALK_WORKERS when the caller knows better), at most MAX_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    wanted = int(os.environ.get("WALK_WORKERS") or cpus)
    return max(1, min(jobs, wanted, MAX_WORKERS))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atvsld_portal.settings.base")
    import django

    django.setup()
    from django.conf import settings

    from atvsld_portal.demo import DEMO_ACCOUNTS

    usernames = [account.username for account in DEMO_ACCOUNTS] + ["admin"]
    # The longest crawls first, so that the workers finish together.
    jobs: list[str | None] = sorted([None, *usernames], key=lambda name: name not in LONGEST_CRAWLS)
    workers = _workers(len(jobs))
    database = Path(settings.DATABASES["default"]["NAME"])
    if workers == 1:
        results = dict(map(_crawl_one, jobs))
    else:
        # Forked after setup and before any query: the workers share the loaded code.
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(workers, initializer=_use_own_database_copy) as pool:
                results = dict(pool.imap_unordered(_crawl_one, jobs, chunksize=1))
        finally:
            for copy in database.parent.glob(f"{database.name}.walk-*"):
                copy.unlink()
    output = {"anonymous": results[None], "accounts": {name: results[name] for name in usernames}}
    json.dump(output, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
