"""Concurrent filers: many enterprise users declaring accidents at once (``make loadtest``).

Not part of ``make test``. The script

1. drops and re-creates its own PostgreSQL database (``atvsld_loadtest`` by default), migrates it
   and collects the static files;
2. seeds communes with enterprises, each with one enterprise user (one password hash for all of
   them: the normal PBKDF2 hasher, computed once; rows written in bulk);
3. starts gunicorn on a free loopback port with production settings (DEBUG off, secure cookies,
   SSL redirect): the client plays the TLS proxy and sends ``X-Forwarded-Proto: https``, which
   ``DJANGO_SECURE_PROXY_SSL_HEADER`` trusts, so plain HTTP works on loopback only;
4. drives every user in its own thread, with its own cookies, through the real pages: log in,
   then for each declaration GET the form, POST it with one victim (CSRF token and fields parsed
   from the page), follow the redirect to the detail page, POST its submit form, follow again;
5. checks the database: every declaration stored and submitted, receipt numbers unique and
   gapless per commune and year, and the counters agree;
6. prints a table and exits non-zero when a condition fails (a 5xx, a missing declaration, a gap,
   or more than ``--deadline`` seconds).

Tasks go to a Redis queue of their own (no worker consumes it; it is deleted at the end).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "loadtest"
PASSWORD = "Loadtest-" + secrets.token_urlsafe(12)
HOST = "127.0.0.1"
# A browser (and a proxy's read timeout) waits about a minute before giving up.
REQUEST_TIMEOUT = 60
# Dates of the declared accidents: two years, so the numbering of both is exercised.
OCCURRED = ["15/08/2025 09:15", "10/03/2026 08:30"]
ACCOUNT = (
    "Công nhân vận hành máy nghiền bị đá văng trúng tay khi đang điều chỉnh băng tải mà "
    "không dừng máy; sơ cứu tại chỗ và chuyển trạm y tế xã."
)


# ------------------------------------------------------------------------------
# Setup: database, Django, seed data
# ------------------------------------------------------------------------------
def server_env(args: argparse.Namespace, queue: str) -> dict[str, str]:
    """Production settings from env values only, as a deployment behind the TLS proxy has."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEMO_", "CELERY_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "atvsld_portal.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "DJANGO_STATIC_ROOT": str(WORK_DIR / "static"),
            "DJANGO_MEDIA_ROOT": str(WORK_DIR / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "DEMO_DATA_ALLOWED": "false",
        }
    )
    return env


def migrations_fingerprint() -> str:
    """Changes whenever a migration file (or the Python/Django environment) changes."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    for module in ("django", "axes", "simple_history"):
        with contextlib.suppress(Exception):
            digest.update(__import__(module).__version__.encode())
    return digest.hexdigest()[:32]


class Database:
    """The load test's database, dropped and re-created each run. A migrated copy is kept as a
    template (``<name>_template``, marked with the migrations' fingerprint) so the next run
    starts from it instead of migrating again."""

    def __init__(self, database_url: str) -> None:
        parts = urlsplit(database_url)
        self.name = parts.path.lstrip("/")
        if not re.fullmatch(r"[a-z0-9_]+", self.name) or "loadtest" not in self.name:
            raise SystemExit(
                f"Refusing to drop {self.name!r}: the database name must contain 'loadtest'."
            )
        self.template = f"{self.name}_template"
        self.admin_url = parts._replace(path="/postgres").geturl()
        self.fingerprint = migrations_fingerprint()

    def _execute(self, *statements: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            rows: list[tuple] = []
            for statement in statements:
                cursor = conn.execute(statement)
                rows = cursor.fetchall() if cursor.description else []
            return rows

    def recreate(self) -> bool:
        """Drop and create the database; True when it was cloned from an up-to-date template."""
        rows = self._execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{self.template}'"
        )
        cloned = bool(rows) and rows[0][0] == self.fingerprint
        source = f' TEMPLATE "{self.template}"' if cloned else ""
        self._execute(
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.name}"{source}',
        )
        return cloned

    def keep_as_template(self) -> None:
        """Copy the freshly migrated database (no connection may be open on it)."""
        self._execute(
            f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)',
            f'CREATE DATABASE "{self.template}" TEMPLATE "{self.name}"',
            f"COMMENT ON DATABASE \"{self.template}\" IS '{self.fingerprint}'",
        )


def check_redis(redis_url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {redis_url} does not answer ({exc}); start it first.") from exc


def drop_queue(redis_url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    with contextlib.suppress(redis.RedisError):
        client.delete(queue, f"_kombu.binding.{queue}")


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed(communes: int, per_commune: int) -> list[tuple[str, str]]:
    """Communes with enterprises and one enterprise user each; returns (username, commune)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from atvsld_portal.models import AdministrativeUnit, User
    from atvsld_portal.text import normalise_search
    from enterprises.models import Enterprise, EnterpriseMember, OwnershipType
    from enterprises.validators import tax_code_check_digit

    def tax_code(n: int) -> str:
        body = 700000000 + n * 13
        while tax_code_check_digit(f"{body:09d}") is None:
            body += 1
        return f"{body:09d}{tax_code_check_digit(f'{body:09d}')}"

    password_hash = make_password(PASSWORD)  # the normal hasher, once for every account
    ownership = OwnershipType.objects.get(code="2")
    group = Group.objects.get_or_create(name=User.Role.ENTERPRISE_USER)[0]
    users: list[tuple[str, str]] = []
    with transaction.atomic():
        province = AdministrativeUnit.objects.create(
            level=AdministrativeUnit.Level.PROVINCE, code="99", name="Thử tải"
        )
        for c in range(communes):
            commune = AdministrativeUnit.objects.create(
                level=AdministrativeUnit.Level.COMMUNE,
                code=f"{99001 + c}",
                name=f"Thử tải {c + 1}",
                parent=province,
            )
            enterprises = Enterprise.objects.bulk_create(
                Enterprise(
                    commune=commune,
                    name=(name := f"Công ty TNHH Thử tải {c + 1}-{i + 1:02d}"),
                    name_search=normalise_search(name),
                    tax_code=tax_code(c * per_commune + i),
                    ownership_type=ownership,
                    activity_code="0810",
                    workforce_total=40,
                    workforce_women=10,
                )
                for i in range(per_commune)
            )
            accounts = User.objects.bulk_create(
                User(
                    username=f"loadtest.{c + 1}.{i + 1:02d}",
                    full_name=f"Người khai báo {c + 1}-{i + 1:02d}",
                    role=User.Role.ENTERPRISE_USER,
                    administrative_unit=commune,
                    password=password_hash,
                )
                for i in range(per_commune)
            )
            EnterpriseMember.objects.bulk_create(
                EnterpriseMember(user=user, enterprise=enterprise)
                for user, enterprise in zip(accounts, enterprises, strict=True)
            )
            User.groups.through.objects.bulk_create(
                User.groups.through(user_id=user.pk, group_id=group.pk) for user in accounts
            )
            users += [(user.username, commune.name) for user in accounts]
    return users


def collect_static() -> None:
    """collectstatic (the compressed manifest storage of production), skipped when static/ has
    not changed since the last run: compressing the vendored assets takes most of a minute."""
    from django.core.management import call_command

    source = BASE_DIR / "static"
    listing = sorted(
        f"{p.relative_to(source)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in source.rglob("*")
        if p.is_file()
    )
    fingerprint = hashlib.sha256("\n".join(listing).encode()).hexdigest()
    marker = WORK_DIR / "static" / ".loadtest-fingerprint"
    if marker.exists() and marker.read_text() == fingerprint:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(fingerprint)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    log = (WORK_DIR / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "atvsld_portal.wsgi:application",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--timeout=60",
            "--error-logfile=-",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {WORK_DIR / 'gunicorn.log'}")
        try:
            conn = HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            conn.close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def warm_up(port: int, workers: int) -> None:
    """Let every worker load the URLconf and templates before the clock starts (not counted)."""

    def fetch() -> None:
        with contextlib.suppress(FormError):
            Browser(port, [], threading.Lock()).get("warm-up", "/accounts/login/")

    threads = [threading.Thread(target=fetch) for _ in range(workers * 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ------------------------------------------------------------------------------
# A browser-like client: cookies, CSRF, forms, redirects
# ------------------------------------------------------------------------------
@dataclass
class Hit:
    step: str
    status: int
    seconds: float
    error: str = ""


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page and what a browser would send for each by default."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None
        self._template_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option = (a.get("value"), "selected" in a, [])
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                self._form.options.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" not in a:
                    return
            self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "textarea":
            self._textarea = (a["name"], [])

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2].append(data)
        elif self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
            return
        if self._template_depth:
            return
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[2].append((value if value is not None else "".join(text), selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            if self._option is not None:
                self.handle_endtag("option")
            self._form.options[name] = [value for value, _selected in options]
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self._form.fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            value = "".join(text)
            self._form.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


def form_html(page: str, action_end: str) -> str:
    """Only the form posting to ``…action_end`` (cheaper to parse than the whole page)."""
    pattern = rf'<form\b[^>]*action="[^"]*{re.escape(action_end)}"[^>]*>.*?</form>'
    match = re.search(pattern, page, re.S)
    return match.group(0) if match else ""


def form_with(forms: list[Form], *, field_name: str = "", action_end: str = "") -> Form:
    for form in forms:
        if field_name and any(name == field_name for name, _value in form.fields):
            return form
        if action_end and form.action.endswith(action_end):
            return form
    raise LookupError(f"no form with {field_name or action_end!r} on the page")


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = f"----loadtest{uuid.uuid4().hex}"
    chunks = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class FormError(Exception):
    """The page did not behave as a browser user would expect (a functional failure)."""


class Browser:
    def __init__(self, port: int, hits: list[Hit], lock: threading.Lock) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.path = "/"
        self.hits = hits
        self.lock = lock

    def request(
        self, step: str, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, dict[str, str], str]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "vi",
            "User-Agent": "atvsld-loadtest",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers |= {"Origin": self.origin, "Referer": self.origin + path}
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        conn = HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            set_cookies = response.headers.get_all("Set-Cookie") or []
            location = response.headers.get("Location", "")
        except (OSError, HTTPException) as exc:
            self._record(Hit(step, 0, time.perf_counter() - started, repr(exc)))
            raise FormError(f"{step}: {exc!r}") from exc
        finally:
            conn.close()
        self._record(Hit(step, status, time.perf_counter() - started))
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return status, {"location": location}, payload.decode("utf-8", "replace")

    def _record(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)

    def get(self, step: str, path: str) -> str:
        """GET a page, following redirects as a browser does."""
        for _hop in range(5):
            status, headers, page = self.request(step, "GET", path)
            if status not in (301, 302, 303):
                break
            path = urljoin(path, urlsplit(headers["location"]).path)
        if status != 200:
            raise FormError(f"{step}: GET {path} answered {status}")
        self.path = path
        return page

    def forms(self, page: str) -> list[Form]:
        """The page's forms, their actions resolved against the page's address."""
        forms = parse_forms(page)
        for form in forms:
            form.action = urljoin(self.path, form.action)
        return forms

    def post_form(self, step: str, form: Form, fields: list[tuple[str, str]]) -> str:
        """POST like a browser; expect a redirect and return the path it leads to."""
        if form.enctype.startswith("multipart/"):
            body, content_type = multipart(fields)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        status, headers, page = self.request(step, "POST", form.action, body, content_type)
        if status != 302:
            raise FormError(f"{step}: POST {form.action} answered {status}: {errors_in(page)}")
        return urljoin(form.action, urlsplit(headers["location"]).path)


def errors_in(page: str) -> str:
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)<', page, re.S
    )
    return "; ".join(html.unescape(t).strip() for t in found if t.strip())[:500] or page[:200]


def with_values(form: Form, values: dict[str, list[str]]) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in form.fields if name not in values]
    return kept + [(name, value) for name, items in values.items() for value in items]


def first_choice(form: Form, name: str, preferred: str = "") -> str:
    options = [value for value in form.options.get(name, []) if value]
    if preferred in options:
        return preferred
    if not options:
        raise FormError(f"the form has no choice for {name!r}")
    return options[0]


def declaration_values(form: Form, n: int, username: str) -> dict[str, list[str]]:
    return {
        "enterprise": [first_choice(form, "enterprise")],
        "sector": [first_choice(form, "sector", "employed")],
        "kind": [first_choice(form, "kind", "accident")],
        "occurred_at": [OCCURRED[n % len(OCCURRED)]],
        "place": [f"Xưởng sản xuất số {n + 1}"],
        "account": [ACCOUNT],
        "main_cause": [first_choice(form, "main_cause")],
        "declarant_name": ["Nguyễn Văn Bình"],
        "declarant_position": ["Giám đốc"],
        "declarant_phone": ["0905123456"],
        "victims-TOTAL_FORMS": ["1"],
        "victims-0-full_name": [f"Người lao động {username} {n + 1}"],
        "victims-0-sex": [first_choice(form, "victims-0-sex", "male")],
        "victims-0-birth_year": ["1990"],
        "victims-0-occupation_name": ["Công nhân vận hành"],
        "victims-0-severity": [first_choice(form, "victims-0-severity", "minor")],
    }


def filer(
    browser: Browser, username: str, declarations: int, barrier: threading.Barrier, delay: float
) -> list[str]:
    """One enterprise user's session: log in, then declare and submit, one after the other."""
    barrier.wait()
    time.sleep(delay)
    login = form_with(
        browser.forms(browser.get("login page", "/accounts/login/")), field_name="username"
    )
    home = browser.post_form(
        "log in", login, with_values(login, {"username": [username], "password": [PASSWORD]})
    )
    browser.get("home", home)
    problems: list[str] = []
    for n in range(declarations):
        try:
            page = browser.get("form", "/accidents/new/")
            form = form_with(browser.forms(page), field_name="account")
            detail = browser.post_form(
                "create draft", form, with_values(form, declaration_values(form, n, username))
            )
            submit = form_with(
                browser.forms(form_html(browser.get("draft", detail), "/submit/")),
                action_end="/submit/",
            )
            after = browser.post_form("submit", submit, submit.fields)
            page = browser.get("receipt", after)
            if "/00" not in page:
                raise FormError(f"no receipt number on {after}")
        except (FormError, LookupError) as exc:
            problems.append(f"{username} #{n + 1}: {exc}")
    return problems


# ------------------------------------------------------------------------------
# Checks and report
# ------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc); 0 when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes(gunicorn_pid: int, database: str) -> dict[int, float]:
    """CPU used so far by each gunicorn worker and each PostgreSQL backend of the database."""
    children = Path(f"/proc/{gunicorn_pid}/task/{gunicorn_pid}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        backends = [-row[0] for row in cursor.fetchall()]  # negative: a database backend
    connection.close()
    return {pid: cpu_seconds(abs(pid)) for pid in workers + backends}


def server_cpu(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
    """CPU of the gunicorn workers and of the database backends between two readings (backends
    that ended in between are not counted)."""
    used = {pid: cpu - before.get(pid, 0.0) for pid, cpu in after.items()}
    return (
        sum(cpu for pid, cpu in used.items() if pid > 0),
        sum(cpu for pid, cpu in used.items() if pid < 0),
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def database_checks(expected: int) -> tuple[dict[str, object], list[str]]:
    from incidents.models import Accident, AccidentDeclaration, ReceiptCounter

    failures: list[str] = []
    accidents = list(
        Accident.objects.select_related("commune").values_list(
            "status", "receipt_number", "commune__name", "occurred_at"
        )
    )
    submitted = [a for a in accidents if a[1]]
    numbers = [a[1] for a in submitted]
    duplicates = [n for n, count in Counter(numbers).items() if count > 1]
    by_series: dict[tuple[str, str], list[int]] = defaultdict(list)
    for _status, number, commune, _occurred in submitted:
        _prefix, year, serial = number.rsplit("/", 2)
        by_series[(commune, year)].append(int(serial))
    gaps = {
        f"{commune} {year}": sorted(set(range(1, max(serials) + 1)) - set(serials))
        for (commune, year), serials in by_series.items()
        if sorted(serials) != list(range(1, len(serials) + 1))
    }
    counters = {
        (c.commune.name, str(c.year)): c.last
        for c in ReceiptCounter.objects.select_related("commune")
    }
    counter_mismatch = {
        f"{commune} {year}": (counters.get((commune, year)), len(serials))
        for (commune, year), serials in by_series.items()
        if counters.get((commune, year)) != len(serials)
    }
    declarations = AccidentDeclaration.objects.filter(is_draft=False, version=1).count()
    if len(accidents) != expected:
        failures.append(f"{len(accidents)} accidents stored, expected {expected}")
    if len(submitted) != expected or declarations != expected:
        failures.append(
            f"{len(submitted)} submitted with a receipt number and {declarations} declarations, "
            f"expected {expected}"
        )
    if duplicates:
        failures.append(f"duplicate receipt numbers: {duplicates[:5]}")
    if gaps:
        failures.append(f"gaps in receipt numbers: {gaps}")
    if counter_mismatch:
        failures.append(
            f"counters disagree with the numbers (counter, numbers): {counter_mismatch}"
        )
    series = ", ".join(
        f"{commune} {year}: 1-{max(serials)}"
        for (commune, year), serials in sorted(by_series.items())
    )
    return {
        "declarations stored": f"{len(submitted)} / {expected}",
        "receipt numbers": f"{len(set(numbers))} unique, series {series}",
    }, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atvsld_loadtest"
        ),
        help="PostgreSQL database to drop and re-create (its name must contain 'loadtest')",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="Redis for the broker and the cache",
    )
    parser.add_argument("--communes", type=int, default=2)
    parser.add_argument("--enterprises", type=int, default=50, help="Per commune")
    parser.add_argument("--users", type=int, default=50, help="Concurrent enterprise users")
    parser.add_argument("--declarations", type=int, default=10, help="Per user")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4)")
    parser.add_argument("--deadline", type=float, default=60.0, help="Seconds allowed")
    parser.add_argument(
        "--ramp-up", type=float, default=5.0, help="Seconds over which the users arrive"
    )
    args = parser.parse_args()

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    queue = f"atvsld-loadtest-{os.getpid()}"
    check_redis(args.redis_url)
    env = server_env(args, queue)
    setup_started = time.perf_counter()
    database = Database(args.database_url)
    name = database.name
    cloned = database.recreate()
    setup_django(env)
    from django.core.management import call_command
    from django.db import connections

    # Always run: a no-op on the template's copy, the whole history on a fresh database.
    call_command("migrate", interactive=False, verbosity=0)
    if not cloned:
        connections.close_all()
        database.keep_as_template()
    collect_static()
    accounts = seed(args.communes, args.enterprises)
    if args.users > len(accounts):
        raise SystemExit(f"--users {args.users} is more than the {len(accounts)} seeded accounts")
    # Spread the users over the communes: loadtest.1.01, loadtest.2.01, loadtest.1.02, ...
    accounts.sort(key=lambda a: (a[0].rsplit(".", 1)[1], a[0]))
    users = [username for username, _commune in accounts[: args.users]]
    connections.close_all()
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    warm_up(port, args.workers)
    setup_seconds = time.perf_counter() - setup_started
    print(
        f"Database {name} ready, {len(accounts)} accounts in {args.communes} communes, "
        f"gunicorn ({args.workers} workers) on {HOST}:{port}; setup {setup_seconds:.1f} s. "
        f"{len(users)} users x {args.declarations} declarations…",
        flush=True,
    )

    hits: list[Hit] = []
    lock = threading.Lock()
    problems: list[str] = []
    barrier = threading.Barrier(len(users) + 1)
    # Users arrive evenly over the ramp-up, as people opening the portal do (not in one tick).
    delays = {u: args.ramp_up * i / len(users) for i, u in enumerate(users)}

    def run(username: str) -> None:
        try:
            found = filer(
                Browser(port, hits, lock), username, args.declarations, barrier, delays[username]
            )
        except (FormError, LookupError, threading.BrokenBarrierError) as exc:
            found = [f"{username}: {exc}"]
        with lock:
            problems.extend(found)

    threads = [threading.Thread(target=run, args=(u,), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    background_load = os.getloadavg()[0]
    cpu_before = server_processes(server.pid, name)
    barrier.wait()
    started = time.perf_counter()
    client_cpu = time.process_time()
    for thread in threads:
        thread.join(timeout=max(1.0, args.deadline * 3 - (time.perf_counter() - started)))
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    web_cpu, database_cpu = server_cpu(cpu_before, server_processes(server.pid, name))
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    drop_queue(args.redis_url, queue)

    expected = len(users) * args.declarations
    facts, failures = database_checks(expected)
    statuses = Counter(hit.status for hit in hits)
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    transport_errors = statuses.get(0, 0)
    latencies = [hit.seconds for hit in hits]
    if wall > args.deadline:
        failures.append(f"took {wall:.1f} s, more than {args.deadline:.0f} s")
    if server_errors:
        failures.append(f"{server_errors} server errors (5xx)")
    if transport_errors:
        failures.append(f"{transport_errors} requests without an answer")
    if any(t.is_alive() for t in threads):
        failures.append("some users had not finished")
    failures += problems[:10]
    if len(problems) > 10:
        failures.append(f"… and {len(problems) - 10} more user problems")

    rows = [
        ("users x declarations", f"{len(users)} x {args.declarations}"),
        ("gunicorn workers", str(args.workers)),
        ("ramp-up", f"{args.ramp_up:.0f} s"),
        ("wall time", f"{wall:.1f} s (limit {args.deadline:.0f} s)"),
        (
            "CPU: gunicorn workers",
            f"{web_cpu:.1f} s ({web_cpu / max(len(hits), 1) * 1000:.0f} ms/request)",
        ),
        ("CPU: PostgreSQL (open backends)", f"{database_cpu:.1f} s"),
        ("CPU: load client", f"{client_cpu:.1f} s"),
        ("CPUs, load before", f"{os.cpu_count()} CPUs, 1-minute load {background_load:.1f}"),
        ("requests", str(len(hits))),
        ("requests per second", f"{len(hits) / wall:.1f}" if wall else "-"),
        ("latency p50", f"{percentile(latencies, 0.50) * 1000:.0f} ms"),
        ("latency p95", f"{percentile(latencies, 0.95) * 1000:.0f} ms"),
        ("latency p99", f"{percentile(latencies, 0.99) * 1000:.0f} ms"),
        ("latency max", f"{max(latencies, default=0) * 1000:.0f} ms"),
        ("status codes", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))),
        ("server errors (5xx)", str(server_errors)),
        *facts.items(),
    ]
    width = max(len(label) for label, _value in rows)
    print()
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print()
    by_step: dict[str, list[float]] = defaultdict(list)
    for hit in hits:
        by_step[hit.step].append(hit.seconds)
    print(f"{'step'.ljust(14)} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for step, values in by_step.items():
        print(
            f"{step.ljust(14)} {len(values):>6} {statistics.median(values) * 1000:>8.0f} "
            f"{percentile(values, 0.95) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f}"
        )
    print()
    if failures:
        print("FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        print(f"(gunicorn log: {WORK_DIR / 'gunicorn.log'})")
        return 1
    print("PASSED: no server error, every declaration stored, receipt numbers gapless.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
