"""Every string a user can see, in Simplified Chinese (default) and English, keyed by meaning.

Screens never hold literal user text: they call ``t("key", **values)`` on the session's
:class:`Translator`. A missing English entry falls back to Chinese; a missing key raises in
tests (see tests/app/test_i18n.py) rather than showing a raw key to a resident.
"""

from __future__ import annotations

DEFAULT_LANG = "zh"
LANGUAGES: dict[str, str] = {"zh": "简体中文", "en": "English"}

CATALOGUE: dict[str, dict[str, str]] = {
    # --- app, navigation ---------------------------------------------------------------------
    "app.name": {"zh": "巷邻长", "en": "Xianglin"},
    "app.tagline": {
        "zh": "入户走访 · 居民诉求 · 离线可用",
        "en": "Home visits · concerns · works offline",
    },
    "nav.home": {"zh": "首页", "en": "Home"},
    "nav.households": {"zh": "住户", "en": "Households"},
    "nav.concerns": {"zh": "诉求", "en": "Concerns"},
    "nav.sync": {"zh": "同步", "en": "Sync"},
    "nav.settings": {"zh": "设置", "en": "Settings"},
    "nav.back": {"zh": "返回", "en": "Back"},
    "common.cancel": {"zh": "取消", "en": "Cancel"},
    "common.confirm": {"zh": "确定", "en": "OK"},
    "common.save": {"zh": "保存", "en": "Save"},
    "common.retry": {"zh": "重试", "en": "Retry"},
    "common.loading": {"zh": "加载中…", "en": "Loading…"},
    "common.load_more": {"zh": "加载更多", "en": "Load more"},
    "common.none": {"zh": "无", "en": "None"},
    "common.yes": {"zh": "是", "en": "Yes"},
    "common.no": {"zh": "否", "en": "No"},
    "common.unknown": {"zh": "未知", "en": "Unknown"},
    "common.pending": {"zh": "待上传", "en": "Not uploaded"},
    "common.count_shown": {"zh": "显示 {shown} / 共 {total}", "en": "{shown} of {total}"},
    "error.generic": {
        "zh": "出了点问题，请稍后再试。已保存的内容不会丢失。",
        "en": "Something went wrong. Please try again; nothing saved is lost.",
    },
    "error.not_found": {
        "zh": "找不到这条记录，可能已被删除。",
        "en": "This record was not found; it may have been removed.",
    },
    # --- login -------------------------------------------------------------------------------
    "login.title": {"zh": "登录", "en": "Sign in"},
    "login.server": {"zh": "服务器地址", "en": "Server address"},
    "login.server_hint": {
        "zh": "例如 http://192.168.1.10:8000",
        "en": "e.g. http://192.168.1.10:8000",
    },
    "login.username": {"zh": "用户名", "en": "Username"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.busy": {"zh": "正在登录…", "en": "Signing in…"},
    "login.missing_fields": {
        "zh": "请填写服务器地址、用户名和密码。",
        "en": "Enter the server address, username and password.",
    },
    "login.bad_server": {
        "zh": "服务器地址应以 http:// 或 https:// 开头。",
        "en": "The server address must start with http:// or https://.",
    },
    "login.err.bad_credentials": {
        "zh": "用户名或密码不正确。",
        "en": "Wrong username or password.",
    },
    "login.err.rate_limited": {
        "zh": "尝试次数过多，请稍后再试。",
        "en": "Too many attempts; try again later.",
    },
    "login.err.network": {
        "zh": "连不上服务器，请检查网络和服务器地址。",
        "en": "Cannot reach the server; check the network and address.",
    },
    "login.err.server": {
        "zh": "服务器出错，请稍后再试。",
        "en": "The server had a problem; try again later.",
    },
    "login.session_expired": {
        "zh": "登录已失效，请重新登录。已保存的记录不会丢失。",
        "en": "Your session has expired; please sign in again. Nothing saved is lost.",
    },
    # --- PIN ---------------------------------------------------------------------------------
    "pin.lock_title": {"zh": "输入 PIN 码解锁", "en": "Enter your PIN to unlock"},
    "pin.field": {"zh": "PIN 码（4–6 位数字）", "en": "PIN (4–6 digits)"},
    "pin.unlock": {"zh": "解锁", "en": "Unlock"},
    "pin.wrong": {
        "zh": "PIN 码不正确，还可尝试 {left} 次。",
        "en": "Wrong PIN; {left} tries left.",
    },
    "pin.locked_out": {
        "zh": "PIN 码错误次数过多，请重新登录。",
        "en": "Too many wrong PINs; please sign in again.",
    },
    "pin.forgot": {"zh": "忘记 PIN？重新登录", "en": "Forgot PIN? Sign in again"},
    "pin.set_title": {"zh": "设置 PIN 码", "en": "Set a PIN"},
    "pin.set_explain": {
        "zh": "手机丢失时，PIN 码可保护居民信息。每次打开应用时需输入。",
        "en": "A PIN protects residents' data if the phone is lost. It is asked each time the app opens.",
    },
    "pin.new": {"zh": "新 PIN 码", "en": "New PIN"},
    "pin.repeat": {"zh": "再次输入", "en": "Repeat PIN"},
    "pin.invalid": {"zh": "PIN 码须为 4–6 位数字。", "en": "The PIN must be 4–6 digits."},
    "pin.mismatch": {"zh": "两次输入不一致。", "en": "The two PINs differ."},
    "pin.saved": {"zh": "PIN 码已设置。", "en": "PIN set."},
    "pin.removed": {"zh": "PIN 码已取消。", "en": "PIN removed."},
    "pin.skip": {"zh": "以后再说", "en": "Later"},
    # --- home --------------------------------------------------------------------------------
    "home.greeting": {"zh": "您好，{name}", "en": "Hello, {name}"},
    "home.my_estates": {"zh": "我的小区", "en": "My estates"},
    "home.households": {"zh": "户数", "en": "Households"},
    "home.visited_month": {"zh": "本月已走访", "en": "Visited this month"},
    "home.coverage": {"zh": "本月覆盖 {pct}%", "en": "{pct}% covered this month"},
    "home.not_visited_30": {"zh": "30 天未走访", "en": "Not visited 30+ days"},
    "home.open_concerns": {"zh": "我的未办结诉求", "en": "My open concerns"},
    "home.estate_line": {
        "zh": "{households} 户 · 本月走访 {visited} · 30 天未访 {stale}",
        "en": "{households} households · {visited} visited · {stale} not visited 30+ days",
    },
    "home.no_data": {
        "zh": "还没有数据。连网后会自动下载您负责的小区。",
        "en": "No data yet. Your estates download automatically when online.",
    },
    "home.first_sync": {"zh": "正在下载您负责的小区…", "en": "Downloading your estates…"},
    "home.find_household": {"zh": "查找住户", "en": "Find a household"},
    # --- households, search ------------------------------------------------------------------
    "hh.title": {"zh": "住户", "en": "Households"},
    "hh.search": {
        "zh": "姓名、拼音首字母、手机尾号或 3-2-401",
        "en": "Name, pinyin initials, phone tail or 3-2-401",
    },
    "hh.mode_households": {"zh": "按住户", "en": "Households"},
    "hh.mode_residents": {"zh": "按居民", "en": "Residents"},
    "hh.filter_estate": {"zh": "小区", "en": "Estate"},
    "hh.filter_building": {"zh": "楼栋", "en": "Building"},
    "hh.all_estates": {"zh": "全部小区", "en": "All estates"},
    "hh.all_buildings": {"zh": "全部楼栋", "en": "All buildings"},
    "hh.building_n": {"zh": "{b} 幢", "en": "Bldg {b}"},
    "hh.aged_60": {"zh": "60 岁以上", "en": "Aged 60+"},
    "hh.lives_alone": {"zh": "独居", "en": "Living alone"},
    "hh.not_visited": {"zh": "30 天未走访", "en": "Not visited 30+ days"},
    "hh.count": {"zh": "共 {n} 户", "en": "{n} households"},
    "hh.residents_count": {"zh": "找到 {n} 位居民", "en": "{n} residents found"},
    "hh.empty": {"zh": "没有符合条件的住户。", "en": "No household matches."},
    "hh.empty_residents": {"zh": "没有符合条件的居民。", "en": "No resident matches."},
    "hh.people": {"zh": "{n} 人", "en": "{n} people"},
    "hh.never_visited": {"zh": "从未走访", "en": "Never visited"},
    "hh.last_visit": {"zh": "上次走访 {date}", "en": "Last visit {date}"},
    "hh.open_concerns_n": {"zh": "{n} 项诉求", "en": "{n} concerns"},
    "hh.clear_filters": {"zh": "清除筛选", "en": "Clear filters"},
    # --- household page ----------------------------------------------------------------------
    "house.members": {"zh": "家庭成员", "en": "Members"},
    "house.no_members": {"zh": "暂无成员记录。", "en": "No members recorded."},
    "house.age": {"zh": "{age} 岁", "en": "{age} y"},
    "house.visits": {"zh": "走访记录", "en": "Visits"},
    "house.no_visits": {"zh": "还没有走访记录。", "en": "No visits yet."},
    "house.open_concerns": {"zh": "未办结诉求", "en": "Open concerns"},
    "house.no_concerns": {"zh": "没有未办结的诉求。", "en": "No open concerns."},
    "house.record_visit": {"zh": "记录走访", "en": "Record visit"},
    "house.people_count": {"zh": "登记 {n} 人", "en": "{n} registered"},
    "house.show_qr": {"zh": "出示问卷二维码", "en": "Show questionnaire QR"},
    "house.visit_line": {
        "zh": "{date} · {method} · 见到 {n} 人 · {who}",
        "en": "{date} · {method} · reached {n} · {who}",
    },
    "house.qr_pick": {"zh": "选择要出示的问卷", "en": "Choose a questionnaire"},
    "house.qr_instruction": {
        "zh": "请用手机微信或相机扫码填写",
        "en": "Scan with your phone camera to answer",
    },
    "house.qr_none": {"zh": "还没有可用的问卷。", "en": "No questionnaire available yet."},
    "common.close": {"zh": "关闭", "en": "Close"},
    "house.follow_up": {"zh": "回访日期 {date}", "en": "Follow up {date}"},
    # --- flags -------------------------------------------------------------------------------
    "flag.aged_60": {"zh": "60+", "en": "60+"},
    "flag.lives_alone": {"zh": "独居", "en": "Lives alone"},
    "flag.needs_help": {"zh": "需帮扶", "en": "Needs help"},
    "flag.disabled": {"zh": "残疾", "en": "Disabled"},
    "flag.low_income": {"zh": "低保", "en": "Low income"},
    "flag.party_member": {"zh": "党员", "en": "Party member"},
    "vacc.unknown": {"zh": "接种情况未知", "en": "Vaccination unknown"},
    "vacc.none": {"zh": "未接种", "en": "Not vaccinated"},
    "vacc.partial": {"zh": "部分接种", "en": "Partly vaccinated"},
    "vacc.full": {"zh": "已全程接种", "en": "Fully vaccinated"},
    "vacc.booster": {"zh": "已加强接种", "en": "Booster done"},
    "gender.male": {"zh": "男", "en": "M"},
    "gender.female": {"zh": "女", "en": "F"},
    "gender.unknown": {"zh": "", "en": ""},
    # --- visit form --------------------------------------------------------------------------
    "visit.title": {"zh": "记录走访", "en": "Record visit"},
    "visit.method": {"zh": "走访方式", "en": "How"},
    "method.in_person": {"zh": "入户走访", "en": "In person"},
    "method.phone": {"zh": "电话走访", "en": "By phone"},
    "visit.people_reached": {"zh": "见到人数", "en": "People reached"},
    "visit.checklist": {"zh": "走访问题", "en": "Checklist"},
    "visit.no_checklist": {
        "zh": "问题清单尚未下载，可先记录备注。",
        "en": "The checklist has not downloaded yet; notes can still be saved.",
    },
    "visit.notes": {"zh": "备注", "en": "Notes"},
    "visit.notes_hint": {
        "zh": "居民说了什么、需要跟进什么",
        "en": "What residents said, what to follow up",
    },
    "visit.follow_up": {"zh": "回访", "en": "Follow up"},
    "visit.follow_none": {"zh": "不需要", "en": "Not needed"},
    "visit.follow_7": {"zh": "一周后", "en": "In a week"},
    "visit.follow_14": {"zh": "两周后", "en": "In 2 weeks"},
    "visit.follow_30": {"zh": "一个月后", "en": "In a month"},
    "visit.save": {"zh": "保存走访", "en": "Save visit"},
    "visit.saved": {
        "zh": "走访已保存，将在联网时上传。",
        "en": "Visit saved; it uploads when online.",
    },
    "visit.save_failed": {"zh": "保存失败：{reason}", "en": "Not saved: {reason}"},
    "visit.invalid_entry": {
        "zh": "有内容格式不对或太长，请检查后再保存。",
        "en": "Something entered is not valid or too long; check it and save again.",
    },
    "visit.invalid_people": {
        "zh": "见到人数应为 0–99 的整数。",
        "en": "People reached must be a whole number 0–99.",
    },
    "visit.required_missing": {"zh": "请回答必答题：{label}", "en": "Please answer: {label}"},
    "visit.concerns_added": {"zh": "本次将提交 {n} 项诉求", "en": "{n} concerns will be raised"},
    "visit.answer_yes": {"zh": "是", "en": "Yes"},
    "visit.answer_no": {"zh": "否", "en": "No"},
    "visit.raise_from_answer": {"zh": "据此提诉求", "en": "Raise a concern"},
    "visit.number_invalid": {"zh": "请输入数字", "en": "Enter a number"},
    # --- concerns ----------------------------------------------------------------------------
    "concern.title": {"zh": "诉求", "en": "Concerns"},
    "concern.raise": {"zh": "提诉求", "en": "Raise a concern"},
    "concern.kind": {"zh": "类型", "en": "Kind"},
    "kind.request": {"zh": "诉求", "en": "Request"},
    "kind.complaint": {"zh": "投诉", "en": "Complaint"},
    "kind.suggestion": {"zh": "建议", "en": "Suggestion"},
    "concern.category": {"zh": "类别", "en": "Category"},
    "concern.description": {"zh": "内容", "en": "Description"},
    "concern.add": {"zh": "添加", "en": "Add"},
    "concern.need_description": {"zh": "请填写诉求内容。", "en": "Describe the concern."},
    "concern.mine": {"zh": "只看我的", "en": "Only mine"},
    "concern.empty": {"zh": "这个状态下没有诉求。", "en": "No concerns with this status."},
    "concern.history": {"zh": "处理经过", "en": "History"},
    "concern.comment": {"zh": "添加说明", "en": "Add a comment"},
    "concern.send": {"zh": "发送", "en": "Send"},
    "concern.comment_saved": {"zh": "说明已保存。", "en": "Comment saved."},
    "concern.moved": {"zh": "已改为“{status}”。", "en": "Moved to “{status}”."},
    "concern.move_to": {"zh": "改为：{status}", "en": "Move to: {status}"},
    "concern.household": {"zh": "住户 {address}", "en": "Household {address}"},
    "concern.by": {"zh": "{who} 于 {date} 登记", "en": "Logged by {who} on {date}"},
    "concern.cat.housing": {"zh": "房屋维修", "en": "Housing repair"},
    "concern.cat.environment": {"zh": "环境卫生", "en": "Environment"},
    "concern.cat.safety": {"zh": "安全隐患", "en": "Safety"},
    "concern.cat.elderly": {"zh": "养老助老", "en": "Elderly care"},
    "concern.cat.health": {"zh": "医疗健康", "en": "Health"},
    "concern.cat.neighbours": {"zh": "邻里关系", "en": "Neighbours"},
    "concern.cat.services": {"zh": "社区服务", "en": "Community services"},
    "concern.cat.other": {"zh": "其他", "en": "Other"},
    "status.open": {"zh": "待处理", "en": "Open"},
    "status.in_review": {"zh": "研判中", "en": "In review"},
    "status.resolved": {"zh": "已解决", "en": "Resolved"},
    "status.referred": {"zh": "已转办", "en": "Referred"},
    "status.closed": {"zh": "已关闭", "en": "Closed"},
    "event.created": {"zh": "登记", "en": "Logged"},
    "event.comment": {"zh": "说明", "en": "Comment"},
    "event.transition": {"zh": "{from_} → {to}", "en": "{from_} → {to}"},
    # --- questionnaire answers to review -------------------------------------------------------
    "review.title": {"zh": "扫码问卷待处理", "en": "Questionnaire answers to review"},
    "review.empty": {"zh": "没有待处理的问卷答复。", "en": "No answers to review."},
    "review.outcome.resident_updated": {"zh": "已更新居民信息", "en": "Resident updated"},
    "review.outcome.concern_raised": {"zh": "已转为诉求", "en": "Concern raised"},
    "review.outcome.no_action": {"zh": "无需处理", "en": "No action"},
    "review.done": {"zh": "已处理。", "en": "Marked as dealt with."},
    "home.to_review": {
        "zh": "{n} 份扫码问卷答复待处理",
        "en": "{n} questionnaire answers to review",
    },
    "estate.coverage": {"zh": "本月走访覆盖 {pct}%", "en": "Visited this month: {pct}%"},
    "review.count": {"zh": "{n} 份答复待处理", "en": "{n} answers to review"},
    "review.open_household": {"zh": "打开住户", "en": "Open household"},
    "review.add_resident": {"zh": "登记为居民", "en": "Add resident"},
    "review.update_resident": {"zh": "更新居民 {name}", "en": "Update {name}"},
    "review.mark_done": {"zh": "标为已处理", "en": "Mark dealt with"},
    "review.also_done": {
        "zh": "同时把这份答复标为已处理",
        "en": "Also mark this answer dealt with",
    },
    "review.resident_saved": {"zh": "居民信息已保存。", "en": "Resident saved."},
    "review.concern_saved": {"zh": "诉求已登记。", "en": "Concern raised."},
    "review.no_household": {
        "zh": "这份答复没有对应到住户，无法直接登记居民或提诉求。",
        "en": "This answer is not tied to a household, so it cannot add a resident or raise a concern directly.",
    },
    "review.unknown_questionnaire": {"zh": "问卷", "en": "Questionnaire"},
    "review.show_phone": {"zh": "显示完整号码", "en": "Show the whole number"},
    "review.hide_phone": {"zh": "隐藏号码", "en": "Hide the number"},
    "review.call": {"zh": "拨打", "en": "Call"},
    "review.open": {"zh": "扫码问卷答复", "en": "Questionnaire answers"},
    # --- resident dialog -------------------------------------------------------------------------
    "resident.add_title": {"zh": "登记居民", "en": "Add a resident"},
    "resident.update_title": {"zh": "更新居民信息", "en": "Update a resident"},
    "resident.target_add": {"zh": "新增到：{where}", "en": "Adding to: {where}"},
    "resident.target_update": {"zh": "更新：{where} 的 {name}", "en": "Updating {name}, {where}"},
    "resident.name": {"zh": "姓名", "en": "Name"},
    "resident.birth_year": {"zh": "出生年份", "en": "Year of birth"},
    "resident.phone": {"zh": "手机号", "en": "Mobile phone"},
    "resident.phone_now": {"zh": "登记的号码：{phone}", "en": "On record: {phone}"},
    "resident.need_name": {"zh": "请填写姓名", "en": "Enter a name"},
    "resident.bad_birth_year": {"zh": "请填写四位年份，如 1958", "en": "Enter a year, e.g. 1958"},
    "resident.invalid": {
        "zh": "有内容格式不对，请检查后再保存。",
        "en": "Something entered is not valid; check it and save again.",
    },
    # --- sync --------------------------------------------------------------------------------
    "sync.title": {"zh": "同步", "en": "Sync"},
    "sync.online": {"zh": "在线", "en": "Online"},
    "sync.offline": {"zh": "离线", "en": "Offline"},
    "sync.syncing": {"zh": "同步中…", "en": "Syncing…"},
    "sync.all_sent": {"zh": "已全部上传", "en": "All uploaded"},
    "sync.pending_n": {"zh": "{n} 条待上传", "en": "{n} to upload"},
    "sync.rejected_n": {"zh": "{n} 条被退回", "en": "{n} refused"},
    "sync.last": {"zh": "上次同步：{when}", "en": "Last sync: {when}"},
    "sync.never": {"zh": "尚未同步", "en": "Not synced yet"},
    "sync.now": {"zh": "立即同步", "en": "Sync now"},
    "sync.progress": {"zh": "已完成 {done} / {total}", "en": "{done} of {total} done"},
    "sync.offline_banner": {
        "zh": "当前离线：记录会保存在手机上，联网后自动上传。",
        "en": "Offline: entries are kept on this phone and upload when back online.",
    },
    "sync.rejected_title": {"zh": "被服务器退回的记录", "en": "Refused by the server"},
    "sync.no_rejected": {"zh": "没有被退回的记录。", "en": "Nothing was refused."},
    "sync.edit_resend": {"zh": "修改后重发", "en": "Edit and resend"},
    "sync.discard": {"zh": "放弃", "en": "Discard"},
    "sync.discard_confirm": {
        "zh": "放弃这条记录？放弃后无法恢复。",
        "en": "Discard this entry? This cannot be undone.",
    },
    "sync.discarded": {"zh": "已放弃。", "en": "Discarded."},
    "sync.resent": {"zh": "已重新排队上传。", "en": "Queued to send again."},
    "sync.last_error": {
        "zh": "上次同步未完成：{reason}",
        "en": "Last sync did not finish: {reason}",
    },
    "sync.err.network": {"zh": "网络不通", "en": "no connection"},
    "sync.err.timeout": {"zh": "服务器响应超时", "en": "the server did not answer in time"},
    "sync.err.server": {"zh": "服务器出错", "en": "server error"},
    "sync.err.auth": {"zh": "登录已失效", "en": "signed out"},
    "sync.err.gone": {"zh": "需要重新下载全部数据", "en": "a full refresh is needed"},
    "sync.err.bad_request": {"zh": "服务器拒绝了请求", "en": "the server refused the request"},
    "sync.err.too_large": {"zh": "上传内容过大", "en": "the upload was too large"},
    "sync.err.protocol": {
        "zh": "服务器返回了无法识别的内容",
        "en": "unexpected answer from the server",
    },
    "sync.err.cancelled": {"zh": "同步已取消", "en": "sync cancelled"},
    "sync.err.other": {"zh": "未知原因", "en": "unknown reason"},
    "sync.edit_title": {"zh": "修改后重发", "en": "Edit and resend"},
    "sync.edit_invalid": {"zh": "“{field}”格式不正确。", "en": "“{field}” is not valid."},
    "mutation.visit.record": {"zh": "走访记录", "en": "Visit"},
    "mutation.concern.create": {"zh": "新诉求", "en": "New concern"},
    "mutation.concern.transition": {"zh": "诉求状态变更", "en": "Concern status change"},
    "mutation.concern.comment": {"zh": "诉求说明", "en": "Concern comment"},
    "mutation.household.update": {"zh": "住户信息修改", "en": "Household change"},
    "mutation.resident.create": {"zh": "新增居民", "en": "New resident"},
    "mutation.resident.update": {"zh": "居民信息修改", "en": "Resident change"},
    "mutation.resident.remove": {"zh": "移除居民", "en": "Resident removal"},
    "mutation.questionnaire.review": {"zh": "问卷答复处理", "en": "Answer review"},
    "mutation.conflict.resolve": {"zh": "冲突处理", "en": "Conflict decision"},
    "mutation.other": {"zh": "其他记录", "en": "Other entry"},
    "reject.invalid_payload": {"zh": "内容格式不正确", "en": "The entry is not valid"},
    "reject.unknown_type": {
        "zh": "服务器不认识这类记录，请升级应用",
        "en": "The server does not know this kind of entry; update the app",
    },
    "reject.out_of_scope": {
        "zh": "不在您负责的范围内",
        "en": "Outside the estates assigned to you",
    },
    "reject.unknown_household": {
        "zh": "服务器上找不到这户",
        "en": "The server does not know this household",
    },
    "reject.unknown_resident": {
        "zh": "服务器上找不到这位居民",
        "en": "The server does not know this resident",
    },
    "reject.unknown_concern": {
        "zh": "服务器上找不到这项诉求",
        "en": "The server does not know this concern",
    },
    "reject.unknown_conflict": {
        "zh": "服务器上找不到这条冲突记录",
        "en": "The server does not know this conflict",
    },
    "reject.unknown_questionnaire": {
        "zh": "服务器上找不到这份问卷",
        "en": "The server does not know this questionnaire",
    },
    "reject.unknown_response": {
        "zh": "服务器上找不到这份问卷答复",
        "en": "The server does not know this answer",
    },
    "reject.unknown_checklist": {"zh": "走访问题清单版本无效", "en": "Unknown checklist version"},
    "reject.invalid_transition": {
        "zh": "诉求当前状态不允许此变更",
        "en": "The concern cannot move to that status now",
    },
    "reject.forbidden": {"zh": "您的角色无权这样做", "en": "Your role may not do this"},
    "reject.entity_exists": {
        "zh": "记录已存在且内容不同",
        "en": "A different record with this id exists",
    },
    "reject.other": {"zh": "服务器拒绝了这条记录", "en": "The server refused this entry"},
    "field.notes": {"zh": "备注", "en": "Notes"},
    "field.people_reached": {"zh": "见到人数", "en": "People reached"},
    "field.description": {"zh": "内容", "en": "Description"},
    "field.category": {"zh": "类别", "en": "Category"},
    "field.text": {"zh": "说明", "en": "Comment"},
    "field.note": {"zh": "备注", "en": "Note"},
    "field.name": {"zh": "姓名", "en": "Name"},
    # --- settings ----------------------------------------------------------------------------
    "settings.title": {"zh": "设置", "en": "Settings"},
    "settings.language": {"zh": "语言", "en": "Language"},
    "settings.pin": {"zh": "PIN 码锁", "en": "PIN lock"},
    "settings.pin_on": {"zh": "已开启", "en": "On"},
    "settings.pin_off": {"zh": "未开启", "en": "Off"},
    "settings.pin_set": {"zh": "设置 PIN 码", "en": "Set PIN"},
    "settings.pin_change": {"zh": "修改 PIN 码", "en": "Change PIN"},
    "settings.pin_remove": {"zh": "取消 PIN 码", "en": "Remove PIN"},
    "settings.server": {"zh": "服务器", "en": "Server"},
    "settings.account": {"zh": "账号", "en": "Account"},
    "settings.role.head": {"zh": "巷邻长", "en": "Neighbour head"},
    "settings.role.district_head": {"zh": "片长", "en": "District head"},
    "settings.role.staff": {"zh": "社区工作人员", "en": "Community staff"},
    "settings.logout": {"zh": "退出登录", "en": "Sign out"},
    "settings.logout_confirm": {
        "zh": "退出登录？未上传的 {n} 条记录会保留在手机上，下次登录同一账号后继续上传。",
        "en": "Sign out? The {n} entries not yet uploaded stay on this phone and upload after you sign in to the same account.",
    },
    "settings.about": {"zh": "关于", "en": "About"},
    "settings.version": {"zh": "版本 {v}", "en": "Version {v}"},
    "settings.data_path": {"zh": "数据保存在本机：{path}", "en": "Data kept on this phone: {path}"},
    "settings.data_counts": {
        "zh": "本机保存 {households} 户、{pending} 条待上传",
        "en": "{households} households and {pending} unsent entries on this phone",
    },
    "settings.token_note": {
        "zh": "登录凭证仅保存在本机{where}，不会显示。",
        "en": "The sign-in token is kept on this device{where} and never shown.",
    },
    "settings.token_secure": {"zh": "的安全存储中", "en": " in secure storage"},
    # --- relative time -----------------------------------------------------------------------
    "time.just_now": {"zh": "刚刚", "en": "just now"},
    "time.minutes_ago": {"zh": "{n} 分钟前", "en": "{n} min ago"},
    "time.hours_ago": {"zh": "{n} 小时前", "en": "{n} h ago"},
    "time.days_ago": {"zh": "{n} 天前", "en": "{n} days ago"},
}


class Translator:
    """Looks strings up for one language; ``t("key", n=3)`` formats with the values given."""

    def __init__(self, lang: str = DEFAULT_LANG):
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANG

    def __call__(self, key: str, **values: object) -> str:
        entry = CATALOGUE[key]  # KeyError is a programming error, caught by tests
        text = entry.get(self.lang) or entry[DEFAULT_LANG]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in CATALOGUE

    def text(self, localized: dict | str | None) -> str:
        """Pick this language from a server-side ``{"zh": ..., "en": ...}`` text."""
        if localized is None:
            return ""
        if isinstance(localized, str):
            return localized
        return localized.get(self.lang) or localized.get(DEFAULT_LANG) or ""
