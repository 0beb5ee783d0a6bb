"""The tables the clerk takes out to Excel, one function per kind, each writing one .xlsx.

Every figure comes from the one scorer (app.services.totals: ranking, member_year) or, for the
rating round, the totals it froze; the ledger export lists entries as they are (it never adds
them up). Month and quarter tables carry no annual grade or stars: a part of the year is not
the year. Each function returns how many rows it wrote.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.domain.dates import day_text
from app.domain.enums import Category
from app.domain.periods import Month
from app.services.exports.sheet import Col, Progress, Table, write_tables
from app.services.ledger.opening import is_opening
from app.services.ledger.queries import EntryFilter, entries_in_page_order, list_entries
from app.services.organisation import get_branch
from app.services.rating.queries import load_view
from app.services.roster import members
from app.services.totals import ranking as totals

CATEGORIES = (Category.BASE, Category.DUTY, Category.BONUS, Category.DEDUCTION, Category.VETO)


def _lines(store, period: str, today: date | None, extra: str = "") -> list[str]:
    branch = get_branch(store)
    line = f"{branch.township}　{branch.name}　{period}　导出日期：{(today or date.today()):%Y-%m-%d}"
    return [line + (f"　{extra}" if extra else "")]


def _stars(count: int | None) -> str:
    return "★" * count if count else "—"


def _so_far(year: int, today: date | None) -> str:
    """“截至2026年12月2日” while `year` is not over on the day of the export, else “”: its total is
    then the year so far, and its band and stars only what that total would give."""
    day = today or date.today()
    return f"截至{day_text(day)}" if day <= date(year, 12, 31) else ""


def export_ranking(store, path: str | Path, year: int, month: int | None = None, quarter: int | None = None,
                   today: date | None = None) -> int:
    """The branch ranking of a month, a quarter or the year, as app.services.totals ranks it."""
    ranking = totals.branch_ranking(store, year, month=month, quarter=quarter)
    branch = get_branch(store)
    title, footer = f"{branch.name}{ranking.label}党员积分排名", [f"共 {len(ranking.rows)} 人。"]
    if ranking.kind == "year":
        so_far = _so_far(year, today)
        total, band, stars = ("累计总分", "预计等次", "预计星级") if so_far else ("全年总分", "等次", "星级")
        columns = [Col("名次", 6, "int"), Col("姓名", 10), Col("党小组", 12), Col("党员类别", 14), Col(total, 10, "points"),
                   Col(band, 10), Col(stars, 10), Col("提示", 30)]
        rows = [[r.rank, r.name, r.group_name, r.member_class.label, r.period_points, r.grade, _stars(r.stars), "；".join(r.flags)]
                for r in ranking.rows]
        if so_far:
            title += f"（{so_far}）"
            footer.append(f"{year}年还没有过完：累计总分为{so_far}已审核的积分，等次和星级只是按它测算的，以年度总评为准。")
    else:
        columns = [Col("名次", 6, "int"), Col("姓名", 10), Col("党小组", 12), Col("党员类别", 14), Col("本期积分", 10, "points"),
                   Col("本年累计", 10, "points"), Col("提示", 30)]
        rows = [[r.rank, r.name, r.group_name, r.member_class.label, r.period_points, r.year_to_date, "；".join(r.flags)]
                for r in ranking.rows]
    table = Table("积分排名", title, _lines(store, ranking.label, today, f"细则：{ranking.rule_set_name}"), columns, rows, footer=footer)
    write_tables(path, [table])
    return len(rows)


def _member_name(store, member_id: uuid.UUID) -> str:
    return members.get_member(store, member_id).name


def _entry_row(e) -> list:
    return [e.occurred_on, e.member_name, e.item_code, e.item_name, e.category.label, e.quantity, e.points, e.status.label,
            e.note, e.entered_by, e.reviewed_by, _entry_mark(e)]


def _entry_mark(entry) -> str:
    marks = []
    if entry.is_reversal:
        marks.append("冲正记录")
    if entry.reversed_by_id:
        marks.append("已冲正")
    if is_opening(entry.note):
        marks.append("期初导入")
    return "；".join(marks)


ENTRY_COLUMNS = [Col("日期", 11, "date"), Col("姓名", 10), Col("编号", 7), Col("项目", 24), Col("类别", 8), Col("数量", 6, "points"),
                 Col("分值", 7, "points"), Col("状态", 8), Col("说明", 30), Col("录入人", 8), Col("审核人", 8), Col("标记", 12)]


def export_member_year(store, path: str | Path, member_id: uuid.UUID, year: int, today: date | None = None) -> int:
    """A member's year: each month by category, the year's result, then every entry."""
    score = totals.member_year(store, member_id, year)
    name = _member_name(store, member_id)
    columns = [Col("月份", 8), *[Col(c.label, 9, "points") for c in CATEGORIES], Col("本月合计", 10, "points")]
    rows = [[f"{m}月", *[score.month_categories.get(m, {}).get(c) for c in CATEGORIES], score.by_month.get(m)] for m in range(1, 13)]
    rows.append(["全年", *[score.by_category.get(c) for c in CATEGORIES], sum(score.by_month.values(), start=0)])
    so_far = _so_far(year, today)
    total, band, stars = (f"{so_far}累计总分", "预计等次", "预计星级") if so_far else ("全年总分", "等次", "星级")
    footer = [
        f"基础分 {score.base_start}（{'由上年结转' if score.base_carried else '细则规定'}），计入 {score.base_component}；"
        f"{total} {score.final_total}；{band} {score.grade or '—'}；{stars} {_stars(score.stars)}"
        + ("；一票否决" if score.vetoed else "") + ("；未录民主评议" if score.appraisal_missing else ""),
    ]
    months = Table("各月积分", f"{name}{year}年积分", _lines(store, f"{year}年度", today), columns, rows, footer)
    entries = list_entries(store, EntryFilter(member_id=member_id, year=year))
    detail = Table("积分明细", f"{name}{year}年积分明细", _lines(store, f"{year}年度", today), ENTRY_COLUMNS, [_entry_row(e) for e in entries])
    write_tables(path, [months, detail])
    return len(entries)


def export_ledger(store, path: str | Path, entry_filter: EntryFilter, today: date | None = None, search: str = "",
                  progress: Progress | None = None) -> int:
    """The ledger with the filters the clerk chose, entry by entry (never summed here), in the order
    the window lists it (each reversal under the entry it reverses); `search` keeps the entries of
    the members whose name or pinyin it matches (departed members too), as the ledger page does.
    The entries are read as they are written, so a branch's every year takes no more memory than
    a month's; `progress(done, total)` is told every 200 rows and may stop the export by raising."""
    period = entry_filter.month.label if entry_filter.month else (f"{entry_filter.year}年" if entry_filter.year else "全部年份")
    chosen = [period]
    if entry_filter.member_id:
        chosen.append(f"党员：{_member_name(store, entry_filter.member_id)}")
    if search:
        chosen.append(f"查找：{search}")
    if entry_filter.item_code:
        chosen.append(f"项目：{entry_filter.item_code}")
    if entry_filter.status:
        chosen.append(f"状态：{entry_filter.status.label}")
    branch = get_branch(store)
    lines = _lines(store, "　".join(chosen), today)
    with entries_in_page_order(store, replace(entry_filter, search=search) if search else entry_filter) as (count, entries):
        table = Table("积分台账", f"{branch.name}积分台账", lines, ENTRY_COLUMNS, map(_entry_row, entries),
                      footer=[f"共 {count} 条记录。"], row_count=count)
        write_tables(path, [table], progress)
    return count


def export_rating(store, path: str | Path, year: int, today: date | None = None) -> int:
    """The star-rating round: candidates with the totals the round froze, its steps and objections."""
    view = load_view(store, year)
    branch = get_branch(store)
    columns = [Col("名次", 6, "int"), Col("姓名", 10), Col("党小组", 12), Col("党员类别", 14), Col("全年总分", 10, "points"),
               Col("申报星级", 9), Col("按分数", 9), Col("拟定星级", 9), Col("评定星级", 9), Col("双报到", 7), Col("一票否决", 8), Col("提示", 30)]
    rows = [
        [c.rank, c.name, c.group_name, c.member_class.label, c.final_total, _stars(c.declared_stars), _stars(c.band_stars),
         _stars(c.proposed_stars), _stars(c.stars), {True: "是", False: "否"}.get(c.dual_report_served, ""),
         "是" if c.vetoed else "", "；".join(c.flags)]
        for c in view.candidates
    ]
    lines = _lines(store, f"{year}年度星级评定", today, f"当前步骤：{view.status.label}")
    candidates = Table("星级评定", f"{branch.name}{year}年度星级党员评定", lines, columns, rows)
    steps = Table("评定步骤", f"{year}年度星级评定步骤", lines, [Col("步骤", 14), Col("之后状态", 16), Col("日期", 11, "date"), Col("经办人", 10), Col("说明", 40)],
                  [[s.action, s.status_after.label, s.on_date, s.operator, s.note] for s in view.steps])
    objections = Table("公示异议", f"{year}年度星级评定公示异议", lines,
                       [Col("党员", 10), Col("提出人", 10), Col("日期", 11, "date"), Col("异议内容", 40), Col("答复", 40), Col("答复日期", 11, "date"), Col("是否成立", 8)],
                       [[o.member_name, o.raised_by, o.raised_on, o.content, o.answer, o.answered_on, {True: "成立", False: "不成立"}.get(o.upheld, "")]
                        for o in view.objections])
    write_tables(path, [candidates, steps, objections])
    return len(rows)


def export_meetings(store, path: str | Path, year: int, month: int | None = None, today: date | None = None) -> int:
    """The meeting list (app.services.ledger.meetings) of a month, or of every month of the year."""
    from app.services.ledger.meetings import list_meetings

    months = [Month(year, month)] if month else [Month(year, m) for m in range(1, 13)]
    meetings = [row for m in months for row in list_meetings(store, m)]
    period = months[0].label if month else f"{year}年"
    columns = [Col("日期", 11, "date"), Col("会议", 12), Col("主题", 30), Col("地点", 14), Col("参会范围", 12), Col("出席", 6, "int"),
               Col("请假", 6, "int"), Col("缺席", 6, "int"), Col("迟到早退", 8, "int"), Col("考勤更正", 8, "int")]
    rows = [[m.held_on, m.kind.label, m.title, m.location, m.scope, m.present, m.excused, m.absent, m.late, m.corrections] for m in meetings]
    table = Table("会议", f"{get_branch(store).name}{period}会议一览", _lines(store, period, today), columns, rows,
                  footer=[f"共 {len(rows)} 次会议。"])
    write_tables(path, [table])
    return len(rows)


def month_filter(text: str | None) -> Month | None:
    return Month.parse(text) if text else None
