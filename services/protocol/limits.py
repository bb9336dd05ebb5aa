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

#: Largest mutation payload, JSON-encoded (UTF-8, no spaces); above it ``invalid_payload``.
MAX_MUTATION_BYTES = 64 * 1024
#: Deepest nesting of objects and lists inside one payload (``answers`` -> list is 3).
MAX_PAYLOAD_DEPTH = 8

#: ``answers``: most keys, most items in one multiple-choice answer, longest text answer
#: (characters), and the largest magnitude of a number answer (exact in a double and in
#: JavaScript, so every reader gets back what was sent).
MAX_ANSWER_KEYS = 100
MAX_ANSWER_ITEMS = 50
MAX_ANSWER_TEXT = 1000
MAX_ANSWER_NUMBER = 10**15

#: Longest reason for a ledger with whole phone and ID numbers (``GET /exports/...&full=true``).
MAX_EXPORT_REASON = 200

#: Integers stored in 32-bit columns (versions, counts) and in 64-bit ones.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
