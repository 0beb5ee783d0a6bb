"""Progress lines of long verbs on the terminal (app/cli/progress.py): silent on a quick run,
then a line when the sentence changes and at least one every so often, always on stderr."""

from __future__ import annotations

import io

from app.cli.progress import TerminalProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _progress(quiet: float = 2.0, every: float = 15.0) -> tuple[TerminalProgress, io.StringIO, Clock]:
    stream, clock = io.StringIO(), Clock()
    return TerminalProgress(stream, quiet=quiet, every=every, clock=clock), stream, clock


def test_a_verb_that_ends_within_the_quiet_seconds_prints_nothing():
    progress, stream, clock = _progress()
    progress(0.05, "正在读取数据库……")
    clock.now += 1.9
    progress(1.0, "备份完成。")
    assert stream.getvalue() == ""


def test_after_the_quiet_seconds_each_new_sentence_is_a_line_with_percent_and_time():
    progress, stream, clock = _progress()
    progress(0.05, "正在读取数据库……")
    clock.now += 3
    progress(0.2, "正在写入备份文件……")
    clock.now += 30.4
    progress(1.0, "备份完成。")
    assert stream.getvalue().splitlines() == [
        "进度 20%：正在写入备份文件……（已用 3 秒）",
        "进度 100%：备份完成。（已用 33 秒）",
    ]


def test_the_same_sentence_is_repeated_only_every_so_often():
    progress, stream, clock = _progress(quiet=0, every=15)
    for _ in range(40):  # a report every second for 40 seconds
        progress(0.5, "正在写入备份文件……")
        clock.now += 1
    assert [line.split("（")[-1] for line in stream.getvalue().splitlines()] == ["已用 0 秒）", "已用 15 秒）", "已用 30 秒）"]


def test_fractions_outside_zero_to_one_are_shown_within_it():
    progress, stream, _ = _progress(quiet=0)
    progress(-0.1, "一")
    progress(1.7, "二")
    assert [line.split("：")[0] for line in stream.getvalue().splitlines()] == ["进度 0%", "进度 100%"]
