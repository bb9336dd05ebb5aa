"""How phone and ID-card numbers are shown to roles that do not need them whole."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``: the last four stay, so a phone tail still finds it."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str | None) -> str | None:
    """An 18-character ID-card number keeps its first 4 and last 4 characters."""
    if not id_number:
        return None
    s = id_number.strip()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def mask_name(name: str | None) -> str | None:
    """``顾建华`` -> ``顾**``: the surname stays, so the office can tell people apart in an
    audit without the list naming anyone."""
    if not name:
        return None
    s = name.strip()
    return s[:1] + "*" * max(1, len(s) - 1)
