"""Rendering of the files that exist once per entity and once per link (cookiecutter cannot loop over files)."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import TEMPLATE_DIR
from .entities import Plan
from .filters import FILTERS

ENTITY_FILES = TEMPLATE_DIR / "entity_files"
LINK_FILES = TEMPLATE_DIR / "link_files"


def render_entity_files(answers: Mapping[str, Any], plan: Plan, project_dir: Path) -> list[Path]:
    """Render entity_files/ once for each entity and link_files/ once for each link; return the files written."""
    written = []
    for entity in plan.entities:
        written += _render(ENTITY_FILES, {"cookiecutter": answers, "plan": plan, "entity": entity}, project_dir)
    for link in plan.links:
        written += _render(LINK_FILES, {"cookiecutter": answers, "plan": plan, "link": link}, project_dir)
    return written


def _render(folder: Path, context: Mapping[str, Any], project_dir: Path) -> list[Path]:
    env = Environment(
        loader=FileSystemLoader(folder), keep_trailing_newline=True, undefined=StrictUndefined, autoescape=False
    )
    env.filters.update(FILTERS)
    templates = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    written = []
    for name in templates:
        target = project_dir / env.from_string(name).render(context)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(name).render(context), encoding="utf-8")
        written.append(target)
    return written
