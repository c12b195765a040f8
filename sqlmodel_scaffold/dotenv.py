"""The project's `.env` with auth=users: a fresh SECRET_KEY and a first superuser.

The one random part of a generation, so it lives in a file the hook writes and `.gitignore`
keeps out of git; the rendered files stay the same for the same answers. Renderings that
are compared or merged (compare, sync) leave it out.
"""

import secrets
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

DOTENV = ".env"
KEY_BYTES = 48
PASSWORD_BYTES = 18


def dotenv_text(email: str, secret_key: str, password: str) -> str:
    return (
        "# Written once by the template's post-generation hook; never commit it (.gitignore).\n"
        "# Signs every token; at least 32 characters. A new one signs everyone out.\n"
        f"SECRET_KEY={secret_key}\n"
        "# Made a superuser at start-up when no user has this email; change the password\n"
        "# (POST /api/v1/users/me/password) after the first sign-in.\n"
        f"FIRST_SUPERUSER_EMAIL={email}\n"
        f"FIRST_SUPERUSER_PASSWORD={password}\n"
    )


def write_dotenv(
    answers: Mapping[str, Any], project_dir: Path, token: Callable[[int], str] = secrets.token_urlsafe
) -> tuple[str, str] | None:
    """Write `.env` for a project with users, unless one is there (a rerun keeps its key);
    the first superuser's email and password, or None when nothing was written."""
    path = project_dir / DOTENV
    if answers["auth"] != "users" or path.exists():
        return None
    email, password = str(answers["author_email"]), token(PASSWORD_BYTES)
    path.write_text(dotenv_text(email, token(KEY_BYTES), password), encoding="utf-8")
    path.chmod(0o600)
    return email, password


def sign_in_lines(where: str, email: str, password: str) -> list[str]:
    """How to sign in as the first superuser, the hook's last lines."""
    form = f"username={email}&password={password}"
    return [
        f"Sign in as the first superuser ({where}/.env has the key and the password):",
        f"  email {email}, password {password}",
        "  make run, then http://127.0.0.1:8000/docs and its Authorize button, or:",
        f"  curl -s -d {shlex.quote(form)} http://127.0.0.1:8000/api/v1/auth/token",
    ]
