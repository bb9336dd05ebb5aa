"""Questionnaires: definitions, versioning, the community's built-in set. (Being built.)"""

from sqlalchemy import Connection


def seed_builtin_questionnaires(conn: Connection) -> int:
    """Create the community's questionnaires (assets/questionnaires); returns how many."""
    return 0
