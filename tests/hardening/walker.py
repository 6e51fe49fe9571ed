"""Walk the portal as each persona and submit every form it shows with hostile input.

The walk follows the links of every page from the home page (each route once, the detail page
of every object for the personas whose forms depend on the object's state), notes every
``<form>`` and checks that nothing on the page would run. Each submission happens inside a
savepoint that is rolled back afterwards, so every form sees the same world whatever was
submitted before it.
"""

from __future__ import annotations

import copy
import itertools
import json
import traceback
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urldefrag, urljoin, urlsplit

from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, models, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from atvsld_portal.text import INVISIBLE_CHARACTERS
from tests.hardening.corpus import CORPUS, STORABLE, Hostile
from tests.hardening.pages import Field, Form, PageReader, read_page

PROJECT_APPS = ("atvsld_portal", "enterprises", "incidents", "plans", "reporting")
# Not walked: files (they are documents, tested one by one), the session's end, the admin.
SKIP_PREFIXES = ("/static/", "/admin/", "/i18n/", "/accounts/logout/")
SKIP_ROUTE_WORDS = (
    "pdf",
    "xlsx",
    "docx",
    "csv",
    "export",
    "receipt",
    "scan",
    "file",
    "attachment",
    "import_template",
)

# A valid value for a box the form needs but whose page shows it empty, by field name (the
# part after a formset prefix).
VALID_BY_NAME = {
    "phone": "0905123456",
    "contact_phone": "0905123456",
    "declarant_phone": "0905123456",
    "birth_date": "01/05/1980",
    "birth_year": "1990",
    "number": "5",
    "days": "5",
    "workers_examined": "10",
    "exposure_months": "12",
    "years_in_job": "2",
    "start_year": str(timezone.localdate().year + 1),
    "year": str(timezone.localdate().year - 5),
    "email": "hx@example.vn",
    "contact_email": "hx@example.vn",
    "occupation_name": "Công nhân",
    "full_name": "Trần Văn An",
    "account": "Công nhân bị ngã từ giàn giáo khi đang lắp đặt mái tôn của nhà xưởng số 2.",
}


def route_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return ""


def short_name(name: str) -> str:
    """ "victims-0-full_name" → "full_name"."""
    return name.rsplit("-", 1)[-1]


@dataclass
class FoundForm:
    persona: str
    page: str
    form: Form
    action: str
    route: str

    @property
    def key(self) -> tuple:
        return (self.form.method, self.route, tuple(sorted({f.name for f in self.form.fields})))

    def __str__(self) -> str:
        return f"{self.route} ({self.form.method.upper()} {self.action}, as {self.persona})"


@dataclass
class Walk:
    pages: dict[tuple[str, str], int] = field(default_factory=dict)  # (persona, url) → status
    unsafe: list[str] = field(default_factory=list)
    forms: list[FoundForm] = field(default_factory=list)
    escaped_script_pages: int = 0  # pages showing the corpus' <script> as text

    def unique_forms(self, method: str) -> list[FoundForm]:
        seen: dict[tuple, FoundForm] = {}
        for found in self.forms:
            if found.form.method == method and found.key not in seen:
                seen[found.key] = found
        return list(seen.values())


def make_client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def walk(clients: dict[str, Client], seeds: dict[str, list[str]], every_object: set[str]) -> Walk:
    """Each persona follows the links from the home page (and its seeds), visiting each route
    once; the personas in ``every_object`` visit the detail page of every object they are shown
    (the forms on it depend on the object's state)."""
    result = Walk()
    for persona, client in clients.items():
        _walk_one(persona, client, ["/", *seeds.get(persona, [])], result, persona in every_object)
    return result


def _walk_one(
    persona: str, client: Client, start: list[str], result: Walk, every_object: bool
) -> None:
    queue = list(start)
    visits: dict[str, int] = {}  # route → pages visited
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        route = route_of(url)
        unlimited = every_object and route.endswith("detail") and "?" not in url
        if url in seen or (visits.get(route, 0) >= 1 and not unlimited and url not in start):
            continue
        seen.add(url)
        response = client.get(url)
        result.pages[(persona, url)] = response.status_code
        if response.status_code in {301, 302}:
            start.append(response["Location"])  # where a seed leads is visited too
            queue.append(response["Location"])
            continue
        visits[route] = visits.get(route, 0) + 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        page = read_page(html)
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in html:
            result.escaped_script_pages += 1
        result.unsafe.extend(f"{persona} {url}: {issue}" for issue in page.unsafe)
        for found in page.forms:
            action = urljoin(url, found.action) if found.action else url
            result.forms.append(FoundForm(persona, url, found, action, route_of(action)))
        for href in page.links:
            target = urldefrag(urljoin(url, href))[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            if target.startswith(SKIP_PREFIXES) or target in seen:
                continue
            route = route_of(target)
            if not route or any(word in route for word in SKIP_ROUTE_WORDS):
                continue
            queue.append(target)


# ------------------------------------------------------------------------------
# Filling forms
# ------------------------------------------------------------------------------
def valid_value(item: Field) -> str:
    """What a careful user would leave or type in a box that is not free text."""
    if item.value:
        return item.value
    if short_name(item.name) in VALID_BY_NAME:
        return VALID_BY_NAME[short_name(item.name)]
    today = timezone.localdate()
    a_minute_ago = timezone.localtime() - timedelta(minutes=1)
    return {
        "date": today.strftime("%d/%m/%Y"),
        "datetime": a_minute_ago.strftime("%d/%m/%Y %H:%M"),
        "iso-date": today.isoformat(),
        "iso-datetime": a_minute_ago.strftime("%Y-%m-%dT%H:%M"),
    }.get(item.date_kind, "")


def base_data(form: Form) -> dict[str, list[str]]:
    """What the browser would send for the form as shown (no file chosen)."""
    data: dict[str, list[str]] = {}
    radios_done: set[str] = set()
    for item in form.fields:
        if "disabled" in item.attrs:
            continue
        if item.tag == "select":
            chosen = [value for value, selected in item.options if selected]
            if not chosen and not item.multiple and item.options:
                chosen = [item.options[0][0]]
            if chosen:
                data[item.name] = chosen
        elif item.type == "checkbox":
            if item.checked:
                data.setdefault(item.name, []).append(item.value or "on")
        elif item.type == "radio":
            if item.name not in radios_done:
                group = [f for f in form.fields if f.name == item.name]
                picked = next((f for f in group if f.checked), group[0])
                data[item.name] = [picked.value]
                radios_done.add(item.name)
        elif item.type in {"file", "reset"}:
            continue
        elif item.typable and not item.free_text:
            data[item.name] = [valid_value(item)]
        else:
            data[item.name] = [item.value]
    if form.submit and form.submit[0]:
        data[form.submit[0]] = [form.submit[1]]
    return data


def extra_form_names(form: Form) -> set[str]:
    """Names of the fields of a formset's blank extra forms, which a careful user leaves blank
    (but for the first one on a page that creates the parent: it is the first row to fill)."""
    names = set()
    for item in form.fields:
        if not item.name.endswith("-INITIAL_FORMS"):
            continue
        prefix = item.name[: -len("-INITIAL_FORMS")]
        first_blank = max(int(item.value or 0), 1)
        for other in form.fields:
            index = other.name[len(prefix) + 1 :].split("-", 1)[0]
            if (
                other.name.startswith(prefix + "-")
                and index.isdigit()
                and int(index) >= first_blank
            ):
                names.add(other.name)
    return names


def form_errors(response) -> dict[str, list[str]]:
    """Errors of every form and formset the page was rendered with: {prefixed name: messages},
    "__all__" for the errors not tied to a field."""
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    contexts = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]

    def add_form(form: BaseForm) -> None:
        if id(form) in seen or not form.is_bound:
            return
        seen.add(id(form))
        for name, messages in form.errors.items():
            key = "__all__" if name == "__all__" else form.add_prefix(name)
            errors.setdefault(key, []).extend(messages)

    for context in contexts:
        for value in _context_values(context):
            if isinstance(value, BaseFormSet) and value.is_bound and id(value) not in seen:
                seen.add(id(value))
                if value.non_form_errors():
                    errors.setdefault("__all__", []).extend(value.non_form_errors())
                for form in value.forms:
                    add_form(form)
            elif isinstance(value, BaseForm):
                add_form(value)
    return errors


def _context_values(context) -> Iterator:
    try:
        flat = context.flatten()
    except AttributeError:
        flat = dict(context)
    yield from flat.values()
    for value in flat.values():
        if isinstance(value, dict):
            yield from value.values()


def without_corpus(message: str, sent: list[str]) -> str:
    """A message without the text the user sent (a message may quote it)."""
    for text in sorted(sent, key=len, reverse=True):
        if text:
            message = message.replace(" ".join(text.split()), "").replace(text, "")
    return message


# ------------------------------------------------------------------------------
# Submitting
# ------------------------------------------------------------------------------
@dataclass
class Outcome:
    response: object
    status: int
    errors: dict[str, list[str]]  # field errors of a re-rendered form
    page: PageReader | None  # the page answered or redirected to
    flash_errors: list[str]  # error messages shown after a redirect
    crash: str = ""

    @property
    def saved(self) -> bool:
        """Redirected elsewhere than the login page without an error message, or answered with
        a page that shows no error (a "thank you" page)."""
        if self.status == 200:
            return not self.errors and self.page is not None and not messages_in(self.page)
        location = self.response.get("Location", "") if self.status in {301, 302, 303} else ""
        login = location.startswith("/accounts/login/")
        return bool(location) and not login and not self.flash_errors


def submit(
    client: Client, found: FoundForm, data: dict[str, list[str]], *, inspect=None, follow=False
):
    """POST (or GET) the form inside a savepoint that is rolled back; with ``follow``, open the
    page a successful save leads to; ``inspect(outcome)`` looks at the database before the
    rollback."""
    cache.clear()  # rate limits and login throttling count in the cache
    cookies = copy.deepcopy(client.cookies)  # a password change rotates the session key
    with transaction.atomic():
        if found.form.method == "post":
            response = client.post(found.action, data)
        else:
            response = client.get(found.action, data)
        status = response.status_code
        crash = ""
        if status >= 500:
            exc = getattr(response, "exc_info", None)
            crash = "".join(traceback.format_exception(*exc)[-3:]) if exc else str(status)
        redirected = status in {301, 302, 303}
        flash = []
        if redirected:
            flash = [
                str(m)
                for m in get_messages(response.wsgi_request)
                if m.level >= message_levels.ERROR
            ]
        page = None
        if "text/html" in response.get("Content-Type", ""):
            page = read_page(response.content.decode())
        outcome = Outcome(
            response, status, form_errors(response) if status == 200 else {}, page, flash, crash
        )
        if follow and outcome.saved and redirected:
            target = client.get(response["Location"])
            if target.status_code == 200 and "text/html" in target.get("Content-Type", ""):
                outcome.page = read_page(target.content.decode())
        result = inspect(outcome) if inspect else None
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome, result


def hostile_data(found: FoundForm, offset: int) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every box the user types into carries a different corpus string."""
    data = base_data(found.form)
    typed: dict[str, str] = {}
    boxes = [f for f in found.form.fields if f.typable]
    strings = itertools.islice(itertools.cycle(CORPUS), offset, None)
    for item, hostile in zip(boxes, strings, strict=False):
        data[item.name] = [hostile.text]
        typed[item.name] = hostile.text
    return data, typed


@dataclass
class Typed:
    name: str
    hostile: Hostile
    tag: str

    @property
    def text(self) -> str:
        return self.hostile.text + self.tag

    @property
    def expected(self) -> str:
        return self.hostile.stored + self.tag


_tags = itertools.count(1)


def storable_data(found: FoundForm, offset: int) -> tuple[dict[str, list[str]], dict[str, Typed]]:
    """Free-text boxes carry storable corpus strings, each with a unique tag to find it by in
    the database; the rest is valid; a formset's blank extra forms stay blank."""
    data = base_data(found.form)
    typed: dict[str, Typed] = {}
    blank = extra_form_names(found.form)
    pool = itertools.islice(itertools.cycle(STORABLE), offset, None)
    for item in found.form.fields:
        if not item.free_text or item.name in blank:
            continue
        tag = f" [hx{next(_tags)}]"
        limit = item.max_length
        for _ in range(len(STORABLE)):
            hostile = next(pool)
            if limit is None or len(hostile.text) + len(tag) <= limit:
                typed[item.name] = Typed(item.name, hostile, tag)
                data[item.name] = [typed[item.name].text]
                break
    return data, typed


def correct_errors(
    found: FoundForm, data: dict, typed: dict[str, Typed], errors: dict, tried: dict
) -> bool:
    """Replace what the form refused by a valid value, as a user would; False when nothing is
    left to change. An error of the whole form (a duplicate, a rule between fields) moves the
    first choice that has another option."""
    changed = False
    for name in errors:
        item = found.form.by_name(name)
        if item is None:
            continue
        attempts = tried.setdefault(name, set())
        if item.tag == "select":
            changed |= _next_option(item, data, attempts)
            continue
        typed.pop(name, None)
        for candidate in (item.value, VALID_BY_NAME.get(short_name(name)), valid_value(item), ""):
            if candidate is not None and candidate not in attempts:
                data[name] = [candidate]
                attempts.add(candidate)
                changed = True
                break
    if not changed and "__all__" in errors:
        blank = extra_form_names(found.form)
        for item in found.form.fields:
            if item.tag == "select" and not item.multiple and item.name not in blank:
                attempts = tried.setdefault(item.name, set(data.get(item.name, [])))
                if _next_option(item, data, attempts):
                    return True
    return changed


def _next_option(item: Field, data: dict, attempts: set) -> bool:
    options = [value for value, _selected in item.options if value and value not in attempts]
    if not options:
        return False
    data[item.name] = [options[0]]
    attempts.add(options[0])
    return True


# ------------------------------------------------------------------------------
# Finding stored text
# ------------------------------------------------------------------------------
def _text_columns() -> list[tuple[str, str, bool]]:
    """(table, column, is JSON) of every text and JSON column of the portal's tables."""
    result = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy:
            continue
        for column in model._meta.concrete_fields:
            if isinstance(column, models.CharField | models.TextField | models.JSONField):
                result.append(
                    (model._meta.db_table, column.column, isinstance(column, models.JSONField))
                )
    return result


def stored_strings(tags: list[str]) -> dict[str, list[str]]:
    """For each tag, every stored string (a text column, or a string inside a JSON column) that
    contains it; one query over every table."""
    found: dict[str, list[str]] = {tag: [] for tag in tags}
    if not tags:
        return found
    quote = connection.ops.quote_name
    patterns = [f"%{tag}%" for tag in tags]
    selects, params = [], []
    for table, column, is_json in _text_columns():
        value = f"CAST({quote(column)} AS TEXT)"
        matches = " OR ".join(f"{value} LIKE %s" for _ in patterns)
        selects.append(f"SELECT {value}, {int(is_json)} FROM {quote(table)} WHERE {matches}")
        params.extend(patterns)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    for value, is_json in rows:
        for text in _strings(json.loads(value)) if is_json else [value]:
            for tag in tags:
                if tag in text:
                    found[tag].append(text)
    return found


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_problems(typed: dict[str, Typed]) -> list[str]:
    """What is wrong with how the typed strings were stored (not found, not NFC, altered)."""
    problems = []
    found = stored_strings([t.tag for t in typed.values()])
    for name, item in typed.items():
        texts = found[item.tag]
        if not texts:
            problems.append(f"{name}: {item.hostile.key} not stored anywhere")
            continue
        if not any(item.expected in text for text in texts):
            problems.append(f"{name}: {item.hostile.key} stored altered: {texts[0][:80]!r}")
        for text in texts:
            if not unicodedata.is_normalized("NFC", text):
                problems.append(f"{name}: {item.hostile.key} stored without NFC")
            if any(ch in text for ch in INVISIBLE_CHARACTERS):
                problems.append(f"{name}: {item.hostile.key} stored with invisible characters")
    return problems


def error_near_field(page: PageReader, name: str) -> bool:
    """The page shows an error at the field: crispy's error block of the field, or the field
    marked invalid."""
    auto_id = f"id_{name}"
    return name in page.invalid_inputs or any(
        block.element_id in {f"{auto_id}_error"} or block.element_id.endswith(f"_{auto_id}")
        for block in page.errors
    )


def messages_in(page: PageReader) -> list[str]:
    return [block.text for block in page.errors if block.text]
