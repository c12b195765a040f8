"""A served project (uvicorn, PostgreSQL) as an operator runs it: request ids, JSON logs, hosts,
limits, metrics and offline docs through a real server, whose parser and logging the generated
suite's in-process client never goes through."""

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import choose, render_variant, variant_id
from served import Server, migrate, serve

SPEC, OPTIONS = "default", choose(0, 0, 0, 0, 1)
PRODUCTION = {
    "LOG_FORMAT": "json",
    "METRICS_ENABLED": "true",
    "CORS_ORIGINS": "https://app.example",
    "TRUSTED_HOSTS": "127.0.0.1,localhost",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_variant(tmp_path_factory.mktemp(variant_id(SPEC, OPTIONS)), SPEC, OPTIONS)


@pytest.fixture
def database(project: Path, postgres_database: str) -> str:
    migrate(project, postgres_database)
    return postgres_database


def status_of_raw_request(server: Server, headers: str) -> int:
    """The status uvicorn answers to a GET with these header lines (sent as they are)."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        request = f"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
        connection.sendall(request.encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_an_operator_sees_ids_json_logs_limits_and_metrics(project: Path, database: str) -> None:
    secret = "ann.private@example.org"
    with serve(project, database, **PRODUCTION) as server:
        listed = httpx.get(f"{server.url}/api/v1/teams", params={"name": secret}, headers={"X-Request-ID": "op-1"})
        assert listed.status_code == 200 and listed.headers["x-request-id"] == "op-1"
        # What uvicorn itself accepted before: 10,000 headers, and one of 8 MB.
        assert status_of_raw_request(server, "".join(f"X-Header-{n}: 1\r\n" for n in range(10_000))) == 431
        assert status_of_raw_request(server, f"X-Large: {'a' * 8_000_000}\r\n") == 431
        # A redirect built from Host would send the client to evil.example.
        for host in ("evil.example", "127.0.0.1"):
            response = httpx.get(f"{server.url}/api/v1/teams/", headers={"Host": host})
            assert response.status_code in (400, 404) and "location" not in response.headers, host
        unknown = "&".join(f"p{n}=x" for n in range(8000))
        refused = httpx.get(f"{server.url}/api/v1/teams?{unknown}")
        assert refused.status_code == 422 and len(refused.content) < 10_000
        preflight = httpx.options(
            f"{server.url}/api/v1/teams",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert httpx.get(f"{server.url}/health/live").json() == {"status": "ok"}
        assert httpx.get(f"{server.url}/health/ready").json() == {"status": "ok", "database": "ok"}
        metrics = httpx.get(f"{server.url}/metrics").text
        assert 'http_requests_total{method="GET",route="/api/v1/teams",status="200"} 1.0' in metrics
        assert "db_pool_checked_out" in metrics
    output = server.output()
    assert secret not in output and "p7999" not in output
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [line] = [entry for entry in logged if entry.get("request_id") == "op-1"]
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/v1/teams", 200)
    assert {entry["logger"] for entry in logged} >= {"uvicorn.error", "hero_service.core.access"}


def test_the_docs_load_nothing_from_elsewhere(project: Path, database: str) -> None:
    with serve(project, database) as server:
        for page in ("/docs", "/redoc"):
            html = httpx.get(f"{server.url}{page}").text
            assert "http://" not in html and "https://" not in html, page
        script = httpx.get(f"{server.url}/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    with serve(project, database, DOCS_ENABLED="false") as server:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert httpx.get(f"{server.url}{path}").status_code == 404, path
