"""The one error tree every layer raises and the UI and command line turn into one sentence.

Each error carries a Chinese sentence for the clerk (`message`) and optional technical
details (`details`) that can be copied into a support request. Nothing below the UI prints
or swallows an error; it raises one of these.

A kind of trouble that always reads the same keeps its sentence on its class (`sentence`),
so the sentence is written once and the error is raised without one (`raise
MemberNotFound()`); a kind whose sentence names a file, a date or a number builds it in its
own constructor. Plain sentences for OS errors (disk full, stick removed, no permission) are
made in one place, app.services.files.plain_os_error, which returns one of these.

    AppError
    ├── ValidationError ── RuleViolation ── CapExceeded
    │   ├── DateNotYet
    │   └── RowsRejected ── ImportRejected, BatchRejected
    ├── NotFound ── MemberNotFound, EntryNotFound
    ├── ConflictError
    ├── PermissionDenied ── PersonalDataLocked, DataKeyWrongSecret ── RecoveryCodeWrong, DataKeyMissing
    │   └── LoginRequired, LoginRefused
    ├── StoreError ── LedgerTampered, PersonalDataDamaged
    │   └── SchemaTooNew ─────────────┐
    └── BackupError                   │
        ├── BackupTooNew ◀────────────┘ (both: "made by a newer program")
        │   ├── BackupFormatTooNew, BackupMethodUnknown, BackupLimitsExceeded
        ├── NotABackup ── DatabaseNotBackup, ForeignDatabase
        ├── BackupDamaged ── BackupIncomplete ── BackupEmpty
        │   └── BackupAltered
        ├── PassphraseRequired, WrongPassphrase, PassphraseTooShort, Argon2Missing
        ├── DatabaseFileMissing, LiveDatabaseDamaged, SnapshotFailed
        ├── BackupWriteFailed
        └── RestoreNeedsConfirmation
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Sequence

from app.domain.dates import day_text


class AppError(Exception):
    """Base of every error the clerk may see."""

    sentence: ClassVar[str] = "程序遇到了意外的问题，刚才的操作没有完成。"

    def __init__(self, message: str | None = None, details: str = "") -> None:
        message = message or self.sentence
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


# ----------------------------------------------------------------------------- input


class ValidationError(AppError):
    """Input that breaks a rule of the form, the file or the command line."""

    sentence = "填写的内容不符合要求，请检查后再试。"


class RuleViolation(ValidationError):
    """A points entry that the year's rule set does not allow."""


class CapExceeded(RuleViolation):
    """An entry that would push a member past a cap; `allowed` is what is still possible, `hit`
    (app.domain.rules.CapHit) which cap it is, in numbers, for a screen that words it shorter."""

    def __init__(self, message: str, allowed, details: str = "", hit=None) -> None:
        super().__init__(message, details)
        self.allowed = allowed
        self.hit = hit


class DateNotYet(ValidationError):
    """A date after today where only days that have come make sense.

    what: the kind of date ("入党" gives "入党日期 …"); hint: a second clause ("请检查").
    """

    def __init__(self, on: date, what: str = "", hint: str = "", details: str = "") -> None:
        tail = f"，{hint}" if hint else ""
        super().__init__(f"{what}日期{day_text(on)}还没到{tail}。", details)
        self.on = on


class RowsRejected(ValidationError):
    """Some rows of a sheet or lines of a batch break the rules; nothing was saved.

    `problems` holds one entry per bad row; the sentence names the first, the details list all.
    """

    def __init__(self, message: str, problems: Sequence, details: str) -> None:
        super().__init__(message, details)
        self.problems = list(problems)


class ImportRejected(RowsRejected):
    """Rows of an import sheet are not acceptable; nothing was imported.

    problems: objects whose str() reads "第 N 行（姓名）：原因" (member_excel.RowProblem).
    """

    def __init__(self, problems: Sequence, total_rows: int) -> None:
        super().__init__(
            f"表格中有 {len(problems)} 行有问题，全部 {total_rows} 行都没有导入。请改正后重新导入。第一处：{problems[0]}",
            problems,
            "\n".join(str(problem) for problem in problems),
        )
        self.total_rows = total_rows


class BatchRejected(RowsRejected):
    """Lines of a batch of points entries break the rule set; nothing was saved.

    errors: objects with `index` (from 0), `member_name` and `message` (ledger.LineError).
    """

    def __init__(self, errors: Sequence) -> None:
        first = errors[0]
        super().__init__(
            f"有 {len(errors)} 条记录不符合细则，整批都没有保存。第一条：{first.member_name}：{first.message}",
            errors,
            "\n".join(f"第 {e.index + 1} 条 {e.member_name}：{e.message}" for e in errors),
        )
        self.errors = self.problems


# ----------------------------------------------------------------------------- records and state


class NotFound(AppError):
    """A record the request names does not exist."""

    sentence = "找不到要找的记录，它可能已被删除。"


class MemberNotFound(NotFound):
    """The member the request names is not (or no longer) in this database."""

    sentence = "找不到这名党员。"


class EntryNotFound(NotFound):
    """The points entry the request names is not in this database."""

    sentence = "找不到这条积分记录。"


class RatingReportNotFound(NotFound):
    sentence = "找不到这份上报材料。"


class ConflictError(AppError):
    """The request contradicts the current state (e.g. reversing an entry twice)."""


class PermissionDenied(AppError):
    """The operator's role does not allow this action."""


class PersonalDataLocked(PermissionDenied):
    """Personal data (ID number, phone, birth date) asked for without the branch's data key."""

    sentence = "没有登录（或这个账号还没有打开本支部的数据），不能保存或查看身份证号、电话和出生日期，请先登录。"


class DataKeyWrongSecret(PermissionDenied):
    """The password (or recovery code) does not open this account's copy of the data key."""

    sentence = "密码不对，打不开本支部的数据，请核对后再输入一次。"


class RecoveryCodeWrong(DataKeyWrongSecret):
    sentence = "恢复码不对，请对照恢复单逐个核对后再输入一次（字母不分大小写，横线可以不输）。"


class DataKeyMissing(PermissionDenied):
    """No copy of the data key exists for this account (or no recovery code was set)."""

    sentence = "这个账号还没有本支部数据的钥匙，请管理员登录后重新设置这个账号的密码。"


class LoginRequired(PermissionDenied):
    """A command that reads personal data or writes, run without a valid log-in."""

    sentence = "请先登录：用 --operator 登录名（或环境变量 DYJF_OPERATOR）指定账号，并输入密码。"


class LoginRefused(PermissionDenied):
    """A log-in (or an unlock) that failed: unknown or switched-off account, wrong password,
    or too many wrong passwords in a row (`wait_seconds` until the next try is checked)."""

    sentence = "登录名或密码不对，请核对后再试。"

    def __init__(self, message: str | None = None, details: str = "", wait_seconds: int = 0) -> None:
        super().__init__(message, details)
        self.wait_seconds = wait_seconds


# ----------------------------------------------------------------------------- the database file


def folder_not_file(path, then: str) -> str:
    """The one sentence for a folder given where a file was wanted; `then` says what to do instead."""
    return f"“{path}”是一个文件夹，{then}。"


def newer_program(what: str, then: str, outcome: str = "", made: str = "做的") -> str:
    """The one sentence for anything made by a newer version of this program."""
    tail = f"；{outcome}" if outcome else ""
    return f"{what}是更新版本的程序{made}，请先把本程序升级到最新版本再{then}{tail}。"


class StoreError(AppError):
    """The database file cannot be opened, read or written as asked."""

    sentence = "数据库出错，刚才的修改没有保存。"


class SchemaTooNew(StoreError):
    """The file was written by a newer version of the program."""

    sentence = newer_program("这个数据库", "打开", made="建立的")

    @classmethod
    def with_versions(cls, file_schema: int | None, known_schema: int, program: str, details: str = "") -> "SchemaTooNew":
        """The sentence with the numbers: the file's schema, the newest this program knows, its version."""
        found = f"数据库结构第 {file_schema} 版" if file_schema else "数据库结构是更新的版本"
        made = f"建立的（{found}，本程序 {program} 版只认识到第 {known_schema} 版）"
        return cls(newer_program("这个数据库", "打开", made=made), details)


class LedgerTampered(StoreError):
    """An attempt to edit or delete a ledger row in place."""


class PersonalDataDamaged(StoreError):
    """A sealed personal field that does not open under the branch's data key."""

    sentence = "有党员的身份证号、电话或出生日期无法解开（数据被改动过，或来自别的支部），请用“检查数据”查看。"


# ----------------------------------------------------------------------------- backups


class BackupError(AppError):
    """A backup cannot be written, read or restored; the message says why in one sentence."""

    sentence = "备份文件无法使用。"


class BackupTooNew(BackupError, SchemaTooNew):
    """The backup was written by a newer program (file format, cipher or database schema)."""

    sentence = newer_program("这个备份", "恢复", "当前数据没有改动")


class BackupFormatTooNew(BackupTooNew):
    """The file's format version is newer than this program reads."""

    sentence = newer_program("这个备份文件", "打开")


class BackupMethodUnknown(BackupTooNew):
    """The backup names a compression or cipher this program does not know."""

    METHODS: ClassVar[dict[str, str]] = {"cipher": "加密方法", "kdf": "加密方法", "compression": "压缩方法"}

    def __init__(self, method: str, details: str = "") -> None:
        super().__init__(
            f"这个备份用了本程序不认识的{self.METHODS[method]}，请先把本程序升级到最新版本。", details or method
        )


class BackupLimitsExceeded(BackupTooNew):
    """Key-derivation parameters beyond what this program agrees to spend time and memory on."""

    sentence = "这个备份的加密参数超出了本程序允许的范围，可能是更新版本的程序做的，或者文件被改动过。"


class NotABackup(BackupError):
    """The file is not a backup of this program."""

    sentence = "这个文件不是本程序的备份文件。"


class DatabaseNotBackup(NotABackup):
    """A database file where a backup was asked for."""

    sentence = "这是一个数据库文件，不是备份文件；备份文件的扩展名是 .jfbak。"


class ForeignDatabase(NotABackup):
    """The database inside the backup belongs to another program."""

    sentence = "备份里的数据库不是本程序的数据库，不能恢复。"


class BackupDamaged(BackupError):
    """The file is a backup, but incomplete or changed since it was written."""

    sentence = "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。"


class BackupIncomplete(BackupDamaged):
    """The file ends early (typically the stick was pulled while copying)."""

    sentence = "备份文件不完整（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"


class BackupEmpty(BackupIncomplete):
    sentence = "备份文件是空的（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"


class BackupAltered(BackupDamaged):
    """The passphrase is right (the key check matches) but the authentication tag is not."""

    sentence = "口令正确，但备份文件已损坏或被改动过，无法解密，请换用其他备份。"


class PassphraseRequired(BackupError):
    """The backup is encrypted and no passphrase was given."""

    sentence = "这个备份是加密的，请输入备份时设置的口令。"


class WrongPassphrase(BackupError):
    """The passphrase does not open this (intact) backup."""

    sentence = "口令不对（备份文件本身是完整的），请核对后再输入一次。"


class PassphraseTooShort(BackupError):
    def __init__(self, minimum: int) -> None:
        super().__init__(f"口令太短了，请至少用 {minimum} 个字符。")
        self.minimum = minimum


class Argon2Missing(BackupError):
    """Neither cryptography nor argon2-cffi can derive an Argon2id key on this machine."""

    sentence = "本机缺少打开这种加密备份所需的组件（Argon2）。"


class DatabaseFileMissing(BackupError):
    def __init__(self, path, details: str = "") -> None:
        super().__init__(f"找不到数据库文件“{path}”。", details)


class LiveDatabaseDamaged(BackupError):
    """The snapshot of the current database fails SQLite's integrity check."""

    sentence = "当前数据库已经损坏，做出的备份无法使用；请先运行“检查数据库”，或用以前的备份恢复。"


class SnapshotFailed(BackupError):
    """SQLite could not read the current database while taking the snapshot."""

    sentence = "读取当前数据库时出错，备份没有完成。"


class BackupWriteFailed(BackupError):
    """The file could not be written (stick full, removed, read-only, no permission)."""

    sentence = "备份没有完成，已有的备份和数据库都没有改动。"


class RestoreNeedsConfirmation(BackupError):
    """The restore would replace newer data or another branch's data; ask first."""

    @classmethod
    def for_warnings(cls, warnings: Sequence[str]) -> RestoreNeedsConfirmation:
        return cls(warnings[0] + "如确实要恢复，请确认后再试。", details="\n".join(warnings))
