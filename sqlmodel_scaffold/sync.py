"""Bring a generated project to its `domain.yaml`, keeping the user's edits and the database's rows.

    ../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.sync PROJECT_DIR [--dry-run]
        [--rename ENTITY.FIELD=NEW_NAME]... [--backfill ENTITY.FIELD=VALUE]... [--allow-drop]

Code: every file a generation renders is brought to its new rendering by a three-way merge (base:
the rendering of the applied answers, `.cookiecutter-replay.json`; theirs: the rendering of
`domain.yaml`; ours: the file on disk), with `git merge-file`. Where an edit and the change meet,
nothing is written and each conflict is listed. Migration: a new revision with what the schema
lost and gained (schema_diff.py). Then the answers files record what was applied, and the
project's linters and tests run (SQLMODEL_TEMPLATE_RUN_TESTS=0 skips them). Run it from a
checkout of the template, with the Python that has cookiecutter.
"""

import argparse
import ast
import difflib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import hooks, project_tests
from .answers import validate
from .compare import QUIET, RenderError, render
from .domain_file import DOMAIN_FILE, normalized
from .dotenv import DOTENV, sign_in_lines, write_dotenv
from .entities import Entity, Link, Plan
from .errors import AnswerError
from .naming import normalise
from .render import VERSIONS
from .replay import REPLAY_FILE
from .schema_diff import Choices, Schema, Steps, diff, read_schema, revision_text

# Not merged: what records the answers, and `.env` (a new key in every rendering; the
# project keeps its own).
ANSWERS_FILES = {REPLAY_FILE, DOMAIN_FILE, ".cruft.json", DOTENV}
CRUFT_FILE = ".cruft.json"
FIXED = ("primary_key", "project_slug", "package_name")
INITIAL = VERSIONS / "0001_initial.py"


@dataclass
class Merge:
    """What the code merge does to the project's files (paths relative to it)."""

    written: dict[str, str] = field(default_factory=dict)  # path -> new text
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files of removed parts the user edited
    conflicts: list[str] = field(default_factory=list)  # "path: lines a-b"


@dataclass
class SyncPlan:
    answers: dict[str, Any]
    domain: bool  # write domain.yaml too: the answers came from `add`, not from it
    merge: Merge
    revision_path: Path | None
    revision: str | None
    up: Steps
    down: Steps


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sqlmodel_scaffold.sync", description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument("--rename", action="append", default=[], metavar="ENTITY.FIELD=NEW_NAME")
    parser.add_argument("--backfill", action="append", default=[], metavar="ENTITY.FIELD=VALUE")
    parser.add_argument("--allow-drop", action="store_true", help="allow dropping columns and tables")
    args = parser.parse_args(argv)
    project = Path(args.project)
    try:
        plan = prepare(project, args.rename, args.backfill, args.allow_drop)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return carry_out(plan, project, args.dry_run)


def carry_out(plan: "SyncPlan", project: Path, dry_run: bool = False) -> int:
    """Print the plan; unless it conflicts or is a dry run, write it, then run the project's tests."""
    if plan.merge.conflicts:
        count = len(plan.merge.conflicts)
        print(
            "ERROR: your edits and the change meet in "
            f"{count} {'place' if count == 1 else 'places'}, so nothing was written; resolve them (keep your edit "
            "outside those lines, or make it after the sync), then sync again:",
            file=sys.stderr,
        )
        print("\n".join(f"  conflict: {c}" for c in plan.merge.conflicts), file=sys.stderr)
        return 1
    report(plan, project)
    if dry_run:
        print("Dry run: nothing was written.")
        return 0
    apply(plan, project)
    if not plan.merge.written and not plan.merge.removed and plan.revision is None:
        return 0
    if "pyproject.toml" in plan.merge.written and not refresh_dependencies(project):
        return 1
    return run_tests(project)


def run_tests(project: Path) -> int:
    """The project's linters and tests, as the hook runs them, unless turned off or not installed."""
    if project_tests.turned_off(os.environ):
        print(f"Tests skipped: {project_tests.RUN_TESTS_VARIABLE} is off.")
        return 0
    if not project_tests.is_installed(project):
        print(f"The project is not installed, so its tests did not run: cd {project} && make install test")
        return 0
    passed, _ = hooks.run_tests(project)
    if not passed:
        return 1
    print(f"Next: cd {project} && make migrate  (applies the new revision to DATABASE_URL)")
    return 0


def report(plan: SyncPlan, project: Path) -> None:
    merge = plan.merge
    for path in sorted(merge.written):
        print(f"  {'merge' if (project / path).exists() else 'add'} {path}")
    for path in merge.removed:
        print(f"  remove {path}")
    for path in merge.kept:
        print(
            f"  keep {path} (its entity or pair is gone, and you edited it: it may import what is gone, which "
            "mypy and the app refuse; delete it when you are done with it)"
        )
    if plan.revision_path is not None:
        print(f"  revision {plan.revision_path.as_posix()}:")
        for line in plan.up.summary:
            print(f"    {line}")
    if not merge.written and not merge.removed and plan.revision is None:
        print("Nothing to do: the project is what domain.yaml says.")


def prepare(
    project: Path,
    renames: Sequence[str],
    backfills: Sequence[str],
    allow_drop: bool,
    given: Mapping[str, Any] | None = None,
    name: tuple[str, str] | None = None,
) -> SyncPlan:
    """Everything checked and computed; nothing written. The answers wanted are domain.yaml's, or
    `given` (add's), and the revision is named from its operations, or `name` (slug, message)."""
    applied = read_answers(project)
    wanted = read_domain(project, applied) if given is None else normalized(given)
    old_plan, new_plan = validate(applied), validate(wanted)
    for key in FIXED:
        if wanted[key] != applied[key]:
            raise AnswerError(
                f"{key} changes from {applied[key]!r} to {wanted[key]!r} in {DOMAIN_FILE}; sync cannot change it "
                "(generate a new project instead), so put it back"
            )
    choices = parse_choices(old_plan, new_plan, renames, backfills, allow_drop)
    with tempfile.TemporaryDirectory(prefix="sync-") as scratch:
        base = render_answers(applied, Path(scratch) / "base")
        theirs = render_answers(wanted, Path(scratch) / "theirs")
        up, down, old_schema, new_schema = migration_steps(base, theirs, choices, old_plan, new_plan)
        merge = merge_trees(project, base, theirs)
    revision_path, revision, text = None, None, None
    if up.changes:
        head, number = revision_head(project)
        revision = f"{number:04d}"
        slug, message = name or (_slug(up), "Sync with domain.yaml: " + "; ".join(up.summary) + ".")
        revision_path = VERSIONS / f"{revision}_{slug}.py"
        text = revision_text(revision, head, message, old_schema, new_schema, up, down)
        merge.written[revision_path.as_posix()] = text
    return SyncPlan(wanted, given is not None, merge, revision_path, revision, up, down)


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


def read_domain(project: Path, applied: Mapping[str, Any]) -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]  # cookiecutter's own dependency

    path = project / DOMAIN_FILE
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnswerError(
            f"{project} has no {DOMAIN_FILE}: write one (python -m sqlmodel_scaffold.sync makes none), "
            f"or regenerate the project"
        ) from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise AnswerError(f"{path} is not valid YAML{line}: {getattr(error, 'problem', error)}") from None
    context = loaded.get("default_context") if isinstance(loaded, dict) else None
    if not isinstance(context, dict):
        raise AnswerError(f"{path} has no default_context: mapping; it should look like the one generation wrote")
    unknown = sorted(set(context) - set(applied))
    if unknown:
        raise AnswerError(f"{path} names {unknown[0]!r}, which is not an answer of this template; remove it")
    wanted = dict(applied)
    for key, value in context.items():
        wanted[key] = "" if value is None and isinstance(applied[key], str) else value
    return normalized(wanted)


def parse_choices(old: Plan, new: Plan, renames: Sequence[str], backfills: Sequence[str], allow_drop: bool) -> Choices:
    renamed: dict[str, dict[str, str]] = {}
    for text in renames:
        entity, before, after = _entity_field(text, "--rename")
        old_entity = _entity(old, entity, text)
        new_entity = _entity(new, entity, text)
        old_field = _field(old_entity, before, text)
        new_field = _field(new_entity, normalise(after), text)
        if any(f.name == new_field.name for f in old_entity.fields):
            raise AnswerError(f"--rename {text}: {entity}.{new_field.name} exists already")
        renamed.setdefault(old_entity.table, {})[old_field.column] = new_field.column
    filled: dict[str, dict[str, str]] = {}
    for text in backfills:
        entity, name, value = _entity_field(text, "--backfill")
        new_entity = _entity(new, entity, text)
        new_field = _field(new_entity, name, text)
        filled.setdefault(new_entity.table, {})[new_field.column] = backfill_literal(new_field, value, text)
    return Choices(renamed, filled, allow_drop)


def _entity_field(text: str, option: str) -> tuple[str, str, str]:
    target, separator, value = text.partition("=")
    entity, dot, name = target.partition(".")
    if not separator or not dot or not entity or not name:
        shape = "ENTITY.FIELD=NEW_NAME" if option == "--rename" else "ENTITY.FIELD=VALUE"
        example = "book.title=heading" if option == "--rename" else "book.room=A1"
        raise AnswerError(f"{option} {text!r} is not {shape} (for example {option} {example})")
    return normalise(entity), normalise(name), value.strip()


def _entity(plan: Plan, name: str, text: str) -> Any:
    """The entity `name` names, or the pair, by its link table (`vet_pet_link`) or package (`vet_pet`)."""
    named: dict[str, Any] = {link.table: link for link in plan.links} | {link.package: link for link in plan.links}
    named |= {entity.name: entity for entity in plan.entities}
    if name not in named:
        raise AnswerError(f"{text!r}: there is no entity or pair {name!r} on both sides of the sync")
    return named[name]


def _field(entity: Any, name: str, text: str) -> Any:
    found = next((f for f in entity.fields if f.name == name), None)
    if found is None:
        raise AnswerError(f"{text!r}: {entity.table} has no field {name!r} there")
    return found


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def backfill_literal(f: Any, value: str, text: str) -> str:
    """`value` as the SQL literal that fills the rows there are (a server default, or an UPDATE)."""
    kind = "uuid" if f.is_reference and value and not value.isdigit() else ("int" if f.is_reference else f.type)
    if kind in ("int", "bigint", "float", "decimal"):
        if not NUMBER.fullmatch(value):
            raise AnswerError(f"--backfill {text}: {f.name} is a number ({f.type}); give one, like =0")
        low, high = f.minimum, f.maximum
        if (low is not None and Decimal(value) < Decimal(str(low))) or (
            high is not None and Decimal(value) > Decimal(str(high))
        ):
            limits = [f"at least {low}"] * (low is not None) + [f"at most {high}"] * (high is not None)
            raise AnswerError(f"--backfill {text}: {f.name} is {' and '.join(limits)}; give such a value")
        return value
    if kind == "bool":
        if value.lower() not in ("true", "false"):
            raise AnswerError(f"--backfill {text}: {f.name} is a bool; give true or false")
        return value.lower()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if kind == "enum" and value not in f.words:
        raise AnswerError(f"--backfill {text}: {value!r} is not one of {f.name}'s words ({'|'.join(f.words)})")
    if not value.strip():
        raise AnswerError(f"--backfill {text}: give a value after '='")
    if f.length is not None and len(value) > f.length:
        raise AnswerError(f"--backfill {text}: {f.name} holds at most {f.length} characters")
    return "'" + value.replace("'", "''") + "'"


def render_answers(answers: Mapping[str, Any], output: Path) -> Path:
    extra = {k: v for k, v in answers.items() if not k.startswith("_")}
    try:
        return render({**extra, **QUIET}, output)
    except RenderError as error:
        raise AnswerError(str(error)) from None


def migration_steps(
    base: Path, theirs: Path, choices: Choices, old_plan: Plan, new_plan: Plan
) -> tuple[Steps, Steps, Schema, Schema]:
    new_source = (theirs / INITIAL).read_text(encoding="utf-8")
    old_source = (base / INITIAL).read_text(encoding="utf-8")
    new = read_schema(new_source)
    plain_old = read_schema(old_source)
    changed = {
        name: f"{name}_BEFORE"
        for name, text in plain_old.constants.items()
        if name in new.constants and new.constants[name] != text
    }
    old = read_schema(old_source, changed)
    try:
        up = diff(old, new, choices)
    except AnswerError as error:
        raise AnswerError(_explain(str(error), new_plan)) from None
    unused = sorted(
        f"{table}.{column}"
        for table, columns in choices.backfills.items()
        for column in columns
        if f"{table}.{column}" not in up.backfilled
    )
    if unused:
        raise AnswerError(
            f"--backfill {unused[0]}: the sync needs no value there (a backfill fills a field that is new and "
            "required with no default, or that becomes required); leave it out"
        )
    if up.lost and not choices.allow_drop:
        raise AnswerError(
            f"the sync would drop {', '.join(up.lost)} and their data; if that is meant, add --allow-drop "
            "(or --rename ENTITY.FIELD=NEW_NAME when a field was renamed)"
        )
    inverse = {t: {after: before for before, after in r.items()} for t, r in choices.renames.items()}
    down = diff(new, old, Choices(inverse, {}, allow_drop=True, lenient=True))
    return up, down, old, new


def _explain(message: str, plan: Plan) -> str:
    if message.startswith("NEEDS_BACKFILL "):
        table, column = message.split()[1].split(".")
        owners: list[Entity | Link] = [*plan.entities, *plan.links]
        owner = next((o for o in owners if o.table == table), None)
        f = next((f for f in owner.fields if f.column == column), None) if owner else None
        name = f.name if f else column
        return (
            f"{table}.{name} is new and required with no default, so the rows there are need a value: "
            f"add --backfill {table}.{name}=VALUE (or give it '= default' or '?' in {DOMAIN_FILE})"
        )
    return message


def _slug(up: Steps) -> str:
    """`sync_pet_add_chip`, `sync_create_visit`: each table with its first change, as a file name."""
    words = []
    for line in up.summary:
        what, _, changes = line.partition(": ")
        what = what.replace(" table ", " ").replace("alter ", "")
        first = changes.split(", ")[0] if changes and not changes[0].isdigit() else ""
        words.append(re.sub(r"[^a-z0-9]+", "_", f"{what} {first}".lower()).strip("_"))
    slug = "sync_" + words[0]
    for part in words[1:]:  # whole tables' parts, as many as fit
        if len(slug) + 1 + len(part) > 60:
            break
        slug += "_" + part
    return slug if len(slug) <= 60 else slug[:61].rsplit("_", 1)[0]


# --- the code -------------------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in ANSWERS_FILES and not relative.startswith(VERSIONS.as_posix() + "/"):
            found[relative] = path.read_bytes()
    return found


def merge_trees(project: Path, base_dir: Path, theirs_dir: Path) -> Merge:
    base, theirs = _files(base_dir), _files(theirs_dir)
    merge = Merge()
    for path in sorted(base.keys() | theirs.keys()):
        target = project / path
        ours = target.read_bytes() if target.is_file() else None
        old, new = base.get(path), theirs.get(path)
        if old == new or ours == new:
            continue
        if new is None:  # the entity or pair is gone
            if ours == old:
                merge.removed.append(path)
            elif ours is not None:
                merge.kept.append(path)
            continue
        if ours is None:
            if old is None:
                merge.written[path] = new.decode("utf-8")
            else:
                merge.conflicts.append(f"{path}: you deleted it, and the change edits it")
            continue
        if ours == old:
            merge.written[path] = new.decode("utf-8")
            continue
        merged, conflicts = merge_file(ours, old or b"", new, path)
        if conflicts:
            merge.conflicts += conflicts
        else:
            merge.written[path] = merged
    return merge


def merge_file(ours: bytes, base: bytes, theirs: bytes, path: str) -> tuple[str, list[str]]:
    """`git merge-file -p`: the merged text, or where it conflicts (lines of the user's file)."""
    with tempfile.TemporaryDirectory(prefix="sync-merge-") as scratch:
        names = []
        for label, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            (Path(scratch) / label).write_bytes(data)
            names.append(str(Path(scratch) / label))
        done = subprocess.run(
            ["git", "merge-file", "-p", "-L", "yours", "-L", "base", "-L", "domain.yaml", *names],
            capture_output=True,
        )
    if done.returncode < 0 or done.returncode > 127:
        raise AnswerError(f"git merge-file failed on {path}: {done.stderr.decode(errors='replace').strip()}")
    merged = done.stdout.decode("utf-8")
    if done.returncode == 0:
        return merged, []
    return merged, [f"{path}: {where}" for where in _conflict_lines(ours.decode("utf-8"), merged)]


def _conflict_lines(ours: str, merged: str) -> list[str]:
    """Each conflict as the lines of the user's file it covers."""
    mine, out = ours.splitlines(), merged.splitlines()
    matcher = difflib.SequenceMatcher(None, mine, out, autojunk=False)
    to_ours: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for offset in range(size):
            to_ours[b + offset] = a + offset
    found, index = [], 0
    while index < len(out):
        if out[index].startswith("<<<<<<< "):
            start = index + 1
            end = start
            while end < len(out) and not out[end].startswith(("=======", "||||||| ")):
                end += 1
            lines = [to_ours[i] + 1 for i in range(start, end) if i in to_ours]
            if lines:
                found.append(f"lines {lines[0]}-{lines[-1]}" if len(lines) > 1 else f"line {lines[0]}")
            else:
                before = max((to_ours[i] for i in range(index) if i in to_ours), default=-1)
                found.append(f"after line {before + 1}")
            while index < len(out) and not out[index].startswith(">>>>>>> "):
                index += 1
        index += 1
    return found


# --- writing ------------------------------------------------------------------------------------


def apply(plan: SyncPlan, project: Path) -> None:
    for path, text in plan.merge.written.items():
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in plan.merge.removed:
        (project / path).unlink()
        _prune(project, (project / path).parent)
    if plan.revision_path is not None:
        format_revision(project, project / plan.revision_path)
    hooks.write_answers(plan.answers, project, domain=plan.domain)
    # Switched to auth=users: the key and first superuser a generation would have written.
    first_superuser = write_dotenv(plan.answers, project)
    if first_superuser:
        print("\n".join(sign_in_lines(str(project), *first_superuser)))
    cruft = project / CRUFT_FILE
    if cruft.is_file():
        data = json.loads(cruft.read_text(encoding="utf-8"))
        context = data.setdefault("context", {}).setdefault("cookiecutter", {})
        context.update({k: v for k, v in plan.answers.items() if not k.startswith("_")})
        cruft.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def refresh_dependencies(project: Path) -> bool:
    """pyproject.toml changed (a type or an option needs another package): lock again, so that CI's
    `uv sync --locked` agrees, and install again, so that the tests run with what the code imports.
    Return False when the install failed (the tests would only fail the same way)."""
    uv = project_tests.find_uv()
    where = str(project)
    if (project / "uv.lock").exists():
        hooks.lock(project, uv, where, relock=True)
    if project_tests.turned_off(os.environ) or not project_tests.is_installed(project):
        print(f"pyproject.toml changed: install the project again before you run it: cd {where} && make install")
        return True
    status = hooks.install(project, uv, where, f"Fix that, then: cd {where} && make install test")
    return status == "installed"


def _prune(project: Path, folder: Path) -> None:
    """Remove folders the removed files leave empty (but for caches, which a removed package leaves)."""
    while folder != project and folder.is_dir():
        rest = [p for p in folder.iterdir() if p.name != "__pycache__"]
        if rest:
            return
        shutil.rmtree(folder)
        folder = folder.parent


def format_revision(project: Path, path: Path) -> None:
    """Lay the revision out as the project's ruff does (its own, else one on PATH)."""
    ruff = project / ".venv" / "bin" / "ruff"
    if ruff.exists():
        command = [str(ruff)]
    elif shutil.which("ruff"):
        command = ["ruff"]
    elif importlib.util.find_spec("ruff") is not None:
        command = [sys.executable, "-m", "ruff"]
    else:
        return
    for args in (["check", "--fix-only", "--quiet", "--no-cache"], ["format", "--quiet", "--no-cache"]):
        subprocess.run([*command, *args, str(path)], cwd=project, capture_output=True, env={**os.environ})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
