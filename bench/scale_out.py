"""Scale out: req/s of the default list route with uvicorn --workers 2 against 1, direct and behind PgBouncer.

The raw baseline runs the same way, as the control: what a second worker can add on this machine at all.
Behind PgBouncer (transaction mode) the generated service runs with DB_PGBOUNCER=true, with its own
pool and with DB_NULL_POOL=true; the raw baseline is not run there (its statement cache needs session mode).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from support import (
    ADMIN_URL,
    BENCH,
    Figures,
    Project,
    Target,
    median,
    print_table,
    serving,
    sqlalchemy_url,
    wrk,
)

PATH = "/api/v1/heroes?limit=50&offset=500"
PORT, PGBOUNCER_PORT = 8141, 6433
PGBOUNCER_CONFIG = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 400
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


def scale_out(project: Project, database: str, duration: int, connections: int, rounds: int) -> None:
    generated = Target("generated default", project.src, project.app, sqlalchemy_url(database))
    raw = Target("raw default", BENCH, "raw_app:app", database)
    setups: list[tuple[str, Target, dict[str, str]]] = [("raw default", raw, {}), ("generated default", generated, {})]
    with pgbouncer() as port:
        through = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database.rsplit('/', 1)[1]}"
        if port:
            for env in ({"DB_PGBOUNCER": "true"}, {"DB_PGBOUNCER": "true", "DB_NULL_POOL": "true"}):
                settings = " ".join(f"{key}={value}" for key, value in env.items())
                setups.append((f"generated via PgBouncer, {settings}", generated, env))
        results: dict[tuple[str, int], list[Figures]] = {}
        for round_number in range(rounds):
            ordered = setups if round_number % 2 == 0 else setups[::-1]
            for name, target, env in ordered:
                for workers in (1, 2) if round_number % 2 == 0 else (2, 1):
                    with serving(target, PORT, workers, env, through if env else "") as base:
                        wrk(base + PATH, 2, connections)  # warm up every worker
                        results.setdefault((name, workers), []).append(wrk(base + PATH, duration, connections))
            print(f"  scale-out round {round_number + 1}/{rounds} done")
    rows = []
    for name, _target, _env in setups:
        one, two = median(results[name, 1]), median(results[name, 2])
        rows.append([name, one.rps, two.rps, two.rps / one.rps, one.p99_ms, two.p99_ms])
    print(f"\nScale out: GET {PATH}, wrk -t1 -c{connections} -d{duration}s, median of {rounds} rounds")
    columns = ["server", "1 worker req/s", "2 workers req/s", "ratio", "1 worker p99 ms", "2 workers p99 ms"]
    formats = {columns[1]: ".0f", columns[2]: ".0f", "ratio": ".2f", columns[4]: ".1f", columns[5]: ".1f"}
    print_table(columns, rows, formats)
    print(f"(target: ratio >= 1.6; this machine has {os.cpu_count()} cores, shared by the workers, PostgreSQL and wrk)")


@contextmanager
def pgbouncer() -> Iterator[int]:
    """A PgBouncer in transaction mode in front of the benchmark's server; its port (0 if not installed)."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        print("pgbouncer is not installed (apt-get install pgbouncer): no figures behind it")
        yield 0
        return
    server = urlsplit(ADMIN_URL)
    folder = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
    (folder / "users.txt").write_text('"postgres" ""\n')
    config = PGBOUNCER_CONFIG.format(
        host=server.hostname, port=server.port or 5432, listen=PGBOUNCER_PORT, folder=folder
    )
    (folder / "pgbouncer.ini").write_text(config)
    # PgBouncer refuses to run as root; as another user, it must own its folder.
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    if user:
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, "postgres")
    process = subprocess.Popen([binary, *user, str(folder / "pgbouncer.ini")], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not listening(PGBOUNCER_PORT):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"PgBouncer did not start: {(folder / 'pgbouncer.log').read_text()}")
            time.sleep(0.1)
        yield PGBOUNCER_PORT
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
