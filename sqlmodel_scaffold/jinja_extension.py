"""Cookiecutter local extension: lets templates and hooks read the parsed domain.

Cookiecutter and cruft both put the template directory on sys.path while they
render, so this module is importable there; the hooks, which run in a
subprocess, find the package again through `template_dir`.
"""

import os

from jinja2 import Environment
from jinja2.ext import Extension

from . import TEMPLATE_DIR
from .entities import Plan, parse
from .filters import FILTERS
from .registry import FILTERS as REGISTRY_FILTERS


def _working_directory() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the directory was removed under the process
        return None


# Where the cookiecutter process was started. Cookiecutter creates its first Jinja environment
# (which imports this module) before it changes directory, and runs the hooks from the template
# directory with the project as their working directory; PWD in a hook's environment is only
# right when a shell started cookiecutter. The post-generation hook prints paths relative to it.
CALLER_CWD = _working_directory()


class ScaffoldExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        environment.globals["caller_cwd"] = CALLER_CWD
        environment.filters.update(FILTERS)
        environment.filters.update(REGISTRY_FILTERS)
        environment.filters["entity_plan"] = entity_plan


def entity_plan(entities: str, many_to_many: str = "", auth: str = "none") -> Plan:
    """`{% set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) %}`."""
    return parse(entities, many_to_many, auth)
