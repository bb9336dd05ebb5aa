"""Small key-value settings kept on the device (server address, language, PIN hash, the
signed-in user) and the token vault.

On a phone build with the ``flet-secure-storage`` extension installed, the token goes to the
platform's secure storage (Android Keystore / iOS Keychain); elsewhere (web mode, desktop) it
falls back to Flet's SharedPreferences. Tests inject :class:`MemoryPrefs`.
"""

from __future__ import annotations

import logging
from typing import Protocol

import flet as ft

log = logging.getLogger(__name__)

KEY_SERVER = "xl.server"
KEY_LANG = "xl.lang"
KEY_USER = "xl.user"  # JSON of the signed-in UserInfo (no secrets)
KEY_PIN = "xl.pin"  # salted PBKDF2 hash, never the PIN
KEY_TOKEN = "xl.token"
KEY_TEXT_SIZE = "xl.text_size"  # standard | large | xlarge (app.theme.TEXT_SCALES)


class Prefs(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str) -> None: ...
    async def remove(self, key: str) -> None: ...


class MemoryPrefs:
    """Prefs in a dict: for tests, and the fallback when the client cannot store."""

    def __init__(self, initial: dict[str, str] | None = None):
        self.data: dict[str, str] = dict(initial or {})

    async def get(self, key: str) -> str | None:
        return self.data.get(key)

    async def set(self, key: str, value: str) -> None:
        self.data[key] = value

    async def remove(self, key: str) -> None:
        self.data.pop(key, None)


class ClientPrefs:
    """Flet's SharedPreferences (browser localStorage in web mode, platform prefs on phones)."""

    def __init__(self) -> None:
        self._sp = ft.SharedPreferences()

    async def get(self, key: str) -> str | None:
        value = await self._sp.get(key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        await self._sp.set(key, value)

    async def remove(self, key: str) -> None:
        await self._sp.remove(key)


class SecureVault:
    """The platform's secure storage, through the flet-secure-storage extension."""

    def __init__(self, storage) -> None:
        self._st = storage

    async def get(self, key: str) -> str | None:
        value = await self._st.get(key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        await self._st.set(key, value)

    async def remove(self, key: str) -> None:
        await self._st.remove(key)


def token_vault(page: ft.Page, fallback: Prefs) -> tuple[Prefs, bool]:
    """The best place for the sign-in token on this platform, and whether it is secure.

    The secure-storage extension needs its Flutter half compiled into the client, which only
    ``flet build`` does; the prebuilt web client lacks it, so web mode uses ``fallback``.
    """
    if page.web or page.platform not in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS):
        return fallback, False
    try:
        from flet_secure_storage import SecureStorage  # optional phone-only extension
    except ImportError:
        log.info("flet-secure-storage not installed; token kept in shared preferences")
        return fallback, False
    return SecureVault(SecureStorage()), True
