"""Every word the public questionnaire pages show, Simplified Chinese first, English second.

Pages pick a language with ``?lang=en`` (anything else is Chinese); keys name the meaning.
"""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-Hans",
        "site": "胡巷社区",
        "other_lang": "English",
        "estate": "所在小区",
        "required_mark": "必填",
        "optional_mark": "选填",
        "yes": "是",
        "no": "否",
        "submit": "提交",
        "privacy": "您填写的信息仅用于社区服务，不会公开。",
        "fix_errors": "有 {n} 处需要修改，请查看标红的题目。",
        "err_required": "此题必填。",
        "err_too_long": "内容太长，最多 {max} 字。",
        "err_not_a_number": "请填写数字。",
        "err_not_an_integer": "请填写整数。",
        "err_too_small": "数值不能小于 {min}。",
        "err_too_large": "数值不能大于 {max}。",
        "err_bad_phone": "请填写 11 位手机号码，例如 13812345678。",
        "err_bad_address": "请按“楼栋-单元-室”填写，例如 3-2-401。",
        "err_bad_choice": "请从选项中选择。",
        "hint_phone": "11 位手机号",
        "hint_address": "如 3-2-401",
        "range": "{min}–{max}",
        "expired": "页面停留时间过长，请核对后再次提交。",
        "updated": "问卷内容已更新，请核对后再次提交。",
        "thanks_title": "提交成功",
        "thanks_body": "感谢您的填写！巷邻长会尽快查看，如有需要会与您联系。",
        "again": "再填一份",
        "replay_title": "已经提交过了",
        "replay_body": "这份问卷已经提交成功，无需重复提交。",
        "invalid_title": "页面已失效",
        "invalid_body": "请重新扫描二维码打开问卷。",
        "not_found_title": "找不到这份问卷",
        "not_found_body": "二维码可能已过期或有误，请联系巷邻长或社区工作人员。",
        "too_large_title": "提交的内容太多",
        "too_large_body": "请精简后再提交。",
        "too_many_title": "提交太频繁了",
        "too_many_body": "请稍等几分钟后再试。",
        "too_many_opened_title": "打开问卷太频繁了",
        "too_many_opened_body": "请稍等几分钟后再打开。",
        "bad_type_title": "无法识别的提交",
        "bad_type_body": "请通过问卷页面提交。",
        "back": "返回问卷",
    },
    "en": {
        "html_lang": "en",
        "site": "Huxiang Community",
        "other_lang": "中文",
        "estate": "Estate",
        "required_mark": "required",
        "optional_mark": "optional",
        "yes": "Yes",
        "no": "No",
        "submit": "Submit",
        "privacy": "What you enter is used only for community services and is never published.",
        "fix_errors": "{n} answer(s) need attention; see the questions marked in red.",
        "err_required": "Please answer this question.",
        "err_too_long": "Too long: {max} characters at most.",
        "err_not_a_number": "Please enter a number.",
        "err_not_an_integer": "Please enter a whole number.",
        "err_too_small": "The smallest allowed is {min}.",
        "err_too_large": "The largest allowed is {max}.",
        "err_bad_phone": "Please enter an 11-digit mobile number, e.g. 13812345678.",
        "err_bad_address": "Please write building-unit-room, e.g. 3-2-401.",
        "err_bad_choice": "Please pick one of the options.",
        "hint_phone": "11-digit mobile",
        "hint_address": "e.g. 3-2-401",
        "range": "{min}–{max}",
        "expired": "The page was open for a long time; please check and submit again.",
        "updated": "The questionnaire has changed; please check and submit again.",
        "thanks_title": "Thank you",
        "thanks_body": "Your answers were received. A neighbour head will read them and contact you if needed.",
        "again": "Fill in another",
        "replay_title": "Already submitted",
        "replay_body": "This form was already submitted; there is no need to send it again.",
        "invalid_title": "This page has expired",
        "invalid_body": "Please scan the QR code again to open the questionnaire.",
        "not_found_title": "Questionnaire not found",
        "not_found_body": "The QR code may be out of date or wrong; please ask a neighbour head or community staff.",
        "too_large_title": "Too much was sent",
        "too_large_body": "Please shorten your answers and submit again.",
        "too_many_title": "Too many submissions",
        "too_many_body": "Please wait a few minutes and try again.",
        "too_many_opened_title": "The form was opened too often",
        "too_many_opened_body": "Please wait a few minutes and open it again.",
        "bad_type_title": "Submission not understood",
        "bad_type_body": "Please submit through the questionnaire page.",
        "back": "Back to the questionnaire",
    },
}


def pick_lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


def texts(lang: str) -> dict[str, str]:
    return TEXT[pick_lang(lang)]
