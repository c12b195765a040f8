"""A generated service run the way users run it: migrated with alembic, served by uvicorn in its own process."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from conftest import run


@dataclass
class Server:
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


_handed_out: list[int] = []


def free_port() -> int:
    """A port nothing listens on; within TEMPLATE_PORTS (`8720-8729`) when that is set.

    In a range, ports are handed out in turn: one handed out but not yet listened on (a proxy
    not started yet) is not handed out again at once.
    """
    first, _, last = os.environ.get("TEMPLATE_PORTS", "0").partition("-")
    candidates = list(range(int(first), int(last or first) + 1))
    if _handed_out and _handed_out[-1] in candidates:
        after = candidates.index(_handed_out[-1]) + 1
        candidates = candidates[after:] + candidates[:after]
    for candidate in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = probe.getsockname()[1]
            _handed_out[:] = [port]
            return port
    raise AssertionError(f"no free port in TEMPLATE_PORTS={os.environ['TEMPLATE_PORTS']}")


def migrate(project: Path, database_url: str) -> None:
    run(["alembic", "upgrade", "head"], cwd=project, env={**os.environ, "DATABASE_URL": database_url})


@contextmanager
def serve(
    project: Path, database_url: str, *, errors_expected: bool = False, workers: int = 1, **settings: str
) -> Iterator[Server]:
    """Run the project's app under uvicorn (with `workers` processes) until the block ends;
    `settings` become environment variables.

    An unhandled error in the app (a traceback in uvicorn's log) fails the block, unless expected.
    """
    [package] = [path.name for path in (project / "src").iterdir() if (path / "main.py").exists()]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **settings}
    command = ["uvicorn", f"{package}.main:app", "--app-dir", "src", "--port", str(port), "--no-access-log"]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = project / f"uvicorn-{port}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=project, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if not errors_expected:
        assert "Traceback" not in server.output(), server.output()[-4000:]


def _wait_until_up(server: Server, process: subprocess.Popen[bytes]) -> None:
    # The liveness probe needs no database, so this works while the database is down too.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"uvicorn exited with {process.returncode}:\n{server.output()[-4000:]}")
        try:
            if httpx.get(f"{server.url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"uvicorn did not answer within 30 s:\n{server.output()[-4000:]}")


def first_superuser(project: Path) -> tuple[str, str]:
    """The email and password of the first superuser, from the `.env` the hook wrote (auth=users);
    the served project makes that user when it starts."""
    lines = (project / ".env").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return values["FIRST_SUPERUSER_EMAIL"], values["FIRST_SUPERUSER_PASSWORD"]


def access_token(server: Server, email: str, password: str) -> str:
    """Sign in with the OAuth2 password form, as any client does."""
    form = {"username": email, "password": password}
    response = httpx.post(f"{server.url}/api/v1/auth/token", data=form, timeout=30)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def user_token(server: Server, project: Path, email: str = "client@example.com") -> str:
    """An access token of a user who is not a superuser, whom the first superuser makes: a
    client that cannot lock everyone out (deactivate or delete the superuser) by chance."""
    admin = {"Authorization": f"Bearer {access_token(server, *first_superuser(project))}"}
    password = "a password of the served tests"
    body = {"email": email, "password": password}
    made = httpx.post(f"{server.url}/api/v1/users", json=body, headers=admin, timeout=30)
    assert made.status_code == 201, made.text
    return access_token(server, email, password)
