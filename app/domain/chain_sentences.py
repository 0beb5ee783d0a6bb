"""What the ledger chain's findings say to a person: one plain sentence, and details to copy."""

from __future__ import annotations

from app.domain.chain import AUDIT, ENTRIES, INSERTED, MISSING, REORDERED, REWRITTEN, UNCHAINED, Break, Extension, check_code
from app.domain.points import format_points, from_hundredths

CHAIN_NAMES = {ENTRIES: "积分台账", AUDIT: "操作日志"}

_BREAKS = {
    REWRITTEN: "{name}第 {seq} 条（{row}）的内容与当初记下的不符，被人改写过。",
    MISSING: "{name}第 {seq} 条（{row}）接不上前一条：它前面有记录被删除了。",
    INSERTED: "{name}第 {seq} 条（{row}）是后来插进去的，原本不在这个位置。",
    REORDERED: "{name}第 {seq} 条（{row}）的先后顺序被调换过。",
    UNCHAINED: "{name}有一条记录（{row}）不在防篡改链上，是绕过本程序直接加进文件的。",
}


def describe_entry(member_name, occurred_on, item_code, points_hundredths) -> str:
    value = "?" if points_hundredths is None else format_points(from_hundredths(int(points_hundredths)))
    return f"{member_name or '?'} {str(occurred_on)[:10]} {item_code or '?'} {value} 分"


def break_sentence(found: Break, row_words: str) -> str:
    """The first break of a chain, naming the row (`row_words`: who, when, what)."""
    return _BREAKS[found.kind].format(name=CHAIN_NAMES[found.chain], seq=found.seq or "?", row=row_words or f"编号 {found.row_id}")


def break_details(found: Break) -> str:
    return (
        f"chain={found.chain} kind={found.kind} seq={found.seq} row_id={found.row_id} "
        f"expected_prev={found.expected_prev} found_prev={found.found_prev} {found.detail}".strip()
    )


def extension_sentence(whose: str, extension: Extension) -> str:
    """A newer copy of a chain that does not extend the head recorded before; `whose` says whose
    chain it is ("红星村党支部这份备份的", "这个数据库的")."""
    name, old, new = CHAIN_NAMES.get(extension.chain, extension.chain), extension.old, extension.new
    if extension.kind == MISSING:
        return f"{whose}{name}只有 {new.seq} 条，比以前记下的 {old.seq} 条还少，有记录被删除了。"
    return (
        f"{whose}{name}第 {old.seq} 条与以前记下的不一致（校验码 {check_code(extension.hash_at_old_seq)}，"
        f"应为 {check_code(old.hash)}），之前的记录被改写、删除或调换了顺序。"
    )


def gathered_extension_sentence(extension: Extension) -> str:
    """A village's newer backup whose chain does not reach the head the township kept from its last one."""
    name, old, new = CHAIN_NAMES.get(extension.chain, extension.chain), extension.old, extension.new
    if extension.kind == MISSING:
        # the township cannot tell a village that restored an older backup (a laptop replaced, a
        # file lost) from one whose records were deleted: both leave the ledger shorter
        return (f"它的{name}只有 {new.seq} 条，比上次汇总的 {old.seq} 条还少：村里可能恢复过更早的备份，"
                f"也可能删除过记录，请村里核对后用最新的数据重新备份。")
    return extension_sentence("这份更新的备份里，", extension)


def extension_details(extension: Extension) -> str:
    return (
        f"chain={extension.chain} kind={extension.kind} old_seq={extension.old.seq} old_hash={extension.old.hash} "
        f"new_seq={extension.new.seq} new_hash={extension.new.hash} hash_at_old_seq={extension.hash_at_old_seq}"
    )
