"""ledger exports kept for the office's audit: who exported what, with full numbers or not, why

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("district_id", sa.String(length=36), nullable=True),
        sa.Column("estate_id", sa.String(length=36), nullable=True),
        sa.Column("period_from", sa.String(length=10), nullable=True),
        sa.Column("period_to", sa.String(length=10), nullable=True),
        sa.Column("full_values", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_exports"),
    )
    op.create_index("ix_ledger_exports_exported_at", "ledger_exports", ["exported_at"])


def downgrade() -> None:
    op.drop_index("ix_ledger_exports_exported_at", table_name="ledger_exports")
    op.drop_table("ledger_exports")
