"""The project's git repository and its first commit (`init_git`)."""

import os
import shutil
import subprocess
from pathlib import Path

COMMIT_MESSAGE = "Initial commit: generated from the FastAPI + async SQLModel template"
# The branch the generated CI workflow runs on; git before 3.0 would otherwise name it master
# (or whatever init.defaultBranch says).
BRANCH = "main"


def git(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True, timeout=120)


def first_commit(project_dir: Path, author_name: str, author_email: str) -> str:
    """`git init` on branch main and commit everything not ignored; return the commit's short hash.

    Without a git identity of the user's own, the template's author answers sign the commit.
    Raises RuntimeError with git's message when git is missing or refuses.
    """
    if shutil.which("git") is None:
        raise RuntimeError("git is not on PATH")
    identity = (
        [] if _has_identity(project_dir) else ["-c", f"user.name={author_name}", "-c", f"user.email={author_email}"]
    )
    steps = {
        "init": ["init", "--quiet", f"--initial-branch={BRANCH}"],
        "add": ["add", "--all"],
        "commit": [*identity, "commit", "--quiet", "--no-verify", "--message", COMMIT_MESSAGE],
    }
    for name, args in steps.items():
        done = git(project_dir, *args)
        if done.returncode != 0:
            raise RuntimeError(f"git {name} failed: {done.stderr.strip()}")
    return git(project_dir, "rev-parse", "--short", "HEAD").stdout.strip()


def _has_identity(project_dir: Path) -> bool:
    if os.environ.get("GIT_AUTHOR_EMAIL") and os.environ.get("GIT_COMMITTER_EMAIL"):
        return True
    names = (git(project_dir, "config", "user.name"), git(project_dir, "config", "user.email"))
    return all(done.returncode == 0 and done.stdout.strip() for done in names)
