"""Long work off the UI thread: results, progress and errors arrive on the UI thread; cancel leaves nothing half-done."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.domain.errors import ValidationError
from app.ui.errors import ErrorDialog, describe, show_error
from app.ui.jobs import JobRunner, run_with_progress

pytestmark = pytest.mark.gui


def _on_ui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


def test_a_threaded_job_reports_progress_and_its_result_on_the_ui_thread(app, qtbot):
    runner = JobRunner()
    seen = {"progress": [], "result": None, "threads": set()}

    def work(control):
        seen["threads"].add(threading.get_ident())
        for step in range(1, 4):
            control.progress(step, 3)
        return "完成"

    def result(value):
        assert _on_ui_thread()
        seen["result"] = value

    def progress(done, total):
        assert _on_ui_thread()
        seen["progress"].append((done, total))

    job = runner.submit(work, on_result=result, on_progress=progress)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert runner.wait()
    assert seen["result"] == "完成"
    assert seen["progress"] == [(1, 3), (2, 3), (3, 3)]
    assert threading.get_ident() not in seen["threads"]


def test_cancelling_raises_inside_the_job_and_the_caller_hears_of_it(app, qtbot):
    runner = JobRunner()
    started, release = threading.Event(), threading.Event()
    outcome = {}

    def work(control):
        started.set()
        release.wait(5)
        control.progress(1, 2)  # raises JobCancelled: the clerk pressed 取消
        return "不该到这里"

    parent = QWidget()
    qtbot.addWidget(parent)
    job, dialog = run_with_progress(parent, runner, "导入", "正在导入…", work, on_result=lambda r: outcome.update(result=r),
                                    on_cancelled=lambda: outcome.update(cancelled=True))
    assert started.wait(5)
    dialog.findChild(QPushButton).click()  # 取消
    release.set()
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    runner.wait()
    assert outcome == {"cancelled": True}


def test_an_error_in_a_job_becomes_one_sentence_with_details(app, qtbot):
    runner = JobRunner(synchronous=True)
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = []

    def work(control):
        raise ValidationError("表格中有 2 行有问题。", details="第 3 行：……")

    run_with_progress(parent, runner, "导入", "正在导入…", work, on_result=lambda r: None, on_error=failures.append)
    assert isinstance(failures[0], ValidationError)
    assert not runner.busy

    def crash(control):
        return 1 / 0

    run_with_progress(parent, runner, "导入", "正在导入…", crash, on_result=lambda r: None)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]
    assert boxes and "意外的问题" in boxes[-1].message_label.text()
    assert "ZeroDivisionError" in boxes[-1].details
    assert not boxes[-1].details_box.isVisible()
    boxes[-1].details_button.click()
    assert boxes[-1].details_box.isVisible()
    boxes[-1].copy_details()
    assert "ZeroDivisionError" in QApplication.clipboard().text()
    boxes[-1].close()


def test_plain_sentences_for_the_usual_troubles(app):
    assert describe(ValidationError("请填写姓名。"))[0] == "请填写姓名。"
    assert "没有权限" in describe(PermissionError(13, "denied"))[0]
    assert "已满，刚才的操作没有完成" in describe(OSError(28, "No space left on device"))[0]


def test_show_error_never_blocks(app, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, ValidationError("身份证号校验位不对。"))
    assert box.isVisible() and box.message_label.text() == "身份证号校验位不对。"
    assert not box.details_button.isVisibleTo(box)
    box.accept()


def test_a_job_asks_the_clerk_on_the_ui_thread_and_waits_for_the_answer(app, qtbot):
    """Gathering needs a village's passphrase half-way: the question runs on the UI thread (where a
    dialog may open), the worker waits and goes on with the answer; an error in the question is the job's."""
    for runner in (JobRunner(synchronous=True), JobRunner()):
        seen = {"asked_on_ui": [], "worker": None}

        def question(name):
            seen["asked_on_ui"].append(_on_ui_thread())
            return f"{name}的口令"

        def work(control):
            seen["worker"] = threading.get_ident()
            first = control.ask(lambda: question("东风村"))
            second = control.ask(lambda: question("向阳村"))
            return first, second

        outcome = {}
        job = runner.submit(work, on_result=lambda value: outcome.update(result=value))
        if not job.is_finished:
            with qtbot.waitSignal(job.finished, timeout=5000):
                pass
        assert outcome == {"result": ("东风村的口令", "向阳村的口令")}
        assert seen["asked_on_ui"] == [True, True]
        assert (seen["worker"] == threading.get_ident()) is runner.synchronous

        def refused():
            raise ValidationError("没有选好。")

        failures = []
        job = runner.submit(lambda control: control.ask(refused), on_result=lambda value: failures.append("no error"),
                            on_error=failures.append)
        if not job.is_finished:
            with qtbot.waitSignal(job.finished, timeout=5000):
                pass
        assert [type(error) for error in failures] == [ValidationError]
        runner.wait()
