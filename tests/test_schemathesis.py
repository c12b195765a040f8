"""Schemathesis, a client nobody here wrote, against served projects' own OpenAPI schemas on PostgreSQL.

It generates valid and invalid requests for every operation, then chains them (create, then
read, update and delete what was created) and checks each answer against the schema.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import choose, render_variant, variant_id
from served import migrate, serve, user_token

# Several entity specs and every value of every option, on PostgreSQL; with auth=users,
# Schemathesis calls with the token of a user who is not a superuser.
RUNS = [
    ("default", choose(0, 0, 0, 0, 0)),
    ("default", choose(1, 1, 1, 1, 1)),
    ("tree", choose(0, 1, 1, 1, 1)),
    ("many-to-many", choose(0, 1, 1, 0, 1)),
    ("reserved-words", choose(1, 0, 0, 1, 1)),
    ("library", choose(0, 1, 1, 0, 0)),
    ("field-rich", choose(0, 0, 1, 1, 1)),
    # Owned entities: the caller owns what it creates; others' rows answer 404.
    ("shop", choose(0, 1, 0, 1, 0)),
]

# Every check but one, which tests a rule these services do not (and cannot) follow:
# positive_data_acceptance: a request the schema allows may still be refused, with 422 for a
# referenced id that does not exist or a NUL character, or 409 for a unique value already taken,
# which JSON Schema cannot express.
EXCLUDED_CHECKS = "positive_data_acceptance"
# The statuses a refused request may get, among them 413 for a body over the size limit.
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.mark.parametrize(("spec", "options"), RUNS, ids=[variant_id(*run) for run in RUNS])
def test_schemathesis_finds_no_failure(
    spec: str, options: dict[str, object], tmp_path: Path, postgres_database: str
) -> None:
    project = render_variant(tmp_path, spec, options)
    migrate(project, postgres_database)
    # A token that outlives the run.
    with serve(project, postgres_database, ACCESS_TOKEN_MINUTES="120") as server:
        token = user_token(server, project) if options["auth"] == "users" else None
        command = [
            *(str(Path(sys.executable).parent / "st"), "--config-file", str(CONFIG)),
            *("run", f"{server.url}/openapi.json"),
            *("--checks", "all", "--exclude-checks", EXCLUDED_CHECKS),
            *("--max-examples", "25", "--seed", "20261122", "--request-timeout", "10", "--no-color"),
            *(("--header", f"Authorization: Bearer {token}") if token else ()),
        ]
        result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases and cases[1] == cases[2] and int(cases[1]) > 100, output[-3000:]
    print(f"{variant_id(spec, options)}: schemathesis sent {cases[1]} cases, all passed")
