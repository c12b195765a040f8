"""Render two variants of a project from the same answers and show what differs.

    ../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.compare --left database=postgresql --right database=sqlite \\
        "entities=team, hero:team" "many_to_many="

Answers not given keep their defaults from cookiecutter.json; --left and --right may repeat.
Run it from a checkout of the template, with the Python that has cookiecutter (README's generate
command makes ../.cookiecutter-venv).
"""

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

from . import TEMPLATE_DIR
from .answers import validate
from .dotenv import DOTENV
from .entities import AnswerError

# Two renders for a diff: no install, no test run, no git.
QUIET = {"run_tests": False, "init_git": False}
# What cookiecutter reads as a boolean on the command line (its YesNoPrompt), lowercased.
BOOLEAN_WORDS = {"1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"}


def parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """`key=value` strings as a dict; AnswerError on anything else, an unknown key or an impossible value."""
    known = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in known or key.startswith("_"):
            raise AnswerError(f"{pair!r} is not key=value with a key from cookiecutter.json (e.g. database=sqlite)")
        default = known[key]
        if isinstance(default, list) and value not in default:
            raise AnswerError(f"{key} {value!r} is not one of {', '.join(default)}")
        if isinstance(default, bool) and value.strip().lower() not in BOOLEAN_WORDS:
            raise AnswerError(f"{key} must be yes or no (true/false), not {value!r}")
        answers[key] = value
    return answers


def check_answers(extra: dict[str, Any]) -> None:
    """Settle every answer as cookiecutter would with --no-input, and check it by the template's rules.

    Done before rendering, so a mistake is one ERROR line rather than cookiecutter's traceback.
    """
    try:
        context = generate_context(str(TEMPLATE_DIR / "cookiecutter.json"), extra_context={**extra, **QUIET})
    except ValueError as error:  # cookiecutter's own refusal of a value (a choice, a boolean)
        raise AnswerError(str(error)) from None
    validate(prompt_for_config(context, no_input=True))


def render(extra: dict[str, Any], output_dir: Path) -> Path:
    """Generate with cookiecutter's command line, whose hook output is kept out of the diff."""
    pairs = [f"{key}={'yes' if value is True else 'no' if value is False else value}" for key, value in extra.items()]
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE_DIR), "-o", str(output_dir), *pairs]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).rstrip().splitlines()[-15:])
        raise RenderError(f"cookiecutter failed to render {' '.join(pairs)}:\n{tail}")
    [project] = output_dir.iterdir()
    return project


class RenderError(Exception):
    """The template itself failed to render answers that passed validation."""


def files(root: Path) -> dict[str, Path]:
    """The rendered files; not `.env`, whose key and password are new in every rendering."""
    found = {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*")) if path.is_file()}
    found.pop(DOTENV, None)
    return found


def compare(left: Path, right: Path, left_name: str, right_name: str) -> tuple[str, list[str]]:
    """A unified diff of two trees, and one summary line per file that differs."""
    left_files, right_files = files(left), files(right)
    diff, summary = [], []
    for name in sorted(left_files.keys() | right_files.keys()):
        before = left_files[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in left_files else []
        after = right_files[name].read_text(encoding="utf-8").splitlines(keepends=True) if name in right_files else []
        lines = list(difflib.unified_diff(before, after, f"{left_name}/{name}", f"{right_name}/{name}"))
        if not lines:
            continue
        diff.extend(lines)
        added = sum(1 for line in lines[2:] if line.startswith("+"))
        removed = sum(1 for line in lines[2:] if line.startswith("-"))
        where = (
            "" if name in left_files and name in right_files else f" (only in {left_name if before else right_name})"
        )
        summary.append(f"  {name}{where}: +{added} -{removed}")
    return "".join(diff), summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sqlmodel_scaffold.compare", description=__doc__.splitlines()[0])
    parser.add_argument("answers", nargs="*", help="answers both variants share, as key=value")
    parser.add_argument("--left", action="append", default=[], metavar="KEY=VALUE", help="the first variant's override")
    parser.add_argument(
        "--right", action="append", default=[], metavar="KEY=VALUE", help="the second variant's override"
    )
    args = parser.parse_args(argv)
    try:
        shared = parse_pairs(args.answers)
        left, right = {**shared, **parse_pairs(args.left)}, {**shared, **parse_pairs(args.right)}
        check_answers(left)
        check_answers(right)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    left_name = " ".join(args.left) or "defaults"
    right_name = " ".join(args.right) or "defaults"
    with tempfile.TemporaryDirectory() as scratch:
        try:
            left_dir = render({**left, **QUIET}, Path(scratch) / "left")
            right_dir = render({**right, **QUIET}, Path(scratch) / "right")
        except RenderError as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 1
        diff, summary = compare(left_dir, right_dir, "left", "right")
    print(diff, end="")
    print(f"\n{len(summary)} files differ between left ({left_name}) and right ({right_name}):")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
