"""The `.env` the post-generation hook writes with auth=users: a fresh key and a first superuser."""

import stat
from pathlib import Path

from sqlmodel_scaffold.dotenv import DOTENV, sign_in_lines, write_dotenv

ANSWERS = {"auth": "users", "author_email": "ann@example.org"}


def values(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_a_fresh_key_and_the_authors_superuser_each_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    email, password = write_dotenv(ANSWERS, first) or ("", "")
    assert email == "ann@example.org"
    written = values(first / DOTENV)
    assert written["FIRST_SUPERUSER_EMAIL"] == email and written["FIRST_SUPERUSER_PASSWORD"] == password
    assert len(written["SECRET_KEY"]) >= 32 and len(password) >= 16
    write_dotenv(ANSWERS, second)
    assert values(second / DOTENV)["SECRET_KEY"] != written["SECRET_KEY"]
    # Secrets: readable by their owner only.
    assert stat.S_IMODE((first / DOTENV).stat().st_mode) == 0o600


def test_an_existing_env_is_kept(tmp_path: Path) -> None:
    (tmp_path / DOTENV).write_text("SECRET_KEY=mine\n", encoding="utf-8")
    assert write_dotenv(ANSWERS, tmp_path) is None
    assert (tmp_path / DOTENV).read_text(encoding="utf-8") == "SECRET_KEY=mine\n"


def test_nothing_is_written_without_users(tmp_path: Path) -> None:
    assert write_dotenv({**ANSWERS, "auth": "none"}, tmp_path) is None
    assert not (tmp_path / DOTENV).exists()


def test_the_last_lines_say_how_to_sign_in() -> None:
    lines = sign_in_lines("library-desk", "ann@example.org", "s3cret")
    assert lines[0].startswith("Sign in as the first superuser (library-desk/.env")
    assert "ann@example.org" in lines[1] and "s3cret" in lines[1]
    assert lines[-1] == (
        "  curl -s -d 'username=ann@example.org&password=s3cret' http://127.0.0.1:8000/api/v1/auth/token"
    )
