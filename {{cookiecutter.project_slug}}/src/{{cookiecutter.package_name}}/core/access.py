"""One log line, and the metrics, per request: by route template, never the URL as sent."""

import logging
import time

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .metrics import Metrics

logger = logging.getLogger(__name__)


class AccessLog:
    def __init__(self, app: ASGIApp, metrics: Metrics | None) -> None:
        self.app = app
        self.metrics = metrics
        # Each route's full template, by the route object a request's scope names.
        self.templates: dict[int, str | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # An error that escapes before any response is answered 500 by core/errors.py.
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            method, route = scope["method"], self.route_template(scope)
            fields = {"method": method, "route": route, "status": status}
            fields["duration_ms"] = round(seconds * 1000, 1)
            logger.info("%s %s %s", method, route or "(no route)", status, extra=fields)
            if self.metrics is not None:
                self.metrics.observe(method, route, status, seconds)

    def route_template(self, scope: Scope) -> str | None:
        """The path pattern the request matched (`/api/v1/heroes/{hero_id}`), or None.

        Not the path as sent: that holds ids and, with the query string, personal data, and
        as a metrics label every distinct URL would be a new time series.
        """
        # The scope names the route as declared (`/heroes`), without the prefixes of the routers
        # that include it, or only its endpoint (`/openapi.json`); FastAPI's route contexts
        # have the whole path of each.
        route = scope.get("route") or scope.get("endpoint")
        if route is None:
            return None
        if id(route) not in self.templates:
            for context in iter_route_contexts(scope["app"].routes):
                self.templates[id(context.original_route)] = context.path_format
                self.templates.setdefault(id(context.endpoint), context.path_format)
            self.templates.setdefault(id(route), getattr(route, "path_format", None))
        return self.templates[id(route)]
