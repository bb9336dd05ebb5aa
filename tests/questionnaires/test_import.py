"""Questionnaire definitions: the built-in set, the import command, versioning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from server.db.engine import write_tx
from server.db.schema import changes, questionnaires
from server.db.sequence import current_seq
from server.domain.communities import sole_community
from server.domain.questionnaires import (
    BUILTIN_DIR,
    builtin_definitions,
    get_questionnaire,
    seed_builtin_questionnaires,
)
from services.protocol import QuestionnaireData

REPO = Path(__file__).resolve().parents[2]


def run_import(db_path: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "import-questionnaires",
            "--db",
            db_path,
            *map(str, files),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_community_has_eleven_valid_questionnaires():
    definitions = builtin_definitions()
    assert len(definitions) == 11
    titles = {d.title.zh for d in definitions}
    for must in (
        "居民信息登记",
        "老年人关爱需求",
        "60岁以上老人疫苗接种",
        "安全隐患排查",
        "意见建议",
    ):
        assert must in titles
    assert len({d.slug for d in definitions}) == 11


def test_seeded_questionnaires_sync_as_protocol_data(engine):
    with engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.entity == "questionnaire")).all()
    assert len(rows) == 11
    for row in rows:
        assert row.estate_id is None and row.district_id is None  # community-wide
        QuestionnaireData.model_validate(row.data)


def test_seeding_again_changes_nothing(engine):
    with engine.connect() as conn:
        before = current_seq(conn, sole_community(conn))
    with write_tx(engine) as conn:
        assert seed_builtin_questionnaires(conn) == 11
    with engine.connect() as conn:
        assert current_seq(conn, sole_community(conn)) == before
        assert conn.execute(select(func.max(questionnaires.c.version))).scalar_one() == 1


def test_reimport_unchanged_is_a_no_op_and_a_change_bumps_the_version(db_path, engine, tmp_path):
    source = json.loads((BUILTIN_DIR / "05-suggestions.json").read_text(encoding="utf-8"))
    unchanged = tmp_path / "suggestions.json"
    unchanged.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    with engine.connect() as conn:
        seq0 = current_seq(conn, sole_community(conn))
    r = run_import(db_path, unchanged)
    assert r.returncode == 0, r.stderr
    assert "unchanged suggestions (version 1)" in r.stdout
    with engine.connect() as conn:
        assert current_seq(conn, sole_community(conn)) == seq0

    source["questions"].append(
        {"key": "contact_time", "type": "text", "label": {"zh": "方便联系的时间"}}
    )
    changed = tmp_path / "suggestions-v2.json"
    changed.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    r = run_import(db_path, changed)
    assert r.returncode == 0, r.stderr
    assert "updated   suggestions (version 2)" in r.stdout
    with engine.connect() as conn:
        q = get_questionnaire(conn, "suggestions")
        change = conn.execute(
            select(changes).where(changes.c.entity == "questionnaire", changes.c.entity_id == q.id)
        ).one()
    assert q.version == 2 and q.questions[-1]["key"] == "contact_time"
    assert change.version == 2 and change.seq > seq0
    assert run_import(db_path, changed).stdout.startswith("unchanged")


def test_yaml_definitions_import(db_path, engine, tmp_path):
    f = tmp_path / "new.yaml"
    f.write_text(
        "slug: garden-day\n"
        "title: {zh: 社区花园开放日报名, en: Community garden day}\n"
        "questions:\n"
        "  - {key: name, type: text, label: {zh: 姓名}, required: true}\n"
        "  - {key: phone, type: phone, label: {zh: 电话}}\n",
        encoding="utf-8",
    )
    r = run_import(db_path, f)
    assert r.returncode == 0, r.stderr
    assert "created   garden-day (version 1)" in r.stdout
    with engine.connect() as conn:
        assert get_questionnaire(conn, "garden-day").title["zh"] == "社区花园开放日报名"


def test_bad_definitions_are_refused_naming_the_problem_and_nothing_is_written(
    db_path, engine, tmp_path
):
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "slug": "ok-one",
                "title": {"zh": "好"},
                "questions": [{"key": "a", "type": "text", "label": {"zh": "a"}}],
            }
        ),
        encoding="utf-8",
    )
    cases = {
        "bad-type.json": (
            {
                "slug": "x",
                "title": {"zh": "x"},
                "questions": [{"key": "a", "type": "date", "label": {"zh": "a"}}],
            },
            "questions.0.type",
        ),
        "dupe.json": (
            {
                "slug": "x",
                "title": {"zh": "x"},
                "questions": [
                    {"key": "a", "type": "text", "label": {"zh": "a"}},
                    {"key": "a", "type": "text", "label": {"zh": "b"}},
                ],
            },
            "duplicate question keys: a",
        ),
        "no-options.json": (
            {
                "slug": "x",
                "title": {"zh": "x"},
                "questions": [{"key": "a", "type": "choice", "label": {"zh": "a"}}],
            },
            "needs options",
        ),
        "bad-key.json": (
            {
                "slug": "x",
                "title": {"zh": "x"},
                "questions": [{"key": "A b", "type": "text", "label": {"zh": "a"}}],
            },
            "questions.0.key",
        ),
    }
    with engine.connect() as conn:
        seq0 = current_seq(conn, sole_community(conn))
    for name, (content, expected) in cases.items():
        bad = tmp_path / name
        bad.write_text(json.dumps(content), encoding="utf-8")
        r = run_import(db_path, good, bad)
        assert r.returncode == 2, name
        assert name in r.stderr and expected in r.stderr, r.stderr
        assert "nothing imported" in r.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    r = run_import(db_path, broken)
    assert r.returncode == 2 and "not valid json" in r.stderr
    with engine.connect() as conn:
        assert current_seq(conn, sole_community(conn)) == seq0
        assert get_questionnaire(conn, "ok-one") is None
