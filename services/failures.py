"""Logging a failure without its message.

An exception's text may hold what was being handled (a resident's name, a phone number, an
ID number), so the phone's logs get the exception's type and where it happened, never its
message or its arguments.
"""

from __future__ import annotations

import logging
import sys
import traceback


def where(exc: BaseException, depth: int = 8) -> str:
    """The innermost ``depth`` frames of ``exc``'s traceback as ``file:line function``,
    innermost first."""
    frames = traceback.extract_tb(exc.__traceback__)[-depth:]
    return " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )


def log_failure(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """Log at ERROR that ``what`` failed with ``exc``: its type and frames, not its text.
    Chained causes are named the same way."""
    causes = []
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(causes) < 3:
        causes.append(f"{type(cause).__name__} at {where(cause, 4)}")
        cause = cause.__cause__ or cause.__context__
    logger.error(
        "%s failed: %s at %s%s",
        what,
        type(exc).__name__,
        where(exc),
        "".join(f"; caused by {c}" for c in causes),
    )


class MessageFreeFormatter(logging.Formatter):
    """Renders a logged exception as its type and frames, never its message, so that a
    ``log.exception(...)`` anywhere in the app cannot write a resident's details."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        exc = ei[1]
        if exc is None:
            return ""
        causes = []
        cause = exc.__cause__ or exc.__context__
        while cause is not None and len(causes) < 3:
            causes.append(f"caused by {type(cause).__name__} at {where(cause, 4)}")
            cause = cause.__cause__ or cause.__context__
        return "\n".join([f"{type(exc).__name__} at {where(exc)}", *causes])

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return stack_info


def configure_phone_logging(level: int = logging.INFO) -> None:
    """The app's one log handler: stderr, exceptions without their messages."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MessageFreeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
