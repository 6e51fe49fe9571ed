"""Throughput of the dashboard beside a trivial page, on the same gunicorn server.

gunicorn runs ``atvsld_portal.wsgi`` with ``bench.settings`` (DEBUG off, persistent database
connections through ``CONN_MAX_AGE``), 2 sync workers, on a free loopback port. The load comes
from ``wrk`` (Debian's package; ``make bench`` installs it when it can), one thread and 4
keep-alive connections, for 10 s after a 2 s warm-up, signed in with a session cookie made by
``force_login`` and sending ``X-Forwarded-Proto: https`` as the TLS proxy would. Where wrk is
missing, a small thread-per-connection client of the standard library does the same (it costs
more CPU per request, which on two cores lowers both figures; the run says which was used).

The trivial page is ``/bench/trivial/`` of ``bench.urls``: signed in, ``base.html`` with an empty
content block, the full middleware. It exists only in the bench's URLconf.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from bench.pages import client_for, percentile

DURATION_S = 10
WARMUP_S = 2
CONNECTIONS = 4
WORKERS = 2


@dataclass
class Load:
    requests_per_s: float
    p99_ms: float
    tool: str
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the bench settings, stopped (only the process started here) on exit."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.log = Path(settings.BENCH_DIR) / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "atvsld_portal.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{self.port}",
                f"--error-logfile={self.log}",
                "--timeout=60",
                "--no-control-socket",  # the default path is shared with any other gunicorn
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                status, _body = self.get("/accounts/login/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, path: str, cookie: str = "") -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=_headers(cookie))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _headers(cookie: str) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    return headers


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, cookie: str, seconds: int) -> Load:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", url]
    for name, value in _headers(cookie).items():
        args[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return Load(
        requests_per_s=rps,
        p99_ms=float(p99.group(1)) * _UNITS[p99.group(2)],
        tool="wrk",
        errors=errors,
    )


def _threads(server: Server, path: str, cookie: str, seconds: int) -> Load:
    """Fallback load: one keep-alive connection per thread, as many threads as wrk's
    connections."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            conn.request("GET", path, headers=_headers(cookie))
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    return Load(
        requests_per_s=len(latencies) / elapsed,
        p99_ms=percentile(latencies, 0.99) if latencies else statistics.nan,
        tool="python threads",
        errors=errors[0],
    )


def drive(server: Server, path: str, cookie: str) -> Load:
    status, _body = server.get(path, cookie)
    if status != 200:
        raise RuntimeError(f"GET {path} under gunicorn answered {status}")
    if shutil.which("wrk"):
        _wrk(server.url(path), cookie, WARMUP_S)
        return _wrk(server.url(path), cookie, DURATION_S)
    _threads(server, path, cookie, WARMUP_S)
    return _threads(server, path, cookie, DURATION_S)


def run_throughput(echo: Callable[[str], None] = print) -> dict[str, Load]:
    client = client_for("canbo.ealy")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    results = {}
    with Server() as server:
        for name, path in (
            ("dashboard", reverse("reporting:dashboard")),
            ("trivial", reverse("bench_trivial")),
        ):
            load = results[name] = drive(server, path, cookie)
            echo(
                f"  throughput: {name:<12} {load.requests_per_s:8.1f} req/s"
                f"  p99 {load.p99_ms:7.1f} ms"
                f"  ({load.tool}{f', {load.errors} errors' if load.errors else ''})"
            )
    return results
