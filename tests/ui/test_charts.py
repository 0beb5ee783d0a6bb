"""Charts on screen: every chart renders offscreen, not blank, in the bundled font; tooltips give
the exact figure; a chart saves as PNG; charts follow the data when it changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QFontInfo, QImage

from app.services.charts.branch import branch_charts
from app.services.charts.member import member_charts
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.totals import ranking as totals
from app.ui.changes import Kind
from app.ui.charts.painter import chart_family
from app.ui.charts.view import ChartView
from conftest import TODAY
from db.store import Store

pytestmark = pytest.mark.gui


def ink_share(image: QImage) -> float:
    """Share of sampled pixels that are not white."""
    step, inked, seen = 4, 0, 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen += 1
            inked += QColor(image.pixel(x, y)).lightness() < 235
    return inked / seen


def shown_view(qtbot, chart, width=900) -> ChartView:
    view = ChartView()
    qtbot.addWidget(view)
    view.set_chart(chart, "没有数据")
    view.resize(width, view.height())
    view.show()
    return view


def test_every_chart_renders_in_the_bundled_font(app, qtbot, demo_store, tmp_path):
    member_id = totals.branch_ranking(demo_store, 2026).rows[0].member_id
    charts = [*member_charts(demo_store, member_id, 2026).charts.charts, *branch_charts(demo_store, 2026).charts]
    assert len(charts) == 7
    family = chart_family()
    assert "WenKai" in family.replace(" ", "")
    for number, chart in enumerate(charts):
        view = shown_view(qtbot, chart)
        assert QFontInfo(view.font()).family() == family
        image = view.image(scale=1)
        image.save(str(tmp_path / f"chart-{number}.png"))
        assert not chart.is_empty, chart.title
        assert 0.02 < ink_share(image) < 0.8, chart.title


def test_the_tooltip_is_the_exact_figure(app, qtbot, demo_store):
    row = totals.branch_ranking(demo_store, 2026, month=10).rows[0]
    chart = member_charts(demo_store, row.member_id, 2026).year_chart
    view = shown_view(qtbot, chart)
    layout = view.layout_now()
    october = [box for box in layout.boxes if box.style == 0][9]
    tip = view.tip_at(QPoint(round(october.x + october.w / 2) + 8, round(october.y + october.h / 2) + 6))
    from app.domain.points import format_points

    assert tip == f"10月　本人当月积分：{format_points(row.period_points)}分"


def test_a_chart_is_saved_as_png(app, qtbot, demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("totals")
    page.charts_button.setChecked(True)
    assert page.charts.views, "the branch's charts are drawn when the tab is shown"
    target = tmp_path / "星级分布.png"
    monkeypatch.setattr(page.ctx, "ask_save_path", lambda *args, **kwargs: str(target))
    page.charts.export(page.charts.views[2])
    image = QImage(str(target))
    assert image.width() == page.charts.views[2].width() * 2
    assert ink_share(image) > 0.02


def test_charts_follow_the_data(app, qtbot, demo_window):
    page = demo_window.show_page("totals")
    page.charts_button.setChecked(True)
    before = page.charts.charts.charts[0].bars[0].values[10]  # the first group's November total
    store, ctx = page.ctx.store, page.ctx
    group_member = next(r for r in totals.branch_ranking(store, 2026).rows if r.group_name == page.charts.charts.charts[0].bars[0].name)
    ctx.write(lambda _c: ledger.record_entry(store, ctx.actor, EntryRequest(group_member.member_id, "B02", date(2026, 11, 20)),
                                             approve=True, today=TODAY), Kind.LEDGER)
    after = page.charts.charts.charts[0].bars[0].values[10]
    assert after == before + Decimal(1)


def test_the_member_detail_shows_the_members_year(app, qtbot, demo_window, tmp_path):
    page = demo_window.show_page("totals")
    demo_window.resize(1366, 768)
    page.table.selectRow(0)
    detail = page.detail
    detail.tabs.setCurrentWidget(detail.charts)
    row = page.selected_row()
    assert detail.charts.charts.title.startswith(row.name)
    assert [v.chart.title for v in detail.charts.views] == ["逐月积分与年度累计", "每月各类积分"]
    assert not detail.month_table.isVisible()  # the charts have its room while they are looked at
    qtbot.wait(50)
    demo_window.grab().save(str(tmp_path / "member-charts.png"))
    page.table.clearSelection()
    assert detail.charts.views == [] and "点一名党员" in detail.charts.heading.text()
    detail.tabs.setCurrentIndex(0)
    assert detail.month_table.isVisible()


def test_a_problem_is_one_sentence_in_the_panel(app, qtbot, demo_window):
    page = demo_window.show_page("totals")
    page.charts_button.setChecked(True)
    page.year_spin.setValue(2030)
    assert "2030 年的积分细则还没有建立" in page.charts.heading.text()
    assert page.charts.views == []


def test_look_at_the_totals_charts(app, qtbot, demo_window, tmp_path):
    page = demo_window.show_page("totals")
    demo_window.resize(1366, 768)
    page.charts_button.setChecked(True)
    qtbot.wait(50)  # let the layouts settle as the event loop would
    assert all(view.height() >= 200 and view.visibleRegion().boundingRect().height() > 0 for view in page.charts.views[:1])
    demo_window.grab().save(str(tmp_path / "totals-charts.png"))
    page.charts.scroll.verticalScrollBar().setValue(900)
    qtbot.wait(20)
    demo_window.grab().save(str(tmp_path / "totals-charts-2.png"))


def test_painting_leaves_none_its_references(app, qtbot):
    """A chart painted over and over keeps None's reference count (see test_qt_binding.py: the
    binding that lost one on every void call aborted the interpreter, none_dealloc)."""
    import gc
    import sys

    from app.reports.chart_data import Chart, Series

    chart = Chart("年度积分", tuple(str(n) for n in range(2000)), bars=(Series("年度积分", tuple(Decimal(n % 97) for n in range(2000))),))
    view = shown_view(qtbot, chart)
    view.image(scale=1)
    gc.collect()  # earlier tests' garbage, freed during the loop, would lower the count rightly
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(30):
            view.image(scale=1)
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after >= before - 5  # unbalanced, 30 paints lose thousands


class _Control:
    def progress(self, done, total):
        pass


def test_the_print_dialog_adds_chart_pages(demo_window, monkeypatch, tmp_path):
    from io import BytesIO

    import pypdf

    from app.ui import menu_actions
    from app.ui.dialogs.print_dialog import PrintDialog

    made = []
    monkeypatch.setattr(PrintDialog, "build_and_preview", lambda self, build, label: made.append(build(_Control())[0]))
    dialog = menu_actions.open_print_dialog(demo_window)
    dialog.kind_list.setCurrentRow(0)
    assert not dialog.charts_check.isEnabled()  # scorecards carry no chart page
    dialog.kind_list.setCurrentRow(1)
    dialog.month_box.setCurrentIndex(9)
    assert dialog.charts_check.isEnabled()
    dialog.make_preview()
    dialog.charts_check.setChecked(True)
    dialog.make_preview()
    plain, charted = (pypdf.PdfReader(BytesIO(pdf)) for pdf in made)
    assert len(charted.pages) == len(plain.pages) + 1
    assert "公示表附页" in charted.pages[-1].extract_text()
    dialog.kind_list.setCurrentRow(4)  # 年度积分汇总
    dialog.make_preview()
    annual = pypdf.PdfReader(BytesIO(made[-1]))
    members = len(totals.branch_ranking(demo_window.ctx.store, 2026).rows)
    assert len(annual.pages) == 2 * members
    assert "逐月积分与年度累计" in annual.pages[1].extract_text()
    dialog.close()
    again = menu_actions.open_print_dialog(demo_window)
    assert again.charts_check.isChecked()  # remembered for this branch
    again.close()


def test_the_township_overview_draws_the_branches_side_by_side(app, qtbot, demo_store, tmp_path):
    from app.services.backup import archive as backup
    from app.services.township import gather
    from app.ui.jobs import JobRunner
    from app.ui.pages.township_window import TownshipWindow
    from conftest import keyed_admin

    stick = tmp_path / "stick"
    stick.mkdir()
    backup.backup_to(demo_store, stick)
    with Store.open_file(tmp_path / "乡镇汇总.db") as township:
        gather.start_township_database(township, keyed_admin(township), "城关镇党委")
        gather.gather(township, keyed_admin(township), [stick], lambda path, manifest: None)
        window = TownshipWindow(township, keyed_admin(township), today=TODAY, jobs=JobRunner(synchronous=True))
        qtbot.addWidget(window)
        window.show()
        window.resize(1366, 768)
        page = window.pages["overview"]
        page.charts_button.setChecked(True)
        qtbot.wait(50)
        titles = [view.chart.title for view in page.charts.views]
        assert titles == ["各支部人均积分", "各支部星级占比", "各支部会议出席率"]
        overview_average = page.overview.branches[0].average
        assert page.charts.views[0].chart.bars[0].values == (overview_average,)  # the table's figure
        page.chart_branch.setCurrentIndex(page.chart_branch.findText("红星村党支部"))  # chosen beside the charts
        assert page.charts.views[-1].chart.title == "红星村党支部逐月人均积分与全乡镇对比"
        assert page.branch_filter.currentText() == "红星村党支部"  # the ranking follows the same choice
        page.show_branch(None)
        assert len(page.charts.views) == 3 and page.chart_branch.currentIndex() == 0
        page.show_branch("红星村党支部")
        qtbot.wait(50)
        window.grab().save(str(tmp_path / "township-charts.png"))
        for view in page.charts.views:  # every township chart drawn, in the bundled font
            assert QFontInfo(view.font()).family() == chart_family()
            assert 0.02 < ink_share(view.image(scale=1)) < 0.8, view.chart.title
        window.close()


def test_a_tall_chart_repaints_only_what_is_shown(app, qtbot):
    from app.reports.chart_data import Chart, Series
    from app.ui.charts.painter import visible_part

    names = tuple(f"第{n:03d}村党支部" for n in range(1, 301))
    chart = Chart("各支部人均积分", names, bars=(Series("人均", tuple(Decimal(n % 90) for n in range(300))),), horizontal=True)
    view = shown_view(qtbot, chart)
    assert view.height() > 6000
    layout = view.layout_now()
    shown = visible_part(layout, 1000, 1600)
    assert 20 <= len(shown.boxes) <= 40 and all(1000 - b.h <= b.y <= 1600 for b in shown.boxes)
    top = view.image(scale=1).copy(0, 1000, view.width(), 600)
    assert ink_share(top) > 0.02  # the whole picture still has every row


def test_the_members_charts_follow_the_data(app, qtbot, demo_window):
    page = demo_window.show_page("totals")
    page.table.selectRow(0)
    row, detail = page.selected_row(), page.detail
    detail.tabs.setCurrentWidget(detail.charts)
    before = detail.charts.views[0].chart.bars[0].values[10]
    store, ctx = page.ctx.store, page.ctx
    ctx.write(lambda _c: ledger.record_entry(store, ctx.actor, EntryRequest(row.member_id, "B02", date(2026, 11, 21)),
                                             approve=True, today=TODAY), Kind.LEDGER)
    assert page.selected_row().member_id == row.member_id
    assert detail.charts.views[0].chart.bars[0].values[10] == before + Decimal(1)
