"""Charts on the printed papers: the annual summary's chart page per member, the monthly
notice's optional chart page, the township's report.

The figures are the chart services' (the one scorer); the drawing is app.reports.charts.
Runs on the worker thread (or the command line); never imports Qt.
"""

from __future__ import annotations

import uuid

from app.domain.periods import Month
from app.reports.chart_data import ChartSet
from app.reports.charts import render_chart_set
from app.reports.layout import page_geometry
from app.services.charts import branch, member
from app.services.charts.township import township_charts
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.totals.scoring import BranchScorer
from db.store import Store

NOTICE_CHART_KINDS = ("groups", "attendance")


def annual_chart_sets(store: Store, year: int) -> dict[str, ChartSet]:
    """Each member's year charts by name, for the annual summary (the branch scored once).

    A name two members share is left out: its summary pages print without a chart rather
    than with the other member's.
    """
    with read_session(store) as session:
        scored = BranchScorer(session, require_branch_id(store)).year(year)
    if scored is None:
        return {}
    names: dict[str, list] = {}
    for member_id, person in scored.members.items():
        names.setdefault(person.name, []).append(member_id)
    averages = member.branch_month_averages(scored)
    return {
        name: member.member_chart_set(scored.branch, ids[0], name, 12, averages)
        for name, ids in names.items()
        if len(ids) == 1 and ids[0] in scored.branch.scores
    }


def notice_chart_pages(store: Store, month: Month, issue_line: str = "", paper: str = "A4") -> bytes:
    """The notice's chart page (landscape, on the notice's own paper): the party groups and
    meeting attendance up to the month.

    No stars or grades: month paper does not grade (the year is graded once).
    """
    charts = branch.branch_charts(store, month.year, month if month.month < 12 else None, NOTICE_CHART_KINDS)
    charts = ChartSet(f"{charts.title}（公示表附页）", charts.subtitle, tuple(c for c in charts.charts if c.title != "各党小组每月积分合计"))
    return render_chart_set(charts, issue_line, geometry=page_geometry(paper, landscape_=True, margin_mm=14), side_by_side=True,
                            numbered=False)


def township_report(store: Store, year: int, issue_line: str = "") -> bytes:
    """The township's chart report: the gathered branches side by side for the year."""
    return render_chart_set(township_charts(store, year), issue_line)


def issue_line(issue) -> str:
    """The issuer and date printed at the foot of a chart page, as on the paper it belongs to."""
    from app.reports.text import date_text

    return f"{issue.issuing_org}　{date_text(issue.issued_on)}"


def township_name(store: Store) -> str:
    """The township committee's name kept in a gathering database ('' when it has none)."""
    from app.services.store_settings import TOWNSHIP_SETTING, read_settings
    from db.models import OrgUnit

    with read_session(store) as session:
        township_id = read_settings(session).get(TOWNSHIP_SETTING)
        unit = session.get(OrgUnit, uuid.UUID(township_id)) if township_id else None
        return unit.name if unit else ""


def append_pages(pdf: bytes, extra: bytes) -> bytes:
    """`pdf` followed by the pages of `extra` (fonts and drawings kept as they are)."""
    import io

    import pypdfium2 as pdfium

    document, more = pdfium.PdfDocument(pdf), pdfium.PdfDocument(extra)
    try:
        document.import_pages(more)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        more.close()
        document.close()


__all__ = ["annual_chart_sets", "notice_chart_pages", "township_report", "township_name", "issue_line", "append_pages"]
