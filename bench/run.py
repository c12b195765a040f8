"""Generated services against a raw-driver baseline under wrk, and how long generation takes.

    python bench/run.py [--rounds 3] [--duration 10] [--connections 32] [--skip-generation]

Prints figures; it asserts nothing. bench/README.md says what it measures and how.
"""

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
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
# The option combinations benchmarked: the default, and every option switched the other way
# (SQLite is only the default URL; the benchmark serves both from PostgreSQL).
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "uuid-cursor-soft": {"primary_key": "uuid", "pagination": "cursor", "soft_delete": True},
}
PARENTS, CHILDREN, PAGE, SKIP = 100, 10_000, 50, 500


@dataclass
class Target:
    name: str
    base: str
    app_dir: Path
    app: str
    database_url: str
    list_path: str = ""
    one_path: str = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per route and round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-generation", action="store_true", help="skip the generation timings")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("ERROR: wrk is not on PATH; install it (apt-get install wrk) and run again")

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        work = Path(scratch)
        print(
            f"Seeding {CHILDREN} heroes under {PARENTS} teams per variant; wrk -t1 -c{args.connections} -d{args.duration}s"
        )
        rows = throughput(work, args)
        print_table(rows)
        if not args.skip_generation:
            generation_timings(work)


def throughput(work: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    results: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    statements: dict[str, dict[str, str]] = {}
    with running_targets(work) as targets:
        for target in targets:
            statements[target.name] = count_statements(target)
        for round_number in range(args.rounds):
            # Alternate the order, so that no server always runs on a warmer machine.
            ordered = targets if round_number % 2 == 0 else targets[::-1]
            for target in ordered:
                for route, path in (("list", target.list_path), ("one", target.one_path)):
                    figures = wrk(target.base + path, args.duration, args.connections)
                    results.setdefault(target.name, {}).setdefault(route, []).append(figures)
            print(f"  round {round_number + 1}/{args.rounds} done")
    baseline = {route: median_rps(results["raw"][route]) for route in ("list", "one")}
    rows = []
    for name, routes in results.items():
        for route, runs in routes.items():
            rps = median_rps(runs)
            rows.append(
                {
                    "implementation": name,
                    "route": route,
                    "req/s": rps,
                    "p50 ms": statistics.median(r[1] for r in runs),
                    "p99 ms": statistics.median(r[2] for r in runs),
                    "ratio": rps / baseline[route],
                    "statements": statements[name][route],
                }
            )
    return rows


def median_rps(runs: list[tuple[float, float, float]]) -> float:
    return statistics.median(r[0] for r in runs)


@contextmanager
def running_targets(work: Path) -> Any:
    servers: list[subprocess.Popen[bytes]] = []
    targets = []
    try:
        for name, options in VARIANTS.items():
            project = cookiecutter(
                str(TEMPLATE),
                no_input=True,
                output_dir=str(work / name),
                extra_context={"run_tests": False, "init_git": False, **options},
            )
            url = new_database(f"bench_{name.replace('-', '_')}")
            run(
                [sys.executable, "-m", "alembic", "upgrade", "head"],
                cwd=Path(project),
                env={"DATABASE_URL": sqlalchemy_url(url)},
            )
            asyncio.run(seed(url, uuids=options.get("primary_key") == "uuid"))
            targets.append(
                Target(f"generated {name}", "", Path(project) / "src", "hero_service.main:app", sqlalchemy_url(url))
            )
            if name == "default":
                targets.append(Target("raw", "", BENCH, "raw_app:app", url))
        for port, target in enumerate(targets, start=8101):
            target.base = f"http://127.0.0.1:{port}"
            servers.append(start_server(target.app_dir, target.app, target.database_url, port))
        for target in targets:
            wait_until_up(target.base)
            target.list_path, target.one_path = routes_of(target.base)
        check_same_json(targets)
        yield targets
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=15)


def new_database(name: str) -> str:
    async def create() -> None:
        connection = await asyncpg.connect(ADMIN_URL)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


async def seed(url: str, uuids: bool) -> None:
    new_id = "gen_random_uuid(), " if uuids else ""
    id_column = "id, " if uuids else ""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"""
            INSERT INTO team ({id_column}name, description, attributes, created_at, updated_at)
            SELECT {new_id}'Team ' || g, 'Team number ' || g, '{{"rank": 1}}', now(), now()
            FROM generate_series(1, {PARENTS}) g;
            WITH teams AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM team)
            INSERT INTO hero ({id_column}name, description, attributes, team_id, created_at, updated_at)
            SELECT {new_id}'Hero ' || g, 'Hero number ' || g, '{{"power": "flight", "level": 3}}', teams.id, now(), now()
            FROM generate_series(0, {CHILDREN - 1}) g JOIN teams ON teams.n = g % {PARENTS};
            ANALYZE;
        """)
    finally:
        await connection.close()


def start_server(app_dir: Path, app: str, database_url: str, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--app-dir",
        str(app_dir),
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env={**os.environ, "DATABASE_URL": database_url})


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/api/v1/heroes?limit=1", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"ERROR: {base} did not answer within 30 s")


def routes_of(base: str) -> tuple[str, str]:
    """The list page at row SKIP (by offset, or by the cursor a client would hold there) and one hero."""
    first = httpx.get(f"{base}/api/v1/heroes", params={"limit": PAGE}).json()
    if "next_cursor" in first:
        page = first
        for _ in range(SKIP // PAGE - 1):
            page = httpx.get(f"{base}/api/v1/heroes", params={"limit": PAGE, "cursor": page["next_cursor"]}).json()
        list_path = f"/api/v1/heroes?limit={PAGE}&cursor={page['next_cursor']}"
    else:
        list_path = f"/api/v1/heroes?limit={PAGE}&offset={SKIP}"
    middle = httpx.get(f"{base}{list_path}").json()["items"][0]["id"]
    return list_path, f"/api/v1/heroes/{middle}"


def check_same_json(targets: list[Target]) -> None:
    by_name = {target.name: target for target in targets}
    raw, generated = by_name["raw"], by_name["generated default"]
    for path in (raw.list_path, raw.one_path):
        left, right = httpx.get(raw.base + path).json(), httpx.get(generated.base + path).json()
        if left != right:
            sys.exit(f"ERROR: the baseline and the generated service disagree on {path}")


COUNTED_REQUESTS = 20
COUNTED_PORT = 8201


def count_statements(target: Target) -> dict[str, str]:
    """Statements per request as PostgreSQL receives them: another instance, through a counting proxy."""
    server_address = urlsplit(ADMIN_URL)
    counter = StatementCounter((server_address.hostname or "127.0.0.1", server_address.port or 5432))
    # No TLS, or the counter could not read the protocol; asyncpg's DSN and SQLAlchemy name it differently.
    no_tls = "?ssl=disable" if "+asyncpg" in target.database_url else "?sslmode=disable"
    through = re.sub(r"@[^/]+/", f"@127.0.0.1:{counter.port}/", target.database_url) + no_tls
    server = start_server(target.app_dir, target.app, through, COUNTED_PORT)
    base = f"http://127.0.0.1:{COUNTED_PORT}"
    try:
        wait_until_up(base)
        counts = {}
        for route, path in (("list", target.list_path), ("one", target.one_path)):
            for _ in range(3):  # the driver's first-use type lookups are not the route's
                httpx.get(base + path).raise_for_status()
            counter.reset()
            for _ in range(COUNTED_REQUESTS):
                httpx.get(base + path).raise_for_status()
            per_request = {kind: n / COUNTED_REQUESTS for kind, n in sorted(counter.counts.items())}
            counts[route] = ", ".join(f"{n:g} {kind}" for kind, n in per_request.items())
        return counts
    finally:
        server.terminate()
        server.wait(timeout=15)
        counter.close()


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, connections: int) -> tuple[float, float, float]:
    output = run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url], cwd=BENCH)
    if "Non-2xx" in output or "Socket errors" in output:
        sys.exit(f"ERROR: wrk saw failed requests on {url}:\n{output}")
    rps = float(WRK_RPS.search(output)[1])  # type: ignore[index]
    latency = {p: float(v) * UNIT_MS[u] for p, v, u in WRK_LATENCY.findall(output)}
    return rps, latency["50"], latency["99"]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"ERROR: {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


FORMATS = {"req/s": ".0f", "p50 ms": ".1f", "p99 ms": ".1f", "ratio": ".2f"}


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = ["implementation", "route", "req/s", "p50 ms", "p99 ms", "ratio", "statements"]
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in sorted(rows, key=lambda r: (r["route"], r["implementation"] != "raw", r["implementation"])):
        cells = [format(row[c], FORMATS.get(c, "")) for c in columns]
        print("| " + " | ".join(cells) + " |")


def generation_timings(work: Path) -> None:
    renders = []
    for i in range(5):
        start = time.perf_counter()
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(work / f"render-{i}"),
            extra_context={"run_tests": False, "init_git": False},
        )
        renders.append(time.perf_counter() - start)
    print(f"\nRender alone (median of 5): {statistics.median(renders):.2f} s")
    # The hook installs with uv when uv is on PATH (this venv's, from the test extra), else with pip.
    venv_bin = str(Path(sys.executable).parent)
    if not shutil.which("uv", path=venv_bin):
        sys.exit("ERROR: uv is not installed beside this Python; install the template's test extra")
    path = os.environ["PATH"].split(os.pathsep)
    with_uv = os.pathsep.join([venv_bin, *path])
    without_uv = os.pathsep.join(folder for folder in path if not shutil.which("uv", path=folder))
    cache = str(work / "uv-cache")
    runs = [("uv, cold cache", with_uv), ("uv, warm cache", with_uv), ("pip, no uv on PATH", without_uv)]
    for number, (label, search_path) in enumerate(runs):
        output_dir = str(work / f"full-{number}")
        command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", output_dir, str(TEMPLATE), "init_git=no"]
        start = time.perf_counter()
        output = run(command, cwd=work, env={"PATH": search_path, "UV_CACHE_DIR": cache})
        seconds = time.perf_counter() - start
        installer = "uv sync" if "uv sync" in output else "pip"
        print(f"Generation with the hook's install ({installer}) and test run, {label}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
