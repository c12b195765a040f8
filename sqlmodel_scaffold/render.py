"""Rendering of the files that exist once per entity and once per link (cookiecutter cannot loop over files)."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import TEMPLATE_DIR
from .entities import Entity, Link, Plan
from .filters import FILTERS
from .registry import FILTERS as REGISTRY_FILTERS

ENTITY_FILES = TEMPLATE_DIR / "entity_files"
LINK_FILES = TEMPLATE_DIR / "link_files"
# The built-in user and signing in (auth=users): rendered here, since cookiecutter cannot
# leave out a folder by its name.
AUTH_FILES = TEMPLATE_DIR / "auth_files"
REVISION_FILE = TEMPLATE_DIR / "revision_files" / "revision.py"
VERSIONS = Path("migrations") / "versions"


@dataclass(frozen=True)
class Revision:
    """A migration that creates tables: the initial one, or one that `add` writes."""

    id: str  # "0001"
    slug: str  # "initial": the file is migrations/versions/0001_initial.py
    message: str
    down_revision: str | None
    entities: tuple[Entity, ...]  # tables to create, referenced ones first
    links: tuple[Link, ...]

    @property
    def path(self) -> Path:
        return VERSIONS / f"{self.id}_{self.slug}.py"


def initial_revision(plan: Plan) -> Revision:
    message = "The initial schema: one table per entity" + (" and one per many-to-many link." if plan.links else ".")
    return Revision("0001", "initial", message, None, plan.in_dependency_order, plan.links)


def render_revision(answers: Mapping[str, Any], plan: Plan, revision: Revision, project_dir: Path) -> Path:
    """Write the revision's migration file into project_dir; return its path."""
    env = _environment(REVISION_FILE.parent)
    text = env.get_template(REVISION_FILE.name).render(cookiecutter=answers, plan=plan, revision=revision)
    target = project_dir / revision.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def render_entity_files(answers: Mapping[str, Any], plan: Plan, project_dir: Path) -> list[Path]:
    """Render entity_files/ once for each entity and link_files/ once for each link; return the files written."""
    written = []
    for entity in plan.entities:
        written += _render(ENTITY_FILES, {"cookiecutter": answers, "plan": plan, "entity": entity}, project_dir)
    for link in plan.links:
        written += _render(LINK_FILES, {"cookiecutter": answers, "plan": plan, "link": link}, project_dir)
    return written


def render_auth_files(answers: Mapping[str, Any], plan: Plan, project_dir: Path) -> list[Path]:
    """Render auth_files/ when the project has users (auth=users); return the files written."""
    if answers["auth"] != "users":
        return []
    return _render(AUTH_FILES, {"cookiecutter": answers, "plan": plan}, project_dir)


def _named(env: Environment, folder: Path, context: Mapping[str, Any]) -> list[tuple[str, Path]]:
    """Each template with the path it renders to; as cookiecutter does, a template whose file
    name renders empty (`{% if entity.is_owned %}test_..._ownership.py{% endif %}`) is skipped."""
    found = []
    for name in _templates(folder):
        rendered = env.from_string(name).render(context)
        if not rendered.endswith("/"):
            found.append((name, Path(rendered)))
    return found


def _templates(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder), keep_trailing_newline=True, undefined=StrictUndefined, autoescape=False
    )
    env.filters.update(FILTERS)
    env.filters.update(REGISTRY_FILTERS)
    return env


def _render(folder: Path, context: Mapping[str, Any], project_dir: Path) -> list[Path]:
    env = _environment(folder)
    written = []
    for name, path in _named(env, folder, context):
        target = project_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(name).render(context), encoding="utf-8")
        written.append(target)
    return written
