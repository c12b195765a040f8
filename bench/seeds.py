"""Rows for the benchmarked services, written with INSERT ... SELECT generate_series (fast at any size).

The values are spread the way real data is: distinct names and timestamps, some NULLs in every
optional column, references spread over their parents, so that sorting and joining do real work.
"""

import asyncpg

TEAMS, HEROES = 100, 10_000
AUTHORS, BOOKS, MEMBERS, LOANS = 200, 1_000, 10_000, 10_000


async def execute(url: str, *scripts: str) -> None:
    """Runs each script in turn (VACUUM must be a script of its own: it cannot run in a transaction)."""
    connection = await asyncpg.connect(url)
    try:
        for sql in scripts:
            await connection.execute(sql)
    finally:
        await connection.close()


def teams_sql(uuids: bool) -> str:
    """TEAMS teams (the default domain: `team { name: str(100) unique, headquarters: str(200)? }`)."""
    id_column, new_id = ("id, ", "gen_random_uuid(), ") if uuids else ("", "")
    return f"""
        INSERT INTO team ({id_column}name, headquarters, created_at, updated_at)
        SELECT {new_id}'Team ' || g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'City ' || g END,
               now() - make_interval(secs => {TEAMS} - g), now() - make_interval(secs => {TEAMS} - g)
        FROM generate_series(1, {TEAMS}) g;
    """


def heroes_sql(first: int, last: int, uuids: bool) -> str:
    """Heroes numbered first..last: every 10th without an age, every 20th without a team.

    Hero g is created g seconds after hero 0 (distinct, increasing like ids), and updated in
    another order; ages repeat over 0..99, as an indexed column with many equal values does.
    """
    id_column, new_id = ("id, ", "gen_random_uuid(), ") if uuids else ("", "")
    return f"""
        WITH teams AS (SELECT id, row_number() OVER (ORDER BY created_at, id) - 1 AS n FROM team)
        INSERT INTO hero ({id_column}name, secret_name, age, team_id, created_at, updated_at)
        SELECT {new_id}'Hero ' || g, 'Secret ' || g, CASE WHEN g % 10 = 3 THEN NULL ELSE g % 100 END,
               CASE WHEN g % 20 = 7 THEN NULL ELSE teams.id END,
               timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => g),
               timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => (g::bigint * 7919) % 1000003, days => g % 7)
        FROM generate_series({first}, {last}) g JOIN teams ON teams.n = g % {TEAMS};
        ANALYZE;
    """


def default_sql(uuids: bool) -> str:
    return teams_sql(uuids) + heroes_sql(0, HEROES - 1, uuids)


def loan_pair(k: int) -> tuple[int, int]:
    """The k-th (member_id, book_id) pair: no two k below MEMBERS * BOOKS give the same pair.

    The seeded loans take k in 0..LOANS-1; bulk creates take the k after them (bulk.lua has the same formula).
    """
    q, r = divmod(k, MEMBERS)
    return r + 1, (q + r) % BOOKS + 1


def library_sql() -> str:
    """Authors, books (every field filled or NULL in turn), members, and LOANS loans."""
    return f"""
        INSERT INTO author (name, born_on, created_at, updated_at)
        SELECT 'Author ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE date '1900-01-01' + g * 97 END, now(), now()
        FROM generate_series(1, {AUTHORS}) g;
        INSERT INTO book (title, isbn, author_id, price, status, pages, created_at, updated_at)
        SELECT 'Book ' || g, '978-' || lpad(g::text, 10, '0'), (g % {AUTHORS}) + 1,
               CASE WHEN g % 6 = 0 THEN NULL ELSE (g % 5000) / 100.0 + 0.5 END,
               (ARRAY['draft', 'in_print', 'out_of_print'])[g % 3 + 1],
               CASE WHEN g % 7 = 0 THEN NULL ELSE 50 + g % 900 END, now(), now()
        FROM generate_series(1, {BOOKS}) g;
        INSERT INTO member (email, full_name, notes, created_at, updated_at)
        SELECT 'member' || g || '@example.com', 'Member ' || g,
               CASE WHEN g % 2 = 0 THEN NULL ELSE 'Notes on member ' || g END, now(), now()
        FROM generate_series(1, {MEMBERS}) g;
        INSERT INTO loan (member_id, book_id, due_on, returned_at, created_at, updated_at)
        SELECT k % {MEMBERS} + 1, (k / {MEMBERS} + k % {MEMBERS}) % {BOOKS} + 1, date '2025-01-01' + k % 365,
               CASE WHEN k % 3 = 0 THEN NULL ELSE timestamptz '2025-01-01 12:00:00+00' + make_interval(mins => k) END,
               timestamptz '2024-06-01 00:00:00+00' + make_interval(secs => k),
               timestamptz '2024-06-01 00:00:00+00' + make_interval(secs => k)
        FROM generate_series(0, {LOANS - 1}) k;
        ANALYZE;
    """
