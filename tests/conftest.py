"""Shared fixtures: rendering the template, and a PostgreSQL server for generated suites."""

import asyncio
import filecmp
import itertools
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
# A server to create throwaway databases on; CI sets CI=true, which makes it required.
POSTGRES_ADMIN_URL = os.environ.get("TEMPLATE_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


# id -> (entities, many_to_many); each spec exercises a different part of the syntax.
SPECS = {
    # cookiecutter.json's default: SQLModel's Hero and Team, with declared fields.
    "default": (
        "team { name: str(100) unique, headquarters: str(200)? }; "
        "hero { name: str(100) index, secret_name: str(100) hidden, age: int? >= 0 index, team: team? }",
        "",
    ),
    "tree": ("category:category", ""),
    "reserved-words": ("user, order:user, group", "user+group"),
    "multi-word-irregular": ("Blog Post, person(people):blog post, child:person, box", ""),
    "many-to-many": ("hero, power, team:power", "hero+power, team+hero"),
    "longest-names": (
        "supercalifragilistic, abcdefghijklmnopqrst:supercalifragilistic, zyxwvutsrqponmlkjihg:zyxwvutsrqponmlkjihg",
        "abcdefghijklmnopqrst+zyxwvutsrqponmlkjihg",
    ),
    # SPEC.md's lending library: several references, one composite unique, a hidden field, link fields.
    "library": (
        "author { name: str(120), born_on: date? };\n"
        "book { title: str(200), isbn: str(17) unique, author: author, price: decimal(8,2)? >= 0,\n"
        "       status: enum(draft|in_print|out_of_print) = draft, pages: int? >= 1 };\n"
        "member { email: email unique, full_name: str(120), notes: text? hidden };\n"
        "loan { member: member, book: book, due_on: date, returned_at: datetime?, unique(member, book) };\n"
        "genre:genre",
        "book+genre { main: bool = false }",
    ),
    # Every type and modifier: one entity referenced twice, a tree declared by a field, a cascade,
    # reserved words as field names, a composite unique over a reference, link fields.
    "field-rich": (
        "site { code: str(8) unique, label: text, active: bool = true, opened_on: date?, "
        "rating: float? >= 0 <= 5, visits: bigint = 0 index, token: uuid? unique, meta: json?, "
        "homepage: url?, contact: email? };\n"
        "region { name: str(60) unique, parent: region? };\n"
        "shipment { from_site: site, to_site: site?, region: region? cascade, order: int >= 1, "
        "group: str(20)? index, user: str(30) hidden, weight: decimal(10,3) >= 0, sent_at: datetime? index, "
        "kind: enum(parcel|pallet|letter) = parcel, unique(from_site, order) }",
        "region+site { primary: bool = false, since: date?, rank: enum(main|backup)? }",
    ),
    # The seeds' e-commerce example, and what the first domain fuzzing found: an order-product link
    # with a decimal, a datetime and defaults; decimal and enum defaults, a decimal(P,P), str(1),
    # optional fields with defaults (a null sent stays null), a uuid sort key, a required json.
    # And ownership (auth=users): orders are their clerk's, listed under a shared customer, linked
    # to shared products, and referenced by shipments, which name a user who is no owner.
    "shop": (
        "customer { email: email unique, name: str(120), credit: decimal(12,2) >= 0 = 0, "
        "tier: enum(basic|gold)? = basic, initial: str(1)?, token: uuid? unique, prefs: json, "
        'motto: str(40)? = "it\'s, fine" };\n'
        "product { sku: str(20) unique, title: str(200), price: decimal(10,2) >= 0, ratio: decimal(4,4)?, "
        "stock: int >= 0 = 0 };\n"
        "order { customer: customer, placed_at: datetime index, status: enum(open|paid|shipped) = open, "
        "clerk: user owner };\n"
        "shipment { order: order, carrier: str(40), packed_by: user owner, checked_by: user? }",
        'order+product { unit_price: decimal(10,2), quantity: int >= 1 = 1, shipped_at: datetime?, gift_note: str(40)? = "none" }',
    ),
}


# The options that change the generated code; every combination is rendered and linted.
OPTIONS: dict[str, tuple[Any, ...]] = {
    "database": ("postgresql", "sqlite"),
    "primary_key": ("int", "uuid"),
    "pagination": ("offset", "cursor"),
    "soft_delete": (False, True),
    "auth": ("users", "none"),
}
# Specs that hold one auth value whatever the combination: one that declares an entity `user` of
# its own renders with auth=none only (auth=users has the built-in one, and refuses another);
# one with owned entities with auth=users only (ownership needs the built-in user).
SPEC_AUTH = {"reserved-words": "none", "shop": "users"}


def _combinations() -> list[dict[str, Any]]:
    """Every combination of the options but auth; auth alternates with the parity of the others'
    picks, so that each of its values meets each value of every other option without doubling
    the matrix (its own code is checked by the covering subset's suites on both values)."""
    others = {key: values for key, values in OPTIONS.items() if key != "auth"}
    combinations = []
    for picks in itertools.product(*(range(len(values)) for values in others.values())):
        combination = {key: values[pick] for (key, values), pick in zip(others.items(), picks, strict=True)}
        combinations.append({**combination, "auth": OPTIONS["auth"][sum(picks) % 2]})
    return combinations


COMBINATIONS = _combinations()


def choose(*picks: int) -> dict[str, Any]:
    """The combination that takes, for each option in OPTIONS, the value at that position."""
    return {key: values[pick] for (key, values), pick in zip(OPTIONS.items(), picks, strict=True)}


def with_spec_auth(spec: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options as the spec renders them: with its own auth value, if it holds one."""
    return {**options, "auth": SPEC_AUTH[spec]} if spec in SPEC_AUTH else options


# The combinations whose generated suites run, on SQLite and on PostgreSQL: each spec with
# one combination and its opposite, chosen so every pair of option values occurs
# (test_generation.py checks that); SPEC_AUTH's specs keep their auth in both.
COVERING = [
    ("default", choose(0, 0, 0, 0, 0)),
    ("default", choose(1, 1, 1, 1, 1)),
    ("tree", choose(0, 1, 1, 1, 0)),
    ("tree", choose(1, 0, 0, 0, 1)),
    ("reserved-words", choose(0, 0, 1, 1, 1)),
    ("reserved-words", choose(1, 1, 0, 0, 1)),
    ("multi-word-irregular", choose(0, 1, 0, 1, 0)),
    ("multi-word-irregular", choose(1, 0, 1, 0, 1)),
    ("many-to-many", choose(0, 1, 1, 0, 0)),
    ("many-to-many", choose(1, 0, 0, 1, 1)),
    ("longest-names", choose(0, 0, 0, 1, 0)),
    ("longest-names", choose(1, 1, 1, 0, 1)),
    ("library", choose(0, 0, 1, 1, 0)),
    ("library", choose(1, 1, 0, 0, 1)),
    ("field-rich", choose(0, 1, 0, 1, 0)),
    ("field-rich", choose(1, 0, 1, 0, 1)),
    ("shop", choose(0, 1, 1, 1, 0)),
    ("shop", choose(1, 0, 0, 0, 0)),
]


def variant_id(spec: str, options: dict[str, Any]) -> str:
    """`tree-sqlite-uuid-cursor-soft`: the spec, then each option's value."""
    values = [str(value) for key, value in options.items() if key != "soft_delete"]
    return "-".join([spec, *values, "soft" if options["soft_delete"] else "hard"])


def render_variant(output_dir: Path, spec: str, options: dict[str, Any]) -> Path:
    entities, many_to_many = SPECS[spec]
    return render(output_dir, entities=entities, many_to_many=many_to_many, **options)


def render(output_dir: Path, **answers: Any) -> Path:
    """Generate a project without the post-generation test run or git; return its folder."""
    context = {"run_tests": False, "init_git": False, **answers}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(output_dir), extra_context=context))


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    """Run a command with this interpreter's tools; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(args)} failed in {cwd}:\n{output[-6000:]}"
    return output


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> None:
    """Skip PostgreSQL checks when no server answers, except in CI, where that fails."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable: {error}"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message + " (required when CI or REQUIRE_POSTGRES is set)")
        pytest.skip(message)


@pytest.fixture
def postgres_database(postgres_server: None) -> Iterator[str]:
    """A fresh, empty database for one generated suite; its asyncpg URL for SQLAlchemy."""
    with fresh_postgres_database() as url:
        yield url


@contextmanager
def fresh_postgres_database(prefix: str = "template_test") -> Iterator[str]:
    """A new database on the server, dropped when the block ends; its asyncpg URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=COVERING, ids=[variant_id(*row) for row in COVERING])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of the covering subset: its suite runs, and its migrations run from the shell."""
    spec, options = request.param
    return render_variant(tmp_path_factory.mktemp(variant_id(spec, options)), spec, options)


@pytest.fixture
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the whole run: the third-party stubs are the same in every project."""
    return tmp_path_factory.getbasetemp() / "mypy-cache"


def tree_differences(left: Path, right: Path) -> list[str]:
    """Names of files that are in one tree only, or differ byte for byte; not `.env`, which the
    hook writes with a new key and password every time (auth=users)."""
    return _differences(filecmp.dircmp(left, right, ignore=[*filecmp.DEFAULT_IGNORES, ".env"]))


def _differences(comparison: filecmp.dircmp[str]) -> list[str]:
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    found = [*comparison.left_only, *comparison.right_only, *mismatch, *errors]
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found
