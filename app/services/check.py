"""`check`: is the file sound, and does the ledger add up? Reports problems, changes nothing.

The parts below read independent things; on a SQLite file they run side by side on the
machine's cores, each on its own read-only connection (app/services/check_lanes.py), and are
reported in this order whichever finishes first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from sqlalchemy import text

from app.domain.chain import AUDIT, EMPTY_HEAD, ENTRIES, Extension, Head, paper_code
from app.domain.chain_sentences import extension_details, extension_sentence
from app.domain.points import format_points
from app.services.check_caps import cap_problems
from app.services.check_file import BIG_TABLES, check_big_table, check_rest_of_file, file_damage_sentence
from app.services.check_lanes import run_parts
from app.services.check_ledger import ledger_counts, ledger_problems
from app.services.check_rounds import round_problems
from app.services.check_sums import disagreeing_keys, disagreeing_year_keys
from app.services.context import read_session
from app.services.files import Progress
from app.services.practice.checks import check_practice
from app.services.shop.checks import check_shop
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db import ledger_chain, summaries
from db.chain_check import ChainCheck, check_chains
from db.engine import is_sqlite, sqlite_path
from db.models import Member
from db.store import Store

# the sums are derived from the ledger, which is intact when only they differ: what to do
REBUILD_HINT = "若这次检查没有报告台账本身的问题，管理员可用“main.py rebuild-sums”从台账重算汇总。"
LANES = 2  # parts at once: the integrity check alone is about half of the work on a large file


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)  # for the chain's findings: what to copy
    chain_heads: dict[str, Head] = field(default_factory=dict)
    file_damage: list[str] = field(default_factory=list)  # SQLite's findings about the file, one sentence when merged

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(store: Store, progress: Progress | None = None) -> CheckReport:
    """Every part of the check; `progress(fraction, sentence)` hears of each part as it ends
    (from the lane that ran it), since a county's file takes minutes."""
    ranked = check_parts(is_sqlite(store.engine))
    reports = [CheckReport() for _ in ranked]
    started = sorted(zip(ranked, reports), key=lambda pair: pair[0][0])
    finished = None
    if progress is not None:
        labels, done = [part_label(part) for (_, part), _ in started], []

        def finished(number: int) -> None:
            done.append(number)  # list.append is atomic: lanes may end at once
            progress(len(done) / len(labels), f"已检查完{labels[number]}（{len(done)}/{len(labels)}）")

    run_parts(store, [partial(part, report=report) for (_, part), report in started], _lanes(store), finished)
    return _merged(reports)


_TABLE_LABELS = {"audit_log": "数据库文件结构（操作日志）", "points_entries": "数据库文件结构（积分台账）"}


def part_label(part: Callable) -> str:
    """What a part of the check reads, in the clerk's words (for the progress lines)."""
    function = getattr(part, "func", part)
    if function is check_big_table:
        return _TABLE_LABELS[part.args[0]]
    return _PART_LABELS[function]


def check_parts(sqlite: bool) -> list[tuple[int, Callable]]:
    """The parts (session, report) in the order they are reported, each with its rank in the
    order they are started: the heaviest first, so that the lanes end together. Processor
    seconds each on a county's file (6.2 GB, 5.1 million entries and as many audit records,
    measured alone by tests/benchmarks/bench_check_parts.py): the file's structure 40 (audit_log)
    + 37 (points_entries) + 10 (the rest: quick_check 7), chains 48 (the review records 20),
    caps 22, kept month sums 16, ledger rules 13, references 4, the reported rounds' frozen
    totals 2 (two reported years), the rest a fraction."""
    structure = [partial(check_big_table, table) for table in BIG_TABLES] + [check_rest_of_file]
    ranked = [(0, structure[0]), (0, structure[1]), (3, structure[2]), (5, _check_references)] if sqlite else []
    return ranked + [(1, partial(_check_chain, sqlite=sqlite)), (4, _check_ledger), (2, _check_caps), (3, _check_summaries),
                     (5, _check_reported_rounds), (6, check_practice), (6, check_shop)]


def _lanes(store: Store) -> int:
    """Side by side only on a file of SQLite's (an in-memory database is one connection)."""
    if sqlite_path(store.engine) is None:
        return 1
    return max(1, min(LANES, os.cpu_count() or 1))


def _merged(reports: list[CheckReport]) -> CheckReport:
    whole = CheckReport()
    for report in reports:
        whole.problems += report.problems
        whole.details += report.details
        whole.counts.update(report.counts)
        whole.chain_heads.update(report.chain_heads)
        whole.file_damage += report.file_damage
    if whole.file_damage:
        whole.problems.insert(0, file_damage_sentence(whole.file_damage))
    return whole


def _check_summaries(session, report: CheckReport) -> None:
    """The summaries kept per member and month, recomputed from the ledger and compared; those
    kept per member and year, compared with the months added up — and, when the months are wrong
    themselves, with the ledger added up by year, so that a wrong month is not blamed on the year."""
    months_wrong = bool(disagreeing_keys(session))
    if months_wrong:
        count, found = summaries.mismatch_count(session, shown=1)
        (rule_set_id, year, member_id, month, category), kept, ledger = found[0]
        kept_text = f"{format_points(kept[0])} 分" if kept else "没有"
        ledger_text = f"{format_points(ledger[0])} 分" if ledger else "没有记录"
        report.problems.append(
            f"积分月汇总与台账不符：{_member_name(session, member_id)} {year}年{month}月的“{category.label}”汇总为{kept_text}，"
            f"台账合计为{ledger_text}（共 {count} 处不符）。{REBUILD_HINT}"
        )
    year_wrong = disagreeing_year_keys(session)
    if year_wrong and months_wrong:
        # a wrong month makes its year differ from the months added up: the year itself is wrong
        # only where it differs from the ledger too (and a rewritten ledger leaves both as they were)
        year_wrong = disagreeing_year_keys(session, against_ledger=True)
    if year_wrong:
        count, found = summaries.year_mismatch_count(session, shown=1, against_ledger=months_wrong)
        (rule_set_id, year, member_id, category), kept, computed = found[0]
        held_to, sum_name = ("台账", "台账合计") if months_wrong else ("月汇总", "各月汇总合计")
        kept_text = f"年汇总为{format_points(kept[0])} 分" if kept else "没有年汇总"
        computed_text = f"{sum_name}为{format_points(computed[0])} 分" if computed else f"没有{'记录' if months_wrong else '月汇总'}"
        report.problems.append(
            f"积分年汇总与{held_to}不符：{_member_name(session, member_id)} {year}年的“{category.label}”{kept_text}，"
            f"{computed_text}（共 {count} 处不符）。{REBUILD_HINT}"
        )


def _check_reported_rounds(session, report: CheckReport) -> None:
    """The year totals frozen in reported star ratings, still the ledger's (app/services/check_rounds.py)."""
    report.problems.extend(round_problems(session))


def _member_name(session, member_id) -> str:
    member = session.get(Member, member_id)
    return member.name if member else "?"


def _check_references(session, report: CheckReport) -> None:
    broken = session.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        report.problems.append(f"有 {len(broken)} 条记录引用了不存在的记录。")


def is_township_file(session) -> bool:
    settings = read_settings(session)
    return bool(settings.get(TOWNSHIP_SETTING)) or any(key.startswith(GATHERED_PREFIX) for key in settings)


def _check_chain(session, report: CheckReport, sqlite: bool) -> None:
    """The ledger and audit chains row by row in plain SQL, the guarding triggers by their SQL.

    In a township database the gathered rows stand outside its own chain (each branch's chain
    was verified when its backup was gathered), so only unchained rows are let pass there."""
    found = check_chains(session.connection(), sqlite, include_unchained=not is_township_file(session))
    _add_chain_findings(found, report)


def _add_chain_findings(found: ChainCheck, report: CheckReport) -> None:
    for finding in found.findings:
        report.problems.append(finding.sentence)
        report.details.append(finding.details)
    report.chain_heads = dict(found.heads)
    report.counts["台账链"] = found.rows.get(ENTRIES, 0)
    report.counts["日志链"] = found.rows.get(AUDIT, 0)


@dataclass(frozen=True)
class LedgerVerdict:
    """What the window's background check shows: sound or not, the first finding, details to copy."""

    ok: bool
    sentence: str
    details: str
    heads: dict[str, Head]
    check_code: str


def verify_ledger(store: Store, recorded: dict[str, Head] | None = None) -> LedgerVerdict:
    """The chain part of `check` alone, at once, with the clerk's sentence (reads only; the
    window's weekly check does the same in short steps: app.services.ledger.watch). `recorded`:
    heads kept elsewhere (the last backup's manifest, see db.backup_format.checks.manifest_chain_heads),
    which the file's chains must equal or extend — this is what catches an edit followed by a
    recomputed chain."""
    with read_session(store) as session:
        connection = session.connection()
        found = check_chains(connection, is_sqlite(store.engine), include_unchained=not is_township_file(session))
        extensions = ledger_chain.compare_with_recorded(connection, recorded or {})
    return ledger_verdict(found, extensions)


def ledger_verdict(found: ChainCheck, extensions: list[Extension]) -> LedgerVerdict:
    """The clerk's sentence on the chains found, held against the heads recorded elsewhere."""
    problems = [(f.sentence, f.details) for f in found.findings]
    problems += [(extension_sentence("这个数据库的", e), extension_details(e)) for e in extensions if not e.ok]
    code = paper_code(found.heads.get(ENTRIES, EMPTY_HEAD))
    if not problems:
        return LedgerVerdict(True, f"积分台账和操作日志的防篡改链完整（台账校验码 {code}）。", "", found.heads, code)
    return LedgerVerdict(False, problems[0][0], "\n".join(d for _, d in problems), found.heads, code)


def _check_ledger(session, report: CheckReport) -> None:
    """The ledger's own rules (rule sets, reviews, audit records, reversals, attendance), in SQL."""
    report.counts.update(ledger_counts(session))
    report.problems.extend(ledger_problems(session))


def _check_caps(session, report: CheckReport) -> None:
    """Recompute every cap from the stored entries (pending and approved), as pricing measures
    them, in SQL that returns only the overruns (app/services/check_caps.py)."""
    report.problems.extend(cap_problems(session))


_PART_LABELS = {
    check_rest_of_file: "数据库文件的其余部分",
    _check_references: "记录之间的引用",
    _check_chain: "防篡改链和审核记载",
    _check_ledger: "台账规则",
    _check_caps: "各项分值上限",
    _check_summaries: "积分月汇总和年汇总",
    _check_reported_rounds: "已上报评星的冻结积分",
    check_practice: "双报到和民主评议记录",
    check_shop: "积分超市",
}
