"""The 民主评议 tally read from an Excel sheet the counters filled in (姓名, 优秀, 合格, 基本合格,
不合格: one row a member), to be checked on screen and saved as a typed tally is.

The sheet is opened safely (app/services/workbooks.py); its header row is found wherever it is
("优秀票数" or "优秀（票）" are read as 优秀). Blank rows and a 合计 line are passed over. A row
that cannot be read (a name not on the year's roster or on it twice, a member listed twice, a
count that is not a whole number) refuses the whole sheet with one sentence naming the row:
nothing is filled in and nothing saved. Reading writes nothing; the tally is saved by
`appraisal.record_tally`, which checks the votes against the ballots returned.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.domain.appraisal_tally import GRADES, Votes
from app.domain.errors import ValidationError
from app.services.practice.appraisal import ballot_paper
from app.services.workbooks import read_sheets
from db.store import Store

NAME = "姓名"
_DECORATION = re.compile(r"[\s（）()：:]")
_TOTAL = re.compile(r"^(合\s*计|总\s*计|小\s*计)")


@dataclass(frozen=True)
class TallySheet:
    file_name: str
    votes: dict[uuid.UUID, Votes]  # every member the sheet lists, by id

    @property
    def members(self) -> int:
        return len(self.votes)


def _label(value) -> str:
    return _DECORATION.sub("", str(value or "")).removesuffix("票数").removesuffix("票")


def _columns(row: tuple) -> dict[str, int] | None:
    """Column of 姓名 and of each grade when `row` is the header, else None."""
    found = {}
    for index, value in enumerate(row):
        label = _label(value)
        if label in (NAME, *GRADES) and label not in found:
            found[label] = index
    return found if len(found) == 1 + len(GRADES) else None


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows[:30]):
        columns = _columns(row)
        if columns:
            return number, columns
    return None


def _count(value, where: str) -> int:
    if value is None or str(value).strip() == "":
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ValidationError(f"{where}写成了“{text}”，不是票数（应为 0 或正整数）。")
    return int(text)


def read_tally_sheet(store: Store, path: str | Path, year: int) -> TallySheet:
    """Every listed member's votes from the sheet; refused whole, with one sentence, at the first bad row."""
    path = Path(path)
    sheet = read_sheets(path, wanted=lambda _name, rows: _header(rows) is not None)
    header = _header(sheet.rows)
    if header is None:
        raise ValidationError(f"“{path.name}”中找不到计票表的表头：需要“姓名、优秀、合格、基本合格、不合格”几列。")
    start, columns = header
    by_name: dict[str, list] = {}
    for member in ballot_paper(store, year).members:  # the year's roster, as the ballot lists it
        by_name.setdefault(member.name, []).append(member)
    votes: dict[uuid.UUID, Votes] = {}
    seen: dict[uuid.UUID, int] = {}
    for number, row in enumerate(sheet.rows[start + 1:], start=start + 2):
        value = row[columns[NAME]] if columns[NAME] < len(row) else None
        name = "" if value is None else str(value).strip()
        if not name or _TOTAL.match(name):
            continue
        member = _member(by_name, name, number, year)
        if member.member_id in seen:
            raise ValidationError(f"第 {number} 行的{name}在第 {seen[member.member_id]} 行已经有了，同一名党员只能计一行票。")
        cells = [row[columns[grade]] if columns[grade] < len(row) else None for grade in GRADES]
        votes[member.member_id] = Votes(*(_count(value, f"第 {number} 行{name}的“{grade}”票数") for value, grade in zip(cells, GRADES)))
        seen[member.member_id] = number
    if not votes:
        raise ValidationError(f"“{path.name}”的计票表里没有党员的得票。")
    return TallySheet(path.name, votes)


def _member(by_name: dict[str, list], name: str, number: int, year: int):
    found = by_name.get(name, [])
    if not found:
        raise ValidationError(f"第 {number} 行的“{name}”不在 {year} 年本支部的党员名册上，请核对姓名。")
    if len(found) > 1:
        raise ValidationError(f"第 {number} 行的“{name}”在名册上有 {len(found)} 人同名，无法分辨，请在窗口里逐人录入他们的票数。")
    return found[0]
