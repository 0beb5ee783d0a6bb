"""帮助 → 使用说明: the village's help page walks the clerk's month, the township window's the organiser's
gathering and 验星; their pictures are made here, offscreen.

DYJF_UPDATE_HELP=1 writes the pictures into resources/help/images (run it after changing a page
the help shows, and look at them); otherwise they are rendered into the test's temporary folder,
which checks that every picture the page shows can still be made.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTabWidget

from app.ui import menu_actions
from app.ui.dialogs.help_dialog import HELP_DIR, HELP_PAGE, TOWNSHIP_HELP_PAGE
from tests.ui.screen_check import LAPTOPS, settle, usable
from tests.ui.test_township_window import township_store, township_window, villages  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.gui

PICTURE_WIDTH = 1100  # enough to read, small enough to ship


def _tab(page, title_start: str) -> None:
    for tabs in page.findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.tabText(index).startswith(title_start):
                tabs.setCurrentIndex(index)
                return
    raise AssertionError(f"no tab {title_start}")


def _save(widget, path: Path) -> Path:
    settle()
    image = widget.grab().toImage()
    if image.width() > PICTURE_WIDTH:
        image = image.scaledToWidth(PICTURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path)), path
    return path


def render_help_pictures(window, folder: Path) -> set[str]:
    """The steps of the month as the clerk sees them at 1366×768."""
    window.resize(usable(LAPTOPS["1366x768"]))
    made = set()
    for name, key, tab in (("meeting", "entry", "会议考勤"), ("single", "entry", "单条录入"),
                           ("review", "ledger", "待审核"), ("ledger", "ledger", "全部记录"), ("ranking", "totals", None)):
        page = window.show_page(key)
        if tab:
            _tab(page, tab)
        made.add(_save(window, folder / f"{name}.png").name)
    for name, dialog in (("print", menu_actions.open_print_dialog(window)), ("backup", menu_actions.open_backup(window, "backup"))):
        dialog.resize(dialog.sizeHint().boundedTo(QSize(1000, 700)))
        made.add(_save(dialog, folder / f"{name}.png").name)
        dialog.close()
    return made


def render_township_help_pictures(window, stick: Path, report: Path, folder: Path, monkeypatch) -> set[str]:
    """The township organiser's work at 1366×768: three villages' backups gathered from one stick,
    汇总总览 (tables and 图表), a village's star rating imported into 验星 and answered, 驻村干部, and
    the township database's own backup."""
    window.resize(usable(LAPTOPS["1366x768"]))
    made = set()

    def dialog_picture(name: str, dialog, size: QSize) -> None:
        dialog.resize(size)
        made.add(_save(dialog, folder / f"{name}.png").name)
        dialog.close()

    gathering = window.open_backup("gather")
    gathering.add_gather_source(stick)
    gathering.start_gather()
    assert gathering.last_error is None, gathering.status_label.text()
    dialog_picture("township-gather", gathering, QSize(760, 620))

    overview = window.show_page("overview")
    made.add(_save(window, folder / "township-overview.png").name)
    overview.charts_button.setChecked(True)
    made.add(_save(window, folder / "township-charts.png").name)
    overview.charts_button.setChecked(False)

    monkeypatch.setattr(window.ctx, "ask_open_path", lambda *_args: str(report))
    window.import_action.trigger()  # 文件 → 导入星级评定上报文件…
    verify = window.show_page("verify")
    made.add(_save(window, folder / "township-verify.png").name)
    returning = verify.decide(False)
    returning.comments_edit.setPlainText("在职党员廖文、白勇生、侯敏秀的双报到没有落实，请补充社区出具的服务证明后重新公示、上报。")
    dialog_picture("township-return", returning, returning.sizeHint().expandedTo(QSize(620, 0)))

    window.show_page("cadres")
    made.add(_save(window, folder / "township-cadres.png").name)
    dialog_picture("township-backup", window.open_backup("backup"), QSize(620, 520))
    return made


def _shown_pictures(page: Path) -> set[str]:
    return set(Path(src).name for src in re.findall(r'<img src="([^"]+)"', page.read_text(encoding="utf-8")))


def _picture_folder(tmp_path: Path) -> Path:
    return HELP_DIR / "images" if os.environ.get("DYJF_UPDATE_HELP") else tmp_path / "help"


def test_the_help_pictures_are_made_from_the_window(demo_window, tmp_path):
    made = render_help_pictures(demo_window, _picture_folder(tmp_path))
    shown = _shown_pictures(HELP_PAGE)
    assert shown and shown <= made
    assert all((HELP_DIR / "images" / name).exists() for name in shown)


def test_the_township_help_pictures_are_made_from_the_township_window(villages, township_window, tmp_path, monkeypatch):
    stick, _made, report = villages
    made = render_township_help_pictures(township_window, stick, report, _picture_folder(tmp_path), monkeypatch)
    shown = _shown_pictures(TOWNSHIP_HELP_PAGE)
    assert shown and shown <= made
    assert all((HELP_DIR / "images" / name).exists() for name in shown)


def test_help_opens_the_month_in_chinese(demo_window, tmp_path):
    action = demo_window.help_action
    assert action.text() == "使用说明"
    action.trigger()
    dialog = demo_window.help_dialog
    assert dialog.isVisible() and dialog.page == HELP_PAGE
    text = dialog.browser.toPlainText()
    for step in ("会议考勤", "单条录入", "待审核", "冲正", "积分统计", "公示表", "积分卡", "备份到U盘",
                 "在册", "支部委员会", "移出名单"):  # the grid's list follows the day's roll; a 支委会 lists the committee
        assert step in text, step
    for name in ("meeting.png", "backup.png"):  # the pictures are found beside the text
        image = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(f"images/{name}"))
        assert image is not None and not QImage.fromData(bytes(image)).isNull(), name
    dialog.browser.grab().save(str(tmp_path / "help.png"))
    dialog.close()


def test_the_township_help_walks_the_organisers_work_in_chinese(township_window, tmp_path):
    """The township window has no entering of points: its help is the gathering and 验星, not the village's month."""
    township_window.help_action.trigger()
    dialog = township_window.help_dialog
    assert dialog.isVisible() and dialog.page == TOWNSHIP_HELP_PAGE
    text = dialog.browser.toPlainText()
    for step in ("汇总各村备份", "开始汇总", "再汇总一次", "各村对比", "全乡镇排名", "图表", "导入上报文件", "验星通过", "退回",
                 "登记验星结果", "驻村干部", "备份到U盘"):
        assert step in text, step
    assert "单条录入" not in text and "会议考勤" not in text
    for name in ("township-overview.png", "township-verify.png"):  # the pictures are found beside the text
        image = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(f"images/{name}"))
        assert image is not None and not QImage.fromData(bytes(image)).isNull(), name
    dialog.browser.grab().save(str(tmp_path / "help.png"))
    dialog.close()
