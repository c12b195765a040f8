"""A served project behind a real PgBouncer in transaction mode (from the system's packages).

There, consecutive transactions of one client connection may run on different server
connections, so a prepared statement made in one is missing in the next: DB_PGBOUNCER=true
must make the service work anyway, with SQLAlchemy's pool or with NullPool.
"""

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import POSTGRES_ADMIN_URL, choose, render
from served import free_port, migrate, serve
from sqlalchemy import make_url

CONFIG = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


@pytest.fixture(scope="module")
def pgbouncer() -> Iterator[int]:
    """A PgBouncer in transaction mode in front of the test server; its port."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed (apt-get install pgbouncer); CI requires it")
        pytest.skip("pgbouncer is not installed")
    server = make_url(POSTGRES_ADMIN_URL)
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    listen = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        CONFIG.format(host=server.host, port=server.port, listen=listen, folder=folder)
    )
    # PgBouncer refuses to run as root; as another user, it must own its folder.
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    if user:
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
    process = subprocess.Popen([binary, *user, str(folder / "pgbouncer.ini")], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _listening(listen):
            assert time.monotonic() < deadline and process.poll() is None, (folder / "pgbouncer.log").read_text()
            time.sleep(0.1)
        yield listen
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("pgbouncer"), entities="team, hero:team", **choose(0, 0, 0, 0, 1))


async def workload(base: str) -> Counter[int]:
    """Every kind of statement the heroes and teams routes send, many times, concurrently."""
    async with httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=30) as client:

        async def one_client(n: int) -> list[int]:
            seen = []
            team = await client.post("/teams", json={"name": f"Team {n}"})
            seen.append(team.status_code)
            team_id = team.json()["id"] if team.status_code == 201 else None
            for i in range(5):
                hero = await client.post("/heroes", json={"name": f"Hero {n}-{i}", "team_id": team_id})
                seen.append(hero.status_code)
                if hero.status_code != 201:
                    continue
                hero_path = f"/heroes/{hero.json()['id']}"
                for response in await asyncio.gather(
                    client.get("/heroes", params={"limit": 10}),
                    client.get(hero_path),
                    client.patch(hero_path, json={"description": "renamed"}),
                ):
                    seen.append(response.status_code)
                seen.append((await client.delete(hero_path)).status_code)
            return seen

        results = await asyncio.gather(*(one_client(n) for n in range(20)))
    return Counter(status for statuses in results for status in statuses)


@pytest.fixture
def through_pgbouncer(project: Path, postgres_database: str, pgbouncer: int) -> str:
    """The URL of a migrated database, by way of PgBouncer."""
    migrate(project, postgres_database)  # DDL goes to the server directly, as it should
    return make_url(postgres_database).set(host="127.0.0.1", port=pgbouncer).render_as_string(hide_password=False)


@pytest.mark.parametrize("null_pool", ["false", "true"])
def test_the_service_works_behind_pgbouncer_in_transaction_mode(
    project: Path, through_pgbouncer: str, null_pool: str
) -> None:
    with serve(project, through_pgbouncer, DB_PGBOUNCER="true", DB_NULL_POOL=null_pool) as server:
        seen = asyncio.run(workload(server.url))
    assert seen == {201: 120, 200: 300, 204: 100}, seen
    print(f"behind PgBouncer (NullPool {null_pool}): {dict(seen)}")


def test_without_the_setting_pgbouncer_breaks_the_service(project: Path, through_pgbouncer: str) -> None:
    """The control: what DB_PGBOUNCER prevents does happen here, as 500s or dropped responses."""
    with serve(project, through_pgbouncer, errors_expected=True) as server, contextlib.suppress(httpx.TransportError):
        asyncio.run(workload(server.url))
    assert re.search(r"prepared statement .* (does not exist|already exists)", server.output()), server.output()[-4000:]
