"""The phone's brain, with no Flet imports: local store + outbox, sync engine, search, QR.

Public surface (imported lazily so that the server, which only needs ``services.protocol``,
never pays for the phone's modules)::

    from services import Store, SyncEngine, SyncStatus, login, logout, LoginError
"""

from importlib import import_module

__all__ = ["Store", "SyncEngine", "SyncStatus", "login", "logout", "LoginError", "protocol"]

_LAZY = {
    "Store": ("services.store", "Store"),
    "SyncEngine": ("services.sync", "SyncEngine"),
    "SyncStatus": ("services.sync", "SyncStatus"),
    "login": ("services.auth", "login"),
    "logout": ("services.auth", "logout"),
    "LoginError": ("services.auth", "LoginError"),
}


def __getattr__(name):
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(import_module(module), attr)
    if name == "protocol":
        return import_module("services.protocol")
    raise AttributeError(name)
