"""What registers an entity or a link in the generated project: lines and blocks that only add.

The project lists its routers in `routers.py` and its tables in `models.py`, one import line
each, and keeps one factory per entity in `tests/factories.py`, so that adding an entity or a
link (`add`, `sync`) only adds lines and blocks, which merge cleanly with a user's edits.
"""

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import TEMPLATE_DIR
from .entities import Entity, Link, Plan
from .filters import FILTERS as LAYOUT_FILTERS

FACTORY_FILES = TEMPLATE_DIR / "factory_files"

Imports = list[tuple[str, list[str]]]


def router_imports(plan: Plan, entity: Entity) -> Imports:
    """`from .heroes.router import router as heroes_router`, and its nested listings if any."""
    module = f".{entity.plural}.router"
    imports = [(module, [f"router as {entity.plural}_router"])]
    if plan.listed_under(entity):
        imports.append((module, [f"nested as {entity.plural}_nested_router"]))
    return imports


def link_router_imports(link: Link) -> Imports:
    return [(f".links.{link.package}.router", [f"router as {link.package}_link_router"])]


def model_imports(entity: Entity) -> Imports:
    return [(f".{entity.plural}.models", [f"{entity.class_name} as {entity.class_name}"])]


def link_model_imports(link: Link) -> Imports:
    return [(f".links.{link.package}.models", [f"{link.class_name} as {link.class_name}"])]


def entity_factory(entity: Entity) -> str:
    """`<entity>_body` and `new_<entity>`, as a block of tests/factories.py (with its leading blank lines)."""
    return _factories().get_template("entity.py").render(entity=entity).rstrip("\n")


def link_factory(link: Link) -> str:
    """`<left>_<right>_link_body`, for a link with fields of its own."""
    return _factories().get_template("link.py").render(link=link).rstrip("\n")


@cache
def _factories() -> Environment:
    env = Environment(
        loader=FileSystemLoader(FACTORY_FILES), keep_trailing_newline=True, undefined=StrictUndefined, autoescape=False
    )
    env.filters.update(LAYOUT_FILTERS)
    return env


FILTERS = {
    "entity_factory": entity_factory,
    "link_factory": link_factory,
    "router_imports": router_imports,
    "link_router_imports": link_router_imports,
    "model_imports": model_imports,
    "link_model_imports": link_model_imports,
}
