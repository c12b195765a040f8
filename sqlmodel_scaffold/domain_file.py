"""`domain.yaml`: the project's answers in cookiecutter's config-file format, the file a team edits.

    cookiecutter --config-file domain.yaml --no-input <template>

generates the project afresh; `python -m sqlmodel_scaffold.sync PROJECT_DIR` brings the project
to it. The hook writes it with the standard library only (no YAML library in cookiecutter's
hook interpreter is guaranteed), deterministically: every answer under `default_context:` in
cookiecutter.json's order, `entities` and `many_to_many` as block scalars with one item a line.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .splitting import split_top_level

DOMAIN_FILE = "domain.yaml"
LISTS = ("entities", "many_to_many")
HEADER = """\
# The domain of this service: the answers it was generated from, in cookiecutter's config-file format.
# Edit it (one entity or pair a line), then bring the project to it from a template checkout:
#   python -m sqlmodel_scaffold.sync PROJECT_DIR [--dry-run]
# `cookiecutter --config-file domain.yaml --no-input <template>` generates it afresh.
"""


def one_item_a_line(answer: str, key: str) -> str:
    """The answer's items (entities or pairs), one a line: an item's own line breaks, outside
    quoted defaults, become single spaces."""
    return "\n".join(_one_line(item) for item in split_top_level(answer, key))


def _one_line(item: str) -> str:
    out, quote, index = "", "", 0
    while index < len(item):
        char = item[index]
        index += 1
        if quote or char in "'\"":
            quote = "" if char == quote else quote or char
        elif char == "\n":
            while index < len(item) and item[index] in " \t\n":
                index += 1
            out = out.rstrip(" \t") + " "
            continue
        out += char
    return out


def normalized(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with `entities` and `many_to_many` one item a line: what the answers files record."""
    return {key: one_item_a_line(value, key) if key in LISTS else value for key, value in answers.items()}


def domain_yaml(answers: Mapping[str, Any]) -> str:
    """The text of domain.yaml for these (validated) answers."""
    lines = [HEADER.rstrip("\n"), "default_context:"]
    for key, value in normalized(answers).items():
        if key.startswith("_"):
            continue
        lines.append(f"  {key}: {_scalar(value, block=key in LISTS)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any, block: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if block and text and _fits_a_block(text):
        return "|-\n" + "\n".join(f"    {line}" for line in text.split("\n"))
    # A JSON string is a YAML double-quoted scalar: the same escapes, the same meaning.
    return json.dumps(text, ensure_ascii=False)


def _fits_a_block(text: str) -> bool:
    """A literal block keeps the text exactly when no line is blank or starts or ends with white
    space, and every character is printable (tabs aside)."""
    return all(
        line and line == line.strip() and all(char.isprintable() or char == "\t" for char in line)
        for line in text.split("\n")
    )


def write_domain_file(answers: Mapping[str, Any], project_dir: Path) -> Path:
    path = project_dir / DOMAIN_FILE
    path.write_text(domain_yaml(answers), encoding="utf-8")
    return path
