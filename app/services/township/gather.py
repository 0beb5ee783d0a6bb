"""The township's gathering of village backups into one database.

The township database is an ordinary database of this program holding several branches
under one township committee (OrgUnit). It is marked by the store setting `township_id`
(app.services.store_settings); a village's own database (setting `branch_id`) is refused
as a target.

`gather` finds the backup files, reads and verifies each one into a local temporary copy
(upgrading an older schema there) and merges it (app.services.township.merge, where the
merging rules are). Importing the same backup twice changes nothing (it is recognised by
its creation time and skipped), and the order in which files arrive does not matter (they
are applied oldest first). What was gathered is recorded per branch in the store setting
`gathered:<branch uuid>`. The side-by-side overview is app.services.township.overview.

Encrypted backups: villages may have used different passphrases. Each encrypted file is tried
with the passphrase given for the whole gathering, then with those that opened an earlier file of
the same gathering (neighbouring villages often share one), and only then is `ask` asked — again
after each wrong answer, until a passphrase opens the file or `ask` gives none (the file is
skipped, said in its line, and the others go on). A wrong passphrase is found by the file's key
check before anything is unpacked, so it never merges anything.

Runs on the database worker thread; each backup is merged in one transaction (all or nothing).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from app.domain.chain import Head
from app.domain.chain_sentences import extension_details, gathered_extension_sentence
from app.domain.enums import OrgKind, Role
from app.domain.errors import AppError, LedgerTampered, PassphraseRequired, ValidationError, WrongPassphrase
from app.services.backup.archive import (
    EXTENSION,
    Manifest,
    Progress,
    file_sha256,
    inspect_backup,
    staging_folder,
    unpack_file,
    upgrade_staged_copy,
)
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.township.merge import Conflict, FileResult, merge_backup
from app.services.organisation import BRANCH_SETTING, is_township_database
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, gathered_record, put_setting, read_settings
from app.services.township.overview import (  # re-exported: the township window's pages import them from here
    BranchSummary,
    GatheredBranch,
    TownshipOverview,
    TownshipRow,
    gathered_branches,
    township_name,
    township_overview,
)
from db.chain_check import check_chains
from db.ledger_chain import compare_with_recorded
from db.models import OrgUnit
from db.schema import known_revisions
from db.store import Store

PassphraseSource = Callable[[Path, Manifest], "str | None"]
SKIPPED_WITHOUT_PASSPHRASE = "这个备份是加密的，没有输入能打开它的口令，已跳过，没有汇总。"

__all__ = [
    "gather", "find_backup_files", "ensure_township_database", "GatherReport", "FileResult", "Conflict",
    "is_township_database", "start_township_database",
    "township_overview", "township_name", "gathered_branches", "TownshipOverview", "BranchSummary", "TownshipRow", "GatheredBranch",
]


@dataclass
class GatherReport:
    files: list[FileResult]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for f in self.files for c in f.conflicts]

    @property
    def summary(self) -> str:
        counts = Counter(f.status for f in self.files)
        text = f"共 {len(self.files)} 个备份文件：汇总 {counts['gathered']} 个，无变化 {counts['unchanged']} 个"
        if counts["failed"]:
            text += f"，失败 {counts['failed']} 个"
        if counts["skipped"]:
            text += f"，跳过 {counts['skipped']} 个"
        found = sum(f.conflict_count for f in self.files)
        if found:
            text += f"；发现 {found} 处不一致，已保留先汇总的内容"
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
        settings = read_settings(session)
    if settings.get(BRANCH_SETTING):
        raise ValidationError("这个数据库是村支部自己的数据库，不能用来汇总；请另选（或新建）一个乡镇汇总数据库文件。")


def gather(
    store: Store,
    actor: Actor,
    paths: list[Path | str],
    passphrase: PassphraseSource | str | None = None,
    progress: Progress | None = None,
    *,
    ask: PassphraseSource | None = None,
) -> GatherReport:
    """Merge every backup found in `paths` into the township database `store`.

    A file that cannot be read, opened or merged is reported (status "failed") and the
    others go on. `passphrase` is one passphrase tried on every encrypted file, or (as `ask`)
    a function. `ask(path, manifest)` is asked for an encrypted file that neither `passphrase`
    nor a passphrase that opened an earlier file opens; it is asked again for the same file
    after a wrong answer, and its None (or "", or the same wrong answer twice running) skips
    the file (status "skipped").
    """
    actor.require(Role.GATHERER, action="汇总各村备份")
    report = progress or (lambda fraction, text: None)
    if callable(passphrase):
        passphrase, ask = None, ask or passphrase
    keys = _Passphrases(passphrase, ask)
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
            results.append(FileResult(path, "failed", exc.message, details=exc.details))
            continue
        if not manifest.branch:
            results.append(FileResult(path, "failed", "这个备份里没有支部的数据（可能是乡镇汇总库或空数据库的备份），不能汇总。"))
            continue
        queue.append((manifest, path))
    queue.sort(key=lambda item: (item[0].created_at, str(item[1])))  # oldest first: newer ones win
    for index, (manifest, path) in enumerate(queue):
        report(index / max(1, len(queue)), f"正在汇总 {manifest.branch_name}（{path.name}）……")
        results.append(_gather_one(store, actor, path, manifest, keys))
    report(1.0, "汇总完成。")
    order = {path: i for i, path in enumerate(files)}
    return GatherReport(sorted(results, key=lambda r: order.get(r.path, 0)))


class _Passphrases:
    """The passphrases of one gathering: the one given, those that opened a file, the asking."""

    def __init__(self, given: str | None, ask: PassphraseSource | None) -> None:
        self.given = given or None
        self.ask = ask
        self.opened: list[str] = []  # the latest to open a file last

    def unlock(self, path: Path, manifest: Manifest, attempt: Callable[[str], object]):
        """attempt(secret) with each passphrase in turn until one does not raise WrongPassphrase:
        the given one, those that opened earlier files (the latest first), then the clerk's answers.
        Its result, or None when the clerk gives none that opens the file (skipped). Without any way
        to ask, the last error stands (PassphraseRequired when nothing was tried)."""
        tried: list[str] = []
        wrong: WrongPassphrase | None = None
        for secret in self._to_try(path, manifest):
            if secret in tried:  # found wrong already (the passphrase given above, say)
                continue
            tried.append(secret)
            try:
                result = attempt(secret)
            except WrongPassphrase as exc:
                wrong = exc
                continue
            if secret in self.opened:
                self.opened.remove(secret)
            self.opened.append(secret)
            return result
        if self.ask is not None:
            return None
        raise wrong or PassphraseRequired()

    def _to_try(self, path: Path, manifest: Manifest):
        yield from (secret for secret in (self.given, *reversed(self.opened)) if secret)
        last = None
        while self.ask is not None:
            answer = self.ask(path, manifest)
            if not answer or answer == last:  # no answer, or the same wrong one twice running: skipped
                return
            last = answer
            yield answer


def _unpack_opened(path: Path, manifest: Manifest, keys: _Passphrases, work: Path):
    """The backup unpacked into `work` with the first passphrase that opens it: (manifest, facts,
    staged), or None when the clerk gave none that does (skipped)."""
    quiet = lambda fraction, text: None  # noqa: E731
    if not manifest.encrypted:
        staged = work / "village.db"
        return (*unpack_file(path, None, staged, quiet), staged)
    attempts = itertools.count(1)

    def attempt(secret: str):
        staged = work / f"village-{next(attempts)}.db"
        try:
            return (*unpack_file(path, secret, staged, quiet), staged)
        except WrongPassphrase:  # told by the key check, before a byte is unpacked
            staged.unlink(missing_ok=True)
            raise

    return keys.unlock(path, manifest, attempt)


def _gather_one(store: Store, actor: Actor, path: Path, manifest: Manifest, keys: _Passphrases) -> FileResult:
    branch = manifest.branch
    result = FileResult(path, "failed", "", branch_name=branch.get("name", ""), created_at=manifest.created_at)
    with read_session(store) as session:
        record = gathered_record(session, branch["id"])
    if _same_file_as_gathered(path, manifest, record):
        result.status, result.message = "unchanged", "这个备份已经汇总过了，没有变化。"
        return result
    try:
        with staging_folder() as work:
            unpacked = _unpack_opened(path, manifest, keys, Path(work))
            if unpacked is None:
                result.status, result.message = "skipped", SKIPPED_WITHOUT_PASSPHRASE
                return result
            manifest, facts, staged = unpacked
            if facts.schema_revision != known_revisions()[-1]:
                upgrade_staged_copy(staged)
            newer = record is None or manifest.created_at > datetime.fromisoformat(record["created_at"])
            heads = _verified_heads(staged, record if newer else None)
            merge_backup(store, actor, staged, manifest, newer, file_sha256(path), path, result, heads)
    except AppError as exc:
        result.status, result.message, result.details = "failed", exc.message, exc.details
        return result
    return result


def _same_file_as_gathered(path: Path, manifest: Manifest, record: dict | None) -> bool:
    """The backup gathered before, byte for byte. A file that only carries the same creation time
    (a damaged copy of it: its header is still readable) is unpacked and verified like any other,
    so that damage is reported as damage, not as a repeat."""
    if not record or record.get("created_at") != manifest.data["created_at"]:
        return False
    return record.get("file_sha256") == file_sha256(path)


def _verified_heads(staged: Path, record: dict | None) -> dict[str, Head]:
    """The staged village file's chain heads, once its chains verify and — for a newer backup of a
    branch gathered before — once they extend the heads kept then; otherwise the file is refused
    saying what is wrong (rows rewritten, deleted, inserted or re-ordered). The sentence does not
    name the branch: its FileResult carries the name, which every report of it puts first."""
    with closing(sqlite3.connect(f"file:{staged}?mode=ro", uri=True)) as connection:
        found = check_chains(connection, sqlite=True)
        if not found.ok:
            first = found.findings[0]
            raise LedgerTampered(f"这份备份没有汇总：{first.sentence}", details=first.details)
        recorded = {chain: head for chain, head in ((c, Head.from_json(v)) for c, v in (record or {}).get("chain_heads", {}).items()) if head}
        for extension in compare_with_recorded(connection, recorded):
            if extension.kind not in ("same", "extends"):
                raise LedgerTampered(f"这份备份没有汇总：{gathered_extension_sentence(extension)}", details=extension_details(extension))
    return found.heads


# ----------------------------------------------------------------------------- township mode (asked by the GUI)


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
        settings = read_settings(uow.session)
        if settings.get(BRANCH_SETTING):
            raise ValidationError("这个数据库是村支部自己的数据库，不能用作乡镇汇总数据库；请新建一个数据库文件。")
        if settings.get(TOWNSHIP_SETTING):
            raise ValidationError("这个数据库已经是乡镇汇总数据库了。")
        unit = OrgUnit(kind=OrgKind.TOWNSHIP, name=name)
        uow.session.add(unit)
        uow.session.flush()
        put_setting(uow.session, TOWNSHIP_SETTING, str(unit.id))
        uow.audit("create", "org_unit", unit.id, f"设为乡镇汇总数据库：{name}")
        return Change(f"已设为“{name}”的汇总数据库。请用“文件 → 汇总各村备份”把各村交来的备份汇总进来。", created=[unit.id])
