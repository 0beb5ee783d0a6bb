"""Reading one roster cell as clerks write it: dates, ID numbers, phones, and the words for
gender, ethnicity, membership, member class and yes/no.

Every reader takes the raw cell (text, number, date) and returns the value, or raises
ValidationError with one sentence saying what is wrong. A reader that had to convert
something the clerk should know about (a 15-digit ID number, a year-month date) appends a
sentence to `notes`. Plain Python: no database, no workbook.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from app.domain.enums import Gender, MemberClass, Membership
from app.domain.errors import ValidationError
from app.domain.idcard import upgrade_legacy_id

EXCEL_EPOCH = date(1899, 12, 30)
YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "1", "true", "有", "★"}
NO = {"", "否", "×", "✗", "n", "no", "0", "false", "无", "不是", "-", "—", "/"}


def text_of(value) -> str:
    """A cell as trimmed text (12.0 → "12"), as written: free text keeps its Chinese punctuation."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def plain_of(value) -> str:
    """A cell read for a code, a number or a word: full-width digits, letters and signs made ordinary."""
    return unicodedata.normalize("NFKC", text_of(value)).strip()


# ---------------------------------------------------------------- dates

_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(份)?")
_YMD_DIGITS = re.compile(r"(19|20)(\d{2})(\d{2})(\d{2})")
_YM_DIGITS = re.compile(r"(19|20)(\d{2})(\d{2})")


def _make_date(year: int, month: int, day: int, shown: str, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"{what}“{shown}”不存在，请核对年月日。") from None


def _number_date(value: float, what: str, notes: list[str]) -> date:
    """A number in a date column: 19750701, 197507, 1975.07 typed as a number, or an Excel day number."""
    if not float(value).is_integer():
        year, fraction = divmod(round(value * 100), 100)
        if 1900 <= year <= 2100 and 1 <= fraction <= 12 and fraction != 10:
            notes.append(f"{what}只有年月（{year}.{fraction:02d}），按当月 1 日记")
            return _make_date(year, fraction, 1, str(value), what)
        raise ValidationError(
            f"{what}“{value}”被 Excel 当成了小数，分不清是几月（1975.1 可能是 1 月也可能是 10 月），请改写成 1975-10 这样的文字。"
        )
    digits = str(int(value))
    if _YMD_DIGITS.fullmatch(digits) or _YM_DIGITS.fullmatch(digits):
        return parse_date(digits, what, notes)
    if 1 <= value <= 80000:  # a date cell whose format was lost: Excel counts days from 1899-12-30
        return EXCEL_EPOCH + timedelta(days=int(value))
    raise ValidationError(f"{what}“{digits}”看不懂，请写成 2001-07-01 或 2001-07 这样的格式。")


def parse_date(value, what: str = "日期", notes: list[str] | None = None) -> date | None:
    """complexity: one branch per way clerks write a date (cell, number, y-m-d, y-m, digits)."""
    notes = notes if notes is not None else []
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_date(value, what, notes)
    text = plain_of(value)
    if not text:
        return None
    match = _YMD.fullmatch(text) or _YMD_DIGITS.fullmatch(text)
    if match:
        groups = match.groups()
        if _YMD_DIGITS.fullmatch(text):
            return _make_date(int(groups[0] + groups[1]), int(groups[2]), int(groups[3]), text, what)
        return _make_date(int(groups[0]), int(groups[1]), int(groups[2]), text, what)
    match = _YM.fullmatch(text) or _YM_DIGITS.fullmatch(text)
    if match:
        groups = match.groups()
        year, month = (int(groups[0] + groups[1]), int(groups[2])) if _YM_DIGITS.fullmatch(text) else (int(groups[0]), int(groups[1]))
        day = _make_date(year, month, 1, text, what)
        notes.append(f"{what}只有年月（{text}），按当月 1 日记")
        return day
    if re.fullmatch(r"\d{4}\s*年?", text):
        raise ValidationError(f"{what}“{text}”只写了年份，请至少写到月份，例如 {text[:4]}-07。")
    raise ValidationError(f"{what}“{text}”看不懂，请写成 2001-07-01 或 2001-07 这样的格式。")


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date_text(value, what: str = "日期") -> date | None:
    """A whole date as typed in a form: 2001-07-01, 2001/7/1, 2001.07.01, 2001年7月1日, 20010701."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text, what)
    raise ValidationError(f"{what}“{text}”看不懂，请写成 2001-07-01 这样的格式。")


# ---------------------------------------------------------------- ID numbers and phones

ROUNDED_ID = (
    "身份证号被 Excel 当成了数字，只保留了前 15 位，后几位已经变成 0，无法还原。"
    "请把这一列设为“文本”格式，照身份证重新填写后再导入。"
)


def parse_id_number(value, notes: list[str]) -> str:
    """The ID number as text; 15 digits become 18 (noted); a number Excel rounded is refused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() or len(str(int(value))) > 15:
            raise ValidationError(ROUNDED_ID)
        value = str(int(value))
    text = re.sub(r"\s+", "", plain_of(value)).lstrip("'‘’").upper()
    if not text:
        return ""
    if "*" in text:
        raise ValidationError("身份证号是打码的（导出时没有选择完整导出），请填写完整的身份证号。")
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", text):
        raise ValidationError(ROUNDED_ID)
    upgraded = upgrade_legacy_id(text)
    if upgraded:
        notes.append(f"15 位旧身份证号 {text} 已换算为 18 位 {upgraded}")
        return upgraded
    return text


def parse_phone(value, notes: list[str]) -> str:
    """Spaces, dashes between mobile digits, brackets and +86 go; the first of several numbers is kept."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = plain_of(value)
    parts = [p for p in re.split(r"[/,，;；、\n]|\s{2,}", text) if p.strip()]
    if not parts:
        return ""
    if len(parts) > 1:
        notes.append(f"联系电话有 {len(parts)} 个，只登记第一个 {parts[0].strip()}")
    phone = re.sub(r"[\s()（）]", "", parts[0])
    digits = phone.replace("-", "")
    if digits.startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        digits = digits.removeprefix("+").removeprefix("86")
    return digits if digits.startswith("1") else phone


# ---------------------------------------------------------------- words

GENDER_WORDS = {"男": Gender.MALE, "男性": Gender.MALE, "m": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE, "f": Gender.FEMALE}

ETHNICITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()

# Clerks' words for the member classes, most specific first (a "退休村干部" is retired).
CLASS_WORDS = (
    (MemberClass.EXEMPT_FRAIL, ("老弱病残", "年老体弱", "体弱", "病残", "70岁", "七十岁", "高龄", "卧床", "免考")),
    (MemberClass.RETIRED, ("离退休", "退休", "离休")),
    (MemberClass.MOBILE, ("流动", "外出", "务工", "流出", "在外")),
    (MemberClass.CADRE, ("两委", "支委", "村干部", "社区干部", "村委", "书记", "主任", "委员")),
    (MemberClass.IN_SERVICE, ("在职", "机关", "事业", "企业", "教师", "公职")),
    (MemberClass.NO_POST, ("无职", "农民", "普通", "农村", "务农")),
)


def parse_gender(value) -> Gender | None:
    text = plain_of(value).lower()
    if not text:
        return None
    if text in GENDER_WORDS:
        return GENDER_WORDS[text]
    raise ValidationError(f"性别“{text}”不认识，请填写“男”或“女”。")


def parse_ethnicity(value) -> str:
    text = re.sub(r"\s+", "", plain_of(value))
    if not text:
        return "汉族"
    if text in ETHNICITIES:
        return text + "族"
    if len(text) > 20:
        raise ValidationError(f"民族“{text[:20]}…”太长了。")
    return text


def parse_membership(value) -> Membership | None:
    text = plain_of(value)
    if not text:
        return None
    if "预备" in text:
        return Membership.PROBATIONARY
    if "正式" in text:
        return Membership.FULL
    raise ValidationError(f"正式/预备“{text}”不认识，请填写“正式党员”或“预备党员”。")


def parse_member_class(value) -> MemberClass | None:
    text = plain_of(value)
    if not text:
        return None
    try:
        return MemberClass.from_label_or_value(text)
    except ValueError:
        pass
    for member_class, words in CLASS_WORDS:
        if any(word in text for word in words):
            return member_class
    choices = "、".join(member.label for member in MemberClass)
    raise ValidationError(f"党员类别“{text}”不认识，请填写：{choices}。")


def parse_yes_no(value, what: str) -> bool:
    text = plain_of(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(f"“{what}”一栏请填“是”或“否”（现在是“{text}”）。")


_DIGITS = "〇一二三四五六七八九"


def _chinese_number(match: re.Match) -> str:
    number = int(match.group())
    if number < 10:
        return _DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def group_key(text: str) -> str:
    """“第1党小组”, “一组”, “第一小组” all read as “一”."""
    key = re.sub(r"\d{1,2}", _chinese_number, re.sub(r"\s+", "", plain_of(text)))
    for word in ("党小组", "小组", "组"):
        if key.endswith(word):
            key = key[: -len(word)]
            break
    return key.removeprefix("第")


def parse_group(value, groups: dict[str, object]):
    """The id of the branch's party group named (or numbered) in the cell; None when blank."""
    text = plain_of(value)
    if not text:
        return None
    if text in groups:
        return groups[text]
    wanted = group_key(text)
    matches = [group_id for name, group_id in groups.items() if group_key(name) == wanted]
    if len(matches) == 1:
        return matches[0]
    known = "、".join(groups) or "（本支部还没有党小组）"
    raise ValidationError(f"党小组“{text}”不存在，本支部的党小组有：{known}。")
