"""Replay files: the project's answers file, and cookiecutter's own copy of the answers.

The project's `.cookiecutter-replay.json` is cookiecutter's replay format, so `--replay-file`
regenerates the project. Cookiecutter itself saves every run's answers to its replay directory
before the hooks run; after a refused answer, the pre-generation hook points there.
"""

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPLAY_FILE = ".cookiecutter-replay.json"
# Keys cookiecutter or cruft add about this machine or run; replay sets its own.
_KEPT_PRIVATE_KEYS = ("_extensions",)
# cookiecutter.config.DEFAULT_CONFIG["replay_dir"]; a user config file may move it.
DEFAULT_REPLAY_DIR = "~/.cookiecutter_replay/"
DEFAULT_USER_CONFIG = "~/.cookiecutterrc"
_REPLAY_DIR_SETTING = re.compile(r"^replay_dir:\s*(.+?)\s*$", re.MULTILINE)


def replay_context(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The user's answers, plus the extension list that rendering needs; nothing machine-specific."""
    kept = {key: value for key, value in answers.items() if not key.startswith("_") or key in _KEPT_PRIVATE_KEYS}
    return {"cookiecutter": kept}


def write_replay_file(answers: Mapping[str, Any], project_dir: Path) -> Path:
    path = project_dir / REPLAY_FILE
    path.write_text(json.dumps(replay_context(answers), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def replay_dirs(environ: Mapping[str, str]) -> list[Path]:
    """Where cookiecutter may have saved this run's answers: the user config's replay_dir, then the default.

    The user config is COOKIECUTTER_CONFIG or ~/.cookiecutterrc (YAML; its replay_dir line is read
    without a YAML parser). A --config-file given on the command line is invisible to hooks; the
    default directory is searched anyway.
    """
    config = Path(environ.get("COOKIECUTTER_CONFIG") or DEFAULT_USER_CONFIG).expanduser()
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    dirs = []
    if match := _REPLAY_DIR_SETTING.search(text):
        dirs.append(Path(os.path.expandvars(match.group(1).strip("'\""))).expanduser())
    dirs.append(Path(DEFAULT_REPLAY_DIR).expanduser())
    return dirs


def saved_answers_file(answers: Mapping[str, Any], environ: Mapping[str, str]) -> Path | None:
    """The replay file cookiecutter wrote for this run: the newest one holding exactly these answers."""
    wanted = _comparable(answers)
    found = []
    for directory in replay_dirs(environ):
        for path in directory.glob("*.json"):
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(saved, dict) and _comparable(saved.get("cookiecutter")) == wanted:
                found.append(path)
    return max(found, key=lambda path: path.stat().st_mtime) if found else None


def _comparable(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))
