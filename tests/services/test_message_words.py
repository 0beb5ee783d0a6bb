"""No message says a state twice: 已已审核, 记录已经已驳回, 张三已已转出.

Several labels already carry 已 (EntryStatus 已审核/已驳回, MemberStatus 已转出/已去世,
RoundStatus 已上报…), so a sentence must not put 已 or 已经 in front of a label, nor
contain a doubled 已 of its own. This scans the program's source for both.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.domain import enums, rating

ROOT = Path(__file__).resolve().parents[2]
# 已{x.label} or 已经{x.label} (also with a format spec), and a literal doubled 已 or 已经已.
BEFORE_LABEL = re.compile(r"已经?\{[^{}]*\.label[^{}]*\}")
DOUBLED = re.compile(r"已已|已经已")
SOURCES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "app").rglob("*.py"))


def _problems(relative: str) -> list[str]:
    found = []
    for number, line in enumerate((ROOT / relative).read_text(encoding="utf-8").splitlines(), start=1):
        if BEFORE_LABEL.search(line) or DOUBLED.search(line):
            found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_sentence_puts_a_done_word_before_a_label():
    assert [problem for path in SOURCES for problem in _problems(path)] == []


def test_the_scan_sees_the_mistake_it_is_looking_for():
    assert BEFORE_LABEL.search('f"{entry.member.name} 的记录已经{entry.status.label}，不能再审核。"')
    assert BEFORE_LABEL.search('f"{label}已{entry.status.label}，却没有审核人"')
    assert not BEFORE_LABEL.search('f"的记录{entry.status.label}，不能再审核。"')
    assert DOUBLED.search("记录已经已驳回") and DOUBLED.search("已已审核")


def test_labels_that_carry_done_words_are_the_ones_we_expect():
    labelled = [member for enum in (enums.EntryStatus, enums.MemberStatus, rating.RoundStatus) for member in enum]
    assert all(not DOUBLED.search(member.label) for member in labelled)
    assert {m.label for m in labelled if m.label.startswith("已")} == {"已审核", "已驳回", "已转出", "已去世", "已上报，待乡镇验星"}


# Dates in sentences to the clerk read 2026年6月30日 (app.domain.dates.day_text), as on paper:
# “已于 2026-06-30 离村” read as a database's. Left in ISO form, on purpose: the audit log's
# summaries (records kept as written), a round's step notes, the Excel sheets' 导出日期 header
# cells and the roster table's short status mark.
ISO_IN_SENTENCE = re.compile(r"[\u4e00-\u9fff][^\n]*(:%Y-%m-%d\}|\.isoformat\(\)|str\([a-z_.]*(date|_on|day)\))")
ISO_KEPT = ("导出日期：", "note=f\"公示期", 'when = f"{self.status_date:%Y-%m-%d}"')
MESSAGE_SOURCES = [
    path for path in SOURCES
    if path.startswith(("app/services/", "app/domain/")) and not path.startswith(("app/services/township/", "app/services/backup/"))
]


def _iso_dates_in_sentences(relative: str) -> list[str]:
    lines = (ROOT / relative).read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        in_audit = any("audit(" in before for before in lines[max(0, number - 3):number])  # a summary a line or two into the call
        if ISO_IN_SENTENCE.search(line) and not in_audit and not any(kept in line for kept in ISO_KEPT):
            found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_message_writes_a_date_the_iso_way():
    assert [problem for path in MESSAGE_SOURCES for problem in _iso_dates_in_sentences(path)] == []


def test_the_date_scan_sees_what_it_is_looking_for():
    assert ISO_IN_SENTENCE.search('raise ValidationError(f"{cadre.name}已于 {cadre.ended_on:%Y-%m-%d} 离村，之后不能再记分。")')
    assert ISO_IN_SENTENCE.search('f"会议日期 {str(held_on)} 还没到"')
    assert not ISO_IN_SENTENCE.search('raise ValidationError(f"{cadre.name}已于{day_text(cadre.ended_on)}离村，之后不能再记分。")')
