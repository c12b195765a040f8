"""Generated services against a raw-driver baseline under wrk, and how long generation takes.

    python bench/run.py [--rounds 3] [--duration 10] [--connections 32]
                        [--skip-bulk] [--skip-growth] [--skip-scale-out] [--skip-generation]

Prints figures; it asserts nothing. bench/README.md says what it measures and how.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import seeds
from cookiecutter.main import cookiecutter
from growth import growth
from scale_out import scale_out
from support import (
    BENCH,
    TEMPLATE,
    Figures,
    Project,
    Target,
    count_statements,
    getter,
    median,
    migrate,
    new_database,
    print_table,
    render,
    report_idle,
    run,
    serving,
    sqlalchemy_url,
    wrk,
)

LIBRARY_ENTITIES = (
    "author { name: str(120), born_on: date? }; "
    "book { title: str(200), isbn: str(17) unique, author: author, price: decimal(8,2)? >= 0, "
    "status: enum(draft|in_print|out_of_print) = draft, pages: int? >= 1 }; "
    "member { email: email unique, full_name: str(120), notes: text? hidden }; "
    "loan { member: member, book: book, due_on: date, returned_at: datetime?, unique(member, book) }; "
    "genre:genre"
)


@dataclass
class Service:
    """A generated project benchmarked against a raw baseline (group) or beside one."""

    name: str
    options: dict[str, Any]
    plural: str  # the list benchmarked: /api/v1/<plural>
    group: str  # which raw baseline it is compared with
    raw: bool = False  # serve the raw baseline over this service's database too


# auth=none but for default-users: the raw baselines check no token, and default-users measures
# what checking one costs (a signature per request; a read of the user when a worker first sees it).
SERVICES = [
    Service("default", {"auth": "none"}, "heroes", "default", raw=True),
    Service("default-users", {"auth": "users"}, "heroes", "default"),
    Service(
        "uuid-cursor-soft",
        {"primary_key": "uuid", "pagination": "cursor", "soft_delete": True, "auth": "none"},
        "heroes",
        "default",
    ),
    Service(
        "library",
        {
            "project_name": "Library",
            "entities": LIBRARY_ENTITIES,
            "many_to_many": "book+genre { main: bool = false }",
            "auth": "none",
        },
        "loans",
        "library",
        raw=True,
    ),
]
PAGE, SKIP = 50, 500
# Where the servers listen (and, from COUNTED_PORTS, their statement-counted twins).
SERVER_PORTS = int(os.environ.get("BENCH_SERVER_PORT", "8101"))
COUNTED_PORTS = int(os.environ.get("BENCH_COUNTED_PORT", "8201"))
# The databases the bench makes (and drops first) on BENCH_POSTGRES_URL's server.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")
# The user the auth=users service makes at start-up, and whose token every request carries.
BENCH_USER = {
    "SECRET_KEY": "bench-" + "k" * 40,
    "FIRST_SUPERUSER_EMAIL": "bench@example.com",
    "FIRST_SUPERUSER_PASSWORD": "bench password",
    "ACCESS_TOKEN_MINUTES": "600",
}
BULK_ITEMS, BULK_CONNECTIONS = 100, 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per route and round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-bulk", action="store_true", help="skip the bulk create figures")
    parser.add_argument("--skip-growth", action="store_true", help="skip the 1,000,000-row pagination figures")
    parser.add_argument("--skip-scale-out", action="store_true", help="skip the two-worker and PgBouncer figures")
    parser.add_argument("--scale-rounds", type=int, default=2, help="rounds of the scale-out figures")
    parser.add_argument("--skip-generation", action="store_true", help="skip the generation timings")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("ERROR: wrk is not on PATH; install it (apt-get install wrk) and run again")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        work = Path(scratch)
        projects, databases = prepare(work)
        print(f"wrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds in alternating order")
        with running_targets(projects, databases) as targets:
            report_idle("list and one")
            throughput(targets, args)
            if not args.skip_bulk:
                report_idle("bulk create")
                bulk(targets, databases["library"], args)
        if not args.skip_scale_out:
            report_idle("scale out")
            scale_out(projects["default"], databases["default"], args.duration, args.connections, args.scale_rounds)
        if not args.skip_growth:
            report_idle("growth")
            growth(work, projects["default"])
        if not args.skip_generation:
            generation_timings(work)
    print(f"\nThe whole run took {(time.monotonic() - started) / 60:.1f} minutes.")


def prepare(work: Path) -> tuple[dict[str, Project], dict[str, str]]:
    """Every service rendered, with a database migrated and seeded."""
    projects, databases = {}, {}
    for service in SERVICES:
        project = render(work, service.name, service.options)
        url = new_database(f"{DATABASE_PREFIX}{service.name.replace('-', '_')}")
        migrate(project, url)
        sql = (
            seeds.library_sql()
            if service.name == "library"
            else seeds.default_sql(service.options.get("primary_key") == "uuid")
        )
        asyncio.run(seeds.execute(url, sql))
        projects[service.name], databases[service.name] = project, url
    print(
        f"Seeded {seeds.HEROES:,} heroes under {seeds.TEAMS} teams per default-domain service; "
        f"{seeds.LOANS:,} loans of {seeds.MEMBERS:,} members and {seeds.BOOKS:,} books for the library"
    )
    return projects, databases


@contextmanager
def running_targets(projects: dict[str, Project], databases: dict[str, str]) -> Iterator[list[Target]]:
    """Every generated service and both raw baselines, served at once; paths found and JSON compared."""
    targets = []
    for service in SERVICES:
        project, url = projects[service.name], databases[service.name]
        target = Target(f"generated {service.name}", project.src, project.app, sqlalchemy_url(url), service.group)
        # One cursor key for the server and its statement-counted twin, whose DATABASE_URL
        # (through the counting proxy), from which the key is otherwise derived, differs.
        target.env = {"CURSOR_SECRET": "bench cursor secret"}
        if service.options.get("auth") == "users":
            target.env |= BENCH_USER
        targets.append(target)
        if service.raw:
            targets.append(Target(f"raw {service.group}", BENCH, "raw_app:app", url, service.group))
    plurals = {service.group: service.plural for service in SERVICES}
    with ExitStack() as stack:
        for port, target in enumerate(targets, start=SERVER_PORTS):
            target.base = stack.enter_context(serving(target, port))
            if "SECRET_KEY" in target.env:
                target.headers = {"Authorization": f"Bearer {access_token(target.base)}"}
        for target in targets:
            target.paths = routes_of(target.base, plurals[target.group], target.headers)
        check_same_json(targets)
        yield targets


def access_token(base: str) -> str:
    form = {"username": BENCH_USER["FIRST_SUPERUSER_EMAIL"], "password": BENCH_USER["FIRST_SUPERUSER_PASSWORD"]}
    response = httpx.post(f"{base}/api/v1/auth/token", data=form)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def routes_of(base: str, plural: str, headers: dict[str, str]) -> dict[str, str]:
    """The list page at row SKIP (by offset, or by the cursor a client would hold there) and one row."""
    client = httpx.Client(base_url=base, headers=headers)
    first = client.get(f"/api/v1/{plural}", params={"limit": PAGE}).json()
    if "next_cursor" in first:
        page = first
        for _ in range(SKIP // PAGE - 1):
            page = client.get(f"/api/v1/{plural}", params={"limit": PAGE, "cursor": page["next_cursor"]}).json()
        list_path = f"/api/v1/{plural}?limit={PAGE}&cursor={page['next_cursor']}"
    else:
        list_path = f"/api/v1/{plural}?limit={PAGE}&offset={SKIP}"
    middle = client.get(list_path).json()["items"][0]["id"]
    return {"list": list_path, "one": f"/api/v1/{plural}/{middle}"}


def check_same_json(targets: list[Target]) -> None:
    """Each raw baseline and the generated service of its domain answer its routes with equal JSON."""
    for raw in (target for target in targets if target.name.startswith("raw")):
        generated = next(target for target in targets if target.name == f"generated {raw.group}")
        for path in raw.paths.values():
            left, right = httpx.get(raw.base + path).json(), httpx.get(generated.base + path).json()
            if left != right:
                sys.exit(f"ERROR: {raw.name} and {generated.name} disagree on {path}:\n{left}\n{right}")
    print("The raw baselines serve the same JSON as the generated services (list and one, both domains)")


def throughput(targets: list[Target], args: argparse.Namespace) -> None:
    """List and one: req/s and latency of every target, and each generated service's ratio to its baseline."""
    statements = {}
    for port, target in enumerate(targets, start=COUNTED_PORTS):
        statements[target.name] = count_statements(target, port, {r: getter(p) for r, p in target.paths.items()})
    for target in targets:  # warm up: first-use costs (imports, prepared statements) are not the route's
        wrk(target.base + target.paths["list"], 2, args.connections, headers=target.headers)
    results: dict[tuple[str, str], list[Figures]] = {}
    for round_number in range(args.rounds):
        # Alternate the order, so that no server always runs on a warmer machine.
        for target in targets if round_number % 2 == 0 else targets[::-1]:
            for route, path in target.paths.items():
                results.setdefault((target.name, route), []).append(
                    wrk(target.base + path, args.duration, args.connections, headers=target.headers)
                )
        print(f"  round {round_number + 1}/{args.rounds} done")
    figures = {key: median(runs) for key, runs in results.items()}
    ratios: dict[tuple[str, str], float] = {}
    rows = []
    for route in ("list", "one"):
        for target in sorted(targets, key=lambda t: (t.group, not t.name.startswith("raw"), t.name)):
            own = figures[target.name, route]
            ratios[target.name, route] = own.rps / figures[f"raw {target.group}", route].rps
            cells = [target.name, route, own.rps, own.p50_ms, own.p99_ms, ratios[target.name, route]]
            rows.append([*cells, statements[target.name][route]])
    columns = ["implementation", "route", "req/s", "p50 ms", "p99 ms", "ratio", "statements per request"]
    print_table(columns, rows, {"req/s": ".0f", "p50 ms": ".1f", "p99 ms": ".1f", "ratio": ".2f"})
    for route in ("list", "one"):
        users = figures["generated default-users", route].rps / figures["generated default", route].rps
        print(
            f"{route}: auth=users serves {users:.2f} times the requests of auth=none "
            "(target: within 25%, at least 0.75)"
        )
    for route in ("list", "one"):
        default, library = ratios["generated default", route], ratios["generated library", route]
        print(
            f"{route}: the library's ratio {library:.2f} is {library / default:.2f} times the default's {default:.2f}"
            " (target: within 10%, 0.90 to 1.10)"
        )


def bulk(targets: list[Target], database: str, args: argparse.Namespace) -> None:
    """POST /loans/bulk with BULK_ITEMS new loans per request: rows/s of the generated service and the raw one."""
    library = [target for target in targets if target.group == "library"]
    # Each run takes pairs of its own: a request still in flight when wrk stops may commit after
    # the rows of its run were deleted, so no later run may use its pairs.
    block = (COUNTED_FIRST_K - seeds.LOANS) // (args.rounds * len(library))
    runs = iter(range(seeds.LOANS, COUNTED_FIRST_K, block))
    statements = {}
    for port, target in enumerate(library, start=COUNTED_PORTS + 20):
        statements[target.name] = count_statements(target, port, {"bulk": send_bulk})["bulk"]
        clear_new_loans(database)
    results: dict[str, list[Figures]] = {}
    for round_number in range(args.rounds):
        for target in library if round_number % 2 == 0 else library[::-1]:
            script = [str(BENCH / "bulk.lua"), str(next(runs)), str(seeds.MEMBERS), str(seeds.BOOKS), str(BULK_ITEMS)]
            figures = wrk(target.base + "/api/v1/loans/bulk", args.duration, BULK_CONNECTIONS, script)
            results.setdefault(target.name, []).append(figures)
            clear_new_loans(database)  # the next run inserts the same pairs into a table of the same size
    rows = []
    raw_rate = median(results["raw library"]).rps * BULK_ITEMS
    for target in library:
        own = median(results[target.name])
        rate = own.rps * BULK_ITEMS
        rows.append([target.name, rate, own.p50_ms, own.p99_ms, rate / raw_rate, statements[target.name]])
    print(f"\nBulk create: POST /api/v1/loans/bulk, {BULK_ITEMS} new loans per request, wrk -c{BULK_CONNECTIONS}")
    columns = ["implementation", "rows/s", "p50 ms", "p99 ms", "ratio", "statements per request"]
    print_table(columns, rows, {"rows/s": ",.0f", "p50 ms": ".1f", "p99 ms": ".1f", "ratio": ".2f"})
    print("(target: ratio >= 0.30; at most 3 data statements, the references' lookups included)")


# The pairs seeds.loan_pair(k) from this k on are for the requests whose statements are counted.
COUNTED_FIRST_K = seeds.MEMBERS * seeds.BOOKS - 100_000
_counted_batches = iter(range(10**6))


def send_bulk(client: httpx.Client) -> httpx.Response:
    """A bulk create of BULK_ITEMS loans whose pairs no other request uses (k above wrk's)."""
    first = COUNTED_FIRST_K + next(_counted_batches) * BULK_ITEMS
    body = []
    for k in range(first, first + BULK_ITEMS):
        member_id, book_id = seeds.loan_pair(k)
        body.append({"member_id": member_id, "book_id": book_id, "due_on": "2026-03-01"})
    return client.post("/api/v1/loans/bulk", json=body)


def clear_new_loans(database: str) -> None:
    time.sleep(1)  # the requests in flight when wrk stopped
    asyncio.run(seeds.execute(database, f"DELETE FROM loan WHERE id > {seeds.LOANS}", "VACUUM ANALYZE loan"))


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
