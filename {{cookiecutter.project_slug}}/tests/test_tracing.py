"""OpenTelemetry: a span for each request and for each SQL statement it runs."""

from collections.abc import Iterator

import pytest
from httpx import ASGITransport, AsyncClient
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from {{ cookiecutter.package_name }} import main
from {{ cookiecutter.package_name }}.core import tracing
from {{ cookiecutter.package_name }}.core.settings import Settings

COLLECTOR = "http://127.0.0.1:4318"


@pytest.fixture(autouse=True)
def uninstrument() -> Iterator[None]:
    yield
    # SQLAlchemy's instrumentor is one per process: the next test starts from none.
    SQLAlchemyInstrumentor().uninstrument()


async def test_requests_and_their_sql_are_traced(
    test_engine: AsyncEngine, connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    exporter = InMemorySpanExporter()
    monkeypatch.setattr(tracing, "span_processor", lambda _: SimpleSpanProcessor(exporter))
    # The app's sessions run on the tests' engine (conftest.py): its statements are traced.
    monkeypatch.setattr(main, "engine", test_engine)
    app = main.create_app(Settings(otel_exporter_otlp_endpoint=COLLECTOR))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/health/ready?email=ann@example.org")
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    [server] = [span for span in spans if span.name == "GET /health/ready"]
    assert server.parent is None
    statements = [span.attributes.get("db.statement") for span in spans if span.attributes]
    assert "SELECT 1" in statements
    assert all(span.context.trace_id == server.context.trace_id for span in spans)
    assert "ann@example.org" not in str([span.attributes for span in spans])


def test_tracing_is_on_only_with_an_endpoint() -> None:
    # Nothing is sent: no request is made, and the exporter sends in batches.
    traced = main.create_app(Settings(otel_exporter_otlp_endpoint=COLLECTOR))
    assert getattr(traced, "_is_instrumented_by_opentelemetry", False)
    untraced = main.create_app(Settings(otel_exporter_otlp_endpoint=""))
    assert not getattr(untraced, "_is_instrumented_by_opentelemetry", False)
