"""login, form and token limits kept in the database

``login_attempts`` becomes ``rate_events``: one table of counted events for every rate limit
(logins, public form submissions, public form tokens), each row kept until its own window
has passed (``until``). Failures counted before the upgrade are dropped: they are at most
five minutes old, and the keys now name accounts and addresses by digest. ``known_logins``
remembers which devices and addresses (as digests) have signed in to an account, so a
failure budget spent by strangers does not lock them out.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("until", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    op.create_index(op.f("ix_rate_events_key"), "rate_events", ["key"], unique=False)
    op.create_index(op.f("ix_rate_events_until"), "rate_events", ["until"], unique=False)
    op.drop_index(op.f("ix_login_attempts_key"), table_name="login_attempts")
    op.drop_table("login_attempts")

    op.create_table(
        "known_logins",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("last_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_known_logins_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", "digest", name=op.f("pk_known_logins")),
    )


def downgrade() -> None:
    raise NotImplementedError("migrations go forward only")
