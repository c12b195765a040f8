"""The baseline: what the benchmarked routes cost with nothing between HTTP and the driver.

Starlette, asyncpg and orjson: one query per request (JOINs embed the referenced rows; a page
with offsets adds a count), serving the same JSON as the generated services over their tables:
heroes and teams for the default domain, loans (with their member and book) for the library.
Run: DATABASE_URL=postgresql://... uvicorn raw_app:app
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HERO_COLUMNS = """
    h.id, h.name, h.age, h.team_id, h.created_at, h.updated_at,
    t.id AS t_id, t.name AS t_name, t.headquarters AS t_headquarters,
    t.created_at AS t_created_at, t.updated_at AS t_updated_at
"""
HEROES = f"SELECT {HERO_COLUMNS} FROM hero h LEFT JOIN team t ON t.id = h.team_id ORDER BY h.id LIMIT $1 OFFSET $2"
HERO_COUNT = "SELECT count(*) FROM hero"
HERO = f"SELECT {HERO_COLUMNS} FROM hero h LEFT JOIN team t ON t.id = h.team_id WHERE h.id = $1"

LOAN_COLUMNS = """
    l.id, l.member_id, l.book_id, l.due_on, l.returned_at, l.created_at, l.updated_at,
    m.email AS m_email, m.full_name AS m_full_name, m.created_at AS m_created_at, m.updated_at AS m_updated_at,
    b.title AS b_title, b.isbn AS b_isbn, b.author_id AS b_author_id, b.price AS b_price, b.status AS b_status,
    b.pages AS b_pages, b.created_at AS b_created_at, b.updated_at AS b_updated_at
"""
LOAN_JOINS = "JOIN member m ON m.id = l.member_id JOIN book b ON b.id = l.book_id"
LOANS = f"SELECT {LOAN_COLUMNS} FROM loan l {LOAN_JOINS} ORDER BY l.id LIMIT $1 OFFSET $2"
LOAN_COUNT = "SELECT count(*) FROM loan"
LOAN = f"SELECT {LOAN_COLUMNS} FROM loan l {LOAN_JOINS} WHERE l.id = $1"
# A bulk create: one statement inserts every row and reads them back with their references.
NEW_LOANS = f"""
    WITH l AS (
        INSERT INTO loan (member_id, book_id, due_on, returned_at, created_at, updated_at)
        SELECT member_id, book_id, due_on, returned_at, now(), now()
        FROM unnest($1::int[], $2::int[], $3::date[], $4::timestamptz[]) AS u(member_id, book_id, due_on, returned_at)
        RETURNING *
    )
    SELECT {LOAN_COLUMNS} FROM l {LOAN_JOINS} ORDER BY l.id
"""

pool: asyncpg.Pool | None = None


def hero(row: asyncpg.Record) -> dict[str, Any]:
    team = None
    if row["t_id"] is not None:
        team = {
            "name": row["t_name"],
            "headquarters": row["t_headquarters"],
            "id": row["t_id"],
            "created_at": row["t_created_at"],
            "updated_at": row["t_updated_at"],
        }
    return {
        "name": row["name"],
        "age": row["age"],
        "team_id": row["team_id"],
        "id": row["id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "team": team,
    }


def loan(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "member_id": row["member_id"],
        "book_id": row["book_id"],
        "due_on": row["due_on"],
        "returned_at": row["returned_at"],
        "id": row["id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "member": {
            "email": row["m_email"],
            "full_name": row["m_full_name"],
            "id": row["member_id"],
            "created_at": row["m_created_at"],
            "updated_at": row["m_updated_at"],
        },
        "book": {
            "title": row["b_title"],
            "isbn": row["b_isbn"],
            "author_id": row["b_author_id"],
            "price": row["b_price"],  # a Decimal: a JSON string, as pydantic writes it
            "status": row["b_status"],
            "pages": row["b_pages"],
            "id": row["book_id"],
            "created_at": row["b_created_at"],
            "updated_at": row["b_updated_at"],
        },
    }


def as_string(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json(content: Any, status_code: int = 200) -> Response:
    # OPT_UTC_Z: "...Z" for UTC, as pydantic writes it.
    body = orjson.dumps(content, default=as_string, option=orjson.OPT_UTC_Z)
    return Response(body, status_code=status_code, media_type="application/json")


def the_pool() -> asyncpg.Pool:
    assert pool is not None, "the lifespan opens the pool"
    return pool


async def a_page(request: Request, count: str, rows: str) -> tuple[dict[str, Any], list[asyncpg.Record]]:
    limit = int(request.query_params.get("limit", 50))
    offset = int(request.query_params.get("offset", 0))
    async with the_pool().acquire() as connection:
        total = await connection.fetchval(count)
        found = await connection.fetch(rows, limit, offset)
    return {"total": total, "limit": limit, "offset": offset}, found


async def list_heroes(request: Request) -> Response:
    page, rows = await a_page(request, HERO_COUNT, HEROES)
    return json({"items": [hero(row) for row in rows], **page})


async def get_hero(request: Request) -> Response:
    row = await the_pool().fetchrow(HERO, int(request.path_params["hero_id"]))
    return json({"detail": "Hero not found"}, 404) if row is None else json(hero(row))


async def list_loans(request: Request) -> Response:
    page, rows = await a_page(request, LOAN_COUNT, LOANS)
    return json({"items": [loan(row) for row in rows], **page})


async def get_loan(request: Request) -> Response:
    row = await the_pool().fetchrow(LOAN, int(request.path_params["loan_id"]))
    return json({"detail": "Loan not found"}, 404) if row is None else json(loan(row))


async def create_loans(request: Request) -> Response:
    items = orjson.loads(await request.body())
    columns = (
        [item["member_id"] for item in items],
        [item["book_id"] for item in items],
        [date.fromisoformat(item["due_on"]) for item in items],
        [None if item.get("returned_at") is None else datetime.fromisoformat(item["returned_at"]) for item in items],
    )
    rows = await the_pool().fetch(NEW_LOANS, *columns)
    return json([loan(row) for row in rows], 201)


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=5, max_size=15)
    yield
    await pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/heroes", list_heroes),
        Route("/api/v1/heroes/{hero_id:int}", get_hero),
        Route("/api/v1/loans", list_loans),
        Route("/api/v1/loans/{loan_id:int}", get_loan),
        Route("/api/v1/loans/bulk", create_loans, methods=["POST"]),
    ],
    lifespan=lifespan,
)
