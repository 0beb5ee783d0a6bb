"""Finding a member by name or pinyin (typing `zs` finds 张三).

pypinyin reads characters as in ordinary words, so 曾 comes out as "ceng" and 单 as
"dan"; as surnames they are read zēng and shàn. The leading surname is therefore looked up
in a table of surname readings first.
"""

from __future__ import annotations

import re
import unicodedata

SURNAME_READINGS = {
    "万俟": "mo qi", "尉迟": "yu chi", "单于": "chan yu", "长孙": "zhang sun",
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "翟": "zhai", "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "瞿": "qu", "召": "shao",
    "种": "chong", "重": "chong", "秘": "bi", "纪": "ji", "华": "hua", "冼": "xian", "燕": "yan",
    "葛": "ge", "薄": "bo", "柏": "bai", "藏": "zang", "都": "du", "六": "lu", "折": "she",
    "宿": "su", "莘": "shen", "阚": "kan", "员": "yun", "贾": "jia", "沈": "shen", "任": "ren",
    "过": "guo", "黑": "he", "那": "na", "曲": "qu", "石": "shi", "殷": "yin", "隗": "wei",
    "繁": "po", "尉": "yu", "汤": "tang", "车": "che", "宁": "ning", "强": "qiang", "陆": "lu",
}


_SPACES = re.compile(r"\s+")
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·", "⋅": "·", "●": "·"})
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def normalise_name(text: str | None) -> str:
    """A name as stored and as searched: full-width letters made ordinary, every kind of space
    (full-width, tab, line break) made one, spaces between Chinese characters dropped
    (“张　三”, “张 三” → “张三”), and the dots of minority names made one “·”."""
    text = unicodedata.normalize("NFKC", text or "").translate(_DOTS)
    text = _SPACES.sub(" ", text).strip()
    text = _CJK_GAP.sub("", text)
    return text.replace(" · ", "·").replace(" ·", "·").replace("· ", "·")


def _surname_split(name: str) -> tuple[list[str], str]:
    """(syllables of the leading surname if it is listed, the rest of the name)."""
    for length in (2, 1):
        head = name[:length]
        if len(name) > length and head in SURNAME_READINGS:
            return SURNAME_READINGS[head].split(), name[length:]
    return [], name


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), both lower case: ('zhangsan', 'zs')."""
    # imported here: pypinyin's dictionaries take half a second to load, which the window's
    # start would pay for a library needed only when a name is saved
    from pypinyin import Style, lazy_pinyin

    surname, rest = _surname_split(name)
    full = surname + lazy_pinyin(rest, errors="default")
    initials = [syllable[0] for syllable in surname] + lazy_pinyin(rest, style=Style.FIRST_LETTER, errors="default")
    return "".join(full).lower(), "".join(initials).lower()


def name_matches(query: str, name: str, full_pinyin: str, initials: str) -> bool:
    query = normalise_name(query).lower()
    if not query:
        return True
    if query in name:
        return True
    if query.isascii():
        return initials.startswith(query) or full_pinyin.startswith(query) or query in full_pinyin
    return False
