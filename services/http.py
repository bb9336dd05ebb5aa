"""The phone's HTTP client for the sync API: one place that builds the httpx client and turns
transport failures and status codes into the few outcomes the phone acts on."""

from __future__ import annotations

import httpx

from services.protocol import API_PREFIX

DEFAULT_TIMEOUT = 15.0


def api_root(base_url: str) -> str:
    """``http://host:8000`` or ``http://host:8000/api/v1`` -> ``http://host:8000/api/v1``."""
    root = base_url.rstrip("/")
    return root if root.endswith(API_PREFIX) else root + API_PREFIX


def make_client(
    base_url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=api_root(base_url),
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"Accept": "application/json"},
    )


class SyncError(Exception):
    """A failed exchange. ``kind``: network | timeout | server | auth | gone | bad_request |
    too_large | protocol | cancelled | internal (an unexpected error on the phone). ``transient``
    ones are retried later."""

    TRANSIENT = frozenset({"network", "timeout", "server"})

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status

    @property
    def transient(self) -> bool:
        return self.kind in self.TRANSIENT


#: plain words for the status line (English; the app shows its own catalogue text by ``kind``)
MESSAGES = {
    "network": "cannot reach the server",
    "timeout": "the server did not answer in time",
    "server": "the server had a problem",
    "auth": "signed out: please log in again",
    "gone": "the server asked for a full refresh",
    "bad_request": "the server refused the request",
    "too_large": "the upload was too large",
    "protocol": "unexpected answer from the server",
    "cancelled": "sync cancelled",
    "internal": "the sync stopped on an unexpected error; it will try again",
}


def error_for_exception(exc: Exception) -> SyncError:
    if isinstance(exc, httpx.TimeoutException):
        return SyncError("timeout", MESSAGES["timeout"])
    return SyncError("network", MESSAGES["network"])


def error_for_status(response: httpx.Response) -> SyncError:
    code = response.status_code
    if code == 401:
        return SyncError("auth", MESSAGES["auth"], code)
    if code == 410:
        return SyncError("gone", MESSAGES["gone"], code)
    if code == 413:
        return SyncError("too_large", MESSAGES["too_large"], code)
    if code in (408, 429) or code >= 500:
        return SyncError("server", f"{MESSAGES['server']} (HTTP {code})", code)
    return SyncError("bad_request", f"{MESSAGES['bad_request']} (HTTP {code})", code)
