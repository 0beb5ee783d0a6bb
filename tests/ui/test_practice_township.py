"""The township's window shows every gathered village's resident cadres side by side, with the
same year's points, ten-point score and band as the village computes for itself."""

from __future__ import annotations

from PySide6.QtTest import QAbstractItemModelTester

from app.services.backup import archive as backup
from app.services.practice import cadres
from app.services.township import gather
from app.ui.jobs import JobRunner
from app.ui.pages.township_window import TownshipWindow
from conftest import TODAY, keyed_admin
from db.store import Store

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def test_the_township_sees_the_villages_cadres(app, qtbot, tmp_path, demo_store):
    stick = tmp_path / "stick"
    stick.mkdir()
    backup.backup_to(demo_store, stick)
    own = {(y.cadre.name, y.total, y.ten_point, y.band) for y in cadres.branch_cadre_years(demo_store, 2026)}
    with Store.open_file(tmp_path / "乡镇汇总.db") as township:
        admin = keyed_admin(township)
        gather.start_township_database(township, admin, "城关镇党委")
        gather.gather(township, admin, [stick], lambda path, manifest: None)
        window = TownshipWindow(township, admin, today=TODAY, jobs=JobRunner(synchronous=True))
        qtbot.addWidget(window)
        window.show()
        window.resize(1280, 720)
        page = window.show_page("cadres")
        QAbstractItemModelTester(page.model, FATAL)
        rows = page.model.rows()
        assert {(r.name, r.total, r.ten_point, r.band) for r in rows} == own and len(own) == 2
        assert {r.branch_name for r in rows} == {"红星村党支部"}
        assert "1 个村（社区）共 2 名驻村干部" in page.summary.text()
        assert window.grab().save(str(tmp_path / "township-cadres.png"))
