"""Protocol version, URL prefix and the sizes both sides keep to."""

from __future__ import annotations

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"

#: Most mutations one push may carry; above it the server answers 413 and applies nothing.
MAX_PUSH_MUTATIONS = 500
#: Largest push body in bytes; above it 413.
MAX_PUSH_BYTES = 4 * 1024 * 1024
#: Default and largest page of a pull.
DEFAULT_PULL_LIMIT = 1000
MAX_PULL_LIMIT = 5000
