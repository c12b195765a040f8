"""Prometheus metrics: requests by route template and status, their latency, the pool's use."""

from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

# A request that matched no route: one label for all of them, whatever their paths.
UNMATCHED = "(unmatched)"


class Metrics:
    """The service's metrics, in a registry of their own (one per app, so tests can build many)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "Requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(engine))

    def observe(self, method: str, route: str | None, status: int, seconds: float) -> None:
        self.requests.labels(method, route or UNMATCHED, str(status)).inc()
        self.latency.labels(method, route or UNMATCHED).observe(seconds)

    def router(self) -> APIRouter:
        router = APIRouter(tags=["metrics"], include_in_schema=False)

        @router.get("/metrics")
        async def metrics() -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

        return router


class _PoolCollector(Collector):
    """The connection pool as it is when scraped (what a pool with no size, NullPool, lacks is left out)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self.engine.sync_engine.pool
        readings = {
            "db_pool_checked_out": ("Connections in use by requests", "checkedout"),
            "db_pool_checked_in": ("Connections idle in the pool", "checkedin"),
            "db_pool_size": ("Connections the pool keeps open", "size"),
            "db_pool_overflow": ("Connections open beyond the pool's size", "overflow"),
        }
        for name, (documentation, method) in readings.items():
            reading = getattr(pool, method, None)
            if reading is not None:
                yield GaugeMetricFamily(name, documentation, value=reading())
