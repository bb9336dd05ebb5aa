"""resident number reveals, kept for the office's audit

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_reveals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("resident_id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=128), nullable=False),
        sa.Column("revealed_at", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_phone_reveals_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_reveals")),
    )
    with op.batch_alter_table("phone_reveals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_phone_reveals_resident_id"), ["resident_id"], unique=False
        )
        batch_op.create_index(
            "ix_phone_reveals_user_at", ["user_id", "revealed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("phone_reveals", schema=None) as batch_op:
        batch_op.drop_index("ix_phone_reveals_user_at")
        batch_op.drop_index(batch_op.f("ix_phone_reveals_resident_id"))
    op.drop_table("phone_reveals")
