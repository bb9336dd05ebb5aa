"""Which failure limits a login attempt is checked against and counted towards.

Every attempt counts as a failure before its password is checked (a success takes its count
back), against four keys (defaults from server.settings, per 5 minutes unless said):

- ``acct-addr``: this account from this client address, at most 5. The tight limit: a
  mistyping user and a guesser at one address alike.
- ``addr``: this client address, all accounts together, at most 20 (spraying many accounts).
- ``acct``: this account from anywhere, at most 30 per hour: the budget that bounds how many
  guesses an account gets in total, however many addresses they come from.
- ``acct-dev``: this account from this device id, at most 10.

An attempt from a device or an address that has signed in to the account before
(server.domain.known_logins) is held to ``acct-dev`` instead of the ``acct`` budget, so
guesses from elsewhere, which spend that budget, cannot lock a head out of their own phone;
those attempts still count towards ``acct``. Guesses per account stay bounded: by the budget
for strangers, plus ``acct-dev`` per known device (a device id is a random value that only
the phone and the server hold).

A successful login clears its own ``acct-addr`` and ``acct-dev`` failures, not the
account's budget (strangers' guesses keep counting until they leave the window); an
operator may clear them all (``forget_account_failures``, the ``unlock-login`` command).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import Connection, delete, or_

from server.db.schema import rate_events
from server.domain.ratelimit import Limit, digest
from server.settings import Settings


@dataclasses.dataclass(frozen=True)
class LoginLimits:
    enforced: list[Limit]
    counted: list[Limit]
    #: keys a successful login clears
    cleared_on_success: list[str]


def account_digest(username: str) -> str:
    """The account a username names, as a key part (case and spaces around ignored)."""
    return digest(username.strip().lower())


def login_limits(
    settings: Settings, *, username: str, address: str, device_id: str, known: bool
) -> LoginLimits:
    """The limits for one attempt; ``known``: the device or the address has signed in to
    this account before."""
    name, addr, dev = account_digest(username), digest(address or "unknown"), digest(device_id)
    short = settings.login_window
    account_address = Limit(
        f"acct-addr:{name}:{addr}", settings.login_failures_per_account_address, short
    )
    client = Limit(f"addr:{addr}", settings.login_failures_per_client, short)
    device = Limit(f"acct-dev:{name}:{dev}", settings.login_failures_per_known_device, short)
    account = Limit(
        f"acct:{name}", settings.login_failures_per_account, settings.login_account_window
    )
    if known:
        enforced, counted = [account_address, client, device], [account]
    else:
        enforced, counted = [account_address, client, account], [device]
    return LoginLimits(enforced, counted, [account_address.key, device.key])


def forget_account_failures(conn: Connection, username: str) -> int:
    """Forget every failure counted against the account, from anywhere; returns how many
    failed attempts that was."""
    name = account_digest(username)
    k = rate_events.c.key
    conn.execute(
        delete(rate_events).where(
            or_(k.startswith(f"acct-addr:{name}:"), k.startswith(f"acct-dev:{name}:"))
        )
    )
    # every attempt counts once against the account's own key
    return conn.execute(delete(rate_events).where(k == f"acct:{name}")).rowcount
