"""OpenTelemetry traces of requests and of the SQL they run, when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The packages are the `otel` extra (`uv sync --extra otel`; the Docker image has them), so a
service that exports no traces does not load them.
"""

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import URL

from .settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import SpanProcessor
    from opentelemetry.trace import Span


def instrument(app: FastAPI, engine: AsyncEngine, settings: Settings) -> None:
    """A span for every request and every SQL statement, exported to the collector.

    Call it before anything else wraps the app's middleware stack: FastAPI's instrumentor
    wraps only the stack as Starlette builds it.
    """
    if not settings.otel_exporter_otlp_endpoint:
        return
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError as error:
        raise RuntimeError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
            "install the `otel` extra (uv sync --extra otel)"
        ) from error
    # OTEL_SERVICE_NAME, when set, wins over this name.
    resource = Resource.create({"service.name": "{{ cookiecutter.project_slug }}"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(span_processor(settings))
    # The provider is handed to each instrumentor rather than set globally, which
    # OpenTelemetry allows once per process.
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, server_request_hook=_without_query_string
    )
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine,
        tracer_provider=provider,
        # It declares SQLAlchemy below 2.1 and otherwise stays off; the engine events it
        # listens to are the same in 2.1.
        skip_dep_check=True,
    )


def _without_query_string(span: "Span", scope: dict[str, Any]) -> None:
    # The span's URL would carry the query string, which may hold personal data (`?email=`).
    if span.is_recording():
        span.set_attribute("http.url", str(URL(scope=scope).replace(query="")))


def span_processor(settings: Settings) -> "SpanProcessor":
    """Spans sent in batches over OTLP/HTTP (tests put an in-memory exporter here)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # The setting is the collector's base URL, as the OTEL_EXPORTER_OTLP_ENDPOINT variable is;
    # passed on, since it may come from `.env`, which the exporter does not read.
    endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
    return BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint))
