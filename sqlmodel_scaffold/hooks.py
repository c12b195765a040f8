"""What the cookiecutter hooks do; hooks/*.py only pass the answers in."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .answers import validate
from .entities import AnswerError
from .render import render_entity_files


def pre_gen(answers: Mapping[str, Any]) -> int:
    """Validate every answer; on a mistake print one ERROR line and return 1."""
    try:
        validate(answers)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


def post_gen(answers: Mapping[str, Any], project_dir: Path | None = None) -> int:
    """Render the per-entity packages into the freshly generated project."""
    project_dir = project_dir or Path.cwd()
    plan = validate(answers)
    render_entity_files(answers, plan, project_dir)
    return 0
