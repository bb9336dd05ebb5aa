"""a questionnaire answer belongs to one community

An answer given on a community-wide poster (no estate) used to be stamped into every
community's change log, so staff of one community pulled another's answers. From here every
answer names its community: its estate's, or for one without an estate the community of the
poster it came from. An existing answer without an estate belongs to the community whose log
holds it when only one does, else to the first community (the deployment this grew from: every
such answer before several communities existed was its), and the copies other communities' logs hold become deletions there, with new numbers, so staff
phones that pulled them drop them at their next pull.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.String(length=36)


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column(
        "questionnaire_responses",
        sa.Column(
            "community_id",
            _ID,
            sa.ForeignKey(
                "communities.id", name=op.f("fk_questionnaire_responses_community_id_communities")
            ),
            nullable=True,
        ),
        inline_references=conn.dialect.name == "sqlite",
    )
    op.create_index(
        "ix_questionnaire_responses_community_id", "questionnaire_responses", ["community_id"]
    )
    conn.execute(
        sa.text(
            "UPDATE questionnaire_responses SET community_id = ("
            " SELECT districts.community_id FROM estates"
            " JOIN districts ON districts.id = estates.district_id"
            " WHERE estates.id = questionnaire_responses.estate_id)"
            " WHERE estate_id IS NOT NULL"
        )
    )
    first = conn.execute(sa.text("SELECT id FROM communities ORDER BY id LIMIT 1")).scalar()
    if first is None:
        return
    # which logs hold each answer: one pass over the change log (a city's is millions of rows)
    logged: dict[str, set[str]] = {}
    for community, entity_id in conn.execute(
        sa.text(
            "SELECT community_id, entity_id FROM changes"
            " WHERE entity = 'questionnaire_response' AND op = 'upsert'"
        )
    ):
        logged.setdefault(entity_id, set()).add(community)
    owner = dict(
        conn.execute(sa.text("SELECT id, community_id FROM questionnaire_responses")).all()
    )
    unowned = [
        # an answer in one community's log only is that community's
        {"id": rid, "c": min(logged[rid]) if len(logged.get(rid, ())) == 1 else first}
        for rid, community in owner.items()
        if community is None
    ]
    if unowned:
        conn.execute(
            sa.text("UPDATE questionnaire_responses SET community_id = :c WHERE id = :id"),
            unowned,
        )
        owner.update({u["id"]: u["c"] for u in unowned})
    leaked = sorted(
        (community, rid)
        for rid, communities in logged.items()
        for community in communities
        if rid in owner and community != owner[rid]
    )
    for community, entity_id in leaked:
        # the next number of that community's sequence, as every change-log writer takes it
        seq = conn.execute(
            sa.text(
                "UPDATE change_sequences SET seq = seq + 1 WHERE community_id = :c RETURNING seq"
            ),
            {"c": community},
        ).scalar_one()
        conn.execute(
            sa.text(
                "UPDATE changes SET op = 'delete', data = NULL, seq = :seq, version = version + 1"
                " WHERE community_id = :c AND entity = 'questionnaire_response'"
                " AND entity_id = :e"
            ),
            {"seq": seq, "c": community, "e": entity_id},
        )


def downgrade() -> None:
    raise NotImplementedError("forward only")
