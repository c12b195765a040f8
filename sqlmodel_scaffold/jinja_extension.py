"""Cookiecutter local extension: lets templates and hooks read the parsed domain.

Cookiecutter and cruft both put the template directory on sys.path while they
render, so this module is importable there; the hooks, which run in a
subprocess, find the package again through `template_dir`.
"""

from jinja2 import Environment
from jinja2.ext import Extension

from . import TEMPLATE_DIR
from .entities import Plan, parse
from .filters import FILTERS


class ScaffoldExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        environment.filters.update(FILTERS)
        environment.filters["entity_plan"] = entity_plan


def entity_plan(entities: str, many_to_many: str = "") -> Plan:
    """`{% set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) %}`."""
    return parse(entities, many_to_many)
