"""The `make run` path (tests/make_run.py): a fresh SQLite file, eager Celery, the demo data,
every page as every demo account and anonymously. Grows with every issue (the crawl follows
every link the pages show). Every HTML page of the crawl is scanned for inline code the
Content-Security-Policy must block, for its CSP header and for the CSRF token of its POST forms
(tests/walk_demo_pages.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.make_run import walk_result
from tests.walk_demo_pages import PageScan, csp_problems, scan_page

BASE_DIR = Path(settings.BASE_DIR)
ANONYMOUS = "(anonymous)"
EXPECTED_HOME = {
    "canbo.ealy": "Xã Ea Ly",
    "lanhdao.ealy": "Xã Ea Ly",
    "congan.ealy": "Xã Ea Ly",
    "vhtt.ealy": "Xã Ea Ly",
    "mttq.ealy": "Xã Ea Ly",
    "dn.ealy1": "Xã Ea Ly",
    "dn.ealy2": "Xã Ea Ly",
    "canbo.eaba": "Xã Ea Bá",
    "tinh.daklak": "Tỉnh Đắk Lắk",
}


@pytest.fixture(scope="module")
def walk(request):
    """The crawl of the `make run` path (tests/make_run.py), usually started in the background
    when the suite was collected."""
    result = walk_result(request.config)
    return {**result["accounts"], ANONYMOUS: result["anonymous"]}


def accounts(walk) -> dict:
    return {name: result for name, result in walk.items() if name != ANONYMOUS}


def test_every_account_logs_in(walk):
    assert set(accounts(walk)) == {*EXPECTED_HOME, "admin"}
    for username, result in accounts(walk).items():
        assert "login" not in result, f"{username} could not log in"


def test_every_page_answers_200_for_every_account(walk):
    failures = {
        f"{username} {path}": status
        for username, result in walk.items()
        for path, status in result["pages"].items()
        if status != 200
    }
    assert failures == {}


def test_each_account_sees_its_own_commune_or_province(walk):
    for username, unit in EXPECTED_HOME.items():
        assert unit in walk[username]["home"], username
    assert "Xã Ea Bá" not in walk["canbo.ealy"]["home"]


def test_the_walk_reaches_more_than_the_home_page(walk):
    assert "/accounts/password/change/" in walk["canbo.ealy"]["pages"]
    assert "/accounts/password/reset/" in walk[ANONYMOUS]["pages"]


# ------------------------------------------------------------------------------
# The page scan: CSP without 'unsafe-inline' holds on every page, CSRF on every POST form
# ------------------------------------------------------------------------------
def test_every_page_passes_the_csp_and_csrf_scan(walk):
    problems = {
        f"{username} {path}": found
        for username, result in walk.items()
        for path, found in result["problems"].items()
    }
    assert problems == {}


def test_the_scan_read_every_html_page_and_met_post_forms(walk):
    for username, result in walk.items():
        assert result["scanned"] > 0, username
        assert result["post_forms"] > 0, username  # at least the logout or login form
    assert sum(result["scanned"] for result in walk.values()) > 200


def test_the_scan_finds_each_kind_of_inline_code_and_a_form_without_token():
    page = """<!doctype html><html><head>
      <script>alert(1)</script>
      <script type="application/json" id="data">{"a": 1}</script>
      <script src="/static/js/ok.js" defer></script>
      <style>p { color: red }</style>
    </head><body>
      <p style="color: red">x</p>
      <button onclick="go()">go</button>
      <div hx-on:click="go()" hx-get="/x/" hx-trigger="keyup[ctrlKey]"></div>
      <a href=" JaVa&#x09;script:alert(1)">link</a>
      <a href="/fine/?a=1&amp;b=2">fine</a>
      <form method="POST" action="/a/"><input type="text" name="q"></form>
      <form method="post" action="/b/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      </form>
      <form method="get" action="/c/"></form>
    </body></html>"""
    scan = scan_page(page, "default-src 'self'; style-src 'self' 'unsafe-inline'")
    found = "\n".join(scan.problems)
    for expected in (
        "inline <script> (text/javascript)",
        "inline <script> (application/json)",
        "<style> element",
        "style attribute on <p>",
        "inline event handler onclick= on <button>",
        "htmx inline code hx-on:click= on <div>",
        "htmx event filter",
        "javascript: URL in href= on <a>",
        "line 12: POST form without csrfmiddlewaretoken",
        "CSP allows 'unsafe-inline'",
    ):
        assert expected in found, expected
    assert len(scan.problems) == 10, found  # the external script and the token form pass
    assert scan.post_forms == 2
    assert "/fine/?a=1&b=2" in scan.links


def test_the_scan_requires_a_strict_csp_header():
    assert csp_problems("default-src 'self'; img-src 'self' data:") == []
    assert csp_problems(None) == ["no Content-Security-Policy header"]
    assert csp_problems("img-src 'self'") == [
        "CSP does not restrict script-src",
        "CSP does not restrict style-src",
    ]
    assert "CSP allows 'unsafe-eval'" in csp_problems("default-src 'self' 'unsafe-eval'")
    assert csp_problems("default-src 'self'; script-src *") == ["CSP script-src is wide open: *"]


def test_no_page_template_outside_the_pdf_layouts_carries_inline_code():
    """The pages the crawl does not reach (a form with errors, an htmx fragment) come from the
    same templates: none may carry inline code. PDF layouts are read by WeasyPrint, not by a
    browser, and keep their inline styles."""
    problems = {}
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "pdf" in path.relative_to(BASE_DIR / "templates").parts or '{% extends "pdf/' in text:
            continue
        scan = PageScan()
        scan.feed(text)
        scan.close()
        found = [p for p in scan.problems if "csrfmiddlewaretoken" not in p]  # {% csrf_token %}
        if found:
            problems[str(path.relative_to(BASE_DIR))] = found
    assert problems == {}
