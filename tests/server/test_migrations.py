"""The migrations build exactly the schema server/db/schema.py describes, on SQLite and
PostgreSQL; and the limits migration replaces the old login_attempts table."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from server.db.engine import alembic_config, migrate, open_engine
from server.db.schema import metadata


def test_migrated_schema_matches_the_metadata(engine):
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_limits_migration_replaces_login_attempts_with_rate_events(tmp_path):
    engine = open_engine(str(tmp_path / "old.db"))
    try:
        command.upgrade(alembic_config(engine), "0002")
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO login_attempts (key, at) VALUES ('user:head01', :at)"),
                {"at": "2026-11-29T10:00:00.000000+00:00"},
            )
        migrate(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"rate_events", "known_logins"} <= tables
        assert "login_attempts" not in tables
    finally:
        engine.dispose()
