"""The server's tables (SQLAlchemy Core). Alembic migrations in server/migrations create them;
this module is what the code queries through. Change a table only together with a new
migration (forward only).

Every syncable row carries ``version`` (bumped on each change). The change log (``changes``)
holds one row per syncable entity with the change sequence ``seq`` of its latest change and
the estate/district it belongs to, so a pull is one indexed range scan filtered by scope.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(36)
TS = String(40)  # ISO-8601, UTC, e.g. 2026-11-24T01:30:00.000000+00:00

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    # counters live in int_value; settings in text_value
    Column("int_value", BigInteger),
    Column("text_value", Text),
)

# The hierarchy's top: a 街道 (street office) runs communities (社区); a community's districts
# (片区) hold its estates (小区). Every change-log row and every sequence belongs to one community.
streets = Table(
    "streets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False),
)

communities = Table(
    "communities",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("street_id", ID, ForeignKey("streets.id"), index=True),
)

# One change sequence per community (server.db.sequence): its counter and its history floor.
change_sequences = Table(
    "change_sequences",
    metadata,
    Column("community_id", ID, ForeignKey("communities.id"), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("history_floor", BigInteger, nullable=False),
)

districts = Table(
    "districts",
    metadata,
    Column("id", ID, primary_key=True),
    # set on every district (nullable only because SQLite adds the column to a live table)
    Column("community_id", ID, ForeignKey("communities.id"), index=True),
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

estates = Table(
    "estates",
    metadata,
    Column("id", ID, primary_key=True),
    Column("district_id", ID, ForeignKey("districts.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("kind", String(16), nullable=False, server_default="estate"),
    Column("version", Integer, nullable=False, server_default="1"),
)

households = Table(
    "households",
    metadata,
    Column("id", ID, primary_key=True),
    Column("estate_id", ID, ForeignKey("estates.id"), nullable=False, index=True),
    Column("building", String(16), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("room", String(16), nullable=False),
    Column("people_count", Integer),
    Column("note", Text, nullable=False, server_default=""),
    Column("contact_phone", String(32)),
    Column("version", Integer, nullable=False, server_default="1"),
    # {field: version at which it last changed}, for the field-by-field merge
    Column("field_versions", JSON, nullable=False, default=dict),
    UniqueConstraint("estate_id", "building", "unit", "room", name="uq_households_address"),
)

residents = Table(
    "residents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("gender", String(8), nullable=False, server_default="unknown"),
    Column("birth_year", Integer),
    Column("phone", String(32)),
    Column("id_number", String(32)),
    Column("relation", String(32), nullable=False, server_default=""),
    Column("flags", JSON, nullable=False, default=list),
    Column("vaccination", String(16), nullable=False, server_default="unknown"),
    Column("note", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("field_versions", JSON, nullable=False, default=dict),
)
Index("ix_residents_id_number", residents.c.id_number)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # head | district_head | staff | street
    # every user but a street user belongs to one community; a street user to one street
    Column("community_id", ID, ForeignKey("communities.id"), index=True),
    Column("street_id", ID, ForeignKey("streets.id")),
    Column("district_id", ID, ForeignKey("districts.id")),  # district heads
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", TS, nullable=False),
)

user_estates = Table(
    "user_estates",
    metadata,
    Column("user_id", ID, ForeignKey("users.id"), primary_key=True),
    Column("estate_id", ID, ForeignKey("estates.id"), primary_key=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the bearer token
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("device_id", String(128), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("revoked_at", TS),
)

# Idempotency: every applied mutation id, forever (rejected ones leave no trace).
mutations = Table(
    "mutations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, nullable=False),
    Column("device_id", String(128), nullable=False),
    Column("type", String(64), nullable=False),
    Column("entity_id", ID, nullable=False),
    Column("created_at", TS, nullable=False),  # the phone's clock
    Column("applied_at", TS, nullable=False),  # the server's clock
)

checklists = Table(
    "checklists",
    metadata,
    Column("id", ID, primary_key=True),
    Column("version", Integer, nullable=False, unique=True),
    Column("title", JSON, nullable=False),  # {"zh": ..., "en": ...}
    Column("questions", JSON, nullable=False),  # [Question]
    Column("active", Boolean, nullable=False),
    Column("created_at", TS, nullable=False),
)

visits = Table(
    "visits",
    metadata,
    Column("id", ID, primary_key=True),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False, index=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("visited_at", TS, nullable=False),
    Column("method", String(16), nullable=False),
    Column("people_reached", Integer, nullable=False),
    Column("checklist_version", Integer, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("notes", Text, nullable=False, server_default=""),
    Column("follow_up_date", String(10)),
    Column("reached_resident_ids", JSON, nullable=False, default=list),
    Column("created_at", TS, nullable=False),
)
Index("ix_visits_visited_at", visits.c.visited_at)

concerns = Table(
    "concerns",
    metadata,
    Column("id", ID, primary_key=True),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False, index=True),
    Column("resident_id", ID),
    Column("visit_id", ID),
    Column("kind", String(16), nullable=False),
    Column("category", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("created_by", ID, ForeignKey("users.id"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # the workflow: who follows it up and by when (a local date, YYYY-MM-DD)
    Column("assignee_id", ID),  # a staff member or district head
    Column("due_date", String(10)),
    Column("resolved_at", TS),  # the latest move to resolved; cleared on reopen
    Column("referred_to", String(64)),  # the department a referred concern went to
    Column("merged_into", ID),  # a duplicate closed into this concern
    Column("callback", String(24)),  # the resident's verdict after resolving
    Column("callback_at", TS),
)
Index("ix_concerns_created_at", concerns.c.created_at)

concern_events = Table(
    "concern_events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("concern_id", ID, ForeignKey("concerns.id"), nullable=False, index=True),
    Column("user_id", ID, ForeignKey("users.id")),  # null for the public form
    # created | comment | transition | assign | callback | decision
    Column("action", String(16), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("text", Text, nullable=False, server_default=""),
    Column("created_at", TS, nullable=False),
    # what an assign, callback or decision event set (meeting, decision, assignee, ...)
    Column("detail", JSON),
)

# 诉求分析研判会: a sitting that goes through an agenda of concerns, one decision each.
review_meetings = Table(
    "review_meetings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("title", String(128), nullable=False),
    # a district head's meeting covers their district; staff meetings may cover all (null)
    Column("district_id", ID, ForeignKey("districts.id")),
    Column("held_at", TS, nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),  # open | closed
    Column("minutes", Text, nullable=False, server_default=""),
    Column("created_by", ID, ForeignKey("users.id"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

review_items = Table(
    "review_items",
    metadata,
    Column("meeting_id", ID, ForeignKey("review_meetings.id"), primary_key=True),
    Column("concern_id", ID, ForeignKey("concerns.id"), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
    Column("decision", String(16)),  # resolve | refer | assign | merge; null = not yet
    Column("department", String(64)),
    Column("assignee_id", ID),
    Column("due_date", String(10)),
    Column("merged_into", ID),
    Column("note", Text, nullable=False, server_default=""),
    Column("decided_by", ID),
    Column("decided_at", TS),
)

questionnaires = Table(
    "questionnaires",
    metadata,
    Column("id", ID, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("title", JSON, nullable=False),
    Column("intro", JSON, nullable=False),
    Column("questions", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

questionnaire_responses = Table(
    "questionnaire_responses",
    metadata,
    Column("id", ID, primary_key=True),
    Column("questionnaire_id", ID, ForeignKey("questionnaires.id"), nullable=False, index=True),
    Column("questionnaire_version", Integer, nullable=False),
    Column("estate_id", ID, ForeignKey("estates.id")),
    Column("household_id", ID, ForeignKey("households.id")),
    # the estate's community, or for an answer with no estate the community of its poster
    # (nullable only because SQLite adds the column to a live table)
    Column("community_id", ID, ForeignKey("communities.id"), index=True),
    Column("answers", JSON, nullable=False),
    Column("submitted_at", TS, nullable=False),
    Column("status", String(16), nullable=False, server_default="new"),
    Column("outcome", String(32)),
    Column("reviewed_by", ID),
    Column("reviewed_at", TS),
    Column("version", Integer, nullable=False, server_default="1"),
)
Index("ix_questionnaire_responses_submitted_at", questionnaire_responses.c.submitted_at)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("entity", String(16), nullable=False),  # household | resident
    Column("entity_id", ID, nullable=False, index=True),
    Column("field", String(32), nullable=False),
    Column("server_value", JSON),
    Column("client_value", JSON),
    Column("mutation_id", ID, nullable=False),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("resolution", String(16)),
    Column("resolved_by", ID),
    Column("resolved_at", TS),
    Column("version", Integer, nullable=False, server_default="1"),
)

# Every whole phone number a phone showed (to call the resident), for the office's audit:
# who, on which device, when (the phone's clock; recorded_at is the server's), which resident.
# Never synced to phones. No foreign key on resident_id: the record outlives the resident.
phone_reveals = Table(
    "phone_reveals",
    metadata,
    Column("id", ID, primary_key=True),
    Column("resident_id", ID, nullable=False, index=True),
    Column("household_id", ID),
    Column("field", String(16), nullable=False),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("device_id", String(128), nullable=False),
    Column("revealed_at", TS, nullable=False),
    Column("recorded_at", TS, nullable=False),
)
Index("ix_phone_reveals_user_at", phone_reveals.c.user_id, phone_reveals.c.revealed_at)

# The change log: one row per syncable entity and community, stamped with the number of its
# latest change in its community's sequence. estate_id / district_id place the row in scope
# (both null = community-wide, e.g. checklists, which every community's log carries).
changes = Table(
    "changes",
    metadata,
    Column("community_id", ID, ForeignKey("communities.id"), primary_key=True),
    Column("entity", String(32), primary_key=True),
    Column("entity_id", ID, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("op", String(8), nullable=False),  # upsert | delete
    Column("version", Integer, nullable=False),
    Column("estate_id", ID),
    Column("district_id", ID),
    # the entity's full pull data at this version (null for a tombstone); personal fields are
    # removed at pull time for roles that must not see them (server.domain.scope)
    Column("data", JSON),
    UniqueConstraint("community_id", "seq", name="uq_changes_community_seq"),
)
# a pull's scope, each branch a range inside one community (migration 0010)
Index("ix_changes_community_estate_seq", changes.c.community_id, changes.c.estate_id, changes.c.seq)
Index(
    "ix_changes_community_district_seq",
    changes.c.community_id,
    changes.c.district_id,
    changes.c.seq,
)

# Rate limits (logins, the public form) survive restarts and are shared by workers: one row
# per counted event and key, kept until ``until`` (its limit's window has passed).
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "acct:<username>" | "addr:<digest>" | "form-post:<digest>" ... (server.domain.ratelimit)
    Column("key", String(160), nullable=False, index=True),
    Column("at", TS, nullable=False),
    Column("until", TS, nullable=False, index=True),
)

# Devices and client addresses that have signed in to an account (as digests, never the raw
# values): they may still try when the account's failure budget is spent (login_limits).
known_logins = Table(
    "known_logins",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # device | address
    Column("digest", String(64), primary_key=True),
    Column("last_at", TS, nullable=False),
)

# Every ledger export, kept for the office's audit: who (a user, or the operator at the
# server's command line), what and where, and why when whole phone and ID numbers were asked for.
ledger_exports = Table(
    "ledger_exports",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID),  # null from the command line
    Column("operator", String(64), nullable=False),  # username, or "cli"
    Column("kind", String(16), nullable=False),
    Column("district_id", ID),
    Column("estate_id", ID),
    Column("period_from", String(10)),
    Column("period_to", String(10)),
    Column("full_values", Boolean, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("rows", Integer, nullable=False),
    Column("exported_at", TS, nullable=False),
)
Index("ix_ledger_exports_exported_at", ledger_exports.c.exported_at)
