"""The concern categories (诉求类别): one list for the server, its demo data and the phone.

The stored value is the category's name in the office's words, which staff read in reports
and minutes and which the due-date rules (``server.settings``) are keyed by. Each has a stable
ASCII key, which the phone's catalogue translates (``concern.cat.<key>``). A category a server
or staff wrote that is not here is kept and shown as written.
"""

from __future__ import annotations

#: name (the stored value) -> key (for translations), in the order the phone offers them
CONCERN_CATEGORIES: dict[str, str] = {
    "物业管理": "property",
    "设施维修": "repairs",
    "安全隐患": "safety",
    "环境卫生": "environment",
    "停车管理": "parking",
    "养老服务": "elderly",
    "医疗健康": "health",
    "政策咨询": "policy",
    "社区活动": "activities",
    "邻里关系": "neighbours",
    "其他": "other",
}
#: the category of a concern nothing else places
OTHER_CATEGORY = "其他"
#: key -> name, for code that speaks of a category by its key
CATEGORY_NAMES: dict[str, str] = {key: name for name, key in CONCERN_CATEGORIES.items()}
