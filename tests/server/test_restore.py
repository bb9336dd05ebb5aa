"""restore: a backup comes back fenced, so phones holding cursors past it download again
(SQLite and PostgreSQL, the real app over ASGI)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from server.app import create_app
from server.commands.backup import backup_postgres, backup_sqlite
from server.commands.restore import RestoreError, _relations, restore_postgres, restore_sqlite
from server.db.changelog import record_change
from server.db.engine import open_engine, write_tx
from server.db.fence import FENCE_STEP, fence_history
from server.db.schema import changes
from server.db.sequence import current_seq, history_floor
from server.domain.communities import sole_community
from server.domain.cursor import decode_cursor
from server.settings import Settings
from tests.server.helpers import Api, visit

ROOT = Path(__file__).resolve().parents[2]


def _source(engine) -> str:
    """The path or URL the engine was opened on, as the commands take it."""
    if engine.dialect.name == "sqlite":
        return engine.url.database
    return engine.url.render_as_string(hide_password=False)


def _backup(engine, out: Path) -> None:
    if engine.dialect.name == "sqlite":
        backup_sqlite(_source(engine), out)
    else:
        backup_postgres(_source(engine), out)


@pytest.fixture
def target(request, db_kind, tmp_path):
    """Where to restore: a path that does not exist yet, or a new empty PostgreSQL database."""
    if db_kind == "sqlite":
        yield str(tmp_path / "restored" / "xianglin.db")
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database()
    yield url
    cluster.drop_database(url.rsplit("/", 1)[1])


def _restore(db_kind: str, backup: Path, target: str, **kw):
    if db_kind == "sqlite":
        return restore_sqlite(backup, target, **kw)
    return restore_postgres(backup, target)


def _seqs(engine) -> tuple[list[int], int, int]:
    with engine.connect() as conn:
        seqs = list(conn.execute(select(changes.c.seq).order_by(changes.c.seq)).scalars())
        return (
            seqs,
            current_seq(conn, sole_community(conn)),
            history_floor(conn, sole_community(conn)),
        )


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(changes)).scalar_one()


def _rows(engine) -> list[tuple]:
    """The change log in order, without seq: what the fence must leave unchanged."""
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(changes.c.entity, changes.c.entity_id, changes.c.op, changes.c.version)
                .order_by(changes.c.seq)
            )
        ]  # fmt: skip


def test_fence_shifts_the_whole_history_past_every_old_cursor(engine):
    before_seqs, top, floor = _seqs(engine)
    before_rows = _rows(engine)
    with write_tx(engine) as conn:  # the UNIQUE seq constraint holds through the shift
        offset = fence_history(conn)
    seqs, new_top, new_floor = _seqs(engine)
    assert offset % FENCE_STEP == 0 and offset > top + FENCE_STEP
    assert seqs == [s + offset for s in before_seqs]
    assert (new_top, new_floor) == (top + offset, floor + offset)
    assert _rows(engine) == before_rows  # same order, same contents
    # the next change continues after the shifted counter, above every pre-fence cursor
    with write_tx(engine) as conn:
        record_change(conn, "district", "after-fence", version=1, data={"id": "x", "name": "x"})
    assert _seqs(engine)[0][-1] == new_top + 1
    with write_tx(engine) as conn:  # fencing twice is just a bigger shift
        assert fence_history(conn) > offset


async def test_restore_fences_old_cursors_and_serves_exactly_the_backup(
    engine, db_kind, demo, login, target, tmp_path
):
    hh = demo.household_of("head01")
    phone = await login("head01")
    before = visit(hh)
    assert [r["status"] for r in await phone.push(before)] == ["applied"]
    _, cursor_at_backup = await phone.pull_all()
    at_backup, _ = await (await login("head01")).pull_all()  # a fresh phone's view at S1
    backup = tmp_path / "xianglin.backup"
    _backup(engine, backup)
    seq_at_backup, count_at_backup = _seqs(engine)[1], _count(engine)

    after = visit(hh)  # written after the backup: lost by the restore
    assert [r["status"] for r in await phone.push(after)] == ["applied"]
    pulled, cursor_after = await phone.pull_all(cursor_at_backup)
    assert after["entity_id"] in {ch["id"] for ch in pulled}
    assert _seqs(engine)[1] > seq_at_backup  # the phone's cursor lies beyond the backup

    result = _restore(db_kind, backup, target)
    assert result.changes == count_at_backup and result.moved_aside == []

    restored = open_engine(target)
    app = create_app(restored, Settings())
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            again = await Api.sign_in(c, "head01", "demo1234")
            fresh, cursor = await again.pull_all()
            assert fresh == at_backup  # exactly the restored rows, in their order
            # the phone pushes its outbox again: what the backup holds is a duplicate
            assert [r["status"] for r in await again.push(before, after)] == [
                "duplicate",
                "applied",
            ]
            new = visit(hh)
            await again.push(new)
            # unfenced, the history would now reach past the old cursor, which would skip it
            assert _seqs(restored)[1] - result.offset > decode_cursor(cursor_after)[0][0]
            for old in (cursor_at_backup, cursor_after):
                r = await again.pull(old)
                assert r.status_code == 410, r.text
            since, _ = await again.pull_all(cursor)
            assert {after["entity_id"], new["entity_id"]} <= {ch["id"] for ch in since}
            other = await Api.sign_in(c, "head01", "demo1234")
            state = await other.state()
            assert {("visit", after["entity_id"]), ("visit", new["entity_id"])} <= set(state)
            assert set(state) == {(ch["entity"], ch["id"]) for ch in fresh} | {
                ("visit", after["entity_id"]),
                ("visit", new["entity_id"]),
            }
    finally:
        restored.dispose()


def test_restore_refuses_a_non_empty_target(engine, db_kind, target, tmp_path):
    backup = tmp_path / "xianglin.backup"
    _backup(engine, backup)
    _restore(db_kind, backup, target)
    restored = open_engine(target)
    try:
        marker = _seqs(restored)
    finally:
        restored.dispose()
    with pytest.raises(RestoreError, match="--force" if db_kind == "sqlite" else "not empty"):
        _restore(db_kind, backup, target)
    restored = open_engine(target)
    try:
        assert _seqs(restored) == marker  # not fenced twice, not touched
    finally:
        restored.dispose()


@pytest.mark.parametrize("content", [b"", b"not a backup at all\n" * 50])
def test_bad_backup_file_is_refused_and_the_target_is_untouched(
    engine, db_kind, target, tmp_path, content
):
    bad = tmp_path / "bad.backup"
    bad.write_bytes(content)
    if db_kind == "sqlite":
        Path(target).parent.mkdir(parents=True)
        backup_sqlite(_source(engine), target)  # an existing database at the target
        original = Path(target).read_bytes()
        with pytest.raises(RestoreError, match="not a readable SQLite backup|not a 巷鄰"):
            restore_sqlite(bad, target, force=True)
        assert Path(target).read_bytes() == original
        assert sorted(p.name for p in Path(target).parent.iterdir()) == ["xianglin.db"]
    else:
        with pytest.raises(RestoreError, match="not a pg_dump custom-format backup"):
            restore_postgres(bad, target)
        assert _relations(target) == 0
    with pytest.raises(RestoreError, match="no such backup file"):
        _restore(db_kind, tmp_path / "missing.backup", target)


def test_sqlite_backup_of_another_database_is_refused(sqlite_template, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    with pytest.raises(RestoreError, match="not a 巷鄰 server database"):
        restore_sqlite(other, tmp_path / "t.db")
    assert not (tmp_path / "t.db").exists()


def test_sqlite_force_moves_the_old_database_aside(sqlite_template, tmp_path):
    target = tmp_path / "xianglin.db"
    shutil.copyfile(sqlite_template, target)
    Path(f"{target}-wal").write_bytes(b"old wal")  # what a crashed server leaves behind
    original = target.read_bytes()
    backup = tmp_path / "b.db"
    backup_sqlite(sqlite_template, backup)
    result = restore_sqlite(backup, target, force=True)
    names = sorted(p.name for p in result.moved_aside)
    assert len(names) == 2 and names[0].startswith("xianglin.db.pre-restore-")
    assert names[1] == names[0] + "-wal"
    assert (tmp_path / names[0]).read_bytes() == original
    assert (tmp_path / names[1]).read_bytes() == b"old wal"
    assert not Path(f"{target}-wal").exists()
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        floor = con.execute("SELECT history_floor FROM change_sequences").fetchone()[0]
    finally:
        con.close()
    assert floor == result.offset  # the template's floor is 0
    # a second forced restore the same second gets its own aside name
    second = restore_sqlite(backup, target, force=True)
    assert {p.name for p in second.moved_aside}.isdisjoint(names)


def test_sqlite_restore_refuses_a_database_a_running_process_holds(sqlite_template, tmp_path):
    target = tmp_path / "xianglin.db"
    shutil.copyfile(sqlite_template, target)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom server.db.engine import open_engine\n"
         f"e = open_engine({str(target)!r}); c = e.connect()\n"
         "c.exec_driver_sql('select count(*) from meta').all()\n"
         "print('ready', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(RestoreError, match="open in another process"):
            restore_sqlite(sqlite_template, target, force=True)
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "xianglin.db",
            "xianglin.db-shm",
            "xianglin.db-wal",
        ]
    finally:
        holder.stdin.close()
        holder.wait(30)


def test_cli_restore(sqlite_template, tmp_path):
    backup = tmp_path / "b.db"
    backup_sqlite(sqlite_template, backup)
    target = tmp_path / "x.db"

    def cli(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "server", "restore", "--backup", str(backup),
             "--db", str(target), *extra],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    ok = cli()
    assert ok.returncode == 0, ok.stderr
    assert "history fenced" in ok.stdout and target.is_file()
    refused = cli()
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = cli("--force")
    assert forced.returncode == 0, forced.stderr
    assert "moved aside" in forced.stdout
