"""Requests that race on a served soft-delete project on PostgreSQL, a hundred rounds each.

What the generated suites check in a few rounds, here through uvicorn and real connections, as
the issue that found them saw it: a delete racing the rows that need the deleted row, tree
moves racing each other, restores, and read-modify-write clients guarded by If-Match. Every
round must end consistent and without a 5xx.
"""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import render
from served import Server, migrate, serve

ROUNDS = 100
SHOP = (
    "product { sku: str(20) unique, stock: int >= 0 = 0 }; "
    "order { note: str(40)? }; "
    "order_line { order: order cascade, product: product, qty: int >= 1 = 1 }; "
    "category { name: str(40) unique, parent: category? }"
)
# What a race may answer: the API's refusals, never a 5xx.
REFUSALS = {200, 201, 204, 404, 409, 412, 422}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    options = {
        "database": "postgresql",
        "primary_key": "int",
        "pagination": "cursor",
        "soft_delete": True,
        "auth": "none",
    }
    return render(tmp_path_factory.mktemp("races"), project_name="Race Shop", entities=SHOP, **options)


@pytest.fixture
def server(project: Path, postgres_database: str) -> Any:
    migrate(project, postgres_database)
    with serve(project, postgres_database) as server:
        yield server


@asynccontextmanager
async def client_of(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", timeout=30, limits=limits) as client:
        yield client


async def statuses(*requests: Awaitable[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in await asyncio.gather(*requests))


async def created(client: httpx.AsyncClient, route: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/{route}", json=body)
    assert response.status_code == 201, response.text
    row: dict[str, Any] = response.json()
    return row


@pytest.mark.asyncio
async def test_a_product_deleted_while_order_lines_need_it_never_leaves_a_line_without_it(server: Server) -> None:
    seen: Counter[int] = Counter()
    async with client_of(server) as client:
        for n in range(ROUNDS):
            order = await created(client, "orders")
            product = await created(client, "products", sku=f"p{n}")
            other = await created(client, "products", sku=f"q{n}")
            moved = await created(client, "order-lines", order_id=order["id"], product_id=other["id"])
            restored = await created(client, "order-lines", order_id=order["id"], product_id=product["id"])
            assert (await client.delete(f"/order-lines/{restored['id']}")).status_code == 204
            line = {"order_id": order["id"], "product_id": product["id"]}
            seen += await statuses(
                client.delete(f"/products/{product['id']}"),
                client.post("/order-lines", json=line),
                client.patch(f"/order-lines/{moved['id']}", json={"product_id": product["id"]}),
                client.post(f"/order-lines/{restored['id']}/restore"),
            )
            assert set(seen) <= REFUSALS, seen
            listed = await client.get("/order-lines", params={"product_id": product["id"], "limit": 100})
            assert listed.status_code == 200, listed.text
            if (await client.get(f"/products/{product['id']}")).status_code == 404:
                assert listed.json()["items"] == [], n
    # Both outcomes occurred: the delete came first (422s and a 409 restore) or last (its 409).
    assert seen[204] and seen[409] and seen[422], seen
    print(f"{ROUNDS} rounds of a product delete racing a create, a move and a restore: {dict(seen)}")


@pytest.mark.asyncio
async def test_an_order_deleted_while_lines_are_added_takes_them_along_and_brings_them_back(server: Server) -> None:
    async with client_of(server) as client:
        product = await created(client, "products", sku="cascade")
        for _ in range(ROUNDS):
            order = await created(client, "orders")
            line = {"order_id": order["id"], "product_id": product["id"]}
            seen = await statuses(
                client.delete(f"/orders/{order['id']}"), *(client.post("/order-lines", json=line) for _ in range(3))
            )
            assert set(seen) <= {201, 204, 422}, seen
            params = {"order_id": order["id"], "limit": 100}
            live = (await client.get("/order-lines", params=params)).json()["items"]
            assert live == []
            taken = (await client.get("/order-lines/deleted", params=params)).json()["items"]
            assert len(taken) == seen[201]
            assert (await client.post(f"/orders/{order['id']}/restore")).status_code == 200
            back = (await client.get("/order-lines", params=params)).json()["items"]
            assert sorted(row["id"] for row in back) == sorted(row["id"] for row in taken)


@pytest.mark.asyncio
async def test_tree_moves_that_race_never_make_a_cycle(server: Server) -> None:
    seen: Counter[int] = Counter()
    async with client_of(server) as client:
        for n in range(ROUNDS):
            a = await created(client, "categories", name=f"a{n}")
            b = await created(client, "categories", name=f"b{n}")
            round_seen = await statuses(
                client.patch(f"/categories/{a['id']}", json={"parent_id": b["id"]}),
                client.patch(f"/categories/{b['id']}", json={"parent_id": a["id"]}),
            )
            assert round_seen == {200: 1, 422: 1}, round_seen
            seen += round_seen
    print(f"{ROUNDS} rounds of two crossing moves: {dict(seen)}")


@pytest.mark.asyncio
async def test_read_modify_write_clients_guarded_by_if_match_lose_no_update(server: Server) -> None:
    async with client_of(server) as client:
        product = await created(client, "products", sku="counter")
        url = f"/products/{product['id']}"
        retries = Counter[str]()

        async def add_one() -> None:
            while True:
                read = await client.get(url)
                stock = read.json()["stock"] + 1
                written = await client.patch(url, json={"stock": stock}, headers={"If-Match": read.headers["ETag"]})
                if written.status_code == 200:
                    return
                assert written.status_code == 412, written.text
                retries["412"] += 1

        await asyncio.gather(*(add_one() for _ in range(20)))
        final = (await client.get(url)).json()["stock"]
        # The same If-Match sent by many at once: exactly one write.
        etag = (await client.get(url)).headers["ETag"]
        guarded = {"If-Match": etag}
        seen = await statuses(*(client.patch(url, json={"stock": 0}, headers=guarded) for _ in range(20)))
    assert final == 20, final
    assert seen == {200: 1, 412: 19}, seen
    print(f"20 clients adding one to stock with If-Match: {final}, after {retries['412']} retries on 412")
