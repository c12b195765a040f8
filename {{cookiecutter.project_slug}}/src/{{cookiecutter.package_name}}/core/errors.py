"""Domain errors, and the one place that turns errors into HTTP responses."""

import logging
import re
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import current_request_id

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# A request id a client or proxy sends is kept when it looks like one (it goes into logs).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# SQLSTATEs of a transaction the database aborted to resolve a lock conflict: a deadlock
# and a serialization failure. Nothing was written; the same request may well succeed again.
LOCK_CONFLICTS = frozenset({"40P01", "40001"})
RETRY_AFTER_SECONDS = 1
# Validation errors answered at most: a request with thousands of unknown query parameters
# must not draw an answer hundreds of times its own size.
MAX_VALIDATION_ERRORS = 20


class ErrorBody(BaseModel):
    detail: str


class ServiceError(Exception):
    """A request the service refuses; its message is safe to show to clients."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND


class ConflictError(ServiceError):
    status_code = status.HTTP_409_CONFLICT


class PreconditionFailedError(ServiceError):
    """The row changed since the client read the ETag it sent as If-Match."""

    status_code = status.HTTP_412_PRECONDITION_FAILED


class UnprocessableError(ServiceError):
    """Well-formed, but names a record that does not exist or breaks a rule.

    Answered in the same shape as FastAPI's own validation errors, so clients
    handle every 422 alike; `loc` points at the offending input.
    """

    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT

    def __init__(self, detail: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(detail)
        self.loc = loc


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a duplicate (as opposed to, say, a missing foreign key)."""
    driver_error = error.orig
    sqlstate = getattr(driver_error, "sqlstate", None)  # PostgreSQL
    if sqlstate is not None:
        return bool(sqlstate == "23505")
    return getattr(driver_error, "sqlite_errorname", "") in {  # SQLite
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_CONSTRAINT_PRIMARYKEY",
    }


# Statuses every API route may answer besides its own, for the OpenAPI schema.
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        "model": ErrorBody,
        "description": "Database unavailable or busy: retry after the Retry-After seconds",
    },
}
# What FastAPI answers for a body before any field is validated: 400 when it cannot parse
# it at all (bytes that are not UTF-8, nesting too deep for the parser), 413 when it is
# larger than main.MAX_BODY_BYTES.
BODY_ERRORS: dict[int | str, dict[str, object]] = {
    status.HTTP_400_BAD_REQUEST: {
        "model": ErrorBody,
        "description": "Body is not parsable JSON",
    },
    status.HTTP_413_CONTENT_TOO_LARGE: {
        "model": ErrorBody,
        "description": "Body too large",
    },
}


def register_error_handlers(app: FastAPI) -> None:
    too_large_detail = _answer_content_too_large_in_json(app)
    build_middleware_stack = app.build_middleware_stack

    def build_wrapped_stack() -> ASGIApp:
        return _RequestIds(_JSONContentTooLarge(build_middleware_stack(), too_large_detail))

    # Starlette builds the stack on the first request, after every handler and middleware is
    # added; only a wrapper around all of it sees what its outermost layer answers or raises.
    app.build_middleware_stack = build_wrapped_stack  # type: ignore[method-assign]
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(DBAPIError, _driver_error)
    app.add_exception_handler(StaleDataError, _deleted_meanwhile)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError, OSError, TimeoutError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, _method_not_allowed)


def _error(status_code: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail}, headers=headers)


def request_id(scope: Scope) -> str:
    """The id of this request, as logged and as answered in the X-Request-ID header."""
    return str(scope.get("state", {}).get("request_id", ""))


def _internal_response(scope: Scope) -> JSONResponse:
    # Nothing about the error itself: the log has it, under this request id.
    identifier = request_id(scope)
    content = {"detail": "Internal server error", "request_id": identifier}
    return JSONResponse(status_code=status.HTTP_500_INTERNAL_SERVER_ERROR, content=content)


async def _internal_error(request: Request, _exc: Exception) -> JSONResponse:
    # A bug. Starlette's ServerErrorMiddleware sends this, then raises the error again for
    # the server to log; _RequestIds logs it instead (see there).
    return _internal_response(request.scope)


def _unprocessable(detail: str, loc: tuple[str | int, ...]) -> JSONResponse:
    return _invalid([{"loc": list(loc), "msg": detail, "type": "invalid_value"}])


def _invalid(errors: list[dict[str, Any]]) -> JSONResponse:
    """A 422 in FastAPI's shape: `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`."""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": errors},
    )


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    # FastAPI's own handler echoes every bad input back: a 10 MB string would return
    # whole, and text with a lone surrogate could not even be encoded (a 500).
    assert isinstance(error, RequestValidationError)
    found = error.errors()[:MAX_VALIDATION_ERRORS]
    errors = [{key: value for key, value in e.items() if key != "input"} for e in found]
    return _invalid(jsonable_encoder(errors))


async def _service_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    if isinstance(error, UnprocessableError):
        return _unprocessable(error.detail, error.loc)
    return _error(error.status_code, error.detail)


async def _integrity_error(_request: Request, error: Exception) -> JSONResponse:
    # A race the service's own checks could not see; never echo the SQL back.
    assert isinstance(error, IntegrityError)
    if is_unique_violation(error):
        return _error(status.HTTP_409_CONFLICT, "A record with these unique values already exists")
    return _unprocessable("The request refers to a missing record", ("body",))


async def _data_error(_request: Request, _exc: Exception) -> JSONResponse:
    return _unprocessable("A value is out of range for the database", ("body",))


async def _deleted_meanwhile(_request: Request, _exc: Exception) -> JSONResponse:
    # An UPDATE found no row: another request deleted it after this one read it.
    return _error(status.HTTP_404_NOT_FOUND, "Not found: deleted by another request meanwhile")


async def _driver_error(request: Request, error: Exception) -> JSONResponse:
    # The driver's other errors: a connection lost mid-statement is the database going away;
    # anything else is a bug, left to the server's 500 and its log.
    assert isinstance(error, DBAPIError)
    if error.connection_invalidated:
        return await _database_unavailable(request, error)
    if getattr(error.orig, "sqlstate", None) in LOCK_CONFLICTS:
        return await _lock_conflict(request, error)
    # SQLSTATE class 22, a data exception (a value out of range), which some drivers report
    # without SQLAlchemy's DataError, and class 54, a limit (a text too long for its index):
    # the request's fault, not the service's.
    if str(getattr(error.orig, "sqlstate", "") or "").startswith(("22", "54")):
        return await _data_error(request, error)
    raise error


async def _method_not_allowed(request: Request, _exc: Exception) -> JSONResponse:
    # Starlette's Allow names the methods of the first route whose path matched, but each
    # method of a path is a route of its own here: gather them all.
    allowed: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path is None:
            continue
        pattern, _, _ = compile_path(route.path)
        if pattern.match(request.url.path):
            allowed |= route.methods or set()
    return JSONResponse(
        status_code=status.HTTP_405_METHOD_NOT_ALLOWED,
        content={"detail": "Method Not Allowed"},
        headers={"Allow": ", ".join(sorted(allowed))},
    )


async def _database_unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "Database unavailable; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _lock_conflict(_request: Request, _exc: Exception) -> JSONResponse:
    # The database rolled this request's transaction back, so nothing of it was written.
    # It is not retried here: the body has been read and the service functions commit as
    # they go, so replaying one safely would take more than it is worth; the client retries.
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "The database was busy with a conflicting request; try again",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _answer_content_too_large_in_json(app: FastAPI) -> str:
    """Every 413 as the ErrorBody that BODY_ERRORS declares, whichever way it was detected.

    FastAPI's `max_body_size` raises an HTTPException(413) while a body without a
    Content-Length is read (the handler below words it), but refuses a declared
    Content-Length over the limit in a plain-text response of its own, sent from a layer
    outside every middleware and handler the app may add. Only a wrapper around the whole
    middleware stack sees that response: register_error_handlers puts _JSONContentTooLarge
    there, with the detail this returns.
    """
    limit = app.max_body_size
    detail = f"Body too large: at most {limit} bytes" if limit is not None else "Body too large"

    async def too_large(_request: Request, _exc: Exception) -> JSONResponse:
        return _error(status.HTTP_413_CONTENT_TOO_LARGE, detail)

    app.add_exception_handler(status.HTTP_413_CONTENT_TOO_LARGE, too_large)
    return detail


class _JSONContentTooLarge:
    """Replaces a 413 response that is not JSON by `{"detail": ...}`."""

    def __init__(self, app: ASGIApp, detail: str) -> None:
        self.app = app
        self.detail = detail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replacing = False

        async def send_json(message: Message) -> None:
            nonlocal replacing
            if message["type"] == "http.response.start" and message["status"] == 413:
                replacing = not _is_json(message)
            if not replacing:
                await send(message)
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                response = _error(status.HTTP_413_CONTENT_TOO_LARGE, self.detail)
                await response(scope, receive, send)

        await self.app(scope, receive, send_json)


def _is_json(start: Message) -> bool:
    headers: list[tuple[bytes, bytes]] = start.get("headers", [])
    return any(
        name.lower() == b"content-type" and value.startswith(b"application/json")
        for name, value in headers
    )


class _RequestIds:
    """Gives each request an id (the client's X-Request-ID, or a new one), answers it in the
    X-Request-ID header, and keeps the connection usable after an unexpected error.

    Starlette answers an unexpected error (as _internal_error words it) and then raises it
    again for the server to log; uvicorn, seeing an error after a response, closes the
    connection, and a client reusing it fails its next, unrelated request. So the error is
    logged here, with the request id, and goes no further once its 500 has been sent.
    (A request-id middleware may replace the id part; the error part must stay outermost.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        identifier = given if _REQUEST_ID.fullmatch(given) else uuid4().hex
        scope.setdefault("state", {})["request_id"] = identifier
        # Every record logged while serving the request names it (core/logs.py).
        token = current_request_id.set(identifier)
        started = complete = False

        async def send_with_id(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), (b"x-request-id", identifier.encode())]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                complete = not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("Unhandled error in request %s", identifier)
            if not started:
                await _internal_response(scope)(scope, receive, send_with_id)
            elif not complete:
                raise  # half a response sent: only closing the connection ends it
        finally:
            current_request_id.reset(token)
