"""The protocol package says what it offers: ``__all__`` lists every public name it holds,
and nothing that only leaked in from an import (as httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import types

import services.protocol as protocol


def test_all_lists_every_public_member_and_nothing_else():
    public = {
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(protocol.__all__) == sorted(public)
    assert len(protocol.__all__) == len(set(protocol.__all__))


def test_no_helper_imports_leak_into_the_surface():
    for leaked in ("dt", "Any", "uuid", "Literal", "BaseModel", "Field"):
        assert leaked not in protocol.__all__
        assert not hasattr(protocol, leaked)


def test_every_submodule_is_one_of_the_documented_ones():
    modules = {n for n, v in vars(protocol).items() if isinstance(v, types.ModuleType)}
    for name in modules:
        assert f"``{name}``" in protocol.__doc__, f"services.protocol.{name} is not described"
