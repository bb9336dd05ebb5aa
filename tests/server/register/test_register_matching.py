"""How a thing is written never moves or duplicates a resident: addresses, names and estate
names are normalised before matching; a real move is reported and applied only when asked,
and both households' counts follow."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.schema import changes, estates, households, residents
from server.domain.register import import_register
from tests.server.register.files import (
    HEADER,
    codes,
    id_number,
    resident,
    snapshot,
    write_csv,
)


def _row(
    estate: str, building: str, unit: str, room: str, name: str, idn: str = "", **kw
) -> list[str]:
    row = dict.fromkeys(HEADER, "")
    row.update(
        {
            "小区": estate,
            "楼栋": building,
            "单元": unit,
            "房号": room,
            "姓名": name,
            "身份证号": idn,
        }
    )
    row.update(kw)
    return [row[h] for h in HEADER]


def _with_districts(engine, tmp_path, rows: list[list[str]]):
    """Rows with a 片区 column in front, imported with --create-estates."""
    path = write_csv(tmp_path / "districts.csv", rows, header=["片区", *HEADER])
    return import_register(engine, path, create_estates=True)


def _household_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(households)).scalar_one()


def test_building_unit_room_written_differently_are_the_same_household(engine, tmp_path):
    idn = id_number(1961, 31)
    first = import_register(
        engine,
        write_csv(tmp_path / "a.csv", [_row("观澜苑", "1栋", "2单元", "101室", "周一", idn)]),
    )
    assert first.written
    r = resident(engine, name="周一")
    assert (r.building, r.unit, r.room) == ("1", "2", "101")
    houses = _household_count(engine)
    for i, (b, u, room) in enumerate(
        [
            ("1", "2", "101"),
            ("1幢", "二单元", "101"),
            ("1号楼", "第2单元", "101号"),
            ("１", "２", "１０１"),
        ]
    ):
        report = import_register(
            engine, write_csv(tmp_path / f"b{i}.csv", [_row("观澜苑", b, u, room, "周一", idn)])
        )
        assert report.errors == [] and not report.written, (b, u, room)
        assert (report.residents_unchanged, report.residents_moved) == (1, 0)
    assert _household_count(engine) == houses


def test_a_name_with_a_full_width_space_is_the_same_person(engine, tmp_path):
    first = [_row("观澜苑", "2", "1", "201", "司马华")]
    import_register(engine, write_csv(tmp_path / "a.csv", first))
    again = [_row("观澜苑", "2", "1", "201", "司马　华 ")]
    report = import_register(engine, write_csv(tmp_path / "b.csv", again))
    assert report.residents_unchanged == 1 and report.residents_created == 0
    with engine.connect() as conn:
        names = conn.execute(select(residents.c.name).where(residents.c.name.like("司马%"))).all()
    assert names == [("司马华",)]


def test_an_estate_name_in_traditional_characters_is_the_existing_estate(engine, tmp_path):
    rows = [["胡巷一片區", *_row("胡巷新村一區", "3", "1", "301", "吴三")]]
    before_estates = snapshot(engine)["estates"]
    report = _with_districts(engine, tmp_path, rows)
    assert report.written and report.estates_created == 0 and report.districts_created == 0
    assert resident(engine, name="吴三").estate == "胡巷新村一区"
    assert snapshot(engine)["estates"] == before_estates
    assert "小区「胡巷新村一區」按已有的「胡巷新村一区」导入" in [n.text() for n in report.notes]


def test_create_estates_refuses_a_near_duplicate_of_an_existing_name(engine, tmp_path):
    rows = [["胡巷二片区", *_row("观澜苑小区", "3", "1", "301", "吴四")]]
    before = snapshot(engine)
    report = _with_districts(engine, tmp_path, rows)
    assert codes(report) == [(None, 2, "小区", "estate_near")]
    assert "「观澜苑」" in report.errors[0].text()
    assert snapshot(engine) == before


def test_an_unknown_estate_nearly_named_like_one_points_to_it(engine, tmp_path):
    rows = [_row("观澜苑小区", "3", "1", "301", "吴五")]
    report = import_register(engine, write_csv(tmp_path / "u.csv", rows))
    assert codes(report) == [(None, 2, "小区", "unknown_estate_near")]
    assert "最接近的是「观澜苑」" in report.errors[0].text()


def test_one_new_estate_written_two_ways_is_created_once(engine, tmp_path):
    rows = [
        ["胡巷四片区", *_row("新 建 小 区", "1", "1", "101", "郑一")],
        ["胡巷四片区", *_row("新建小區", "1", "1", "102", "郑二")],
    ]
    report = _with_districts(engine, tmp_path, rows)
    assert report.written and report.estates_created == 1
    assert resident(engine, name="郑一").estate == resident(engine, name="郑二").estate


def test_a_move_is_refused_without_apply_moves_and_counts_follow_with_it(engine, tmp_path):
    idn = id_number(1970, 41)
    old = [_row("观澜苑", "60", "1", "101", "冯一", idn), _row("观澜苑", "60", "1", "101", "冯二")]
    import_register(engine, write_csv(tmp_path / "a.csv", old))
    before = snapshot(engine)
    old_house = resident(engine, name="冯一")
    assert old_house.people_count == 2

    moved = [_row("观澜苑", "61", "1", "101", "冯一", idn)]
    refused = import_register(engine, write_csv(tmp_path / "b.csv", moved))
    assert codes(refused) == [(None, 2, "", "move_not_applied")]
    assert "观澜苑 60 栋 1 单元 101 室" in refused.errors[0].text()
    assert "--apply-moves" in refused.errors[0].text()
    assert snapshot(engine) == before

    dry = import_register(
        engine, write_csv(tmp_path / "b.csv", moved), apply_moves=True, dry_run=True
    )
    assert dry.residents_moved == 1 and not dry.written and snapshot(engine) == before

    report = import_register(engine, write_csv(tmp_path / "b.csv", moved), apply_moves=True)
    assert report.written and report.residents_moved == 1 and report.households_created == 1
    now = resident(engine, name="冯一")
    assert (now.building, now.people_count, now.version) == ("61", 1, old_house.version + 1)
    assert resident(engine, name="冯二").people_count == 1  # the household left behind
    with engine.connect() as conn:
        old_h = conn.execute(
            select(households).where(households.c.id == old_house.household_id)
        ).one()
        logged = conn.execute(select(changes).where(changes.c.entity_id == old_h.id)).one()
    assert old_h.field_versions == {"people_count": old_h.version}
    assert logged.data["people_count"] == 1 and logged.version == old_h.version
    # moving back and forth never drifts the counts
    back = import_register(engine, write_csv(tmp_path / "c.csv", [old[0]]), apply_moves=True)
    assert back.residents_moved == 1
    assert resident(engine, name="冯一").people_count == 2
    assert resident(engine, name="冯二").people_count == 2


def test_a_new_estate_is_created_in_its_district_for_every_row(engine, tmp_path):
    rows = [
        ["胡巷四片区", *_row("新区甲", "1", "1", "101", "褚一")],
        ["", *_row("新区甲", "1", "1", "102", "褚二")],
    ]
    report = _with_districts(engine, tmp_path, rows)
    assert report.written and report.estates_created == 1
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(estates).where(estates.c.name == "新区甲")
            ).scalar_one()
            == 1
        )
