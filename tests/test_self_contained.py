"""The project holds its whole contract: no tracked file points outside the repository, and
docs/sync-protocol.md names every mutation type, reject code and limit the protocol has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import services.protocol as protocol

REPO = Path(__file__).resolve().parents[1]
#: ways of pointing at the steering folder beside the repository
OUTSIDE = ("../shared", "/work/shared", "SYNC-PROTOCOL.md")


def _tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    return [REPO / name for name in out.split("\0") if name]


def test_no_tracked_file_points_outside_the_repository():
    offenders = []
    for path in _tracked_files():
        if path == Path(__file__) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts
        offenders += [f"{path.relative_to(REPO)}: {m}" for m in OUTSIDE if m in text]
    assert not offenders


def test_the_protocol_page_names_every_mutation_type_reject_code_and_limit():
    page = (REPO / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    for mutation_type in protocol.MUTATION_PAYLOADS:
        assert f"`{mutation_type}`" in page, mutation_type
    for code in protocol.REJECT_CODES:
        assert f"`{code}`" in page, code
    stated = {
        "MAX_PUSH_BYTES": f"{protocol.MAX_PUSH_BYTES // 2**20} MiB",
        "MAX_PUSH_MUTATIONS": protocol.MAX_PUSH_MUTATIONS,
        "MAX_PULL_LIMIT": protocol.MAX_PULL_LIMIT,
        "DEFAULT_PULL_LIMIT": protocol.DEFAULT_PULL_LIMIT,
        "MAX_MUTATION_BYTES": f"{protocol.MAX_MUTATION_BYTES // 1024} KiB",
        "MAX_PAYLOAD_DEPTH": protocol.MAX_PAYLOAD_DEPTH,
        "MAX_ANSWER_KEYS": protocol.MAX_ANSWER_KEYS,
        "MAX_ANSWER_ITEMS": protocol.MAX_ANSWER_ITEMS,
        "MAX_ANSWER_TEXT": protocol.MAX_ANSWER_TEXT,
        "MAX_ANSWER_NUMBER": f"10^{len(str(protocol.MAX_ANSWER_NUMBER)) - 1}",
    }
    for name, value in stated.items():
        assert f"`{name}` = {value}" in page, (name, value)
    for status in protocol.CONCERN_STATUSES:
        assert f"`{status}`" in page or status in page, status
    assert "2000-01-01T00:00:00Z" in page  # the time window is stated


def test_the_protocol_page_lists_every_field_of_every_pulled_entity():
    page = (REPO / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    for entity, model in protocol.ENTITY_DATA.items():
        start = page.index(f"`{entity} {{")
        listed = page[start : page.index("}`", start)]
        for field in model.model_fields:
            assert re.search(rf"\b{field}\b", listed), f"{entity}.{field}"
