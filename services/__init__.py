"""The phone's brain, with no Flet imports: local store + outbox, sync engine, search, QR.

Public surface (imported lazily so that the server, which only needs ``services.protocol``,
never pays for the phone's modules)::

    from services import Store, SyncEngine, SyncStatus
"""

from importlib import import_module

__all__ = ["Store", "SyncEngine", "SyncStatus", "protocol"]

_LAZY = {
    "Store": ("services.store", "Store"),
    "SyncEngine": ("services.sync", "SyncEngine"),
    "SyncStatus": ("services.sync", "SyncStatus"),
}


def __getattr__(name):
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(import_module(module), attr)
    if name == "protocol":
        return import_module("services.protocol")
    raise AttributeError(name)
