"""The 双报到·评议·驻村 page driven as the clerk does, on the demo branch: service hours for an
event, an override, a tally typed into the grid (and a refused one), a cadre and his points,
the papers previewed; every table model passes QAbstractItemModelTester."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.appraisal_tally import GRADES
from app.services.practice import appraisal, cadres, dual_report
from app.ui.dialogs import print_preview

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def page(demo_window):
    shown = demo_window.show_page("practice")
    for model in (shown.dual_tab.model, shown.dual_tab.lines_model, shown.cadre_tab.model, shown.cadre_tab.lines_model):
        QAbstractItemModelTester(model, FATAL)
    return shown


@pytest.fixture
def previews(monkeypatch):
    opened = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: opened.append((title, pdf)))
    return opened


def test_dual_report_tab(page, demo_store, previews):
    tab = page.dual_tab
    rows = {r.name: r for r in tab.model.rows()}
    assert len(rows) == 6 and "全年服务满 50 小时算落实" in tab.summary.text()
    below = min(rows.values(), key=lambda r: r.hours)
    assert below.decision.served is False
    # An event: two members at once, 8 hours each.
    dialog = tab.add_service()
    others = [name for name in rows if name != below.name][:1]
    for name in [below.name, *others]:
        assert dialog.tick(name)
    dialog.hours_edit.setText("8")
    dialog.activity_edit.setText("社区义诊服务")
    dialog.confirmed_edit.setText("社区书记 周桂兰")
    dialog.day_edit.setDate(dialog.day_edit.date().addDays(-1))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    after = {r.name: r for r in tab.model.rows()}
    assert after[below.name].hours == below.hours + 8 and after[others[0]].hours == rows[others[0]].hours + 8
    # The branch decides against the hours, with a reason.
    assert tab.select(below.name)
    dialog = tab.override()
    dialog.served_box.setCurrentIndex(0)
    dialog.save()
    assert "必须写明原因" in dialog.problem.text()
    dialog.reason_edit.setText("抗洪值守两天，社区出具证明")
    dialog.save()
    row = {r.name: r for r in tab.model.rows()}[below.name]
    assert row.decision.served and row.decision.overridden
    # The selected member's records, and a reversal.
    assert tab.select(below.name) and tab.lines_model.rowCount() >= 1
    tab.lines.selectRow(tab.lines_model.rowCount() - 1)
    dialog = tab.reverse_record()
    dialog.reason_edit.setText("登记重复")
    dialog.save()
    assert {r.name: r for r in tab.model.rows()}[below.name].hours == below.hours
    dialog = tab.print_letters()
    dialog.make_preview()
    assert previews and previews[-1][0].endswith("双报到反馈单")


def test_appraisal_tab(page, demo_store, previews):
    tab = page.appraisal_tab
    assert tab.grid.rowCount() == 35 and tab.returned_spin.value() == 33  # the demo's tally is shown
    assert tab.folding.text() == "本年度细则不计民主评议，评议结果只作记录，不进入年度总分。"  # village_100: mode none
    first = tab.members[0].name
    tab.returned_spin.setValue(40)  # more than the 35 issued: refused whole
    tab.save()
    assert "比发出的（35 张）还多" in tab.problem.text()
    tab.returned_spin.setValue(30)
    tab.set_votes(first, (10, 9, 5, 6))  # 不合格 6 × 3 = 18, not over 30; 基本合格 + 不合格 11 × 3 = 33 > 30 → 基本合格
    tab.grid.item(1, 2).setText("0")
    tab.grid.item(1, 3).setText("31")  # over the 30 returned: refused whole
    tab.save()
    assert "得票合计 31 票，比收回的测评票（30 张）还多" in tab.problem.text()
    for index in range(tab.grid.rowCount()):  # a clean count: everyone 合格 20 of 30
        tab.set_votes(tab.members[index].name, (5, 20, 0, 0))
    tab.set_votes(first, (10, 9, 5, 6))
    assert (tab.preview(first).grade, tab.preview(first).score) == ("基本合格", Decimal("67.33"))  # 2020 / 30
    tab.save()
    assert tab.problem.text() == ""
    assert appraisal.appraisal_score(demo_store, tab.members[0].member_id, 2026) == (tab.preview(first).score, "基本合格")
    assert tab.grid.item(0, 2 + len(GRADES) + 1).text() == "基本合格"
    tab.print_paper("ballot").make_preview()
    tab.print_paper("tally").make_preview()
    assert [title for title, _ in previews] == ["2026年度民主评议党员测评表", "2026年度民主评议党员结果"]


def test_cadre_tab(page, demo_store, previews):
    tab = page.cadre_tab
    assert [y.cadre.name for y in tab.model.rows()] == ["周振华", "孙丽娟"] and "十分制得分" in tab.summary.text()
    dialog = tab.add_cadre()
    dialog.name_edit.setText("钱驻村")
    dialog.sent_by_edit.setText("县卫健委")
    dialog.start_field.setText("2026-03-01")
    dialog.save()
    assert tab.select("钱驻村")
    dialog = tab.add_points()
    dialog.choose_item("Z04")
    assert dialog.points_edit.isEnabled()
    dialog.points_edit.setText("9")
    dialog.save()
    assert "1 至 3 分" in dialog.problem.text()
    dialog.points_edit.setText("2.5")
    dialog.save()
    year = next(y for y in tab.model.rows() if y.cadre.name == "钱驻村")
    assert (str(year.total), str(year.ten_point), year.band) == ("62.50", "6.25", "基本称职")
    assert tab.select("钱驻村") and tab.lines_model.rowCount() == 1
    tab.lines.selectRow(0)
    dialog = tab.reverse_line()
    dialog.reason_edit.setText("项目未落地")
    dialog.save()
    year = next(y for y in tab.model.rows() if y.cadre.name == "钱驻村")
    assert str(year.total) == "60.00"
    tab.print_paper("cadre-cards").make_preview()
    tab.print_paper("cadre-sheets").make_preview()
    assert [title for title, _ in previews] == ["2026年11月驻村干部积分卡", "2026年度驻村干部年度考核表"]
    assert len(cadres.list_cadres(demo_store)) == 3 and dual_report.year_rows(demo_store, 2026)


def test_screens_fit(page, demo_window, tmp_path):
    """The three tabs at laptop sizes; PRACTICE_SHOTS=folder keeps the pictures to look at."""
    folder = Path(os.environ.get("PRACTICE_SHOTS", tmp_path))
    for size in ((1366, 768), (1280, 720)):
        demo_window.resize(*size)
        for index in range(page.tabs.count()):
            page.tabs.setCurrentIndex(index)
            assert page.tabs.currentWidget().isVisible()
            assert demo_window.grab().save(str(folder / f"practice-{index}-{size[0]}.png"))


def test_the_rating_pages_hand_tick_against_the_hours_needs_a_reason(demo_window, demo_store):
    from app.services.rating import rounds
    from app.services.rating.queries import load_view
    from conftest import keyed_admin

    rounds.start_round(demo_store, keyed_admin(demo_store), 2026, date(2026, 11, 20), today=date(2026, 11, 23))
    below = min(dual_report.year_rows(demo_store, 2026), key=lambda r: r.hours)
    page = demo_window.show_page("rating")
    dialog = page.dual_report()
    dialog.check_for(below.name).setChecked(True)
    dialog.save()
    assert "要改变认定结果，请写明原因" in dialog.problem.text()
    dialog.reason_edit.setText("防汛值守，社区出具证明")
    dialog.save()
    served = {c.name: c.dual_report_served for c in load_view(demo_store, 2026).candidates}
    assert served[below.name] is True
    assert {r.name: r for r in dual_report.year_rows(demo_store, 2026)}[below.name].decision.overridden


def test_a_cadres_phone_shows_masked_until_revealed(page, demo_store):
    tab = page.cadre_tab
    assert tab.select("周振华")
    dialog = tab.edit_cadre()
    assert dialog.phone_edit.text() == "138****0001" and dialog.phone_edit.isReadOnly()
    assert dialog.reveal_button.isVisibleTo(dialog) and dialog.reveal_button.isEnabled()
    dialog.post_edit.setText("驻村第一书记（兼）")
    dialog.save()  # the masked phone is kept, not saved as 138****0001
    zhou = next(c for c in cadres.list_cadres(demo_store, page.ctx.actor) if c.name == "周振华")
    assert (zhou.post, zhou.masked_phone) == ("驻村第一书记（兼）", "138****0001")
    assert tab.select("周振华")
    dialog = tab.edit_cadre()
    dialog.reveal()
    assert dialog.phone_edit.text() == "13837600001" and not dialog.phone_edit.isReadOnly()
    assert not dialog.reveal_button.isVisibleTo(dialog)
    dialog.phone_edit.setText("13937600009")
    dialog.save()
    assert cadres.reveal_phone(demo_store, page.ctx.actor, zhou.id) == "13937600009"


def test_editing_a_cadre_keeps_and_changes_his_note(page, demo_store):
    tab = page.cadre_tab
    assert tab.select("周振华")
    dialog = tab.edit_cadre()
    dialog.note_edit.setText("兼任乡村振兴工作队队长")
    dialog.save()
    assert tab.select("周振华")
    dialog = tab.edit_cadre()
    assert dialog.note_edit.text() == "兼任乡村振兴工作队队长"
    dialog.post_edit.setText("驻村第一书记")
    dialog.save()  # a change elsewhere leaves the note as it was
    zhou = next(c for c in cadres.list_cadres(demo_store, page.ctx.actor) if c.name == "周振华")
    assert (zhou.post, zhou.note) == ("驻村第一书记", "兼任乡村振兴工作队队长")
