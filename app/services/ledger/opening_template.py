"""The points-import template, shaped like a village's monthly points register (党员积分登记表):
a title, the branch and year, then one row per member and one column per month.

Cells hold each month's points as the branch scored them (e.g. 6, −2, 5.5); blank months are
not imported. A second sheet explains the long form (月份, 项目, 分值) for branches that kept
their points per item, with the year's item codes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.services.exports.sheet import Col, Table, write_tables
from app.services.ledger.opening import load_view_codes
from app.services.organisation import get_branch
from app.services.roster import members
from db.store import Store

MONTH_TITLES = [f"{month}月" for month in range(1, 13)]


def write_points_template(store: Store, path: str | Path, year: int, today: date | None = None) -> Path:
    branch = get_branch(store)
    people = members.list_members(store)
    register = Table(
        "积分登记表",
        f"{branch.name}{year}年党员积分登记表",
        [f"{branch.township}　{branch.name}　每格填该月得分（扣分写负数），没有记录的月份留空；身份证号可不填（同名时必填）。"],
        [Col("序号", 6, "int"), Col("姓名", 10), Col("身份证号", 22), *[Col(t, 7, "points") for t in MONTH_TITLES], Col("备注", 16)],
        [[number, person.name, "", *[None] * 12, ""] for number, person in enumerate(people, start=1)],
        footer=["填表人：　　　　　　审核人：　　　　　　填表日期：　　年　　月　　日"],
    )
    codes = load_view_codes(store, year)
    items = Table(
        "按项目填写",
        f"{year}年按项目记录的积分（可选）",
        ["按项目记录的支部可以用这一页：每行一条，项目填细则编号，分值按细则；用这一页时请删掉“积分登记表”页。"],
        [Col("姓名", 10), Col("身份证号", 22), Col("月份", 10), Col("项目", 10), Col("分值", 8, "points"), Col("细则项目（参考）", 40)],
        [["", "", "", "", None, f"{code} {name}"] for code, name in codes],
    )
    return write_tables(path, [register, items])
