"""Concurrent requests against served projects on PostgreSQL.

Races end in the status the API promises, never a 500; a small pool under pressure answers 503
after its timeout rather than hang, and leaks no connection, even for requests the client gave up on.
"""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from conftest import POSTGRES_ADMIN_URL, choose, render_variant, variant_id
from served import Server, migrate, serve
from sqlalchemy import make_url

# Both ways of deleting (a unique constraint, or a partial unique index among live rows).
# auth=none: what races here is the database, not who calls.
RUNS = [("many-to-many", choose(0, 1, 1, 0, 1)), ("many-to-many", choose(1, 0, 0, 1, 1))]
SMALL_POOL = {"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "2", "DB_POOL_TIMEOUT": "1"}
POOL_LIMIT = 5  # pool size + overflow


@pytest.fixture(scope="module", params=RUNS, ids=[variant_id(*run) for run in RUNS])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec, options = request.param
    return render_variant(tmp_path_factory.mktemp(variant_id(spec, options)), spec, options)


@pytest.fixture
def database(project: Path, postgres_database: str) -> str:
    migrate(project, postgres_database)
    return postgres_database


@asynccontextmanager
async def client_of(server: Server, timeout: float = 30) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", timeout=timeout, limits=limits) as client:
        yield client


async def statuses(*requests: Awaitable[httpx.Response]) -> Counter[int]:
    responses = await asyncio.gather(*requests)
    return Counter(response.status_code for response in responses)


@pytest.mark.asyncio
async def test_creates_of_one_name_give_one_201_and_409_for_the_rest(project: Path, database: str) -> None:
    with serve(project, database) as server:
        async with client_of(server) as client:
            seen = await statuses(*(client.post("/heroes", json={"name": "Storm"}) for _ in range(50)))
            listed = (await client.get("/heroes", params={"name": "Storm"})).json()["items"]
    assert seen == {201: 1, 409: 49}
    assert len(listed) == 1
    print(f"50 concurrent creates of one name: {dict(seen)}")


@pytest.mark.asyncio
async def test_updates_and_deletes_of_one_row_never_fail(project: Path, database: str) -> None:
    with serve(project, database) as server:
        async with client_of(server) as client:
            hero = (await client.post("/heroes", json={"name": "Rogue"})).json()
            path = f"/heroes/{hero['id']}"
            renames = [client.patch(path, json={"name": f"Rogue {i % 5}"}) for i in range(40)]
            deletes = [client.delete(path) for _ in range(10)]
            seen = await statuses(*renames[:20], *deletes, *renames[20:])
            after = await client.get(path)
    # 409: two renames to the same name raced; 404: the row was already gone.
    assert set(seen) <= {200, 204, 404, 409}, seen
    assert seen[204] == 1, seen
    assert after.status_code == 404
    print(f"40 concurrent renames and 10 deletes of one row: {dict(seen)}")


@pytest.mark.asyncio
async def test_concurrent_attaches_make_one_link(project: Path, database: str) -> None:
    with serve(project, database) as server:
        async with client_of(server) as client:
            hero = (await client.post("/heroes", json={"name": "Thor"})).json()
            power = (await client.post("/powers", json={"name": "Lightning"})).json()
            link = f"/heroes/{hero['id']}/powers/{power['id']}"
            attached = await statuses(*(client.put(link) for _ in range(30)))
            powers = (await client.get(f"/heroes/{hero['id']}/powers")).json()["items"]
            mixed = await statuses(*(client.put(link) if i % 2 else client.delete(link) for i in range(30)))
    assert attached == {204: 30}
    assert [p["id"] for p in powers] == [power["id"]]
    assert mixed == {204: 30}
    print(f"30 concurrent attaches: {dict(attached)}; 30 attaches and detaches: {dict(mixed)}")


LOCKER = "test-locker"


async def connections_to(database: str) -> int:
    """The service's connections to its database (the test's own lock aside)."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name <> $2"
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        count: int = await connection.fetchval(query, make_url(database).database, LOCKER)
    finally:
        await connection.close()
    return count


@asynccontextmanager
async def table_locked(database: str, table: str) -> AsyncIterator[None]:
    """A slow database: every statement on `table` waits, holding its pooled connection, until the block ends."""
    dsn = make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5, server_settings={"application_name": LOCKER})
    try:
        async with connection.transaction():
            await connection.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            yield
    finally:
        await connection.close()


async def watch_connections(database: str, peak: list[int]) -> None:
    while True:
        peak.append(await connections_to(database))
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_a_small_pool_under_pressure_answers_503_and_leaks_nothing(project: Path, database: str) -> None:
    with serve(project, database, **SMALL_POOL) as server:
        async with client_of(server) as client:
            power = (await client.post("/powers", json={"name": "Flight"})).json()
            before = await connections_to(database)
            samples: list[int] = []
            watcher = asyncio.create_task(watch_connections(database, samples))
            requests = []
            for i in range(300):
                if i % 3 == 0:
                    requests.append(client.post("/heroes", json={"name": f"Hero {i}"}))
                elif i % 3 == 1:
                    requests.append(client.get("/heroes", params={"limit": 100}))
                else:
                    requests.append(client.get(f"/powers/{power['id']}"))
            async with table_locked(database, "hero"):
                burst = asyncio.ensure_future(statuses(*requests))
                await asyncio.sleep(2)  # twice the pool timeout
            seen = await burst

            # Clients that give up mid-request: their requests still end, and return their connections.
            async with client_of(server, timeout=0.02) as impatient:
                abandoned = await asyncio.gather(
                    *(impatient.get("/heroes", params={"limit": 100}) for _ in range(200)), return_exceptions=True
                )
            await asyncio.sleep(2)  # every abandoned request has ended by now
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            after = await connections_to(database)
            # Were connections leaked, the pool would have none to give and these would get 503s.
            healthy = Counter([(await client.get("/heroes")).status_code for _ in range(POOL_LIMIT * 4)])
    gave_up = sum(isinstance(result, httpx.TimeoutException) for result in abandoned)
    assert set(seen) <= {200, 201, 503}, seen
    assert seen[200] + seen[201] > 0
    assert seen[503] > 0, "the pool was never exhausted, so the test proves nothing"
    assert max(samples) <= POOL_LIMIT, max(samples)
    assert after <= POOL_LIMIT
    assert healthy == {200: POOL_LIMIT * 4}
    print(
        f"300 requests on a pool of {POOL_LIMIT}: {dict(seen)}; connections before {before}, "
        f"at most {max(samples)} during ({len(samples)} samples), {after} after; "
        f"{gave_up} of 200 requests abandoned by the client"
    )
