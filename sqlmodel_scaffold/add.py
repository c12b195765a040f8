"""Add entities and many-to-many pairs to a generated project, in the same grammar as the prompt.

    ../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.add PROJECT_DIR [entities=SPEC] [many_to_many=PAIRS]

A shorthand over `sync`: the new entities and pairs go after the old ones in `domain.yaml`, and
the project is synced to it (the new packages and test modules written, the lists of routers,
models and factories merged, a new Alembic revision that creates the tables, the answers
recorded, the project's linters and tests run). New entities may reference existing ones; new
pairs may link existing entities. A spec it refuses changes nothing. Run it from a checkout of
the template, with the Python that has cookiecutter (README's generate command makes
../.cookiecutter-venv).
"""

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import sync
from .answers import validate
from .domain_file import DOMAIN_FILE, domain_yaml
from .errors import AnswerError

KEYS = ("entities", "many_to_many")
USAGE = "usage: python -m sqlmodel_scaffold.add PROJECT_DIR [entities=SPEC] [many_to_many=PAIRS]"


def main(argv: Sequence[str]) -> int:
    try:
        project_dir, given = parse_arguments(argv)
        plan = prepare(project_dir, given)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return sync.carry_out(plan, project_dir)


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


def prepare(project_dir: Path, given: Mapping[str, str]) -> sync.SyncPlan:
    """The sync to the extended answers, checked and computed; nothing written."""
    answers = sync.read_answers(project_dir)
    domain = project_dir / DOMAIN_FILE
    if domain.is_file() and domain.read_text(encoding="utf-8") != domain_yaml(answers):
        raise AnswerError(
            f"{DOMAIN_FILE} holds changes that are not applied yet: add the entities there too, then run "
            "python -m sqlmodel_scaffold.sync"
        )
    extended, names = extend(answers, given)
    slug = "add_" + "_".join(names)
    if len(slug) > 60:  # cut between words, not inside one
        slug = slug[:61].rsplit("_", 1)[0]
    message = "Add " + ", ".join(n.replace("_", " ") for n in names) + "."
    return sync.prepare(project_dir, (), (), allow_drop=False, given=extended, name=(slug, message))


def extend(answers: Mapping[str, Any], given: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The answers with the new entities and pairs after the old ones, checked as one domain, and
    the names of what is new (entities, then links)."""
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
                f"entity {entity.name!r} exists already; to change it, edit {DOMAIN_FILE} and run "
                "python -m sqlmodel_scaffold.sync"
            )
    names = [e.name for e in plan.in_dependency_order if e.name not in old_names]
    names += [f"{link.left.name}_{link.right.name}_link" for link in plan.links if link.table not in old_tables]
    if not names:
        raise AnswerError("nothing new: every entity and pair given is in the project already")
    return extended, names


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
