"""Limits on what a request's headers may hold, whichever server runs the app."""

from fastapi import status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Far above what browsers and proxies send (nginx allows 4 buffers of 8 KB), far below what
# would let one request tie up a worker's memory and CPU.
MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024


class HeaderLimits:
    """Answers 431 to a request with too many headers or too many bytes of them.

    Uvicorn's httptools parser has no such limit, and its h11 one
    (`--h11-max-incomplete-event-size`) holds for h11 only: the app checks for itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers: list[tuple[bytes, bytes]] = scope["headers"]
            size = sum(len(name) + len(value) for name, value in headers)
            if len(headers) > MAX_HEADERS or size > MAX_HEADER_BYTES:
                detail = (
                    f"Headers too large: at most {MAX_HEADERS}, of {MAX_HEADER_BYTES} bytes in all"
                )
                response = JSONResponse(
                    status_code=status.HTTP_431_REQUEST_HEADER_FIELDS_TOO_LARGE,
                    content={"detail": detail},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
