"""Which column of a clerk's roster is which field, and where the header row is.

Clerks title columns in many ways (入党时间, 入党年月, 入党日期; 身份证号码, 公民身份号码;
联系方式, 手机号码 …), put a title and merged rows above the header, sometimes split the
header over two rows (联系方式 over 手机 | 座机), and write notes and signatures below the
table. `find_header` looks at the first rows for the row (or pair of rows) that names the
most fields; `match_title` reads one column title. Plain Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# field → (label shown to the clerk, titles clerks use, stems after 所在/时间/日期/号码 … are taken off)
FIELDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "name": ("姓名", ("姓名", "党员姓名", "名字", "党员名称"), ("姓名",)),
    "gender": ("性别", ("性别",), ("性别",)),
    "ethnicity": ("民族", ("民族", "族别"), ("民族",)),
    "birth_date": ("出生日期", ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"), ("出生",)),
    "id_number": ("身份证号", ("身份证号", "公民身份号码", "身份证件号码", "证件号码", "身份号码", "居民身份证号码"), ("身份证", "公民身份", "身份证件")),
    "phone": ("联系电话", ("联系电话", "电话", "手机", "联系方式", "手机号码", "电话号码", "移动电话", "手机号"), ("联系电话", "电话", "手机", "联系方式")),
    "join_date": ("入党日期", ("入党日期", "入党时间", "入党年月", "加入党组织日期", "加入中国共产党日期", "入党年月日"), ("入党", "加入党组织", "加入中国共产党")),
    "full_member_date": ("转正日期", ("转正日期", "转正时间", "转正年月", "预备期满转正日期", "转为正式党员日期"), ("转正", "转为正式党员")),
    "member_class": ("党员类别", ("党员类别", "党员分类", "分类", "类别", "管理类别", "党员分类管理类别"), ("党员类别", "党员分类", "分类管理")),
    "membership": ("正式/预备", ("正式/预备", "正式或预备", "正式预备", "党员身份", "人员类别", "党员类型", "是否预备党员", "党籍状态"), ("正式/预备",)),
    "group": ("党小组", ("党小组", "小组", "所在党小组", "所属党小组", "党小组名称"), ("党小组",)),
    "hub": ("党员中心户", ("党员中心户", "是否党员中心户", "中心户"), ("党员中心户",)),
    "vanguard": ("先锋岗", ("先锋岗", "是否先锋岗", "党员先锋岗", "是否设岗"), ("先锋岗",)),
    "post_title": ("岗位", ("岗位", "设岗定责", "所设岗位", "认领岗位", "先锋岗位", "岗位名称", "承担岗位"), ("岗位",)),
    "note": ("备注", ("备注", "说明", "备考"), ("备注",)),
}
LABELS = {field: spec[0] for field, spec in FIELDS.items()}
HEADER_SEARCH_ROWS = 30
_PREFIXES = ("所在", "所属", "现", "党员", "本人", "是否")
_SUFFIXES = ("年月日", "年月", "日期", "时间", "号码", "号", "名称", "情况", "信息")
_EXACT = {title: field for field, (_label, titles, _stems) in FIELDS.items() for title in titles}
_STEMS = {stem: field for field, (_label, _titles, stems) in FIELDS.items() for stem in stems}


def header_key(value) -> str:
    """A title as compared: no spaces, stars, line breaks or bracketed hints (“姓　名*（必填）” → “姓名”)."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = re.sub(r"[（(【\[].*?[)）】\]]", "", text)
    return re.sub(r"[\s*＊※:：]", "", text)


def match_title(value) -> str | None:
    """The field a column title names, or None."""
    key = header_key(value)
    if not key or len(key) > 20:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for _ in range(3):
        key = _trim(key)
        if key in _EXACT:
            return _EXACT[key]
        if key in _STEMS:
            return _STEMS[key]
    return None


def _trim(key: str) -> str:
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix):]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


@dataclass(frozen=True)
class Header:
    """Where the header is and what each of its columns is titled and taken for."""

    row_index: int  # index in the rows read (0 = the sheet's first row)
    rows_used: int  # 1, or 2 for a header split over two rows
    titles: tuple[str, ...]  # each column's title as shown to the clerk
    fields: tuple[str | None, ...]  # each column's field as recognised (None: not used)

    @property
    def first_data_index(self) -> int:
        return self.row_index + self.rows_used


def _titles_of(row) -> list[str]:
    return [re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v))) if v is not None else "" for v in row]


def _assign(titles: list[str]) -> list[str | None]:
    """Each column's field; a field named twice is taken from its first column only."""
    seen: set[str] = set()
    fields: list[str | None] = []
    for title in titles:
        field = match_title(title)
        fields.append(field if field and field not in seen else None)
        if field:
            seen.add(field)
    return fields


def _two_row_titles(top: list[str], sub: list[str]) -> list[str]:
    """Titles of a header split over two rows: the lower title, else the upper one; a lower title
    that names nothing alone is read together with the merged title above it (入党 + 时间)."""
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    titles, carried = [], ""
    for upper, lower in zip(top, sub):
        carried = upper or carried
        if not lower:
            titles.append(upper)
        elif match_title(lower) or not match_title(carried + lower):
            titles.append(lower)
        else:
            titles.append(carried + lower)
    return titles


def _score(fields: list[str | None]) -> int:
    return len({f for f in fields if f}) if "name" in fields else 0


def _is_sub_header(top: list[str], sub: list[str]) -> bool:
    """The row under a header is its second line: nothing under 姓名, and some title of its own."""
    name_at = _assign(top).index("name")
    return (name_at >= len(sub) or not sub[name_at]) and any(match_title(title) for title in sub)


def _candidates(rows: list[tuple], index: int):
    """(rows used, titles, score) of the header starting at `index`: one row, and two when the next is its second line."""
    top = _titles_of(rows[index])
    fields = _assign(top)
    yield 1, top, _score(fields)
    if index + 1 < len(rows) and "name" in fields:
        sub = _titles_of(rows[index + 1])
        if _is_sub_header(top, sub):
            titles = _two_row_titles(top, sub)
            yield 2, titles, _score(_assign(titles)) + 0.5


def find_header(rows: list[tuple]) -> Header | None:
    """The row, or pair of rows, within the first rows that names the most fields (姓名 and one more at least)."""
    best: Header | None = None
    best_score: float = 1
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        for used, titles, score in _candidates(rows, index):
            if score > best_score:  # strictly better: the first of equals wins
                best_score = score
                best = Header(index, used, tuple(titles), tuple(_assign(titles)))
    return best
