"""Structured logs: one JSON object per line on stderr.

The request log has one line per request: method, route template (``/api/v1/sync/pull``, never
the raw URL with its query), status, duration and the user id. Never names, phone numbers,
tokens or bodies.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from typing import Any

access_log = logging.getLogger("xianglin.access")
error_log = logging.getLogger("xianglin.error")

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            # the type and frames, never the message (it may hold SQL parameters or inputs)
            out["exc_type"] = record.exc_info[0].__name__
            out["frames"] = [
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                for f in traceback.extract_tb(record.exc_info[2])[-8:]
            ]
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Route the app's and uvicorn's logs through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's own access log repeats the raw URL (with query): ours replaces it
    logging.getLogger("uvicorn.access").disabled = True


def route_template(scope) -> str:
    """The matched route's path template with its router prefix (``/api/v1/sync/pull``)."""
    # FastAPI keeps included routers nested; the effective context knows the full template
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path_format", None) or getattr(context, "path", None)
    if path:
        return path
    route = scope.get("route")
    return getattr(route, "path", None) or "<unmatched>"


class RequestLogMiddleware:
    """Pure ASGI middleware writing the one line per HTTP request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500
        started_response = False

        async def send_wrapper(message):
            nonlocal status_code, started_response
            if message["type"] == "http.response.start":
                status_code, started_response = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # noqa: BLE001 - last line of defence, logged without values
            # Exception messages may carry personal data (SQL parameters, inputs), so the log
            # gets the type and the frames only, and the client a bare 500.
            error_log.error(
                "unhandled error",
                extra={
                    "exc_type": type(exc).__name__,
                    "frames": [
                        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                        for f in traceback.extract_tb(exc.__traceback__)[-8:]
                    ],
                    "route": route_template(scope),
                },
            )
            if not started_response:
                await send_wrapper(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": b'{"detail":"internal server error"}'}
                )
        finally:
            route = route_template(scope)
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "route": route,
                    "status": status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": (scope.get("state") or {}).get("user_id"),
                },
            )
