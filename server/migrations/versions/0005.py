"""concern workflow: assignee, due date, review meetings, call-backs; report indexes

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.String(length=36)
_TS = sa.String(length=40)


def upgrade() -> None:
    # plain nullable columns: SQLite adds them in place, no table rebuild
    for column in (
        sa.Column("assignee_id", _ID, nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("referred_to", sa.String(length=64), nullable=True),
        sa.Column("merged_into", _ID, nullable=True),
        sa.Column("callback", sa.String(length=24), nullable=True),
        sa.Column("callback_at", _TS, nullable=True),
    ):
        op.add_column("concerns", column)
    op.create_index("ix_concerns_created_at", "concerns", ["created_at"])
    # a resolved concern's resolution time is its latest move to resolved
    op.execute(
        "UPDATE concerns SET resolved_at = (SELECT max(e.created_at) FROM concern_events e"
        " WHERE e.concern_id = concerns.id AND e.to_status = 'resolved')"
        " WHERE status = 'resolved'"
    )
    op.create_index("ix_visits_visited_at", "visits", ["visited_at"])
    op.create_index(
        "ix_questionnaire_responses_submitted_at", "questionnaire_responses", ["submitted_at"]
    )

    op.create_table(
        "review_meetings",
        sa.Column("id", _ID, nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("district_id", _ID, nullable=True),
        sa.Column("held_at", _TS, nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("minutes", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name="fk_review_meetings_district_id_districts"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name="fk_review_meetings_created_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_meetings"),
    )
    op.create_table(
        "review_items",
        sa.Column("meeting_id", _ID, nullable=False),
        sa.Column("concern_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("assignee_id", _ID, nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("merged_into", _ID, nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("decided_by", _ID, nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["review_meetings.id"],
            name="fk_review_items_meeting_id_review_meetings",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name="fk_review_items_concern_id_concerns"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "concern_id", name="pk_review_items"),
    )
    op.create_index("ix_review_items_concern_id", "review_items", ["concern_id"])


def downgrade() -> None:
    op.drop_index("ix_review_items_concern_id", table_name="review_items")
    op.drop_table("review_items")
    op.drop_table("review_meetings")
    op.drop_index("ix_questionnaire_responses_submitted_at", table_name="questionnaire_responses")
    op.drop_index("ix_visits_visited_at", table_name="visits")
    op.drop_index("ix_concerns_created_at", table_name="concerns")
    with op.batch_alter_table("concerns") as batch:
        for column in (
            "callback_at",
            "callback",
            "merged_into",
            "referred_to",
            "resolved_at",
            "due_date",
            "assignee_id",
        ):
            batch.drop_column(column)
