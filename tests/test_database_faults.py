"""A served project whose database is down at start, goes away mid-run, or stops answering.

Each request must get a 503 with a JSON message within a few seconds, and the service must
recover by itself once the database is back.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from conftest import choose, render
from served import Server, migrate, serve
from sqlalchemy import make_url
from tcp_proxy import TcpProxy

UNAVAILABLE = {"detail": "Database unavailable; try again shortly"}
# The service's bounds, set low so that the test is quick: waiting for a new connection,
# for a pooled one, and for an answer to a statement.
TIMEOUTS = {"DB_CONNECT_TIMEOUT": "2", "DB_POOL_TIMEOUT": "2", "DB_COMMAND_TIMEOUT": "2"}
# The longest a request may wait: a silent database costs a statement that times out, then a
# new connection that does; a second to spare.
PROMPT = float(TIMEOUTS["DB_COMMAND_TIMEOUT"]) + float(TIMEOUTS["DB_CONNECT_TIMEOUT"]) + 1


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("faults"), entities="team, hero:team", **choose(0, 0, 0, 0, 1))


@pytest.fixture
def proxy(postgres_database: str) -> TcpProxy:
    url = make_url(postgres_database)
    return TcpProxy(url.host or "127.0.0.1", url.port or 5432)


def through(proxy: TcpProxy, database_url: str) -> str:
    return make_url(database_url).set(port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture
def server(project: Path, postgres_database: str, proxy: TcpProxy) -> Iterator[Server]:
    migrate(project, postgres_database)
    with serve(project, through(proxy, postgres_database), **TIMEOUTS) as served:
        yield served


@pytest_asyncio.fixture
async def client(server: Server, proxy: TcpProxy) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client
    await proxy.stop()


async def timed_get(client: httpx.AsyncClient, path: str) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = await client.get(path)
    return response, time.monotonic() - start


async def assert_unavailable(client: httpx.AsyncClient) -> None:
    for path in ("/health", "/api/v1/teams"):
        response, seconds = await timed_get(client, path)
        assert (response.status_code, response.json()) == (503, UNAVAILABLE), path
        assert seconds < PROMPT, f"{path} took {seconds:.1f} s"


async def assert_available(client: httpx.AsyncClient) -> None:
    """The first requests after the database returns already succeed: no retry loop needed."""
    assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}
    assert (await client.get("/api/v1/teams")).status_code == 200


@pytest.mark.asyncio
async def test_down_at_start_then_back(client: httpx.AsyncClient, proxy: TcpProxy) -> None:
    await assert_unavailable(client)
    await proxy.start()
    await assert_available(client)


@pytest.mark.asyncio
async def test_gone_mid_run_then_back(client: httpx.AsyncClient, proxy: TcpProxy) -> None:
    await proxy.start()
    created = await client.post("/api/v1/teams", json={"name": "Avengers"})
    assert created.status_code == 201
    await proxy.stop()  # every pooled connection is cut
    await assert_unavailable(client)
    await proxy.start()
    await assert_available(client)
    assert (await client.get(f"/api/v1/teams/{created.json()['id']}")).status_code == 200


@pytest.mark.asyncio
async def test_pooled_connections_closed_while_idle(client: httpx.AsyncClient, proxy: TcpProxy) -> None:
    """A restart or an idle timeout between requests costs no request a 503: the pool replaces
    each closed connection at checkout."""
    await proxy.start()
    first = await asyncio.gather(*(client.get("/api/v1/teams") for _ in range(8)))
    assert {response.status_code for response in first} == {200}
    await proxy.stop()  # the server side closes every pooled connection
    await proxy.start()
    await asyncio.sleep(0.2)  # while the service is idle
    after = await asyncio.gather(*(client.get("/api/v1/teams") for _ in range(8)))
    assert [response.status_code for response in after] == [200] * 8


@pytest.mark.parametrize(("pre_ping", "statuses"), [("false", [503, 200, 200]), ("true", [200, 200, 200])])
@pytest.mark.asyncio
async def test_pooled_connection_forgotten_by_the_network(
    project: Path, postgres_database: str, proxy: TcpProxy, pre_ping: str, statuses: list[int]
) -> None:
    """A connection a NAT dropped while idle fails at its first use: that request gets a 503
    and the pool starts afresh; DB_POOL_PRE_PING finds it before the request does."""
    migrate(project, postgres_database)
    with serve(project, through(proxy, postgres_database), DB_POOL_PRE_PING=pre_ping, **TIMEOUTS) as served:
        await proxy.start()
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:
            assert (await client.get("/api/v1/teams")).status_code == 200
            proxy.forget()
            assert [(await client.get("/api/v1/teams")).status_code for _ in statuses] == statuses
        await proxy.stop()


@pytest.mark.asyncio
async def test_silent_mid_run_then_back(client: httpx.AsyncClient, proxy: TcpProxy) -> None:
    await proxy.start()
    await assert_available(client)
    proxy.frozen = True  # connections stay open, but no answer comes
    await assert_unavailable(client)
    proxy.frozen = False
    await assert_available(client)
