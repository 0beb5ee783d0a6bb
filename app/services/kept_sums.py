"""Putting the kept month and year sums right again from the ledger, when `check` finds them
different from it (a file edited behind the program's back, a disk fault).

The sums are derived: the ledger is the record and stays untouched, so this is safe in any year,
a locked one too. Administrators only, one transaction, audited with what was wrong.
"""

from __future__ import annotations

from app.domain.errors import ValidationError
from app.services.check import is_township_file
from app.services.check_sums import disagreeing_keys, disagreeing_year_keys
from app.services.context import Actor, Change, unit_of_work
from db import summaries
from db.chain_check import check_chains
from db.engine import is_sqlite
from db.store import Store


def rebuild_kept_sums(store: Store, actor: Actor) -> Change:
    """Recompute every kept month and year sum from the approved entries; the sentence says how
    many were wrong (nothing is written when none was)."""
    actor.require(action="重算积分汇总")
    with unit_of_work(store, actor) as uow:
        _refuse_a_rewritten_ledger(uow.session)
        months, years = disagreeing_keys(uow.session), disagreeing_year_keys(uow.session, against_ledger=True)
        if not months and not years:
            return Change("积分月汇总和年汇总都与台账一致，不需要重算。")
        summaries.rebuild(uow.session)
        summary = f"已从台账重新计算积分汇总：更正了月汇总 {months} 处、年汇总 {years} 处不符。"
        uow.audit("rebuild", "kept_sums", None, summary, months=months, years=years)
        return Change(summary)


def _refuse_a_rewritten_ledger(session) -> None:
    """The sums are recomputed from the ledger: from a ledger that `check` finds rewritten (a row
    no longer its chain's, a guarding trigger gone) they would take the forged figures in and
    hide them. The ledger must be put right first (restored from a backup)."""
    found = check_chains(session.connection(), is_sqlite(session.get_bind()), include_unchained=not is_township_file(session))
    if found.findings:
        raise ValidationError(
            f"台账本身有问题，不能据它重算积分汇总：{found.findings[0].sentence.rstrip('。')}。请先按“检查”的提示处理（例如从备份恢复），再重算。",
            details="\n".join(finding.details for finding in found.findings),
        )
