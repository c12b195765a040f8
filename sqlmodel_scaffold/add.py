"""Add entities and many-to-many pairs to a generated project, in the same grammar as the prompt.

    ../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.add PROJECT_DIR [entities=SPEC] [many_to_many=PAIRS]

It writes only new files (the entities' packages and test modules, the links' packages and
test modules, and a new Alembic revision that creates their tables), adds their lines to
`routers.py`, `models.py` and `tests/factories.py`, records the answers in
`.cookiecutter-replay.json` (so that a replay generates the extended project), and runs the
project's linters and tests. New entities may reference existing ones; new pairs may link existing
entities. A spec it refuses changes nothing. Run it from a checkout of the template, with the
Python that has cookiecutter (README's generate command makes ../.cookiecutter-venv).
"""

import ast
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import hooks, project_tests
from .answers import validate
from .domain_file import DOMAIN_FILE, domain_yaml
from .entities import Entity, Link, Plan
from .errors import AnswerError
from .filters import import_block, module_sort_key
from .registry import (
    entity_factory,
    link_factory,
    link_model_imports,
    link_router_imports,
    model_imports,
    router_imports,
)
from .render import (
    VERSIONS,
    Revision,
    entity_file_paths,
    link_file_paths,
    render_entity_files,
    render_revision,
)
from .replay import REPLAY_FILE

KEYS = ("entities", "many_to_many")
USAGE = "usage: python -m sqlmodel_scaffold.add PROJECT_DIR [entities=SPEC] [many_to_many=PAIRS]"


@dataclass(frozen=True)
class Addition:
    """What an `add` changes: the extended answers and plan, and what is new in them."""

    answers: dict[str, Any]
    plan: Plan
    entities: tuple[Entity, ...]  # referenced ones first
    links: tuple[Link, ...]


def main(argv: Sequence[str]) -> int:
    try:
        project_dir, given = parse_arguments(argv)
        written = add(project_dir, given)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"  wrote {path.relative_to(project_dir).as_posix()}")
    return run_tests(project_dir)


def parse_arguments(argv: Sequence[str]) -> tuple[Path, dict[str, str]]:
    if not argv:
        raise AnswerError(f"no project named; {USAGE}")
    project_dir, *pairs = argv
    given: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or key not in KEYS:
            raise AnswerError(f"{pair!r} is not entities=... or many_to_many=...; {USAGE}")
        given[key] = value
    if not any(value.strip() for value in given.values()):
        raise AnswerError(f"nothing to add: give entities=... or many_to_many=...; {USAGE}")
    return Path(project_dir), given


def add(project_dir: Path, given: Mapping[str, str]) -> list[Path]:
    """Check everything, then write; return the files written or changed."""
    answers = read_answers(project_dir)
    domain = project_dir / DOMAIN_FILE
    if domain.is_file() and domain.read_text(encoding="utf-8") != domain_yaml(answers):
        raise AnswerError(
            f"{DOMAIN_FILE} holds changes that are not applied yet: add the entities there too, then run "
            "python -m sqlmodel_scaffold.sync"
        )
    addition = extend(answers, given)
    package = project_dir / "src" / str(answers["package_name"])
    registries = {
        "routers": package / "routers.py",
        "models": package / "models.py",
        "factories": project_dir / "tests" / "factories.py",
    }
    for path in registries.values():
        if not path.is_file():
            raise AnswerError(
                f"{path} is missing: this project predates `add` or it was moved; add the entities by hand "
                "(the project's README says how)"
            )
    new_files = [
        *(p for e in addition.entities for p in entity_file_paths(addition.answers, addition.plan, e)),
        *(p for link in addition.links for p in link_file_paths(addition.answers, addition.plan, link)),
    ]
    taken = [p.as_posix() for p in new_files if (project_dir / p).exists()]
    if taken:
        raise AnswerError(f"{taken[0]} exists already: move it away, or choose another name")
    revision = next_revision(project_dir, addition)

    written = render_entity_files(addition.answers, addition.plan, project_dir, addition.entities, addition.links)
    routers = [i for e in addition.entities for i in router_imports(addition.plan, e)]
    routers += [i for link in addition.links for i in link_router_imports(link)]
    models = [i for e in addition.entities for i in model_imports(e)]
    models += [i for link in addition.links for i in link_model_imports(link)]
    insert_imports(registries["routers"], routers)
    insert_imports(registries["models"], models)
    blocks = [entity_factory(e) for e in addition.entities]
    blocks += [link_factory(link) for link in addition.links if link.fields]
    append_blocks(registries["factories"], blocks)
    written.append(render_revision(addition.answers, addition.plan, revision, project_dir))
    written += hooks.write_answers(addition.answers, project_dir)
    return [*written, *registries.values()]


def read_answers(project_dir: Path) -> dict[str, Any]:
    path = project_dir / REPLAY_FILE
    try:
        answers: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["cookiecutter"]
    except FileNotFoundError:
        raise AnswerError(
            f"{project_dir} has no {REPLAY_FILE}: name the folder of a project this template generated"
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise AnswerError(f"{path} is not a cookiecutter replay file ({error}); restore it from git") from None
    # Projects generated before the auth option existed are open APIs.
    answers.setdefault("auth", "none")
    return answers


def extend(answers: Mapping[str, Any], given: Mapping[str, str]) -> Addition:
    """The answers with the new entities and pairs after the old ones, checked as one domain."""
    old = validate(answers)
    extended = dict(answers)
    for key in KEYS:
        new = given.get(key, "").strip()
        if new:
            extended[key] = f"{answers[key].rstrip().rstrip(';,')};\n{new}" if answers[key].strip() else new
    plan = validate(extended)
    old_names = {e.name for e in old.entities}
    old_tables = {link.table for link in old.links}
    for entity in old.entities:
        if plan.entity(entity.name) != entity:
            raise AnswerError(
                f"entity {entity.name!r} exists already; to change it, edit its files and write a migration"
            )
    entities = tuple(e for e in plan.in_dependency_order if e.name not in old_names)
    links = tuple(link for link in plan.links if link.table not in old_tables)
    if not entities and not links:
        raise AnswerError("nothing new: every entity and pair given is in the project already")
    return Addition(extended, plan, entities, links)


def next_revision(project_dir: Path, addition: Addition) -> Revision:
    """The revision after the project's single head, numbered after the highest numbered one."""
    head, number = revision_head(project_dir)
    names = [e.name for e in addition.entities] + [
        f"{link.left.name}_{link.right.name}_link" for link in addition.links
    ]
    slug = "add_" + "_".join(names)
    if len(slug) > 60:
        slug = slug[:60].rstrip("_")
    message = "Add " + ", ".join(n.replace("_", " ") for n in names) + "."
    return Revision(f"{number:04d}", slug, message, head, addition.entities, addition.links)


def revision_head(project_dir: Path) -> tuple[str, int]:
    """The project's single head revision, and the number the next revision takes."""
    revisions: dict[str, str | None] = {}
    for path in sorted((project_dir / VERSIONS).glob("*.py")):
        found = _revision_ids(path)
        if found:
            revisions[found[0]] = found[1]
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        shown = ", ".join(sorted(heads)) or "none"
        raise AnswerError(f"the migrations have {len(heads)} heads ({shown}); merge them (alembic merge heads) first")
    numbers = [int(r) for r in revisions if r.isdigit()]
    number = max(numbers, default=0) + 1
    while f"{number:04d}" in revisions:
        number += 1
    return heads.pop(), number


def _revision_ids(path: Path) -> tuple[str, str | None] | None:
    """A migration's `revision` and `down_revision`, read without running it."""
    values: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in ("revision", "down_revision"):
            try:
                values[name] = ast.literal_eval(value)
            except ValueError:
                values[name] = None
    if not isinstance(values.get("revision"), str):
        return None
    down = values.get("down_revision")
    return values["revision"], down if isinstance(down, str) else None


def insert_imports(path: Path, imports: list[tuple[str, list[str]]]) -> None:
    """Add `from ... import ...` lines among the file's top-level imports, in ruff's order."""
    if not imports:
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    nodes = [n for n in ast.parse("".join(lines)).body if isinstance(n, ast.ImportFrom | ast.Import)]
    for module, names in imports:
        new = import_block([(module, names)]) + "\n"
        key = _sort_key(module, names[0])
        after = [n for n in nodes if isinstance(n, ast.ImportFrom) and _sort_key(_module(n), _first(n)) > key]
        at = (after[0].lineno - 1) if after else (nodes[-1].end_lineno or nodes[-1].lineno) if nodes else len(lines)
        lines[at:at] = [new]
        nodes = [n for n in ast.parse("".join(lines)).body if isinstance(n, ast.ImportFrom | ast.Import)]
    path.write_text("".join(lines), encoding="utf-8")


def _module(node: ast.ImportFrom) -> str:
    return "." * node.level + (node.module or "")


def _first(node: ast.ImportFrom) -> str:
    alias = node.names[0]
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name


def _sort_key(module: str, name: str) -> tuple[tuple[int, str], str]:
    return module_sort_key(module), name.lower()


def append_blocks(path: Path, blocks: list[str]) -> None:
    if blocks:
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(text + "".join("\n" + block for block in blocks) + "\n", encoding="utf-8")


def run_tests(project_dir: Path) -> int:
    """The project's linters and tests, as the hook runs them, unless turned off or not installed."""
    if project_tests.turned_off(os.environ):
        print(f"Tests skipped: {project_tests.RUN_TESTS_VARIABLE} is off.")
        return 0
    if not project_tests.is_installed(project_dir):
        print(f"The project is not installed, so its tests did not run: cd {project_dir} && make install test")
        return 0
    passed, _ = hooks.run_tests(project_dir)
    if not passed:
        return 1
    print(f"Next: cd {project_dir} && make migrate  (applies the new revision to DATABASE_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
