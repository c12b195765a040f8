"""Prometheus metrics at /metrics when METRICS_ENABLED=true: by route template, never by path."""

from httpx import AsyncClient

from apps import client_with


async def test_metrics_count_requests_by_route_template_and_status() -> None:
    async with client_with(metrics_enabled=True) as client:
        await client.get("/health/live?email=ann@example.org")
        await client.get("/docs/assets/not-there")
        await client.get("/no/such/page")
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in text
    assert 'route="/docs/assets/{name}",status="404"' in text
    assert 'route="(unmatched)",status="404"' in text
    assert 'http_request_duration_seconds_count{method="GET",route="/health/live"} 1.0' in text
    assert "not-there" not in text and "/no/such/page" not in text and "ann@" not in text
    assert "db_pool_checked_out " in text and "db_pool_size " in text


async def test_metrics_are_off_by_default(client: AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404
