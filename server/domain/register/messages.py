"""Every sentence the register import says, in Chinese (default) and English.

The people who import registers are community office staff who read Chinese: each message
names where (sheet, row as the spreadsheet shows it, the column header as written) and what
to do. A message never carries a phone or ID-card number.
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

_FIX_ID_AS_NUMBER_ZH = (
    "表格把身份证号当成数字保存，只留下 15 位有效数字，末几位已经丢失，无法还原。"
    "请把这一列设为“文本”格式后重新录入号码，或从原系统重新导出为 CSV 文件"
)
_FIX_ID_AS_NUMBER_EN = (
    "the spreadsheet stored the ID number as a number, which keeps 15 significant digits: "
    "the last digits are lost and cannot be recovered. Format the column as text and enter "
    "the numbers again, or export the register as CSV from the original system"
)

#: code -> (Chinese, English); ``{name}`` placeholders are filled from the problem's params
MESSAGES: dict[str, tuple[str, str]] = {
    # the file as a whole
    "no_file": ("找不到文件：{path}", "no such file: {path}"),
    "which_community": (
        "数据库里有多个社区：请指明花名册属于哪个社区（--community 社区名称或编号）",
        "the database holds several communities: say whose register this is "
        "(--community NAME_OR_ID)",
    ),
    "unknown_community": ("找不到社区“{community}”", "no community named or with id '{community}'"),
    "bad_type": (
        "花名册须是 .xlsx、.xls、.ods 或 .csv 文件（其他格式请在表格软件里另存为 .xlsx）",
        "the register must be a .xlsx, .xls, .ods or .csv file (save other formats as .xlsx)",
    ),
    "csv_encoding": (
        "CSV 文件既不是 UTF-8 也不是 GBK 编码：请在表格软件里另存为“CSV UTF-8”",
        "the CSV file is neither UTF-8 nor GBK encoded: save it as 'CSV UTF-8'",
    ),
    "csv_broken": (
        "CSV 文件第 {row} 行无法解析（引号不成对或含有非法字符）：请用表格软件打开后重新保存",
        "the CSV file cannot be parsed at line {row} (unbalanced quotes or invalid "
        "characters): open it in a spreadsheet and save it again",
    ),
    "file_too_large": (
        "文件太大（{size} MB，上限 {limit} MB）：请分成几个文件导入",
        "the file is too large ({size} MB, limit {limit} MB): split it into several files",
    ),
    "xlsx_broken": (
        "打不开这个工作簿（{kind}）：文件可能已损坏，请用表格软件打开后重新保存为 .xlsx",
        "cannot open the workbook ({kind}): it may be damaged; open it in a spreadsheet and "
        "save it again as .xlsx",
    ),
    "xlsx_too_big": (
        "工作簿解压后过大（{part} 解压后 {size} MB，上限 {limit} MB）：这不像一份花名册，已拒绝",
        "the workbook is too large once unpacked ({part}: {size} MB, limit {limit} MB): "
        "refused, this is not what a register looks like",
    ),
    "xlsx_ratio": (
        "工作簿中 {part} 的压缩比异常（{ratio} 倍）：已拒绝。请用表格软件打开后重新保存",
        "{part} in the workbook is compressed {ratio} times, far beyond a real register: "
        "refused; open it in a spreadsheet and save it again",
    ),
    "cell_too_long": (
        "{where}有单元格超过 {limit} 个字符：这不像花名册内容，请检查这一行",
        "{where}a cell is longer than {limit} characters: check this row",
    ),
    "too_many_rows": (
        "数据超过 {limit} 行：请分成几个文件导入",
        "more than {limit} rows: split the register into several files",
    ),
    "too_many_cells": (
        "有内容的单元格超过 {limit} 个：请分成几个文件导入",
        "more than {limit} cells with content: split the register into several files",
    ),
    "too_many_columns": (
        "{where}有内容的列超过 {limit} 列：这不像花名册，请检查",
        "{where}more than {limit} columns with content: check the file",
    ),
    "empty_file": ("文件里没有任何内容", "the file is empty"),
    "no_such_sheet": (
        "没有名为「{name}」的工作表；有：{names}",
        "no sheet named '{name}'; the workbook has: {names}",
    ),
    # layout: these stop the whole import, --skip-bad or not
    "no_header": (
        "{where}前 {scan} 行里找不到表头：需要一行同时写有 小区、楼栋、房号、姓名 这些列名"
        "（找到的最接近的是第 {row} 行，缺少：{missing}）。若这张表不是花名册，请用 --sheet "
        "指定要导入的工作表",
        "{where}no header in the first {scan} rows: a row naming the columns 小区, 楼栋, "
        "房号 and 姓名 is needed (the closest is row {row}, missing: {missing}). If this sheet "
        "is not a register, name the one to import with --sheet",
    ),
    "no_header_at_all": (
        "{where}前 {scan} 行里找不到表头：需要一行同时写有 小区、楼栋、房号、姓名 这些列名。"
        "若这张表不是花名册，请用 --sheet 指定要导入的工作表",
        "{where}no header in the first {scan} rows: a row naming the columns 小区, 楼栋, "
        "房号 and 姓名 is needed. If this sheet is not a register, name the one to import "
        "with --sheet",
    ),
    "unknown_column": (
        "{where}列「{column}」不认识，但其中有内容，不能不声不响地丢掉。不需要这一列就加 "
        "--ignore-column {column}；若是已知内容，用 --column {column}=字段 指明（字段：{fields}）",
        "{where}column '{column}' is not one the import knows, and it has content that would "
        "be lost. Pass --ignore-column {column} if it is not needed, or say what it holds with "
        "--column {column}=FIELD (fields: {fields})",
    ),
    "unnamed_column": (
        "{where}第 {letter} 列没有表头，但有内容（如第 {example} 行）：请补上列名，或加 "
        "--ignore-column {letter}",
        "{where}column {letter} has no header but has content (e.g. row {example}): add a "
        "header, or pass --ignore-column {letter}",
    ),
    "column_twice": (
        "{where}列「{column}」和「{other}」都表示「{field}」：只保留一列，另一列用 "
        "--ignore-column 忽略",
        "{where}columns '{column}' and '{other}' both mean '{field}': keep one and pass "
        "--ignore-column for the other",
    ),
    "address_twice": (
        "{where}既有「{column}」列，又有「{parts}」列：地址只能写一种，另一种用 --ignore-column 忽略",
        "{where}both a '{column}' column and '{parts}' columns: keep one way of giving the "
        "address and pass --ignore-column for the other",
    ),
    # one cell or row; the row is refused
    "address_unclear": (
        "认不出楼栋、单元和房号：请写成 1栋2单元101室、1-2-101 这样，或分成楼栋、单元、房号三列",
        "cannot tell the building, unit and room: write 1栋2单元101室 or 1-2-101, or use "
        "separate 楼栋, 单元 and 房号 columns",
    ),
    "required_empty": ("必填，不能为空", "required, must not be empty"),
    "too_long": ("超过 {limit} 个字符", "longer than {limit} characters"),
    "control_char": (
        "含有不可见的控制字符：请删除后重新输入",
        "contains invisible control characters: delete them and type the text again",
    ),
    "id_as_number": (_FIX_ID_AS_NUMBER_ZH, _FIX_ID_AS_NUMBER_EN),
    "id_shape": (
        "身份证号应为 18 位：17 位数字加最后 1 位数字或 X",
        "an ID number has 18 characters: 17 digits and a last digit or X",
    ),
    "id_old": (
        "这是 15 位的旧身份证号：请换成 18 位号码",
        "this is an old 15-digit ID number: enter the 18-character number",
    ),
    "id_date": (
        "身份证号第 7–14 位（出生日期）不是有效日期：号码有错字",
        "characters 7-14 of the ID number (the birth date) are not a date: mistyped",
    ),
    "id_range": (
        "身份证号中的出生日期不在合理范围：号码有错字",
        "the birth date in the ID number is out of range: mistyped",
    ),
    "id_check": (
        "身份证号校验位不符：号码有错字",
        "the ID number's check digit does not match: mistyped",
    ),
    "id_check_zeros": (
        "身份证号校验位不符，且末尾是 000：多半是表格把号码当数字保存而丢了末几位。"
        + _FIX_ID_AS_NUMBER_ZH.split("。", 1)[1],
        "the ID number's check digit does not match and it ends in 000: most likely the "
        "spreadsheet stored it as a number and lost the last digits. Format the column as text "
        "and enter the numbers again, or export the register as CSV from the original system",
    ),
    "birth_year_mismatch": (
        "与身份证号中的出生年份不符",
        "does not match the birth year in the ID number",
    ),
    "gender_mismatch": (
        "与身份证号的性别位不符",
        "does not match the gender digit of the ID number",
    ),
    "gender_bad": (
        "应为 男 或 女（也可写 1 表示男、2 表示女）",
        "must be 男 or 女 (or 1 for male, 2 for female)",
    ),
    "year_bad": (
        "应为 1890 到 {year} 之间的年份",
        "must be a year between 1890 and {year}",
    ),
    "date_bad": (
        "不是日期：写作 1958-03-04、1958/3/4、1958年3月 或 1958 都可以",
        "not a date: write 1958-03-04, 1958/3/4, 1958年3月 or 1958",
    ),
    "date_serial": (
        "是一个数字而不是日期（多半丢了日期格式）：请把这一列设为日期格式，或写成 1958-03-04",
        "is a number, not a date (its date format was probably lost): format the column as a "
        "date, or write 1958-03-04",
    ),
    "birth_conflict": (
        "与「{other}」列的出生年份不一致",
        "the birth year differs from column '{other}'",
    ),
    "phone_bad": (
        "不是有效的电话号码：手机号为 1 开头的 11 位数字，座机要带区号（如 0512-65781234）",
        "not a valid phone number: a mobile has 11 digits starting with 1, a landline needs "
        "its area code (e.g. 0512-65781234)",
    ),
    "phone_lost_zero": (
        "表格把座机号码当成数字保存，丢了区号开头的 0：请把这一列设为“文本”格式后重新输入，"
        "或写成 0512-65781234 这样",
        "the spreadsheet stored this landline number as a number and dropped the 0 of its "
        "area code: format the column as text and enter it again, or write 0512-65781234",
    ),
    "phone_many": (
        "一格只能填一个号码：其余号码请写进备注",
        "one number per cell: put the other numbers in the note",
    ),
    "became_date": (
        "被表格自动改成了日期（显示为 {shown}），原来写的内容已丢失：请把这一列设为“文本”"
        "格式后重新输入",
        "the spreadsheet turned this into a date (shown as {shown}) and what was typed is "
        "lost: format the column as text and enter it again",
    ),
    "flags_unknown": (
        "不认识的标记：{flags}；可用的有：独居 需帮扶 残疾 低保 党员",
        "unknown flag(s): {flags}; known: 独居 需帮扶 残疾 低保 党员",
    ),
    "vaccination_bad": (
        "应为 未知、未接种、部分、全程、加强 之一",
        "must be one of 未知 未接种 部分 全程 加强",
    ),
    "duplicate_id": (
        "与第 {other} 行的身份证号相同：同一个人只能出现一次",
        "same ID number as row {other}: a person may appear once",
    ),
    "duplicate_person": (
        "与第 {other} 行的地址和姓名相同：同一个人只能出现一次（同户同名的两个人，请都填上身份证号）",
        "same address and name as row {other}: a person may appear once (for two people of "
        "one household with the same name, give both ID numbers)",
    ),
    "unknown_estate": (
        "小区「{estate}」在系统里不存在：请核对名称；新小区请加“片区”列并使用 --create-estates",
        "estate '{estate}' does not exist: check the name; for a new estate add a 片区 column "
        "and pass --create-estates",
    ),
    "unknown_estate_near": (
        "小区「{estate}」在系统里不存在；最接近的是「{existing}」：若是同一小区，请在表里写成"
        "「{existing}」",
        "estate '{estate}' does not exist; the closest is '{existing}': if it is the same "
        "estate, write '{existing}'",
    ),
    "estate_needs_district": (
        "要新建小区「{estate}」，这一行的“片区”不能为空",
        "to create estate '{estate}' this row needs its 片区 (district)",
    ),
    "estate_near": (
        "小区「{estate}」与已有的「{existing}」几乎同名，不会另建一个：若是同一小区，请在表里写成"
        "「{existing}」；若确是另一个小区，请换一个能区分的名称",
        "estate '{estate}' is nearly the name of the existing '{existing}', so it is not "
        "created: if it is the same estate write '{existing}'; if it is another, give it a "
        "distinct name",
    ),
    "move_not_applied": (
        "此人（按身份证号）已登记在 {old}，这里写的是另一个地址。若已搬家，加 --apply-moves "
        "导入搬迁；否则请改正地址",
        "this person (by ID number) is registered at {old}, and this row gives another "
        "address. If they moved, pass --apply-moves; otherwise correct the address",
    ),
    # what the import did or left out on purpose
    "header_at": ("{where}表头在第 {row} 行", "{where}header in row {row}"),
    "header_at_two": (
        "{where}表头在第 {row}–{row2} 行（两行合并表头）",
        "{where}header in rows {row}-{row2} (two-row header)",
    ),
    "sheet_empty": ("工作表「{sheet}」是空的，已跳过", "sheet '{sheet}' is empty: skipped"),
    "sheet_hidden": (
        "工作表「{sheet}」是隐藏的，未导入（要导入它请用 --sheet {sheet}）",
        "sheet '{sheet}' is hidden: not imported (pass --sheet {sheet} to import it)",
    ),
    "sheet_not_chosen": (
        "工作表「{sheet}」未导入（--sheet 只选了「{chosen}」）",
        "sheet '{sheet}' not imported (--sheet chose '{chosen}')",
    ),
    "rows_skipped": (
        "{where}第 {rows} 行是合计、签名、重复的表头，或没有人员信息（只有序号或地址），已跳过",
        "{where}rows {rows} are totals, signatures, repeated headers, or hold no person (only "
        "a number or an address): skipped",
    ),
    "column_ignored": (
        "{where}列「{column}」未导入：{reason}",
        "{where}column '{column}' not imported: {reason}",
    ),
    "estate_variant": (
        "小区「{written}」按已有的「{existing}」导入",
        "estate '{written}' imported as the existing '{existing}'",
    ),
    "estate_created": (
        "新建小区「{estate}」（片区「{district}」）",
        "new estate '{estate}' (district '{district}')",
    ),
    "move_applied": (
        "第 {row} 行：从 {old} 搬到 {new}",
        "row {row}: moved from {old} to {new}",
    ),
    "move_planned": (
        "第 {row} 行：将从 {old} 搬到 {new}",
        "row {row}: would move from {old} to {new}",
    ),
    # why a known column is not stored
    "why_ignored_option": ("按 --ignore-column 忽略", "ignored by --ignore-column"),
    "why_sequence": ("序号只是行号，不需要导入", "a row number, nothing to store"),
    "why_head_name": (
        "户主由“与户主关系”列表示，不单独保存",
        "the head of household is given by the 与户主关系 column",
    ),
    "why_age": ("年龄由出生年份推算，不单独保存", "the age follows from the birth year"),
    "why_empty": ("整列都是空的", "the whole column is empty"),
    # summary
    "summary": (
        "读取 {rows} 行：新建 {created} 人，更新 {updated} 人，未变 {unchanged} 人，搬迁 {moved} 人，"
        "跳过 {skipped} 行，拒绝 {refused} 行；新建住户 {households} 户{estates}",
        "{rows} rows read: {created} residents created, {updated} updated, {unchanged} "
        "unchanged, {moved} moved, {skipped} rows skipped, {refused} refused; {households} "
        "households created{estates}",
    ),
    "summary_estates": ("，新建小区 {n} 个", ", {n} estates created"),
    "written": ("已写入", "written"),
    "nothing_to_change": ("没有需要改动的内容", "nothing to change"),
    "dry_run": ("试运行：未写入任何内容", "dry run: nothing written"),
    "refused_all": (
        "未写入任何内容：请改正上面列出的行，或加 --skip-bad 只导入正确的行",
        "nothing written: fix the rows above, or pass --skip-bad to import the good rows only",
    ),
    "refused_layout": (
        "未写入任何内容：请先解决上面的表头问题",
        "nothing written: resolve the header problems above first",
    ),
    "nothing_good": ("没有一行可以导入", "no row can be imported"),
    # where
    "where_sheet": ("工作表「{sheet}」", "sheet '{sheet}', "),
    "where_row": ("第 {row} 行", "row {row}"),
    "where_column": ("「{column}」", ", {column}"),
    "where_end": ("：", ": "),
    "address": (
        "{estate} {building} 栋 {unit} 单元 {room} 室",
        "{estate} {building}-{unit}-{room}",
    ),
    "error": ("错误", "error"),
    "bad_column_option": (
        "--column {pair} 写法不对：应为 表头=字段，字段是 {fields} 之一（或它们的中文列名）",
        "--column {pair}: write HEADER=FIELD, FIELD one of {fields} (or one of their headers)",
    ),
    "note": ("说明", "note"),
}


#: the messages whose advice names a command option, as the office console says it: there
#: staff tick an option or choose the file again (app/office/register_upload.py)
CONSOLE: dict[str, tuple[str, str]] = {
    "no_header": (
        "{where}前 {scan} 行里找不到表头：需要一行同时写有 小区、楼栋、房号、姓名 这些列名"
        "（找到的最接近的是第 {row} 行，缺少：{missing}）。若这张表不是花名册，请把要导入的"
        "工作表另存为单独的文件后重新选择",
        "{where}no header in the first {scan} rows: a row naming the columns 小区, 楼栋, "
        "房号 and 姓名 is needed (the closest is row {row}, missing: {missing}). If this sheet "
        "is not a register, save the sheet to import as a file of its own and choose that",
    ),
    "no_header_at_all": (
        "{where}前 {scan} 行里找不到表头：需要一行同时写有 小区、楼栋、房号、姓名 这些列名。"
        "若这张表不是花名册，请把要导入的工作表另存为单独的文件后重新选择",
        "{where}no header in the first {scan} rows: a row naming the columns 小区, 楼栋, "
        "房号 and 姓名 is needed. If this sheet is not a register, save the sheet to import "
        "as a file of its own and choose that",
    ),
    "unknown_column": (
        "{where}列「{column}」不认识，但其中有内容，不能不声不响地丢掉：请在导入选项里勾选不导入"
        "这一列，或选择把它导入为哪一项",
        "{where}column '{column}' is not one the import knows, and it has content that would "
        "be lost: in the options, tick to leave it out, or choose what to import it as",
    ),
    "unnamed_column": (
        "{where}第 {letter} 列没有表头，但有内容（如第 {example} 行）：请补上列名或删掉这一列，"
        "再重新选择文件",
        "{where}column {letter} has no header but has content (e.g. row {example}): add a "
        "header or delete the column, then choose the file again",
    ),
    "column_twice": (
        "{where}列「{column}」和「{other}」都表示「{field}」：只保留一列，删掉另一列后重新选择文件",
        "{where}columns '{column}' and '{other}' both mean '{field}': keep one, delete the "
        "other and choose the file again",
    ),
    "address_twice": (
        "{where}既有「{column}」列，又有「{parts}」列：地址只能写一种，删掉另一种后重新选择文件",
        "{where}both a '{column}' column and '{parts}' columns: keep one way of giving the "
        "address, delete the other and choose the file again",
    ),
    "unknown_estate": (
        "小区「{estate}」在系统里不存在：请核对名称；新小区请加“片区”列，并在导入选项里勾选新建小区",
        "estate '{estate}' does not exist: check the name; for a new estate add a 片区 column "
        "and tick the option to create estates",
    ),
    "move_not_applied": (
        "此人（按身份证号）已登记在 {old}，这里写的是另一个地址。若已搬家，请在导入选项里勾选"
        "“搬到新住址”；否则请改正地址",
        "this person (by ID number) is registered at {old}, and this row gives another "
        "address. If they moved, tick the option to move them; otherwise correct the address",
    ),
    "sheet_hidden": (
        "工作表「{sheet}」是隐藏的，未导入（要导入它，请在表格软件里取消隐藏后重新选择文件）",
        "sheet '{sheet}' is hidden: not imported (to import it, unhide it in the spreadsheet "
        "and choose the file again)",
    ),
}


def text(code: str, lang: str = DEFAULT_LANG, /, *, console: bool = False, **params: Any) -> str:
    """The message ``code`` in ``lang`` with its placeholders filled; ``console``: as the
    office console says it (its ticks, not the command's options)."""
    zh, en = (console and CONSOLE.get(code)) or MESSAGES[code]
    return (en if lang == "en" else zh).format(**params)


def where(lang: str, sheet: str | None, row: int | None = None, column: str = "") -> str:
    """The place a message is about, as a prefix ("" when it is about the whole file)."""
    parts = []
    if sheet:
        parts.append(text("where_sheet", lang, sheet=sheet))
    if row:
        parts.append(text("where_row", lang, row=row))
    if column:
        parts.append(text("where_column", lang, column=column))
    if not parts:
        return ""
    joined = "".join(parts)
    if lang == "en":
        joined = joined.removesuffix(", ").removeprefix(", ")
    return joined + text("where_end", lang)
