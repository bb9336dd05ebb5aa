"""POST /register/import: the office console's register upload runs the same import as the
command, dry run first, and answers with the report in Chinese or English."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.schema import residents
from tests.server.register.files import GOOD, id_number, write_csv

URL = "/api/v1/register/import"


def _count(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(residents).where(residents.c.name == name)
        ).scalar_one()


async def test_staff_see_a_dry_run_report_then_confirm(login, engine, tmp_path):
    staff = await login("staff")
    path = write_csv(tmp_path / "r.csv", GOOD, encoding="gbk")
    files = {"file": ("花名册.csv", path.read_bytes(), "text/csv")}
    dry = await staff.client.post(URL, headers=staff.headers, files=files)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["dry_run"], body["written"], body["residents_created"]) == (True, False, 3)
    assert body["summary"].startswith("读取 3 行：新建 3 人")
    assert _count(engine, "顾建华") == 0
    done = await staff.client.post(
        URL, headers=staff.headers, files=files, params={"dry_run": False}
    )
    assert done.json()["written"] and _count(engine, "顾建华") == 1


async def test_refusals_come_back_as_a_report_in_the_language_asked(login, engine, tmp_path):
    staff = await login("staff")
    rows = [r[:] for r in GOOD]
    rows[0][7] = "3.20507E+17"
    files = {"file": ("r.csv", write_csv(tmp_path / "r.csv", rows).read_bytes(), "text/csv")}
    r = await staff.client.post(
        URL, headers=staff.headers, files=files, params={"dry_run": False, "lang": "en"}
    )
    body = r.json()
    assert r.status_code == 200 and not body["written"] and body["refused_rows"] == 1
    (problem,) = body["errors"]
    assert (problem["code"], problem["row"], problem["column"]) == ("id_as_number", 2, "身份证号")
    assert problem["message"].startswith("row 2, 身份证号: the spreadsheet stored the ID number")
    assert _count(engine, "顾建华") == 0


async def test_unreadable_files_and_bad_options_are_422_and_only_staff_may_upload(login, tmp_path):
    staff, head = await login("staff"), await login("head01")
    good = {"file": ("r.csv", write_csv(tmp_path / "r.csv", GOOD).read_bytes(), "text/csv")}
    assert (await head.client.post(URL, headers=head.headers, files=good)).status_code == 403
    r = await staff.client.post(
        URL, headers=staff.headers, files={"file": ("r.pdf", b"%PDF", "application/pdf")}
    )
    assert r.status_code == 422 and ".xlsx" in r.json()["detail"]
    r = await staff.client.post(
        URL,
        headers=staff.headers,
        files={"file": ("r.xlsx", b"not a zip", "application/octet-stream")},
    )
    assert r.status_code == 422 and "损坏" in r.json()["detail"]
    r = await staff.client.post(
        URL, headers=staff.headers, files=good, params={"column": "联系方式=shoe"}
    )
    assert r.status_code == 422 and "--column 联系方式=shoe" in r.json()["detail"]


async def test_a_move_is_applied_only_when_asked(login, engine, tmp_path):
    staff = await login("staff")
    header = ["小区", "楼栋", "单元", "房号", "姓名", "身份证号"]
    idn = id_number(1970, 41)
    first = write_csv(
        tmp_path / "a.csv", [["观澜苑", "90", "1", "101", "冯一", idn]], header=header
    )
    moved = write_csv(
        tmp_path / "b.csv", [["观澜苑", "91", "1", "101", "冯一", idn]], header=header
    )
    post = staff.client.post
    await post(
        URL,
        headers=staff.headers,
        files={"file": ("a.csv", first.read_bytes())},
        params={"dry_run": False},
    )
    refused = (
        await post(URL, headers=staff.headers, files={"file": ("b.csv", moved.read_bytes())})
    ).json()
    assert [e["code"] for e in refused["errors"]] == ["move_not_applied"]
    planned = (
        await post(
            URL,
            headers=staff.headers,
            files={"file": ("b.csv", moved.read_bytes())},
            params={"apply_moves": True},
        )
    ).json()
    assert (
        planned["residents_moved"] == 1
        and [n["code"] for n in planned["notes"]][-1] == "move_planned"
    )


async def test_advice_names_the_consoles_ticks_not_the_commands_options(login, tmp_path):
    staff = await login("staff")
    header = ["小区", "楼栋", "单元", "房号", "姓名", "民族"]
    path = write_csv(
        tmp_path / "u.csv", [["观澜苑", "52", "1", "101", "丙一", "汉"]], header=header
    )
    files = {"file": ("u.csv", path.read_bytes(), "text/csv")}
    body = (await staff.client.post(URL, headers=staff.headers, files=files)).json()
    (problem,) = body["errors"]
    assert problem["code"] == "unknown_column" and problem["column"] == "民族"
    assert "--" not in problem["message"] and "勾选不导入这一列" in problem["message"]
    assert problem["message"].startswith("第 1 行：列「民族」不认识")


def test_each_console_wording_needs_no_value_the_commands_wording_lacks():
    import string

    from server.domain.register.messages import CONSOLE, MESSAGES

    def fields(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    for code, (zh, en) in CONSOLE.items():
        assert fields(zh) == fields(en) <= fields(MESSAGES[code][0]), code
        assert "--" not in zh + en, code
