"""The baseline: what the benchmarked routes cost with nothing between HTTP and the driver.

Starlette, asyncpg and orjson: one JOIN query per request (and a count for a page's total),
serving the same JSON as the generated default service (`team, hero:team`) over the same tables.
Run: DATABASE_URL=postgresql://... uvicorn raw_app:app
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COLUMNS = """
    h.id, h.name, h.description, h.attributes, h.team_id, h.created_at, h.updated_at,
    t.id AS t_id, t.name AS t_name, t.description AS t_description, t.attributes AS t_attributes,
    t.created_at AS t_created_at, t.updated_at AS t_updated_at
"""
LIST = f"SELECT {COLUMNS} FROM hero h LEFT JOIN team t ON t.id = h.team_id ORDER BY h.id LIMIT $1 OFFSET $2"
COUNT = "SELECT count(*) FROM hero"
ONE = f"SELECT {COLUMNS} FROM hero h LEFT JOIN team t ON t.id = h.team_id WHERE h.id = $1"

pool: asyncpg.Pool | None = None


def hero(row: asyncpg.Record) -> dict[str, Any]:
    team = None
    if row["t_id"] is not None:
        team = {
            "name": row["t_name"],
            "description": row["t_description"],
            "attributes": orjson.Fragment(row["t_attributes"]),
            "id": row["t_id"],
            "created_at": row["t_created_at"],
            "updated_at": row["t_updated_at"],
        }
    return {
        "name": row["name"],
        "description": row["description"],
        "attributes": orjson.Fragment(row["attributes"]),  # JSONB text, embedded as is
        "team_id": row["team_id"],
        "id": row["id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "team": team,
    }


def json(content: Any, status_code: int = 200) -> Response:
    # OPT_UTC_Z: "...Z" for UTC, as pydantic writes it.
    return Response(
        orjson.dumps(content, option=orjson.OPT_UTC_Z), status_code=status_code, media_type="application/json"
    )


async def list_heroes(request: Request) -> Response:
    limit = int(request.query_params.get("limit", 50))
    offset = int(request.query_params.get("offset", 0))
    assert pool is not None
    async with pool.acquire() as connection:
        total = await connection.fetchval(COUNT)
        rows = await connection.fetch(LIST, limit, offset)
    return json({"items": [hero(row) for row in rows], "total": total, "limit": limit, "offset": offset})


async def get_hero(request: Request) -> Response:
    assert pool is not None
    row = await pool.fetchrow(ONE, int(request.path_params["hero_id"]))
    if row is None:
        return json({"detail": "Hero not found"}, 404)
    return json(hero(row))


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=5, max_size=15)
    yield
    await pool.close()


app = Starlette(
    routes=[Route("/api/v1/heroes", list_heroes), Route("/api/v1/heroes/{hero_id:int}", get_hero)],
    lifespan=lifespan,
)
