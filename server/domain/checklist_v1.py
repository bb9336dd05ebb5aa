"""The five-question visit checklist (五问), version 1, as the demo and a fresh install start.

Questions 1-4 are the report's. Question 5 is ours: a home-safety check (gas, electrics,
e-bike charging, blocked fire escapes). Why: a fifth of the residents are 60+ and many live
alone; old gas hoses, overloaded wiring and e-bikes charged in stairwells are the fires that
hurt them, and a neighbour head standing in the doorway is the one person who sees them. A
hazard found becomes a concern (category 安全隐患). Staff can publish later versions; this
module is only version 1 (docs/register-format.md has the rationale too).
"""

from __future__ import annotations

from typing import Any


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _opt(value: str, zh: str, en: str) -> dict[str, Any]:
    return {"value": value, "label": _t(zh, en)}


CHECKLIST_V1_TITLE: dict[str, str] = _t("入户五问", "Five questions")

CHECKLIST_V1_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "household_size",
        "type": "number",
        "label": _t("你家有几口人？", "How many people live in your household?"),
        "help": _t("实际居住人数", "People actually living here"),
        "required": True,
        "options": [],
        "min": 0,
        "max": 30,
    },
    {
        "key": "suggestions",
        "type": "text",
        "label": _t(
            "对街道、社区有什么好的意见建议吗？",
            "Any suggestions for the sub-district or the community?",
        ),
        "help": None,
        "required": False,
        "options": [],
        "min": None,
        "max": None,
    },
    {
        "key": "officials_conduct",
        "type": "choice",
        "label": _t(
            "党员干部履职和作风情况怎么样？",
            "How do party members and officials do their duties and conduct?",
        ),
        "help": None,
        "required": False,
        "options": [
            _opt("good", "好", "Good"),
            _opt("fair", "一般", "Fair"),
            _opt("poor", "差", "Poor"),
            _opt("no_comment", "不了解", "No comment"),
        ],
        "min": None,
        "max": None,
    },
    {
        "key": "difficulties",
        "type": "text",
        "label": _t("生活上有什么困难吗？", "Any difficulties in daily life?"),
        "help": _t("有具体困难请另外登记诉求", "Record a concern for anything to follow up"),
        "required": False,
        "options": [],
        "min": None,
        "max": None,
    },
    {
        "key": "home_safety",
        "type": "multi_choice",
        "label": _t(
            "家里燃气、用电、消防通道有安全隐患吗？",
            "Any safety hazards at home: gas, electrics, fire escape?",
        ),
        "help": _t(
            "看一眼燃气软管、插线板、楼道电动车充电和堆物",
            "Look at the gas hose, power strips, e-bike charging and clutter in the stairwell",
        ),
        "required": False,
        "options": [
            _opt("none", "没有发现隐患", "No hazard seen"),
            _opt("gas", "燃气（软管老化、无报警器）", "Gas (old hose, no alarm)"),
            _opt("electric", "用电（私拉电线、插线板过载）", "Electrics (loose wiring, overload)"),
            _opt("ebike_charging", "电动车楼道或室内充电", "E-bike charged indoors/stairwell"),
            _opt("escape_route", "楼道堆物、消防通道堵塞", "Blocked stairwell or fire escape"),
        ],
        "min": None,
        "max": None,
        "concern_category": "安全隐患",
    },
]
