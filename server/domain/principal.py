"""Who is asking: the signed-in user of a request, with their scope."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Principal:
    """The user behind a valid bearer token.

    ``estate_ids`` are the estates the user covers: a head's assigned estates, a district
    head's district's estates, every estate of their community for staff (and of the street's
    communities for a street user). ``district_id`` is set for district heads only.
    ``community_id`` is the user's community (None for a street user); ``community_ids`` the
    communities whose change logs they read, in the order a street cursor lists them;
    ``district_ids`` the districts of those communities (staff and street users only).
    """

    id: str
    username: str
    name: str
    role: str  # head | district_head | staff | street
    estate_ids: frozenset[str]
    district_id: str | None = None
    community_id: str | None = None
    street_id: str | None = None
    community_ids: tuple[str, ...] = ()
    district_ids: frozenset[str] = frozenset()

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    def user_info(self) -> dict:
        """The protocol's ``UserInfo``."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "estate_ids": sorted(self.estate_ids),
            "district_id": self.district_id,
        }
