"""A database error inside a CLI command is reported without the SQL or its parameters."""

import sqlite3
import subprocess
import sys

from server.db.engine import migrate, open_engine


def test_database_error_in_a_command_prints_no_personal_data(tmp_path):
    db = tmp_path / "server.db"
    engine = open_engine(str(db))
    migrate(engine)
    engine.dispose()
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    conn.commit()
    conn.close()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "create-user",
            "--db",
            str(db),
            "--username",
            "zhang",
            "--name",
            "张三丰",
            "--role",
            "head",
            "--password-stdin",
        ],
        input="secretpass1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "database error (IntegrityError): refused" in result.stderr
    assert "张三丰" not in result.stderr + result.stdout
    assert "secretpass1" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
