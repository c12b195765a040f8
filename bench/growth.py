"""Growth: a page deep in the list at 10,000 rows and at 1,000,000, by cursor and by offset.

One database with the default domain serves two generated projects at once: one with cursor
pagination, one with offsets (the schema is the same). For every sort key the cursor list
accepts, in both directions, the page that starts at the middle row is fetched with a cursor
made by hand from that row's key (checked against the page the API gives); the offset project
fetches the middle page by offset. wrk with one connection gives each page's p50 latency.
"""

import asyncio
import base64
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import seeds
from support import Project, Target, migrate, new_database, print_table, render, serving, sqlalchemy_url, wrk

SMALL, LARGE = 10_000, 1_000_000
PAGE = 50
SECONDS = 3  # of wrk per page and size
CURSOR_PORT, OFFSET_PORT = 8131, 8132


def growth(work: Path, offset_project: Project) -> None:
    cursor_project = render(work, "growth-cursor", {"pagination": "cursor"})
    url = new_database("bench_growth")
    migrate(cursor_project, url)
    cursor = Target("cursor", cursor_project.src, cursor_project.app, sqlalchemy_url(url))
    offset = Target("offset", offset_project.src, offset_project.app, sqlalchemy_url(url))
    asyncio.run(seeds.execute(url, seeds.teams_sql(uuids=False) + seeds.heroes_sql(0, SMALL - 1, uuids=False)))
    small = measure(url, cursor, offset, SMALL, follow=True)
    started = time.monotonic()
    asyncio.run(seeds.execute(url, seeds.heroes_sql(SMALL, LARGE - 1, uuids=False), "VACUUM ANALYZE hero"))
    print(
        f"\nGrowth: {LARGE - SMALL:,} heroes added with INSERT ... SELECT generate_series in {time.monotonic() - started:.0f} s"
    )
    large = measure(url, cursor, offset, LARGE, follow=False)
    ratios = {label: large[label] / small[label] for label in small}
    rows: list[list[object]] = [[label, small[label], large[label], ratios[label]] for label in small]
    print(f"p50 latency of the page of {PAGE} heroes that starts at the middle row; wrk -t1 -c1 -d{SECONDS}s")
    columns = ["page", f"{SMALL:,} rows, ms", f"{LARGE:,} rows, ms", "ratio"]
    print_table(columns, rows, {columns[1]: ".2f", columns[2]: ".2f", "ratio": ".2f"})
    worst = max((label for label in ratios if label.startswith("cursor")), key=ratios.__getitem__)
    print(f"(target: every cursor page within 1.2x; the worst is {worst} at {ratios[worst]:.2f}x)")


def measure(url: str, cursor: Target, offset: Target, rows: int, follow: bool) -> dict[str, float]:
    """p50 ms of the middle page for every cursor sort key, and by offset; the servers start afresh."""
    position = rows // 2
    p50 = {}
    with serving(cursor, CURSOR_PORT) as cursor_base, serving(offset, OFFSET_PORT) as offset_base:
        for sort in sort_keys(cursor_base):
            path = cursor_path(url, cursor_base, sort, position)
            if follow:
                check_by_following(cursor_base, sort, position, path)
            wrk(cursor_base + path, 1, 1)  # warm up
            p50[f"cursor, sort={sort}"] = wrk(cursor_base + path, SECONDS, 1).p50_ms
        path = f"/api/v1/heroes?limit={PAGE}&offset={position}"
        wrk(offset_base + path, 1, 1)
        p50[f"offset={SMALL // 2:,} / {LARGE // 2:,}"] = wrk(offset_base + path, SECONDS, 1).p50_ms
    return p50


def sort_keys(base: str) -> list[str]:
    """Every `sort` the list accepts, as its OpenAPI schema says."""
    schema = httpx.get(f"{base}/openapi.json").json()
    parameters = schema["paths"]["/api/v1/heroes"]["get"]["parameters"]
    keys: list[str] = next(p for p in parameters if p["name"] == "sort")["schema"]["enum"]
    return keys


def cursor_path(url: str, base: str, sort: str, position: int) -> str:
    """The path of the page that starts at row `position` (from 0) in `sort` order, with a cursor made by hand.

    A cursor is the URL-safe base64 of the JSON list [sort, key of the previous page's last row, its id]
    ([sort, id] when sorting by id). The page it gives must start with the row at `position`.
    """
    previous, first = asyncio.run(rows_at(url, sort, position - 1, 2))
    key_values = [previous["id"]] if sort.removeprefix("-") == "id" else [jsonable(previous["key"]), previous["id"]]
    encoded = base64.urlsafe_b64encode(json.dumps([sort, *key_values]).encode()).decode().rstrip("=")
    path = f"/api/v1/heroes?limit={PAGE}&sort={sort}&cursor={encoded}"
    page = httpx.get(base + path)
    if page.status_code != 200 or page.json()["items"][0]["id"] != first["id"]:
        sys.exit(
            f"ERROR: the hand-made cursor for sort={sort} does not give the page at row {position}: {page.text[:300]}"
        )
    return path


async def rows_at(url: str, sort: str, offset: int, count: int) -> list[asyncpg.Record]:
    """Rows `offset`.. in the list's order (PostgreSQL's defaults: NULLs last ascending, first descending)."""
    key, direction = sort.removeprefix("-"), "DESC" if sort.startswith("-") else "ASC"
    order = f"{key} {direction}, id {direction}" if key != "id" else f"id {direction}"
    connection = await asyncpg.connect(url)
    try:
        rows: list[asyncpg.Record] = await connection.fetch(
            f"SELECT {key} AS key, id FROM hero ORDER BY {order} OFFSET $1 LIMIT $2", offset, count
        )
        return rows
    finally:
        await connection.close()


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def check_by_following(base: str, sort: str, position: int, path: str) -> None:
    """Following next_cursor from the first page reaches the same page as the hand-made cursor."""
    page = httpx.get(f"{base}/api/v1/heroes", params={"limit": PAGE, "sort": sort}).json()
    for _ in range(position // PAGE - 1):
        page = httpx.get(
            f"{base}/api/v1/heroes", params={"limit": PAGE, "sort": sort, "cursor": page["next_cursor"]}
        ).json()
    followed = httpx.get(f"{base}/api/v1/heroes", params={"limit": PAGE, "sort": sort, "cursor": page["next_cursor"]})
    by_hand = httpx.get(base + path)
    if [item["id"] for item in followed.json()["items"]] != [item["id"] for item in by_hand.json()["items"]]:
        sys.exit(f"ERROR: following next_cursor (sort={sort}) and the hand-made cursor give different pages")
