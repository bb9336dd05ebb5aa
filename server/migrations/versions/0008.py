"""communities and streets above districts; one change sequence per community

Every database holds one community from here on; an existing one (胡巷社区, the deployment
this grew from) holds all its districts, users and change-log rows. Its sequence continues from the old counter with
the same numbers and the same history floor, and a cursor's scope fingerprint does not name
the community, so every cursor a phone holds stays valid: its next pull goes on from where it
left off.

Revision ID: 0008
Revises: 0007
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.String(length=36)


def upgrade() -> None:
    op.create_table(
        "streets",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streets")),
    )
    op.create_table(
        "communities",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("street_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["street_id"], ["streets.id"], name=op.f("fk_communities_street_id_streets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
    )
    op.create_index("ix_communities_street_id", "communities", ["street_id"])
    op.create_table(
        "change_sequences",
        sa.Column("community_id", _ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("history_floor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_change_sequences_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_change_sequences")),
    )

    conn = op.get_bind()
    # a fixed id: every database starts as this one community (the seed, a register import and
    # new logins fill it), so seeding is reproducible
    home = str(uuid.UUID(int=1))
    conn.execute(
        sa.text("INSERT INTO communities (id, name) VALUES (:id, :name)"),
        {"id": home, "name": "胡巷社区"},
    )
    counters = dict(
        conn.execute(
            sa.text("SELECT key, int_value FROM meta WHERE key IN ('seq', 'history_floor')")
        ).all()
    )
    conn.execute(
        sa.text(
            "INSERT INTO change_sequences (community_id, seq, history_floor)"
            " VALUES (:id, :seq, :floor)"
        ),
        {"id": home, "seq": counters.get("seq", 0), "floor": counters.get("history_floor", 0)},
    )
    conn.execute(sa.text("DELETE FROM meta WHERE key IN ('seq', 'history_floor')"))

    # districts and users are referenced by other tables, so SQLite cannot rebuild them with
    # foreign keys on: their new columns come with an inline REFERENCES and stay nullable
    sqlite = conn.dialect.name == "sqlite"
    for table, column, target in (
        ("districts", "community_id", "communities"),
        ("users", "community_id", "communities"),
        ("users", "street_id", "streets"),
    ):
        op.add_column(
            table,
            sa.Column(
                column,
                _ID,
                sa.ForeignKey(f"{target}.id", name=op.f(f"fk_{table}_{column}_{target}")),
                nullable=True,
            ),
            inline_references=sqlite,
        )
    op.create_index("ix_districts_community_id", "districts", ["community_id"])
    op.create_index("ix_users_community_id", "users", ["community_id"])
    op.add_column("changes", sa.Column("community_id", _ID, nullable=True))
    conn.execute(sa.text("UPDATE districts SET community_id = :id"), {"id": home})
    conn.execute(
        sa.text("UPDATE users SET community_id = :id WHERE role <> 'street'"), {"id": home}
    )
    conn.execute(sa.text("UPDATE changes SET community_id = :id"), {"id": home})

    with op.batch_alter_table("changes") as batch:
        batch.alter_column("community_id", existing_type=_ID, nullable=False)
        batch.drop_constraint("uq_changes_seq", type_="unique")
        batch.drop_constraint("pk_changes", type_="primary")
        batch.create_primary_key("pk_changes", ["community_id", "entity", "entity_id"])
        batch.create_unique_constraint("uq_changes_community_seq", ["community_id", "seq"])
        batch.create_foreign_key(
            op.f("fk_changes_community_id_communities"), "communities", ["community_id"], ["id"]
        )


def downgrade() -> None:
    raise NotImplementedError("forward only")
