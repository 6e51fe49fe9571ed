"""Hostile input through every form of the portal (issue 9, deliverable 3).

The world is a commune whose records hold the corpus in every free-text field
(tests/hardening/world.py). Every persona walks the portal from the home page; every form it is
shown is submitted, once per kind of form:

1. with every box the user types into carrying a different corpus string: never a server error;
   either saved, or the form again with Vietnamese errors next to the fields and what was typed
   kept (small action forms on a detail page answer with a Vietnamese message instead);
2. with storable corpus strings in the free-text boxes and valid values elsewhere: saved, each
   string stored intact in composed form (NFC) without invisible characters, and the page the
   user lands on shows it inert;
3. with 31/02/2026 in every date box: refused with a Vietnamese message next to the field.

Search and filter forms (GET) get the corpus in every parameter. A form route of the URLconf
that the walk never submitted fails the suite.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from atvsld_portal.text import normalise_text
from tests.hardening.corpus import (
    CORPUS,
    IMPOSSIBLE_DATE,
    IMPOSSIBLE_DATE_ISO,
    IMPOSSIBLE_DATETIME,
    IMPOSSIBLE_DATETIME_LOCAL,
    PARAMETER_ATTACKS,
    STORABLE,
)
from tests.hardening.pages import is_vietnamese, read_page
from tests.hardening.walker import (
    FoundForm,
    base_data,
    correct_errors,
    error_near_field,
    hostile_data,
    make_client,
    messages_in,
    storable_data,
    stored_problems,
    submit,
    walk,
    without_corpus,
)
from tests.hardening.world import build_hostile_world

pytestmark = pytest.mark.django_db

PERSONAS = ("CO", "EU", "CL", "UR", "PV", "anon")
# POST routes the walk does not submit, and why.
NOT_SUBMITTED = {
    "logout": "ends the session the walk runs in; it has no field",
    "set_language": "Django's own view; switching the language would change every message",
}
# Forms whose typed text is looked up or checked, never stored.
NOT_STORED = {
    "login": "the username is looked up, never stored",
}
CORPUS_TEXTS = [item.text for item in CORPUS] + [normalise_text(i.text) for i in CORPUS]


# ------------------------------------------------------------------------------
# The world and the walk (built once for the module, rolled back at its end)
# ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_hostile_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world):
    personas = {key: world.personas.get(key) for key in PERSONAS}
    return {key: make_client(user) for key, user in personas.items()}


@pytest.fixture(scope="module")
def walked(world, clients):
    officer = world.personas["CO"]
    token_url = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(officer.pk)),
            default_token_generator.make_token(officer),
        ],
    )
    seeds = {
        "anon": ["/accounts/login/", "/accounts/password/reset/", token_url],
        **{persona: ["/accounts/password/change/"] for persona in PERSONAS if persona != "anon"},
    }
    # The leader issues a generated report (a form only the leader is shown).
    seeds["CL"].append(world.objects["quarterly_ready"].get_absolute_url())
    return walk(clients, seeds, every_object={"CO", "EU"})


@pytest.fixture(scope="module")
def post_forms(walked) -> list[FoundForm]:
    return walked.unique_forms("post")


# ------------------------------------------------------------------------------
# 1. Hostile input: never a server error, refused with Vietnamese messages, text kept
# ------------------------------------------------------------------------------
def test_the_corpus_says_what_a_form_keeps():
    for item in STORABLE:
        assert normalise_text(item.text).strip() == item.stored, item.key


def test_the_page_reader_sees_what_would_run():
    """The check the walk relies on: injected markup is found, escaped text is not."""
    injected = read_page(
        '<p><img src=x onerror=alert(1)></p><a href=" javascript:alert(1)">x</a>'
        "<script>alert(1)</script>"
    )
    assert len(injected.unsafe) == 4
    escaped = read_page(
        "<p>&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)</p>"
        '<a href="/?q=javascript:alert(1)">x</a><input value="&lt;script&gt;alert(1)">'
    )
    assert escaped.unsafe == []


def test_every_page_shows_hostile_text_inert(walked):
    errors = {key: status for key, status in walked.pages.items() if status >= 500}
    assert not errors
    assert not walked.unsafe
    # The corpus is on the pages, as text.
    assert walked.escaped_script_pages >= 20
    assert len(walked.pages) > 150


def test_every_form_refuses_or_keeps_hostile_input(clients, post_forms):
    problems = []
    for index, found in enumerate(post_forms):
        data, typed = hostile_data(found, offset=index * 5)
        outcome, _ = submit(clients[found.persona], found, data)
        problems.extend(f"{found}: {p}" for p in _hostile_problems(found, typed, outcome))
    assert not problems, "\n".join(problems)


def _hostile_problems(found: FoundForm, typed: dict[str, str], outcome) -> list[str]:
    if outcome.crash:
        return [f"server error {outcome.status}: {outcome.crash}"]
    if outcome.status not in {200, 302}:
        return [f"answered {outcome.status}"]
    page = outcome.page
    problems = []
    shown = messages_in(page) if page else []
    problems.extend(
        f"message not in Vietnamese: {m!r}"
        for m in shown
        if not is_vietnamese(without_corpus(m, list(typed.values())))
    )
    if outcome.status == 302:
        return problems
    if not outcome.errors:
        return [*problems, "shown again without any error"]
    for name, messages in outcome.errors.items():
        if name != "__all__" and found.form.by_name(name) and not error_near_field(page, name):
            problems.append(f"error of {name} not shown at the field: {messages}")
    # Text fields must refuse NUL (PostgreSQL would); a number box refuses anything not a number.
    nul_fields = [
        name
        for name, text in typed.items()
        if "\x00" in text and found.form.by_name(name).free_text
    ]
    for name in nul_fields:
        if name not in outcome.errors:
            problems.append(f"{name}: the NUL character was not refused")
    for name, text in typed.items():
        item = found.form.by_name(name)
        again = next((f for f in page.forms for f in f.fields if f.name == name), None)
        if item.type == "password" or again is None:
            continue
        if again.value != normalise_text(text):
            problems.append(f"{name}: typed text not kept ({again.value[:40]!r})")
    return problems


# ------------------------------------------------------------------------------
# 2. Storable hostile text: saved intact, in NFC, shown inert
# ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stored_runs(clients, post_forms):
    """Each form with free text, saved with storable corpus strings (corrected where the form
    refused a value, as a user would): (form, data sent, outcome, problems)."""
    runs = []
    for index, found in enumerate(post_forms):
        if found.route in NOT_STORED:
            continue
        data, typed = storable_data(found, offset=index * 3)
        if not typed:
            continue
        tried: dict[str, set] = {}
        for _attempt in range(8):
            outcome, problems = submit(
                clients[found.persona],
                found,
                data,
                inspect=lambda o, typed=typed: stored_problems(typed) if o.saved else None,
                follow=True,
            )
            if outcome.status != 200 or not correct_errors(
                found, data, typed, outcome.errors, tried
            ):
                break
        runs.append((found, data, typed, outcome, problems or []))
    return runs


def test_forms_store_hostile_text_intact_and_show_it_inert(stored_runs):
    assert len(stored_runs) >= 30
    problems = []
    for found, _data, typed, outcome, stored in stored_runs:
        if outcome.crash:
            problems.append(f"{found}: server error: {outcome.crash}")
        elif not outcome.saved:
            detail = outcome.errors or outcome.flash_errors or outcome.status
            problems.append(f"{found}: not saved with valid values: {detail}")
        else:
            problems.extend(f"{found}: {p}" for p in stored)
            if outcome.page is not None and outcome.page.unsafe:
                problems.append(f"{found}: unsafe page after saving: {outcome.page.unsafe}")
            if not typed:
                problems.append(f"{found}: every free text was refused")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------
# 3. Impossible dates
# ------------------------------------------------------------------------------
IMPOSSIBLE = {
    "date": IMPOSSIBLE_DATE,
    "datetime": IMPOSSIBLE_DATETIME,
    "iso-date": IMPOSSIBLE_DATE_ISO,
    "iso-datetime": IMPOSSIBLE_DATETIME_LOCAL,
}


def test_impossible_dates_are_refused_with_a_vietnamese_message(clients, post_forms, stored_runs):
    """Every date box of every form at once holds 31/02, the rest what saved (or what the page
    showed, for a form without free text)."""
    saved_data = {id(found): data for found, data, _t, outcome, _s in stored_runs if outcome.saved}
    problems = []
    checked = 0
    for found in post_forms:
        dates = [f for f in found.form.fields if f.date_kind and f.typable]
        if not dates:
            continue
        checked += 1
        data = saved_data.get(id(found)) or base_data(found.form)
        wrong = {**data, **{f.name: [IMPOSSIBLE[f.date_kind]] for f in dates}}
        outcome, _ = submit(clients[found.persona], found, wrong)
        if outcome.crash or outcome.saved:
            problems.append(f"{found}: 31/02 answered {outcome.status} {outcome.crash}")
            continue
        shown = outcome.flash_errors + [m for ms in outcome.errors.values() for m in ms]
        if not any("ngày" in m.lower() for m in shown):
            problems.append(f"{found}: no Vietnamese date message: {shown}")
        for item in dates:
            if outcome.status == 200 and item.name not in outcome.errors:
                problems.append(f"{found}: {item.name} accepted 31/02")
            elif outcome.status == 200 and not error_near_field(outcome.page, item.name):
                problems.append(f"{found}: {item.name}: the error is not at the field")
    assert checked >= 15
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------
# Search and filter forms
# ------------------------------------------------------------------------------
def test_search_and_filter_forms_survive_hostile_parameters(clients, walked):
    """Each GET form once with the corpus rotated over its parameters, then once per attack
    in every parameter at the same time (a filter, a page number, a search box)."""
    problems = []
    forms = walked.unique_forms("get")
    assert len(forms) >= 5
    for index, found in enumerate(forms):
        boxes = [f for f in found.form.fields if f.type != "hidden"]
        rounds = [{f.name: CORPUS[(index + i) % len(CORPUS)].text for i, f in enumerate(boxes)}]
        rounds += [{f.name: attack.text for f in boxes} for attack in PARAMETER_ATTACKS]
        rounds[-1]["page"] = "²"
        for values in rounds:
            data = {**base_data(found.form), **{k: [v] for k, v in values.items()}}
            outcome, _ = submit(clients[found.persona], found, data)
            if outcome.status not in {200, 404}:  # 404: a filter naming no object
                problems.append(f"{found}: answered {outcome.status} {outcome.crash}")
            elif outcome.page and outcome.page.unsafe:
                problems.append(f"{found}: {outcome.page.unsafe}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------
# Coverage: every form route of the URLconf is submitted
# ------------------------------------------------------------------------------
def _post_routes() -> set[str]:
    def methods(callback) -> list[str] | None:
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            return [m for m in view_class.http_method_names if hasattr(view_class, m)]
        function = callback
        while function is not None:
            for name, cell in zip(
                function.__code__.co_freevars, function.__closure__ or (), strict=False
            ):
                if name == "request_method_list":
                    return [m.lower() for m in cell.cell_contents]
            function = getattr(function, "__wrapped__", None)
        return None  # no method decorator: may take a POST

    def patterns(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from patterns(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", pattern.callback

    return {
        name
        for name, callback in patterns(get_resolver())
        if (methods(callback) is None or "post" in methods(callback))
    }


def test_every_form_route_is_submitted(post_forms):
    submitted = {found.route for found in post_forms}
    missing = _post_routes() - submitted - set(NOT_SUBMITTED)
    assert not missing, f"form routes no persona was shown a form for: {sorted(missing)}"
