"""Logging: one JSON object per line (or plain text), each naming the request it belongs to."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

# The id of the request being served, for every record logged while serving it.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
# What a record may carry besides its message (`logger.info(..., extra={...})`); only these
# reach the log, so an `extra` added carelessly cannot leak a body or a token into it.
FIELDS = ("method", "route", "status", "duration_ms")
_HANDLER_NAME = "{{ cookiecutter.package_name }}"


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({field: getattr(record, field) for field in FIELDS if hasattr(record, field)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def configure_logging(log_format: str, level: str, stream: TextIO | None = None) -> None:
    """Every record, the server's own included, through one handler on the root logger.

    It writes to standard error, or to `stream` (what tests read).
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(_RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JSONFormatter())
    else:
        text = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        handler.setFormatter(logging.Formatter(text))
    root = logging.getLogger()
    # Configuring twice (tests build several apps) replaces the handler instead of doubling it.
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Uvicorn's loggers write with handlers of their own: they go through this one instead.
    for name in ("uvicorn", "uvicorn.error"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    # Uvicorn's access log writes each request's query string, which may hold personal data
    # (`?email=...`); core/access.py logs requests instead, by route template. Off here too, in
    # case the server is started without `--no-access-log`.
    logging.getLogger("uvicorn.access").disabled = True
