"""Render every option combination over every entity spec, and hold each to what its users will check.

All of them must render cleanly and pass ruff and mypy; the covering subset (conftest.COVERING)
also runs its generated suite on SQLite and on PostgreSQL.
"""

import itertools
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import (
    COMBINATIONS,
    COVERING,
    OPTIONS,
    SPEC_AUTH,
    SPECS,
    render,
    render_variant,
    run,
    tree_differences,
    variant_id,
    with_spec_auth,
)

# A Jinja expression, statement or comment; nested Python dicts (`}}`) and GitHub Actions
# expressions (`${{ github.ref }}`) are fine.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{-?\s*[A-Za-z_(]|\{%|%\}|\{#|cookiecutter\.")
VARIANTS = [(spec, with_spec_auth(spec, options)) for spec in SPECS for options in COMBINATIONS]


class Variant(NamedTuple):
    path: Path
    spec: str
    options: dict[str, Any]


@pytest.fixture(scope="module", params=VARIANTS, ids=[variant_id(*v) for v in VARIANTS])
def variant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Variant:
    spec, options = request.param
    path = render_variant(tmp_path_factory.mktemp(variant_id(spec, options)), spec, options)
    return Variant(path, spec, options)


def test_no_jinja_survives_rendering(variant: Variant) -> None:
    for path in variant.path.rglob("*"):
        if path.is_file():
            assert not LEFTOVER_JINJA.search(path.read_text(encoding="utf-8")), path


def test_rendering_twice_gives_identical_trees(variant: Variant, tmp_path: Path) -> None:
    again = render_variant(tmp_path, variant.spec, variant.options)
    assert tree_differences(variant.path, again) == []


def test_ruff_and_mypy_are_clean(variant: Variant, mypy_cache: Path) -> None:
    run(["ruff", "check", "--no-cache", "."], cwd=variant.path)
    run(["ruff", "format", "--check", "--no-cache", "."], cwd=variant.path)
    run(["mypy", "--cache-dir", str(mypy_cache)], cwd=variant.path)  # src, tests and migrations


def test_the_covering_subset_has_every_pair_of_option_values() -> None:
    def pairs(options: dict[str, Any]) -> set[tuple[tuple[str, Any], ...]]:
        return set(itertools.combinations(options.items(), 2))

    wanted = set().union(*(pairs(options) for options in COMBINATIONS))
    covered = set().union(*(pairs(options) for _, options in COVERING))
    assert wanted - covered == set()
    for spec, (key, values) in itertools.product(SPECS, OPTIONS.items()):
        if key == "auth" and spec in SPEC_AUTH:
            values = (SPEC_AUTH[spec],)
        assert {options[key] for s, options in COVERING if s == spec} == set(values), (spec, key)


def test_generated_suite_passes_on_sqlite(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert "database: sqlite" in output
    assert re.search(r"\d+ passed", output) and " failed" not in output


def test_generated_suite_passes_on_postgresql(project: Path, postgres_database: str) -> None:
    env = {**os.environ, "TEST_DATABASE_URL": postgres_database}
    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert "database: postgresql+asyncpg" in output
    assert re.search(r"\d+ passed", output) and " failed" not in output


def test_a_link_lists_a_side_with_a_field_named_like_the_other_side(tmp_path: Path) -> None:
    """Listing the shelves of an order joins the link table, whose order_id a shelf's own `order`
    (a quiz) shares: the filter must name the link's column (fuzz seed 3430 answered 500)."""
    entities = "quiz, order, shelf { label: str(20), order: quiz }"
    project = render(tmp_path, entities=entities, many_to_many="order+shelf", auth="none")
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    output = run(["pytest", "-p", "no:cacheprovider", "tests/test_links_order_shelf.py"], cwd=project, env=env)
    assert re.search(r"\d+ passed", output) and " failed" not in output
