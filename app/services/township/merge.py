"""Merging one village backup into the township database, record by record.

Merging is by the records' stable UUIDs (every table of db.models and db.rating_models
except store_settings):

- a record the township lacks is inserted;
- a record it has is compared column by column. Tables with an `updated_at` column hold
  mutable records (roster details and status, rule items, appraisals, ...): their columns
  other than id and created_at are overwritten only when the incoming backup is newer than
  the last one gathered for that branch. Tables without `updated_at` are history (ledger,
  audit log, attendance, member events, ...): a difference there cannot be true in both
  backups and is reported as a conflict, never overwritten. The one exception is the review
  of a points entry, which only moves forward (pending → approved/rejected).

Because the ledger is append-only, this never needs a delete, so the file's append-only
triggers stay in force.

Village records are adapted where the township must differ: each village's own township
unit is mapped onto the township database's one; village operator accounts are kept (they
are named in the ledger) but renamed `<login>@<branch>` when the login is taken, disabled and
without password; a member whose ID-card number is already held by another gathered member
(a transfer between villages) keeps no ID number in the township copy, with a notice.

How: the village's tables are placed beside the township's (its file attached on SQLite,
copied into temporary tables on a server: app.services.township.incoming) and merged table by table in SQL — the records the township
lacks in one INSERT … SELECT each, adapted in the SELECT — so that only records held on both
sides whose stored values differ come into Python, a page at a time. Memory does not grow with
the village's size.

`merge_backup` runs in one unit of work (all or nothing) on the database worker thread.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from functools import cache

from sqlalchemy import Table, case, exists, insert, literal, null, or_, select, text, update

from app.domain.enums import EntryStatus, OrgKind
from app.services.backup.archive import Manifest, local_time
from app.services.context import unit_of_work
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, put_setting, read_settings
from app.services.township import incoming
from db import summaries
from db.base import Base
from db.models import Member, OrgUnit

# chain_starts belongs to each file's own chains; gathered chains are verified and their heads
# kept per branch at gathering, so gathered ledger rows enter the township unchained.
# member_month_sums and member_year_sums are derived: the gathered branch's are recomputed after its rows are merged.
# Personal data arrives sealed with the village's own key and stays so: the village's wrapped
# keys stay behind (the township must not be able to open it), and so do plain values of an
# old file that the village has not sealed yet.
SKIPPED_TABLES = {"store_settings", "chain_starts", "member_month_sums", "member_year_sums", "data_key_wraps", "unsealed_personal"}
CHAIN_COLUMNS = {"chain_seq", "chain_prev", "chain_hash"}
CHAINED_TABLES = ("points_entries", "audit_log")
REVIEW_COLUMNS = ("status", "reviewed_by", "reviewed_at", "review_note")
SEALED_ID_COLUMNS = ("id_number_lookup", "id_number_sealed")
PERSONAL_TABLE = "member_personal"
# Columns the township changes on purpose; they are neither compared nor updated.
ADAPTED_COLUMNS = {
    "operators": {"username", "active", "password_hash", "failed_logins", "blocked_until", "last_login_at", "must_change_password"},
    "points_entries": CHAIN_COLUMNS, "audit_log": CHAIN_COLUMNS,
}
TABLE_LABELS = {
    "members": "党员", "points_entries": "积分记录", "audit_log": "操作日志", "attendance": "会议考勤",
    "meetings": "会议", "member_events": "党员变动记录", "rule_sets": "积分细则", "rule_items": "细则项目",
    "appraisals": "民主评议", "org_units": "组织", "operators": "操作员", "member_personal": "党员个人信息（已加密）",
    "dual_report_profiles": "双报到信息", "service_records": "双报到服务记录", "dual_report_overrides": "双报到认定",
    "appraisal_tallies": "民主评议计票", "appraisal_tally_lines": "民主评议得票", "resident_cadres": "驻村干部",
    "cadre_rule_sets": "驻村干部考核细则", "cadre_points": "驻村干部积分",
    "shop_goods": "积分超市商品", "shop_stock_ins": "积分超市入库", "shop_redemptions": "积分超市兑换", "shop_accounts": "积分超市账户",
}
MAX_STORED_CONFLICTS = 50  # kept in the branch's gathered record
MAX_LISTED_CONFLICTS = 500  # described to the clerk; the rest are counted
PAGE_ROWS = 500  # differing rows judged in Python at a time (and the ids of one IN list)

__all__ = ["Conflict", "FileResult", "merge_backup"]


@dataclass(frozen=True)
class Conflict:
    branch: str
    table: str
    record_id: str
    what: str
    columns: tuple[str, ...]
    kept: dict
    incoming: dict

    @property
    def sentence(self) -> str:
        label = TABLE_LABELS.get(self.table, self.table)
        changes = "，".join(f"{c}：汇总库为 {self.kept[c]}，备份为 {self.incoming[c]}" for c in self.columns)
        return f"{self.branch}的{label}“{self.what}”在两份备份中不一致（{changes}），保留了先汇总的内容。"

    def as_json(self) -> dict:
        return {"table": self.table, "id": self.record_id, "what": self.what, "columns": list(self.columns),
                "kept": self.kept, "incoming": self.incoming}


@dataclass
class FileResult:
    """What gathering one backup file did. `conflicts` lists the first MAX_LISTED_CONFLICTS of
    them; `conflict_count` counts them all (a village's history rewritten wholesale must not take
    the township's memory with it)."""

    path: Path
    status: str  # gathered | unchanged | failed
    message: str
    branch_name: str = ""
    created_at: datetime | None = None
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    conflict_count: int = 0
    details: str = ""  # a failure's details (the error behind the sentence), for a support request



class _NothingChanged(Exception):
    """Raised inside the unit of work so that a merge that changes nothing writes nothing."""


def merge_backup(
    store, actor, staged: Path, manifest: Manifest, newer: bool, file_hash: str, path: Path, result: FileResult,
    chain_heads: dict | None = None,
) -> None:
    """Merge the records of `staged` (the unpacked, verified village database) into `store`.

    `newer`: the backup is newer than the last one gathered for its branch, so mutable records
    may be overwritten and the branch's gathered record is replaced, keeping `chain_heads` (the
    file's verified heads, which the branch's next backup must extend). Fills in `result`.
    """
    branch = manifest.branch
    try:
        with unit_of_work(store, actor) as uow:
            session = uow.session
            if session.get_bind().dialect.name == "sqlite":
                # Belt and braces: tables go in parents first, and each INSERT … SELECT is
                # checked as a whole (a reversal and the entry it reverses may arrive together).
                session.execute(text("PRAGMA defer_foreign_keys = ON"))
            merger = _Merger(session, staged, branch, newer, result)
            merger.run()
            summaries.rebuild_branch(session, uuid.UUID(branch["id"]))
            if not newer and not any(result.inserted.values()) and not any(result.updated.values()):
                raise _NothingChanged
            if newer:
                value = {
                    "branch_name": branch.get("name", ""),
                    "township": branch.get("township", ""),
                    "created_at": manifest.data["created_at"],
                    "file_sha256": file_hash,
                    "file_name": path.name,
                    "counts": manifest.counts,
                    "gathered_at": datetime.now(timezone.utc).isoformat(),
                    "conflicts": result.conflict_count,
                    "conflict_details": [c.as_json() for c in result.conflicts[:MAX_STORED_CONFLICTS]],
                    "chain_heads": {chain: head.as_json() for chain, head in (chain_heads or {}).items()},
                }
                put_setting(session, GATHERED_PREFIX + branch["id"], json.dumps(value, ensure_ascii=False, default=str))
            uow.audit(
                "gather", "org_unit", uuid.UUID(branch["id"]),
                f"汇总{branch.get('name', '')}的备份（备份于 {local_time(manifest.created_at)}）",
                file=path.name, inserted=sum(result.inserted.values()), updated=sum(result.updated.values()),
                conflicts=result.conflict_count,
            )
    except _NothingChanged:
        result.status = "unchanged"
        result.message = "这个备份里没有新的内容，汇总库没有改动。"
        if result.conflict_count:
            result.message = f"这个备份里没有新的内容，但有 {result.conflict_count} 处与已汇总的数据不一致（已保留先汇总的内容）。"
        return
    result.status = "gathered"
    added, changed = sum(result.inserted.values()), sum(result.updated.values())
    if added or changed:
        result.message = f"已汇总：新增 {added} 条记录，更新 {changed} 条记录"
    else:
        result.message = "已汇总：内容与已汇总的相同，已记下这份更新的备份"
    if result.conflict_count:
        result.message += f"，{result.conflict_count} 处不一致已保留先汇总的内容"
    result.message += "。"



class _Merger:
    """Merges the village's tables one by one, as SQL between each table and the village's rows
    of it (app.services.township.incoming): the rows the township lacks go in with one INSERT … SELECT
    (adapted in the SELECT), and only the rows both hold that differ come into Python, a page at
    a time, to be judged record by record. Memory holds a page, whatever the village's size."""

    def __init__(self, session, staged: Path, branch: dict, newer: bool, result: FileResult) -> None:
        self.session = session
        self.staged = staged
        self.branch = branch
        self.branch_name = branch.get("name", "")
        self.newer = newer
        self.result = result
        self.remap: dict[uuid.UUID, uuid.UUID] = {}
        self.tables = [table for table in Base.metadata.sorted_tables if table.name not in SKIPPED_TABLES]

    def run(self) -> None:
        village = incoming.open_village(self.session, self.staged, self.tables)
        self.incoming = village.tables
        self.township_id = self._township_unit()
        for table in village.loaded:
            self._merge_table(table, self.incoming[table.name])
        incoming.close_village(self.session, village)

    def _township_unit(self) -> uuid.UUID:
        """The township database's committee; each village's own committee is mapped onto it."""
        settings = read_settings(self.session)
        if settings.get(TOWNSHIP_SETTING):
            township_id = uuid.UUID(settings[TOWNSHIP_SETTING])
            ours = self.session.get(OrgUnit, township_id)
        else:
            ours = OrgUnit(kind=OrgKind.TOWNSHIP, name=self.branch.get("township") or "乡镇党委")
            self.session.add(ours)
            self.session.flush()
            put_setting(self.session, TOWNSHIP_SETTING, str(ours.id))
            township_id = ours.id
        units = self.incoming["org_units"]
        for row in self.session.execute(select(units.c.id, units.c.name).where(units.c.kind == OrgKind.TOWNSHIP)).mappings():
            self.remap[row["id"]] = township_id
            if ours is not None and row["name"] != ours.name:
                self.result.notices.append(f"{self.branch_name}的上级党委是“{row['name']}”，与汇总库的“{ours.name}”不同，已归入“{ours.name}”。")
        return township_id

    # ------------------------------------------------------------------ one table

    def _merge_table(self, table: Table, source: Table) -> None:
        columns = self._adapted_columns(table, source)
        arrived = [source.c.id.not_in(list(self.remap))] if table.name == "org_units" and self.remap else []
        self._compare_existing(table, source, columns, arrived)
        if table.name == "operators":
            added = self._insert_operators(table, source, arrived)
        else:
            added = self._insert_fresh(table, source, columns, arrived)
        if added:
            self.result.inserted[table.name] = self.result.inserted.get(table.name, 0) + added

    def _adapted_columns(self, table: Table, source: Table) -> dict:
        """Each column of the incoming rows as the township holds it: the village's committee
        replaced by the township's own."""
        columns = {column.name: source.c[column.name] for column in table.columns}
        for name in _org_unit_columns(table):
            if self.remap:
                columns[name] = case(
                    (source.c[name].in_(list(self.remap)), literal(self.township_id, table.c[name].type)),
                    else_=source.c[name],
                )
        return columns

    def _compare_existing(self, table: Table, source: Table, columns: dict, arrived: list) -> None:
        """Rows both sides hold whose stored values differ (a superset of those whose values
        differ: equal stored values are equal values), judged in Python a page at a time. Keyed
        on the id, so a row updated here is behind the next page and never met twice."""
        skipped = ADAPTED_COLUMNS.get(table.name, set()) | {"id"}
        differs = or_(*(table.c[name].is_distinct_from(columns[name]) for name in columns if name not in skipped))
        query = (
            select(source.c.id).join(table, table.c.id == source.c.id).where(differs, *arrived)
            .order_by(source.c.id).limit(PAGE_ROWS)
        )
        last = None
        while ids := self.session.scalars(query if last is None else query.where(source.c.id > last)).all():
            kept = {row["id"]: dict(row) for row in self.session.execute(select(table).where(table.c.id.in_(ids))).mappings()}
            for row in self.session.execute(select(source).where(source.c.id.in_(ids))).mappings():
                self._compare(table, kept[row["id"]], self._adapt(table, dict(row)))
            last = ids[-1]

    def _insert_fresh(self, table: Table, source: Table, columns: dict, arrived: list) -> int:
        """Every row the township lacks, in one INSERT … SELECT; the count inserted."""
        fresh = ~exists().where(table.c.id == source.c.id)
        values = dict(columns)
        if table.name in CHAINED_TABLES:
            values.update(dict.fromkeys(CHAIN_COLUMNS, null()))
        if table.name == PERSONAL_TABLE:
            values.update(self._personal_id_numbers(table, source, fresh))
        query = select(*(values[column.name].label(column.name) for column in table.columns)).where(fresh, *arrived)
        statement = insert(table).from_select([column.name for column in table.columns], query)
        # The count of an INSERT is kept only when asked for (psycopg's is gone once the cursor closes).
        return self.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount

    def _personal_id_numbers(self, table: Table, source: Table, fresh) -> dict:
        """The township cannot read ID numbers (they are sealed with each village's own key); it
        compares their keyed look-up hashes, which match only within one village's key. A number
        another gathered member holds already (a transfer between villages) is not kept."""
        held = exists().where(table.c.id_number_lookup == source.c.id_number_lookup, table.c.id != source.c.id)
        members = Base.metadata.tables["members"]
        for name in self.session.scalars(
            select(members.c.name).join(source, source.c.member_id == members.c.id).where(fresh, held).order_by(members.c.name)
        ):
            self.result.notices.append(_moved_notice(self.branch_name, name))
        return {column: case((held, null()), else_=source.c[column]) for column in SEALED_ID_COLUMNS}

    def _insert_operators(self, table: Table, source: Table, arrived: list) -> int:
        """The village's accounts the township lacks, a page at a time: each needs a free login."""
        query = select(source).where(~exists().where(table.c.id == source.c.id), *arrived).order_by(source.c.id).limit(PAGE_ROWS)
        added = 0
        while rows := [self._prepare_insert(table, self._adapt(table, dict(row))) for row in self.session.execute(query).mappings()]:
            self.session.execute(insert(table), rows)
            added += len(rows)
        return added

    def _adapt(self, table: Table, row: dict) -> dict:
        for column in _org_unit_columns(table):
            if row.get(column) in self.remap:
                row[column] = self.remap[row[column]]
        return row

    def _prepare_insert(self, table: Table, row: dict) -> dict:
        row["username"] = self._free_username(row["username"], row["id"])
        # A village's account is a name in the township's file, never a way into it.
        row.update(active=False, password_hash=None, failed_logins=0, blocked_until=None, must_change_password=False)
        return row

    def _free_username(self, username: str, operator_id) -> str:
        operators = Base.metadata.tables["operators"]
        candidate = username
        suffix = self.branch["id"][:8]
        number = 1
        while True:
            holder = self.session.execute(select(operators.c.id).where(operators.c.username == candidate)).scalar()
            if holder is None or holder == operator_id:
                return candidate
            candidate = f"{username[:24]}@{self.branch_name[:20] or suffix}" + (f"-{number}" if number > 1 else "")
            number += 1

    def _drop_duplicate_id_number(self, row: dict) -> None:
        """A changed ID number of a gathered member, dropped as a new one would be (see
        _personal_id_numbers) when another gathered member holds it."""
        lookup = row.get("id_number_lookup")
        if not lookup:
            return
        personal, members = Base.metadata.tables[PERSONAL_TABLE], Base.metadata.tables["members"]
        holder = self.session.execute(
            select(personal.c.id).where(personal.c.id_number_lookup == lookup, personal.c.id != row["id"])
        ).scalar()
        if holder is not None:
            row["id_number_lookup"] = row["id_number_sealed"] = None
            name = self.session.execute(select(members.c.name).where(members.c.id == row["member_id"])).scalar() or ""
            self.result.notices.append(_moved_notice(self.branch_name, name))

    def _compare(self, table: Table, kept: dict, incoming: dict) -> None:
        incoming = _as_gathered(table, kept, incoming)
        differing = _differing_columns(table, kept, incoming)
        if not differing:
            return
        if "updated_at" in table.columns:
            self._merge_mutable(table, kept, incoming, differing)
        elif table.name == "points_entries" and all(c in REVIEW_COLUMNS for c in differing):
            self._merge_review(table, kept, incoming, differing)
        else:
            self._conflict(table, kept, incoming, differing)

    def _merge_mutable(self, table: Table, kept: dict, incoming: dict, differing: list[str]) -> None:
        """A roster-like record: a newer backup overwrites it, except when it was created."""
        if "created_at" in differing:
            self._conflict(table, kept, incoming, ["created_at"])
            return
        if not self.newer:
            return
        changes = {c: incoming[c] for c in differing}
        if table.name == PERSONAL_TABLE and "id_number_lookup" in changes:
            probe = {"id": kept["id"], "member_id": kept["member_id"], **{c: incoming.get(c) for c in SEALED_ID_COLUMNS}}
            self._drop_duplicate_id_number(probe)
            changes.update({c: probe[c] for c in SEALED_ID_COLUMNS})
        self._update(table, kept["id"], changes)

    def _merge_review(self, table: Table, kept: dict, incoming: dict, differing: list[str]) -> None:
        """Only the review of an entry differs: it moves forward, never back."""
        kept_pending = kept["status"] == EntryStatus.PENDING
        incoming_pending = incoming["status"] == EntryStatus.PENDING
        if kept_pending == incoming_pending:
            self._conflict(table, kept, incoming, differing)
        elif kept_pending:
            self._update(table, kept["id"], {c: incoming[c] for c in REVIEW_COLUMNS})
        # else the older backup had not yet seen the review

    def _update(self, table: Table, record_id, changes: dict) -> None:
        self.session.execute(update(table).where(table.c.id == record_id).values(**changes))
        self.result.updated[table.name] = self.result.updated.get(table.name, 0) + 1

    def _conflict(self, table: Table, kept: dict, incoming: dict, columns: list[str]) -> None:
        self.result.conflict_count += 1
        if len(self.result.conflicts) >= MAX_LISTED_CONFLICTS:
            return
        self.result.conflicts.append(
            Conflict(
                branch=self.branch_name,
                table=table.name,
                record_id=str(kept["id"]),
                what=_describe(self.session, table.name, kept),
                columns=tuple(columns),
                kept={c: _plain(kept.get(c)) for c in columns},
                incoming={c: _plain(incoming.get(c)) for c in columns},
            )
        )


def _as_gathered(table: Table, kept: dict, incoming: dict) -> dict:
    """The incoming row as the township would hold it: a member's (sealed) ID number that was
    dropped on purpose when it was gathered stays dropped."""
    if table.name == PERSONAL_TABLE and kept.get("id_number_lookup") is None and incoming.get("id_number_lookup"):
        return {**incoming, **dict.fromkeys(SEALED_ID_COLUMNS)}
    return incoming


def _differing_columns(table: Table, kept: dict, incoming: dict) -> list[str]:
    """Columns whose values differ, leaving out the id and the columns the township adapts."""
    skipped = ADAPTED_COLUMNS.get(table.name, set()) | {"id"}
    return [c.name for c in table.columns if c.name not in skipped and kept.get(c.name) != incoming.get(c.name)]


def _moved_notice(branch_name: str, member_name: str | None) -> str:
    return (
        f"{branch_name}的党员“{member_name or ''}”的身份证号与已汇总的另一名党员相同（可能转过组织关系），"
        "汇总库中没有保存这个身份证号。"
    )


@cache
def _org_unit_columns(table: Table) -> list[str]:
    """Columns that name an organisation unit (a foreign key to org_units.id)."""
    return [c.name for c in table.columns if any(fk.column.table.name == "org_units" for fk in c.foreign_keys)]


def _describe(session, table: str, row: dict) -> str:
    if table == "members":
        return row.get("name", "")
    if table == "points_entries":
        member = session.get(Member, row["member_id"])
        return f"{member.name if member else ''} {row['occurred_on']:%Y-%m-%d} {row['points']} 分".strip()
    if table == "audit_log":
        return row.get("summary", "")
    for key in ("name", "title", "code"):
        if row.get(key):
            return str(row[key])
    return str(row["id"])[:8]


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
