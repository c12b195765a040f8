"""The answers file: cookiecutter's replay format, so `--replay-file` regenerates the project."""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPLAY_FILE = ".cookiecutter-replay.json"
# Keys cookiecutter or cruft add about this machine or run; replay sets its own.
_KEPT_PRIVATE_KEYS = ("_extensions",)


def replay_context(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The user's answers, plus the extension list that rendering needs; nothing machine-specific."""
    kept = {key: value for key, value in answers.items() if not key.startswith("_") or key in _KEPT_PRIVATE_KEYS}
    return {"cookiecutter": kept}


def write_replay_file(answers: Mapping[str, Any], project_dir: Path) -> Path:
    path = project_dir / REPLAY_FILE
    path.write_text(json.dumps(replay_context(answers), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
