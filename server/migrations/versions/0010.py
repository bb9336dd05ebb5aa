"""the change log's scope indexes lead with the community

A pull reads one community's log, rows after its cursor in its estates or district. The
indexes on (estate_id, seq) and (district_id, seq) served that when a database was one
community; with many, a head's pull had to AND them with the primary key's community prefix,
and the community-wide rows (no estate, no district) of every community matched its
``district_id IS NULL`` branch. Led by ``community_id``, each branch of a pull is one range
inside its community, however many communities share the database.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_changes_community_estate_seq", "changes", ["community_id", "estate_id", "seq"]
    )
    op.create_index(
        "ix_changes_community_district_seq", "changes", ["community_id", "district_id", "seq"]
    )
    op.drop_index("ix_changes_estate_seq", table_name="changes")
    op.drop_index("ix_changes_district_seq", table_name="changes")


def downgrade() -> None:
    raise NotImplementedError("forward only")
