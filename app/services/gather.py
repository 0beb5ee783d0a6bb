"""The township's gathering of village backups into one database, and its side-by-side overview.

The township database is an ordinary database of this program holding several branches
under one township committee (OrgUnit). It is marked by the store setting `township_id`;
a village's own database (setting `branch_id`) is refused as a target.

Merging, per backup, by the records' stable UUIDs (every table of db.models and
db.rating_models except store_settings):

- a record the township lacks is inserted;
- a record it has is compared column by column. Tables with an `updated_at` column hold
  mutable records (roster details and status, rule items, appraisals, ...): their columns
  other than id and created_at are overwritten only when the incoming backup is newer than
  the last one gathered for that branch. Tables without `updated_at` are history (ledger,
  audit log, attendance, member events, ...): a difference there cannot be true in both
  backups and is reported as a conflict, never overwritten. The one exception is the review
  of a points entry, which only moves forward (pending → approved/rejected).

Because the ledger is append-only, this never needs a delete, so the file's append-only
triggers stay in force; importing the same backup twice changes nothing (it is recognised
by its creation time and skipped), and the order in which files arrive does not matter
(they are applied oldest first). What was gathered is recorded per branch in the store
setting `gathered:<branch uuid>` (JSON: backup time, file hash, counts, conflicts).

Village records are adapted where the township must differ: each village's own township
unit is mapped onto the township database's one; village operator accounts are kept (they
are named in the ledger) but renamed `<login>@<branch>` when the login is taken, disabled and
without password; a member whose ID-card number is already held by another gathered member
(a transfer between villages) keeps no ID number in the township copy, with a notice.

Runs on the database worker thread; each backup is merged in one transaction (all or nothing).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from sqlalchemy import Table, insert, select, text, update

from app.domain.enums import EntryStatus, MemberStatus, OrgKind
from app.domain.errors import AppError, ValidationError
from app.domain.points import ZERO
from app.domain.scoring import Appraisal, apply_five_star_quota, carried_base, rank, score_member_year
from app.services.backup import (
    EXTENSION,
    Manifest,
    Progress,
    inspect_backup,
    local_time,
    read_backup_file,
    unpack_backup,
    upgrade_staged_copy,
)
from app.services.context import Actor, read_session, unit_of_work
from app.services.ledger_queries import approved_lines
from app.services.organisation import BRANCH_SETTING
from app.services.rulesets import load_rule_set_view
from db.base import Base
from db.engine import make_engine, sqlite_url
from db.models import AppraisalRecord, Member, OrgUnit, StoreSetting
from db.schema import known_revisions
from db.store import Store

TOWNSHIP_SETTING = "township_id"
GATHERED_PREFIX = "gathered:"
SKIPPED_TABLES = {"store_settings"}
REVIEW_COLUMNS = ("status", "reviewed_by", "reviewed_at", "review_note")
# Columns the township changes on purpose; they are neither compared nor updated.
ADAPTED_COLUMNS = {"operators": {"username", "active", "password_hash"}}
TABLE_LABELS = {
    "members": "党员", "points_entries": "积分记录", "audit_log": "操作日志", "attendance": "会议考勤",
    "meetings": "会议", "member_events": "党员变动记录", "rule_sets": "积分细则", "rule_items": "细则项目",
    "appraisals": "民主评议", "org_units": "组织", "operators": "操作员",
}
MAX_STORED_CONFLICTS = 50

PassphraseSource = Callable[[Path, Manifest], "str | None"]


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
    path: Path
    status: str  # gathered | unchanged | failed
    message: str
    branch_name: str = ""
    created_at: datetime | None = None
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class GatherReport:
    files: list[FileResult]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for f in self.files for c in f.conflicts]

    @property
    def summary(self) -> str:
        counts = Counter(f.status for f in self.files)
        text = f"共 {len(self.files)} 个备份文件：汇总 {counts['gathered']} 个，无变化 {counts['unchanged']} 个"
        if counts["failed"]:
            text += f"，失败 {counts['failed']} 个"
        if self.conflicts:
            text += f"；发现 {len(self.conflicts)} 处不一致，已保留先汇总的内容"
        return text + "。"


# ----------------------------------------------------------------------------- finding files


def find_backup_files(paths: list[Path | str]) -> list[Path]:
    """Backup files named directly, or found (recursively) in the folders named."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(
                p for p in sorted(item.rglob(f"*{EXTENSION}")) if p.is_file() and not p.name.startswith(".")
            )
        elif item.is_file():
            found.append(item)
        else:
            raise ValidationError(f"找不到“{item}”（U 盘可能已被拔出）。")
    unique, seen = [], set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


# ----------------------------------------------------------------------------- gathering


def ensure_township_database(store: Store) -> None:
    with read_session(store) as session:
        settings = _settings(session)
    if settings.get(BRANCH_SETTING):
        raise ValidationError("这个数据库是村支部自己的数据库，不能用来汇总；请另选（或新建）一个乡镇汇总数据库文件。")


def gather(
    store: Store,
    actor: Actor,
    paths: list[Path | str],
    passphrase: PassphraseSource | str | None = None,
    progress: Progress | None = None,
) -> GatherReport:
    """Merge every backup found in `paths` into the township database `store`.

    A file that cannot be read, opened or merged is reported (status "failed") and the
    others go on. `passphrase` is one passphrase for all encrypted files, or a function
    asked per encrypted file.
    """
    actor.require(action="汇总各村备份")
    report = progress or (lambda fraction, text: None)
    ensure_township_database(store)
    files = find_backup_files(paths)
    if not files:
        raise ValidationError("在所选的位置没有找到备份文件（扩展名 .jfbak）。")
    results: list[FileResult] = []
    queue: list[tuple[Manifest, Path]] = []
    for path in files:
        try:
            manifest = inspect_backup(path)
        except AppError as exc:
            results.append(FileResult(path, "failed", exc.message))
            continue
        if not manifest.branch:
            results.append(FileResult(path, "failed", "这个备份里没有支部的数据（可能是乡镇汇总库或空数据库的备份），不能汇总。"))
            continue
        queue.append((manifest, path))
    queue.sort(key=lambda item: (item[0].created_at, str(item[1])))  # oldest first: newer ones win
    for index, (manifest, path) in enumerate(queue):
        report(index / max(1, len(queue)), f"正在汇总 {manifest.branch_name}（{path.name}）……")
        results.append(_gather_one(store, actor, path, manifest, passphrase))
    report(1.0, "汇总完成。")
    order = {path: i for i, path in enumerate(files)}
    return GatherReport(sorted(results, key=lambda r: order.get(r.path, 0)))


def _gather_one(store: Store, actor: Actor, path: Path, manifest: Manifest, passphrase) -> FileResult:
    branch = manifest.branch
    result = FileResult(path, "failed", "", branch_name=branch.get("name", ""), created_at=manifest.created_at)
    with read_session(store) as session:
        record = _gathered_record(session, branch["id"])
    if record and record.get("created_at") == manifest.data["created_at"]:
        result.status, result.message = "unchanged", "这个备份已经汇总过了，没有变化。"
        return result
    secret = passphrase(path, manifest) if callable(passphrase) and manifest.encrypted else passphrase
    try:
        data = read_backup_file(path)
        with tempfile.TemporaryDirectory(prefix="jfbak-gather-") as work:
            staged = Path(work) / "village.db"
            manifest, facts = unpack_backup(data, secret if manifest.encrypted else None, staged)
            if facts.schema_revision != known_revisions()[-1]:
                upgrade_staged_copy(staged)
            newer = record is None or manifest.created_at > datetime.fromisoformat(record["created_at"])
            source = make_engine(sqlite_url(staged))
            try:
                _merge(store, actor, source, manifest, newer, hashlib.sha256(data).hexdigest(), path, result)
            finally:
                source.dispose()
    except AppError as exc:
        result.status, result.message = "failed", exc.message
        return result
    return result


class _NothingChanged(Exception):
    """Raised inside the unit of work so that a merge that changes nothing writes nothing."""


def _merge(store, actor, source, manifest: Manifest, newer: bool, file_hash: str, path: Path, result: FileResult) -> None:
    branch = manifest.branch
    try:
        with unit_of_work(store, actor) as uow:
            session = uow.session
            if session.get_bind().dialect.name == "sqlite":
                # Belt and braces: rows are inserted parents first anyway (_parents_first).
                session.execute(text("PRAGMA defer_foreign_keys = ON"))
            merger = _Merger(session, source, branch, newer, result)
            merger.run()
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
                    "conflicts": len(result.conflicts),
                    "conflict_details": [c.as_json() for c in result.conflicts[:MAX_STORED_CONFLICTS]],
                }
                _put_setting(session, GATHERED_PREFIX + branch["id"], json.dumps(value, ensure_ascii=False, default=str))
            uow.audit(
                "gather", "org_unit", uuid.UUID(branch["id"]),
                f"汇总{branch.get('name', '')}的备份（备份于 {local_time(manifest.created_at)}）",
                file=path.name, inserted=sum(result.inserted.values()), updated=sum(result.updated.values()),
                conflicts=len(result.conflicts),
            )
    except _NothingChanged:
        result.status = "unchanged"
        result.message = "这个备份里没有新的内容，汇总库没有改动。"
        if result.conflicts:
            result.message = f"这个备份里没有新的内容，但有 {len(result.conflicts)} 处与已汇总的数据不一致（已保留先汇总的内容）。"
        return
    result.status = "gathered"
    added, changed = sum(result.inserted.values()), sum(result.updated.values())
    if added or changed:
        result.message = f"已汇总：新增 {added} 条记录，更新 {changed} 条记录"
    else:
        result.message = "已汇总：内容与已汇总的相同，已记下这份更新的备份"
    if result.conflicts:
        result.message += f"，{len(result.conflicts)} 处不一致已保留先汇总的内容"
    result.message += "。"


class _Merger:
    def __init__(self, session, source, branch: dict, newer: bool, result: FileResult) -> None:
        self.session = session
        self.source = source
        self.branch = branch
        self.branch_name = branch.get("name", "")
        self.newer = newer
        self.result = result
        self.remap: dict[uuid.UUID, uuid.UUID] = {}

    def run(self) -> None:
        with self.source.connect() as connection:
            self.township_id = self._township_unit(connection)
            for table in Base.metadata.sorted_tables:
                if table.name in SKIPPED_TABLES:
                    continue
                rows = [dict(row) for row in connection.execute(select(table)).mappings()]
                self._merge_table(table, rows)

    def _township_unit(self, connection) -> uuid.UUID:
        """The township database's committee; each village's own committee is mapped onto it."""
        settings = _settings(self.session)
        if settings.get(TOWNSHIP_SETTING):
            township_id = uuid.UUID(settings[TOWNSHIP_SETTING])
            ours = self.session.get(OrgUnit, township_id)
        else:
            ours = OrgUnit(kind=OrgKind.TOWNSHIP, name=self.branch.get("township") or "乡镇党委")
            self.session.add(ours)
            self.session.flush()
            _put_setting(self.session, TOWNSHIP_SETTING, str(ours.id))
            township_id = ours.id
        units = OrgUnit.__table__
        for row in connection.execute(select(units).where(units.c.kind == OrgKind.TOWNSHIP)).mappings():
            self.remap[row["id"]] = township_id
            if ours is not None and row["name"] != ours.name:
                self.result.notices.append(f"{self.branch_name}的上级党委是“{row['name']}”，与汇总库的“{ours.name}”不同，已归入“{ours.name}”。")
        return township_id

    def _adapt(self, table: Table, row: dict) -> dict | None:
        for column in _org_unit_columns(table):
            if row.get(column) in self.remap:
                row[column] = self.remap[row[column]]
        if table.name == "org_units" and row["id"] in self.remap:
            return None  # the village's committee itself
        return row

    def _merge_table(self, table: Table, rows: list[dict]) -> None:
        rows = [adapted for adapted in (self._adapt(table, row) for row in rows) if adapted is not None]
        if not rows:
            return
        existing = {}
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in self.session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                existing[row["id"]] = dict(row)
        fresh = []
        for row in rows:
            kept = existing.get(row["id"])
            if kept is None:
                fresh.append(self._prepare_insert(table, row))
            else:
                self._compare(table, kept, row)
        if fresh:
            self.session.execute(insert(table), _parents_first(table, fresh))
            self.result.inserted[table.name] = self.result.inserted.get(table.name, 0) + len(fresh)

    def _prepare_insert(self, table: Table, row: dict) -> dict:
        if table.name == "operators":
            row["username"] = self._free_username(row["username"], row["id"])
            row["active"] = False
            row["password_hash"] = None
        if table.name == "members":
            self._drop_duplicate_id_number(row)
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
        number = row.get("id_number")
        if not number:
            return
        members = Base.metadata.tables["members"]
        holder = self.session.execute(
            select(members.c.id).where(members.c.id_number == number, members.c.id != row["id"])
        ).scalar()
        if holder is not None:
            row["id_number"] = None
            self.result.notices.append(
                f"{self.branch_name}的党员“{row.get('name')}”的身份证号与已汇总的另一名党员相同（可能转过组织关系），"
                "汇总库中没有保存这个身份证号。"
            )

    def _compare(self, table: Table, kept: dict, incoming: dict) -> None:
        adapted = ADAPTED_COLUMNS.get(table.name, set())
        columns = [c.name for c in table.columns if c.name != "id" and c.name not in adapted]
        mutable_table = "updated_at" in table.columns
        if table.name == "members" and kept.get("id_number") is None and incoming.get("id_number"):
            incoming = {**incoming, "id_number": None}  # dropped on purpose when it was gathered
        differing = [c for c in columns if kept.get(c) != incoming.get(c)]
        if not differing:
            return
        if mutable_table:
            immutable = [c for c in differing if c == "created_at"]
            if immutable:
                self._conflict(table, kept, incoming, immutable)
            elif self.newer:
                changes = {c: incoming[c] for c in differing}
                if table.name == "members" and "id_number" in changes:
                    probe = {"id": kept["id"], "id_number": changes["id_number"], "name": incoming.get("name")}
                    self._drop_duplicate_id_number(probe)
                    changes["id_number"] = probe["id_number"]
                self._update(table, kept["id"], changes)
            return
        if table.name == "points_entries":
            review = [c for c in differing if c in REVIEW_COLUMNS]
            other = [c for c in differing if c not in REVIEW_COLUMNS]
            if review and not other and kept["status"] == EntryStatus.PENDING and incoming["status"] != EntryStatus.PENDING:
                self._update(table, kept["id"], {c: incoming[c] for c in REVIEW_COLUMNS})
                return
            if review and not other and incoming["status"] == EntryStatus.PENDING and kept["status"] != EntryStatus.PENDING:
                return  # the older backup had not yet seen the review
        self._conflict(table, kept, incoming, differing)

    def _update(self, table: Table, record_id, changes: dict) -> None:
        self.session.execute(update(table).where(table.c.id == record_id).values(**changes))
        self.result.updated[table.name] = self.result.updated.get(table.name, 0) + 1

    def _conflict(self, table: Table, kept: dict, incoming: dict, columns: list[str]) -> None:
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


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """Rows ordered so that a row another row points at (a group's branch, a reversed entry)
    is inserted first: foreign keys are checked row by row on every backend."""
    own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    if not own:
        return rows
    pending = {row["id"]: row for row in rows}
    ordered: list[dict] = []
    while pending:
        ready = [
            row for key, row in pending.items()
            if all(row.get(c) is None or row[c] == key or row[c] not in pending for c in own)
        ]
        if not ready:  # a cycle cannot come from this program; let the database judge it
            ready = list(pending.values())
        for row in ready:
            ordered.append(row)
            del pending[row["id"]]
    return ordered


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


def _settings(session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(StoreSetting))}


def _put_setting(session, key: str, value: str) -> None:
    setting = session.scalar(select(StoreSetting).where(StoreSetting.key == key))
    if setting is None:
        session.add(StoreSetting(key=key, value=value))
    else:
        setting.value = value
    session.flush()


def _gathered_record(session, branch_id: str) -> dict | None:
    setting = session.scalar(select(StoreSetting).where(StoreSetting.key == GATHERED_PREFIX + branch_id))
    return json.loads(setting.value) if setting else None


# ----------------------------------------------------------------------------- the township's overview


@dataclass(frozen=True)
class GatheredBranch:
    branch_id: uuid.UUID
    name: str
    backup_created_at: datetime
    file_name: str
    counts: dict
    conflicts: int


@dataclass(frozen=True)
class BranchSummary:
    branch_id: uuid.UUID
    name: str
    backup_created_at: datetime | None
    rated: int
    total: Decimal
    average: Decimal
    stars: dict[int, int]  # 0..5 → members
    vetoed: int
    has_rule_set: bool


@dataclass(frozen=True)
class TownshipRow:
    rank: int
    branch_id: uuid.UUID
    branch_name: str
    member_id: uuid.UUID
    name: str
    final_total: Decimal
    grade: str
    stars: int
    vetoed: bool


@dataclass(frozen=True)
class TownshipOverview:
    year: int
    township: str
    branches: tuple[BranchSummary, ...]
    rows: tuple[TownshipRow, ...]

    @property
    def total(self) -> Decimal:
        return sum((b.total for b in self.branches), ZERO)


def gathered_branches(store: Store) -> list[GatheredBranch]:
    with read_session(store) as session:
        settings = _settings(session)
    found = []
    for key, value in settings.items():
        if key.startswith(GATHERED_PREFIX):
            data = json.loads(value)
            found.append(
                GatheredBranch(uuid.UUID(key[len(GATHERED_PREFIX):]), data.get("branch_name", ""),
                               datetime.fromisoformat(data["created_at"]), data.get("file_name", ""),
                               data.get("counts", {}), int(data.get("conflicts", 0)))
            )
    return sorted(found, key=lambda b: b.name)


def township_overview(store: Store, year: int) -> TownshipOverview:
    """Every gathered branch side by side for `year`, and one ranking across the township.

    Scores follow the village's own year ranking (app.services.totals): approved entries, the
    rule set of that branch and year, last year's carried base, the appraisal, vetoes, and the
    five-star quota applied within each branch.
    """
    gathered = {b.branch_id: b for b in gathered_branches(store)}
    with read_session(store) as session:
        settings = _settings(session)
        township = session.get(OrgUnit, uuid.UUID(settings[TOWNSHIP_SETTING])) if settings.get(TOWNSHIP_SETTING) else None
        branches = session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_(list(gathered))).order_by(OrgUnit.name)
        ).all()
        summaries, values, info = [], [], {}
        for unit in branches:
            scorer = _BranchScorer(session, unit.id)
            result = scorer.year(year)
            if result is None:
                summaries.append(BranchSummary(unit.id, unit.name, gathered[unit.id].backup_created_at, 0, ZERO, ZERO, {}, 0, False))
                continue
            rule_set, scores, members = result
            quota = apply_five_star_quota(rule_set, {k: (s.final_total, s.stars) for k, s in scores.items() if not s.vetoed})
            stars = {k: s.stars for k, s in scores.items()}
            stars.update(quota.stars)
            total = sum((s.final_total for s in scores.values()), ZERO)
            distribution = Counter(stars.values())
            summaries.append(
                BranchSummary(
                    unit.id, unit.name, gathered[unit.id].backup_created_at, len(scores), total,
                    (total / len(scores)).quantize(Decimal("0.01")) if scores else ZERO,
                    {n: distribution.get(n, 0) for n in range(6)}, sum(1 for s in scores.values() if s.vetoed), True,
                )
            )
            for member_id, score in scores.items():
                values.append((member_id, score.final_total))
                info[member_id] = (unit, members[member_id], score, stars[member_id])
    ranked = rank(values, tie_order=lambda member_id: (info[member_id][1].name_pinyin, str(member_id)))
    rows = tuple(
        TownshipRow(entry.rank, info[entry.key][0].id, info[entry.key][0].name, entry.key, info[entry.key][1].name,
                    entry.value, info[entry.key][2].grade, info[entry.key][3], info[entry.key][2].vetoed)
        for entry in ranked
    )
    return TownshipOverview(year, township.name if township else "", tuple(summaries), rows)


class _BranchScorer:
    """A branch's whole-year scores, as its own year ranking computes them (with carried base)."""

    def __init__(self, session, branch_id: uuid.UUID) -> None:
        self.session, self.branch_id = session, branch_id
        self._finals: dict[int, dict | None] = {}

    def year(self, year: int):
        view = load_rule_set_view(self.session, self.branch_id, year)
        if view is None:
            return None
        rule_set = view.rule_set
        lines = approved_lines(self.session, self.branch_id, year)
        appraisals = {
            record.member_id: Appraisal(record.score, record.grade)
            for record in self.session.scalars(
                select(AppraisalRecord).join(Member, Member.id == AppraisalRecord.member_id)
                .where(AppraisalRecord.year == year, Member.branch_id == self.branch_id)
            )
        }
        previous = self.finals(year - 1) if rule_set.base_carry_share is not None else None
        start, end = date(year, 1, 1), date(year, 12, 31)
        with_lines = {line.member_id for line in lines}
        members = {}
        for member in self.session.scalars(select(Member).where(Member.branch_id == self.branch_id)):
            joined = member.in_branch_since or member.join_date
            left = member.status_date if member.status is not MemberStatus.ACTIVE else None
            if ((joined is None or joined <= end) and (left is None or left > start)) or member.id in with_lines:
                members[member.id] = member
        scores = {}
        for member_id in members:
            base = carried_base(rule_set, previous.get(member_id) if previous else None)
            scores[member_id] = score_member_year(rule_set, member_id, lines, base, appraisals.get(member_id))
        return rule_set, scores, members

    def finals(self, year: int) -> dict | None:
        if year not in self._finals:
            self._finals[year] = None
            result = self.year(year)
            if result is not None:
                self._finals[year] = {k: s.final_total for k, s in result[1].items()}
        return self._finals[year]


__all__ = [
    "gather", "find_backup_files", "ensure_township_database", "GatherReport", "FileResult", "Conflict",
    "township_overview", "gathered_branches", "TownshipOverview", "BranchSummary", "TownshipRow",
]


# ----------------------------------------------------------------------------- township mode (asked by the GUI)
# Added after the rest of this module: which database is a township's, and marking a new one.

from app.services.context import Change  # noqa: E402 (kept with the functions that use it)


def is_township_database(store: Store) -> bool:
    """True for a township's gathering database: it has no branch of its own and is marked as the
    township's (`township_id`, set by start_township_database or by the first gather) or holds
    gathered branches. An empty database is neither a village's nor a township's yet."""
    with read_session(store) as session:
        settings = _settings(session)
    if settings.get(BRANCH_SETTING):
        return False
    return bool(settings.get(TOWNSHIP_SETTING)) or any(key.startswith(GATHERED_PREFIX) for key in settings)


def start_township_database(store: Store, actor: Actor, township: str) -> Change:
    """Mark an empty database as the township's gathering database, under the committee `township`.

    Refused on a village's own database and on one already marked; villages gathered later are
    placed under this committee.
    """
    actor.require(action="设置乡镇汇总数据库")
    name = (township or "").strip()
    if not name:
        raise ValidationError("请填写乡镇（街道）党委名称。")
    if len(name) > 100:
        raise ValidationError("乡镇（街道）党委名称太长了（最多 100 个字）。")
    with unit_of_work(store, actor) as uow:
        settings = _settings(uow.session)
        if settings.get(BRANCH_SETTING):
            raise ValidationError("这个数据库是村支部自己的数据库，不能用作乡镇汇总数据库；请新建一个数据库文件。")
        if settings.get(TOWNSHIP_SETTING):
            raise ValidationError("这个数据库已经是乡镇汇总数据库了。")
        unit = OrgUnit(kind=OrgKind.TOWNSHIP, name=name)
        uow.session.add(unit)
        uow.session.flush()
        _put_setting(uow.session, TOWNSHIP_SETTING, str(unit.id))
        uow.audit("create", "org_unit", unit.id, f"设为乡镇汇总数据库：{name}")
        return Change(f"已设为“{name}”的汇总数据库。请用“文件 → 汇总各村备份”把各村交来的备份汇总进来。", created=[unit.id])
