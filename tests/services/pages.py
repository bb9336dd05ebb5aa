"""Synthetic pull pages for store tests that need no server: a tiny community whose every
row follows the protocol's entity data models."""

from __future__ import annotations

import uuid

from services.protocol import ENTITY_DATA, mask_phone


def uid() -> str:
    return str(uuid.uuid4())


def change(entity: str, data: dict, version: int = 1, op: str = "upsert") -> dict:
    if op == "upsert":
        ENTITY_DATA[entity].model_validate(data)  # keep the fixtures honest
    return {"entity": entity, "id": data["id"], "op": op, "version": version, "data": data}


def tombstone(entity: str, row_id: str, version: int = 2) -> dict:
    return {"entity": entity, "id": row_id, "op": "delete", "version": version, "data": None}


def household(estate_id: str, building: str, unit: str, room: str, **extra) -> dict:
    return {
        "id": uid(),
        "estate_id": estate_id,
        "building": building,
        "unit": unit,
        "room": room,
        "people_count": extra.pop("people_count", 2),
        "note": "",
        "version": extra.pop("version", 1),
        **extra,
    }


def resident(household_id: str, name: str, *, phone: str | None = None, **extra) -> dict:
    return {
        "id": uid(),
        "household_id": household_id,
        "name": name,
        "gender": "unknown",
        "birth_year": extra.pop("birth_year", 1980),
        "phone_masked": mask_phone(phone),
        "relation": "",
        "flags": extra.pop("flags", []),
        "vaccination": "unknown",
        "note": "",
        "version": extra.pop("version", 1),
        **extra,
    }


CHECKLIST = {
    "id": "00000000-0000-4000-8000-000000000001",
    "version": 1,
    "title": {"zh": "五问", "en": "Five questions"},
    "questions": [
        {
            "key": "household_size",
            "type": "number",
            "label": {"zh": "你家有几口人"},
            "min": 0,
            "max": 30,
        },
        {"key": "suggestions", "type": "text", "label": {"zh": "意见建议"}},
    ],
    "active": True,
}

USER = {"id": uid(), "name": "王芳", "role": "head", "estate_ids": [], "district_id": None}


class Community:
    """Two estates, a few households and residents with known names/phones/addresses."""

    def __init__(self) -> None:
        self.district = {"id": uid(), "name": "一片区"}
        self.estate_a = {"id": uid(), "name": "胡巷新村", "district_id": self.district["id"]}
        self.estate_b = {"id": uid(), "name": "南园公寓", "district_id": self.district["id"]}
        self.h1 = household(self.estate_a["id"], "3", "2", "401")
        self.h2 = household(self.estate_a["id"], "3", "2", "402")
        self.h3 = household(self.estate_a["id"], "10", "1", "101")
        self.h4 = household(self.estate_b["id"], "1", "", "305")
        self.zhangwei = resident(self.h1["id"], "张伟", phone="13812345678", birth_year=1950)
        self.zhangweiming = resident(self.h2["id"], "张伟明", phone="13900001111", birth_year=1990)
        self.lizhang = resident(
            self.h3["id"], "李章", phone="13700005678", flags=["lives_alone"], birth_year=1940
        )
        self.shan = resident(self.h4["id"], "单田芳", phone="13600002222", flags=["needs_help"])
        self.wang = resident(self.h4["id"], "王小微", phone=None)
        self.residents = [self.zhangwei, self.zhangweiming, self.lizhang, self.shan, self.wang]
        self.households = [self.h1, self.h2, self.h3, self.h4]

    def changes(self) -> list[dict]:
        out = [
            change("district", self.district),
            change("estate", self.estate_a),
            change("estate", self.estate_b),
            change("checklist", CHECKLIST),
        ]
        out += [change("household", h) for h in self.households]
        out += [change("resident", r) for r in self.residents]
        return out
