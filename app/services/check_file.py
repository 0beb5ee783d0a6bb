"""The file's own structure, checked by `check` (app/services/check.py) in the parts that
db/file_check.py defines (why those parts find what one `integrity_check` finds is written
there), each a part of `check` that the lanes share. The findings of all parts make one
sentence (check.py, _merged).
"""

from __future__ import annotations

from db.file_check import BIG_TABLES, big_table_problems, rest_of_file_problems

SHOWN = 5  # SQLite's lines quoted in the sentence

__all__ = ["BIG_TABLES", "file_damage_sentence", "check_big_table", "check_rest_of_file"]


def file_damage_sentence(found: list[str]) -> str:
    return "数据库文件内部结构损坏：" + "；".join(found[:SHOWN])


def check_big_table(table: str, session, report) -> None:
    report.file_damage += big_table_problems(table, session.connection().exec_driver_sql)


def check_rest_of_file(session, report) -> None:
    report.file_damage += rest_of_file_problems(session.connection().exec_driver_sql)
