"""A seeded city: communities 2..N made inside the database from the first one.

Generating a 胡巷-shaped community in Python takes seconds (names, ID numbers, families drawn
one by one), too slow for a city of hundreds. So the first community is generated with every
id it owns tagged (its first group is ``00000001``), and each further community is one
``INSERT ... SELECT`` per table from the first, with that tag replaced by the community's
number (``0000012c`` for community 300), its logins' ``c001-`` prefix by ``c300-`` and its
change-log rows (the same sequence numbers: each community counts on its own sequence) put in
its own log. Ids the first community does not own (the deployment's checklist and
questionnaires) carry no tag and stay as they are, so every copy refers to the same ones.

The copies hold the same people and numbers under other ids: a load-test city, not a census.
"""

from __future__ import annotations

from sqlalchemy import JSON, Connection, Table, text

from server.db.schema import (
    changes,
    concern_events,
    concerns,
    districts,
    estates,
    households,
    questionnaire_responses,
    residents,
    user_estates,
    users,
    visits,
)
from server.db.sequence import copy_position

#: the first group of every id the first community owns
TEMPLATE_TAG = "00000001"
TEMPLATE_PREFIX = "c001-"

# parents before children (foreign keys); each table's rows of the template, by a tagged key
_COPIED: list[tuple[Table, str]] = [
    (districts, "id"),
    (estates, "id"),
    (users, "id"),
    (user_estates, "user_id"),
    (households, "id"),
    (residents, "id"),
    (visits, "id"),
    (concerns, "id"),
    (concern_events, "id"),
    (questionnaire_responses, "id"),
]


def tag_of(number: int) -> str:
    """The first id group of community ``number`` (1-based) in a seeded city."""
    return f"{number:08x}"


def tagged(uuid_text: str, number: int) -> str:
    return tag_of(number) + uuid_text[8:]


def copy_community(conn: Connection, template: str, copies: list[tuple[int, str]]) -> None:
    """Make each ``(number, community_id)`` of ``copies`` a copy of the ``template`` community
    (seeded with TEMPLATE_TAG ids and TEMPLATE_PREFIX logins; the copies' communities and
    sequences exist, empty)."""
    if not copies:
        return
    pg = conn.dialect.name == "postgresql"
    temp = "CREATE TEMP TABLE" if pg else "CREATE TEMP TABLE IF NOT EXISTS"
    conn.execute(
        text(f"{temp} seed_copies (community_id varchar(36), tag varchar(8), prefix text)")
    )
    conn.execute(text("DELETE FROM seed_copies"))
    conn.execute(
        text("INSERT INTO seed_copies VALUES (:community_id, :tag, :prefix)"),
        [{"community_id": c, "tag": tag_of(n), "prefix": f"c{n:03d}-"} for n, c in copies],
    )
    for table, key in _COPIED:
        conn.execute(
            text(
                f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)})"
                f" SELECT {', '.join(_copied(c, pg) for c in table.columns)}"
                f" FROM {table.name} t CROSS JOIN seed_copies k"
                f" WHERE t.{key} LIKE '{TEMPLATE_TAG}-%'"
            )
        )
    columns = [c for c in changes.columns]
    conn.execute(
        text(
            f"INSERT INTO changes ({', '.join(c.name for c in columns)})"
            f" SELECT {', '.join(_copied(c, pg) for c in columns)}"
            " FROM changes t CROSS JOIN seed_copies k WHERE t.community_id = :template"
        ),
        {"template": template},
    )
    copy_position(conn, template, [c for _, c in copies])
    conn.execute(text("DROP TABLE seed_copies"))


def _copied(column, pg: bool) -> str:
    """The SQL that makes ``column``'s value in a copy from the template row ``t``."""
    name = f"t.{column.name}"
    if column.name == "community_id":
        return "k.community_id"
    if column.name == "username":
        return f"k.prefix || substr({name}, {len(TEMPLATE_PREFIX) + 1})"
    if isinstance(column.type, JSON):
        swapped = f"replace(CAST({name} AS TEXT), '\"{TEMPLATE_TAG}-', '\"' || k.tag || '-')"
        return f"CAST({swapped} AS json)" if pg else swapped
    if column.type.python_type is str:
        return (
            f"CASE WHEN {name} LIKE '{TEMPLATE_TAG}-%'"
            f" THEN k.tag || substr({name}, {len(TEMPLATE_TAG) + 1}) ELSE {name} END"
        )
    return name
