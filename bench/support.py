"""What every part of the benchmark shares: projects, databases, servers, wrk, statement counts, tables."""

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from cookiecutter.main import cookiecutter
from wire_counter import StatementCounter

BENCH = Path(__file__).resolve().parent
TEMPLATE = BENCH.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Project:
    """A rendered project: where its code is, and the app uvicorn serves."""

    name: str
    path: Path

    @property
    def src(self) -> Path:
        return self.path / "src"

    @property
    def app(self) -> str:
        return f"{self.path.name.replace('-', '_')}.main:app"


@dataclass
class Target:
    """A server to measure: an app, the database it serves, and the paths of its routes."""

    name: str
    app_dir: Path
    app: str
    database_url: str  # as the app wants it: SQLAlchemy's (postgresql+asyncpg://) or asyncpg's
    group: str = ""  # the raw baseline it is compared with
    base: str = ""
    paths: dict[str, str] = field(default_factory=dict)  # route name -> path
    env: dict[str, str] = field(default_factory=dict)  # settings of its own (auth=users: the key)
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request (a token)


def render(work: Path, name: str, options: dict[str, Any]) -> Project:
    path = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        output_dir=str(work / name),
        extra_context={"run_tests": False, "init_git": False, **options},
    )
    return Project(name, Path(path))


def new_database(name: str) -> str:
    """A new, empty database `name` (dropped first if it exists); its asyncpg URL."""

    async def create() -> None:
        connection = await asyncpg.connect(ADMIN_URL)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def migrate(project: Project, url: str) -> None:
    run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=project.path,
        env={"DATABASE_URL": sqlalchemy_url(url)},
    )


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


def start_server(
    target: Target, port: int, workers: int = 1, env: dict[str, str] | None = None, database_url: str = ""
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", target.app, "--app-dir", str(target.app_dir), "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    environment = {**os.environ, "DATABASE_URL": database_url or target.database_url, **target.env, **(env or {})}
    return subprocess.Popen(command, env=environment)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def serving(
    target: Target, port: int, workers: int = 1, env: dict[str, str] | None = None, database_url: str = ""
) -> Iterator[str]:
    """The target served on `port` until the block ends; yields its base URL once it answers."""
    server = start_server(target, port, workers, env, database_url)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        stop(server)


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            # Any answer means the app is up (the raw baseline has no /health).
            httpx.get(f"{base}/api/v1/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"ERROR: {base} did not answer within 30 s")


COUNTED_REQUESTS = 20

Request = Callable[[httpx.Client], httpx.Response]


def count_statements(target: Target, port: int, requests: dict[str, Request]) -> dict[str, str]:
    """Statements per request as PostgreSQL receives them: another instance, through a counting proxy.

    `requests` names functions that send one request each; every request must succeed.
    """
    server_address = urlsplit(ADMIN_URL)
    counter = StatementCounter((server_address.hostname or "127.0.0.1", server_address.port or 5432))
    # No TLS, or the counter could not read the protocol; asyncpg's DSN and SQLAlchemy name it differently.
    no_tls = "?ssl=disable" if "+asyncpg" in target.database_url else "?sslmode=disable"
    through = re.sub(r"@[^/]+/", f"@127.0.0.1:{counter.port}/", target.database_url) + no_tls
    try:
        with (
            serving(target, port, database_url=through) as base,
            httpx.Client(base_url=base, timeout=30, headers=target.headers) as client,
        ):
            counts = {}
            for route, send in requests.items():
                for _ in range(3):  # the driver's first-use type lookups are not the route's
                    send(client).raise_for_status()
                counter.reset()
                for _ in range(COUNTED_REQUESTS):
                    send(client).raise_for_status()
                per_request = {kind: n / COUNTED_REQUESTS for kind, n in sorted(counter.counts.items())}
                counts[route] = ", ".join(f"{n:g} {kind}" for kind, n in per_request.items())
            return counts
    finally:
        counter.close()


def getter(path: str) -> Request:
    return lambda client: client.get(path)


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float


def wrk(
    url: str,
    duration: float,
    connections: int,
    script: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Figures:
    """wrk's req/s and latency percentiles; `script`: a Lua script and its arguments."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script[0], url, "--", *script[1:]]
    else:
        command.append(url)
    output = run(command, cwd=BENCH)
    if "Non-2xx" in output or "Socket errors" in output:
        sys.exit(f"ERROR: wrk saw failed requests on {url}:\n{output}")
    rps = float(WRK_RPS.search(output)[1])  # type: ignore[index]
    latency = {p: float(v) * UNIT_MS[u] for p, v, u in WRK_LATENCY.findall(output)}
    return Figures(rps, latency["50"], latency["99"])


def median(runs: list[Figures]) -> Figures:
    return Figures(
        statistics.median(r.rps for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
    )


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"ERROR: {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def idle_share(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time that went unused over `seconds` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return values[3] + values[4], sum(values)  # idle and iowait, and the total

    idle_before, total_before = sample()
    time.sleep(seconds)
    idle_after, total_after = sample()
    return (idle_after - idle_before) / max(total_after - total_before, 1)


def report_idle(phase: str) -> None:
    """Other work on the machine moves every figure: say how idle it was before a phase."""
    idle = idle_share()
    warning = "" if idle > 0.9 else " - other processes are busy; the figures that follow are lower than they should be"
    print(f"[{phase}: the CPU was {idle:.0%} idle in the second before{warning}]")


def print_table(columns: list[str], rows: list[list[Any]], formats: dict[str, str] | None = None) -> None:
    """A Markdown table; a cell's format comes from its column's name in `formats`."""
    formats = formats or {}
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        cells = [
            "" if value is None else format(value, formats.get(column, ""))
            for column, value in zip(columns, row, strict=True)
        ]
        print("| " + " | ".join(cells) + " |")
