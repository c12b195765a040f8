"""Rendering of the files that exist once per entity (cookiecutter cannot loop over files)."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import TEMPLATE_DIR
from .entities import Plan
from .filters import FILTERS

ENTITY_FILES = TEMPLATE_DIR / "entity_files"


def render_entity_files(answers: Mapping[str, Any], plan: Plan, project_dir: Path) -> list[Path]:
    """Render entity_files/ once for each entity into project_dir; return the files written."""
    env = Environment(
        loader=FileSystemLoader(ENTITY_FILES), keep_trailing_newline=True, undefined=StrictUndefined, autoescape=False
    )
    env.filters.update(FILTERS)
    templates = sorted(p.relative_to(ENTITY_FILES).as_posix() for p in ENTITY_FILES.rglob("*") if p.is_file())
    written = []
    for entity in plan.entities:
        context = {"cookiecutter": answers, "plan": plan, "entity": entity}
        for name in templates:
            target = project_dir / env.from_string(name).render(context)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(env.get_template(name).render(context), encoding="utf-8")
            written.append(target)
    return written
