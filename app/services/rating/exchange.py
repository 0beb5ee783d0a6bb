"""上报验星: the round travels to the township as a file, and the verification comes back as one.

Report file (`.jfrating`, UTF-8 JSON): {"format": "dyjf-star-rating-report", "format_version": 1,
"payload": {...the round: branch, year, scheme, publicity, steps, candidates with their star
history, objections...}, "sha256": hex digest of the payload serialised canonically (sorted
keys, no ASCII escaping, separators "," and ":")}. Verification file (`.jfverify`): the same
envelope with format "dyjf-star-rating-verification" and a payload naming the round id, the
SHA-256 of the report it answers, the decision ("verified" or "returned"), comments, who
decided and when. A village accepts a verification only for exactly the report it sent.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select

from app import __version__
from app.domain.chain import ENTRIES, Head, paper_code
from app.domain.dates import day_text
from app.domain.errors import ConflictError, DateNotYet, RatingReportNotFound, ValidationError, newer_program
from app.domain.rating import RoundStatus, check_transition
from app.domain.enums import Role
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.files import plain_os_error, write_atomically
from app.services.organisation import get_branch, require_branch_id
from app.services.rating import freshness
from app.services.rating.queries import RoundView, load_round, load_view
from app.services.store_settings import township_unit
from db.ledger_chain import read_head
from db.models import Member, Operator
from db.rating_models import RatingObjection, RatingRound, RatingStep, TownshipVerification
from db.store import Store

REPORT_FORMAT = "dyjf-star-rating-report"
VERIFICATION_FORMAT = "dyjf-star-rating-verification"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _envelope(kind: str, payload: dict) -> tuple[bytes, str]:
    digest = hashlib.sha256(_canonical(payload)).hexdigest()
    document = {"format": kind, "format_version": FORMAT_VERSION, "payload": payload, "sha256": digest}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"), digest


def read_exchange_file(path: Path | str, kind: str) -> tuple[dict, str]:
    """(payload, its SHA-256) of a report or verification file, or a ValidationError saying what is wrong."""
    path = Path(path)
    what = "上报文件" if kind == REPORT_FORMAT else "验星结果文件"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"“{path.name}”太大了，不是{what}。")
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise plain_os_error(exc, f"无法读取“{path.name}”。") from exc
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(f"“{path.name}”不是{what}，或者已经损坏。") from None
    if not isinstance(document, dict) or document.get("format") != kind or not isinstance(document.get("payload"), dict):
        raise ValidationError(f"“{path.name}”不是{what}。")
    if document.get("format_version") != FORMAT_VERSION:
        raise ValidationError(newer_program(f"“{path.name}”", "打开", made="生成的"))
    digest = hashlib.sha256(_canonical(document["payload"])).hexdigest()
    if digest != document.get("sha256"):
        raise ValidationError(f"“{path.name}”的内容与校验值不符，文件可能已损坏或被改动，请重新拷贝。")
    return document["payload"], digest


def _report_payload(view: RoundView, branch_name: str, township: str) -> dict:
    return {
        "round_id": str(view.id),
        "branch_name": branch_name,
        "township_name": township,
        "year": view.year,
        "scheme": view.scheme.to_dict(),
        "publicity": {
            "start": view.publicity_start.isoformat() if view.publicity_start else None,
            "end": view.publicity_end.isoformat() if view.publicity_end else None,
            "objection_contact": view.objection_contact,
        },
        "steps": [
            {"action": s.action, "status": s.status_after.value, "on": s.on_date.isoformat(), "operator": s.operator, "note": s.note}
            for s in view.steps
        ],
        "candidates": [
            {
                "member_id": str(c.member_id), "name": c.name, "group_name": c.group_name,
                "member_class": c.member_class.value, "membership": c.membership.value,
                "final_total": None if c.final_total is None else str(c.final_total), "vetoed": c.vetoed,
                "rank": c.rank, "declared_stars": c.declared_stars, "band_stars": c.band_stars,
                "proposed_stars": c.proposed_stars, "stars": c.stars, "dual_report_served": c.dual_report_served,
                "flags": list(c.flags),
                "history": [
                    {"stage": h.stage.value, "from": h.from_stars, "to": h.to_stars, "reason": h.reason,
                     "on": h.on_date.isoformat(), "operator": h.operator}
                    for h in c.history
                ],
            }
            for c in view.candidates
        ],
        "objections": [
            {"member": o.member_name, "raised_by": o.raised_by, "raised_on": o.raised_on.isoformat(), "content": o.content,
             "answer": o.answer, "upheld": o.upheld}
            for o in view.objections
        ],
        "ledger_chain_head": _reported_head(view),
        "program_version": __version__,
    }


_HEAD_NOTE = re.compile(r"台账链 (\d+) 条，链头 ([0-9a-f]{64})")


def _head_note(head: Head) -> str:
    """The report step's note: the ledger chain as it stood when the round was locked."""
    return f"台账链 {head.seq} 条，链头 {head.hash}"


def _reported_head(view: RoundView) -> dict | None:
    """The chain head written into the report step's note when the round was locked, so that the
    report file — and a copy exported again later — name the ledger the stars were decided on."""
    for step in view.steps:
        found = _HEAD_NOTE.search(step.note or "") if step.action == "report" else None
        if found:
            return {"seq": int(found.group(1)), "hash": found.group(2), "code": paper_code(Head(int(found.group(1)), found.group(2)))}
    return None


def report_to_township(store: Store, actor: Actor, year: int, on: date, out: Path | str, today: date | None = None) -> Change:
    """Lock the round and write the report file for the township (after the publicity period)."""
    actor.require(Role.REVIEWER, action="上报验星")
    today = today or date.today()
    if on > today:
        raise DateNotYet(on)
    branch_id = require_branch_id(store)
    branch = get_branch(store, branch_id)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_transition(record.status, RoundStatus.REPORTED)
        if on <= record.publicity_end:
            raise ConflictError(f"公示期到{day_text(record.publicity_end)}才结束，公示期满后才能上报。")
        open_objections = uow.session.scalars(
            select(RatingObjection).where(RatingObjection.round_id == record.id, RatingObjection.answered_on.is_(None))
        ).all()
        if open_objections:
            raise ConflictError(f"还有 {len(open_objections)} 条异议没有答复，答复后才能上报。")
        freshness.refuse_if_moved(store, uow.session, record.id, year)
        record.status = RoundStatus.REPORTED
        head = read_head(uow.session.connection(), ENTRIES)
        uow.session.add(RatingStep(round_id=record.id, action="report", status_after=RoundStatus.REPORTED, on_date=on,
                                   operator_id=actor.id, note=_head_note(head)))
        uow.session.flush()
    view = load_view(store, year)
    data, digest = _envelope(REPORT_FORMAT, _report_payload(view, branch.name, branch.township))
    try:
        write_atomically(out, data)
    except Exception:
        _undo_report(store, actor, year, on)
        raise
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        record.report_sha256 = digest
        uow.audit("report", "rating_round", record.id, f"{year} 年星级评定上报乡镇验星", file=Path(out).name, sha256=digest)
    return Change(f"已上报并锁定 {year} 年星级评定，请把文件“{Path(out).name}”交给乡镇党委。", updated=[view.id])


def _undo_report(store: Store, actor: Actor, year: int, on: date) -> None:
    """The file could not be written: the round goes back to publicity, and the history says so."""
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        record.status = RoundStatus.PUBLICISING
        uow.session.add(RatingStep(round_id=record.id, action="report_failed", status_after=RoundStatus.PUBLICISING,
                                   on_date=on, operator_id=actor.id, note="上报文件没有写成，评定未上报"))
        uow.audit("report_failed", "rating_round", record.id, f"{year} 年星级评定上报文件没有写成，退回公示阶段")


def export_report_again(store: Store, year: int, out: Path | str) -> Path:
    """Write the same report once more (the stick was lost): the locked round gives the same bytes."""
    view = load_view(store, year)
    if view.status is not RoundStatus.REPORTED or not view.report_sha256:
        raise ConflictError("只有已上报、等待验星的评定才能重新导出上报文件。")
    branch = get_branch(store)
    data, digest = _envelope(REPORT_FORMAT, _report_payload(view, branch.name, branch.township))
    if digest != view.report_sha256:
        raise ConflictError("评定内容与上报时不一致，请重新打开评定后重新公示和上报。", details=f"{digest} != {view.report_sha256}")
    return write_atomically(out, data)


def import_for_verification(store: Store, actor: Actor, path: Path | str) -> Change:
    """On the township's computer: take in a village's report (importing it twice changes nothing)."""
    actor.require(Role.REVIEWER, Role.VERIFIER, action="验星")
    payload, digest = read_exchange_file(path, REPORT_FORMAT)
    try:
        round_id, year = uuid.UUID(payload["round_id"]), int(payload["year"])
        branch_name = str(payload["branch_name"])
    except (KeyError, ValueError, TypeError):
        raise ValidationError("上报文件缺少必要的内容，可能不是本程序生成的。") from None
    with unit_of_work(store, actor) as uow:
        _refuse_other_township(uow.session, payload, Path(path).name)
        existing = uow.session.scalar(
            select(TownshipVerification).where(TownshipVerification.round_id == round_id, TownshipVerification.report_sha256 == digest)
        )
        if existing is not None:
            return Change(f"{branch_name} {year} 年的上报材料已经导入过了。")
        record = TownshipVerification(round_id=round_id, branch_name=branch_name, township_name=str(payload.get("township_name", "")),
                                      year=year, report_sha256=digest, payload=payload)
        uow.session.add(record)
        uow.session.flush()
        uow.audit("import", "township_verification", record.id, f"导入 {branch_name} {year} 年星级评定上报材料")
        return Change(f"已导入 {branch_name} {year} 年星级评定上报材料，共 {len(payload.get('candidates', []))} 人。", created=[record.id])


def _refuse_other_township(session, payload: dict, file_name: str) -> None:
    """A report addressed to another committee is a file handed in at the wrong township, unless its
    branch was gathered here: gathering files a branch whose own name for its committee differs
    under this one (with a notice), so its report is this township's to verify too."""
    township = township_unit(session)
    sent = str(payload.get("township_name") or "").strip()
    if township is None or not sent or sent == township.name:
        return
    member_ids = []
    for candidate in _dicts(payload.get("candidates"))[:50]:
        try:
            member_ids.append(uuid.UUID(str(candidate.get("member_id"))))
        except ValueError:
            continue
    if member_ids and session.scalar(select(Member.id).where(Member.id.in_(member_ids)).limit(1)) is not None:
        return
    raise ValidationError(
        f"“{file_name}”是{sent} {payload.get('branch_name', '')}的上报材料，不是本乡镇（{township.name}）的，没有导入。"
    )


def decide_verification(store: Store, actor: Actor, verification_id: uuid.UUID, verified: bool, comments: str,
                        on: date, out: Path | str, today: date | None = None) -> Change:
    """The township verifies or returns a report, and writes the answer file for the village."""
    actor.require(Role.REVIEWER, Role.VERIFIER, action="验星")
    if on > (today or date.today()):
        raise DateNotYet(on)
    comments = (comments or "").strip()
    if not verified and not comments:
        raise ValidationError("退回时请写明意见，村里才知道要改什么。")
    with unit_of_work(store, actor) as uow:
        record = uow.session.get(TownshipVerification, verification_id)
        if record is None:
            raise RatingReportNotFound()
        if record.decision is not None:
            raise ConflictError(f"这份上报材料已经{'验星通过' if record.decision == 'verified' else '退回'}了。")
        record.decision, record.comments, record.decided_on = "verified" if verified else "returned", comments, on
        record.decided_by, record.decided_at = actor.id, datetime.now(timezone.utc)
        data, _ = _envelope(VERIFICATION_FORMAT, _verification_payload(record, actor.display_name))
        write_atomically(out, data)
        uow.audit("verify" if verified else "return", "township_verification", record.id,
                  f"{record.branch_name} {record.year} 年星级评定：{'验星通过' if verified else '退回'}", comments=comments)
        return Change(f"已{'验星通过' if verified else '退回'}，请把文件“{Path(out).name}”交回村党支部。", updated=[record.id])


def _verification_payload(record: TownshipVerification, decided_by: str) -> dict:
    """What the answer file says: the report it answers, the decision, the township's comments."""
    return {
        "round_id": str(record.round_id), "report_sha256": record.report_sha256, "decision": record.decision,
        "comments": record.comments, "decided_on": record.decided_on.isoformat(), "decided_by": decided_by,
        "township_name": record.township_name,
    }


def export_verification_again(store: Store, verification_id: uuid.UUID, out: Path | str) -> Path:
    """The answer file of a decided report written once more (the stick that took it to the village
    was lost): the same decision, date and comments, which the village registers as before, or is
    told it already has."""
    with read_session(store) as session:
        record = session.get(TownshipVerification, verification_id)
        if record is None:
            raise RatingReportNotFound()
        if record.decision is None:
            raise ConflictError(f"{record.branch_name} {record.year} 年的上报材料还没有验星，没有结果文件可以导出。")
        decider = session.get(Operator, record.decided_by) if record.decided_by else None
        data, _ = _envelope(VERIFICATION_FORMAT, _verification_payload(record, decider.display_name if decider else ""))
    return write_atomically(out, data)


def apply_verification(store: Store, actor: Actor, path: Path | str, today: date | None = None) -> Change:
    """Back in the village: record the township's answer to exactly the report that was sent."""
    actor.require(Role.REVIEWER, Role.VERIFIER, action="登记验星结果")
    payload, _ = read_exchange_file(path, VERIFICATION_FORMAT)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        try:
            round_id = uuid.UUID(payload["round_id"])
            decided_on = date.fromisoformat(payload["decided_on"])
            decision = payload["decision"]
        except (KeyError, ValueError, TypeError):
            raise ValidationError("验星结果文件缺少必要的内容。") from None
        record = uow.session.get(RatingRound, round_id)
        if record is None or record.branch_id != branch_id:
            raise ValidationError("这份验星结果不是本支部的。")
        if record.status.value == decision and payload.get("report_sha256") == record.report_sha256:
            # the same answer brought in twice: nothing to do, and nothing wrong with the report
            return Change(f"这份验星结果（{day_text(decided_on)}{record.status.label}）已经登记过了。")
        if record.status is not RoundStatus.REPORTED or payload.get("report_sha256") != record.report_sha256:
            raise ConflictError("这份验星结果对应的不是本支部目前上报的材料（可能是旧的或已重新打开过），不能登记。")
        if decision not in ("verified", "returned"):
            raise ValidationError("验星结果文件中的结论看不懂。")
        target = RoundStatus.VERIFIED if decision == "verified" else RoundStatus.RETURNED
        check_transition(record.status, target)
        record.status, record.township_comments = target, str(payload.get("comments", ""))
        note = f"{payload.get('township_name', '')} {payload.get('decided_by', '')}：{record.township_comments}".strip()
        uow.session.add(RatingStep(round_id=record.id, action="verified" if target is RoundStatus.VERIFIED else "returned",
                                   status_after=target, on_date=decided_on, operator_id=actor.id, note=note))
        uow.audit(decision, "rating_round", record.id, f"{record.year} 年星级评定：{target.label}", comments=record.township_comments)
        return Change(f"已登记乡镇意见：{target.label}。", updated=[record.id])


@dataclass(frozen=True)
class VerificationRow:
    id: uuid.UUID
    branch_name: str
    year: int
    candidates: int
    five_star: int
    decision: str | None
    comments: str
    decided_on: date | None


def township_verifications(store: Store) -> list[VerificationRow]:
    """The reports the township has received, newest first, with their decision if any."""
    with read_session(store) as session:
        records = session.scalars(select(TownshipVerification).order_by(TownshipVerification.created_at.desc()))
        return [
            VerificationRow(
                r.id, r.branch_name, r.year, len(r.payload.get("candidates", [])),
                sum(1 for c in r.payload.get("candidates", []) if c.get("stars") == 5),
                r.decision, r.comments, r.decided_on,
            )
            for r in records
        ]


# ----------------------------------------------------------------------------- reading a received report (township)
# Added after the rest of this module: the township's screen shows what a village reported.

from decimal import Decimal, InvalidOperation  # noqa: E402 (kept with the code that uses them)

from app.domain.enums import MemberClass, Membership  # noqa: E402
from app.domain.rating import StarStage  # noqa: E402
from app.domain.standing import five_star_places as quota_places  # noqa: E402


@dataclass(frozen=True)
class ReportedStarChange:
    stage: str  # label, e.g. 支委会审核调整
    from_stars: int | None
    to_stars: int | None
    reason: str
    on_date: date | None
    operator: str


@dataclass(frozen=True)
class ReportedCandidate:
    name: str
    group_name: str
    member_class: str  # label
    membership: str  # label
    final_total: Decimal | None
    vetoed: bool
    rank: int | None
    declared_stars: int | None
    band_stars: int | None
    proposed_stars: int | None
    stars: int | None
    dual_report_served: bool | None
    flags: tuple[str, ...]
    history: tuple[ReportedStarChange, ...]


@dataclass(frozen=True)
class ReportedStep:
    action: str
    status: str  # label, e.g. 公示亮星
    on_date: date | None
    operator: str
    note: str


@dataclass(frozen=True)
class ReportedObjection:
    member: str
    raised_by: str
    raised_on: date | None
    content: str
    answer: str
    upheld: bool | None


@dataclass(frozen=True)
class VerificationDetail:
    id: uuid.UUID
    branch_name: str
    township_name: str
    year: int
    received_at: datetime | None
    publicity_start: date | None
    publicity_end: date | None
    objection_contact: str
    decision: str | None
    comments: str
    decided_on: date | None
    candidates: tuple[ReportedCandidate, ...]
    steps: tuple[ReportedStep, ...]
    objections: tuple[ReportedObjection, ...]
    # The round's five-star quota as reported (its rule, `scheme.five_star_quota`: a share of the
    # members rated); `quota_stated` is False for a report whose scheme does not say.
    quota_stated: bool = False
    five_star_share: Decimal | None = None

    def count_with_stars(self, stars: int) -> int:
        return sum(1 for c in self.candidates if c.stars == stars)

    @property
    def rated(self) -> int:
        """The candidates the quota counts, as the village's round counted them: scored, not vetoed."""
        return sum(1 for c in self.candidates if c.final_total is not None and not c.vetoed)

    @property
    def five_star_places(self) -> int | None:
        """How many may hold five stars (None: no quota, or the report does not say)."""
        return quota_places(self.five_star_share, self.rated) if self.quota_stated else None

    @property
    def over_quota(self) -> bool:
        places = self.five_star_places
        return places is not None and self.count_with_stars(5) > places


def verification_detail(store: Store, verification_id: uuid.UUID) -> VerificationDetail:
    """What a village reported (as stored when imported), in plain rows for the township's screen.

    The payload came from a file: a value that is missing or not understood is shown empty
    rather than refused (the file's checksum was verified when it was imported).
    """
    with read_session(store) as session:
        record = session.get(TownshipVerification, verification_id)
        if record is None:
            raise RatingReportNotFound()
        payload = dict(record.payload or {})
        head = (record.id, record.branch_name, record.township_name, record.year, record.created_at,
                record.decision, record.comments or "", record.decided_on)
    publicity = payload.get("publicity") if isinstance(payload.get("publicity"), dict) else {}
    scheme = payload.get("scheme") if isinstance(payload.get("scheme"), dict) else {}
    share = _as_decimal(scheme.get("five_star_quota"))
    stated = "five_star_quota" in scheme and (scheme["five_star_quota"] in (None, "") or (share is not None and 0 < share <= 1))
    return VerificationDetail(
        id=head[0], branch_name=head[1], township_name=head[2], year=head[3], received_at=head[4],
        publicity_start=_as_date(publicity.get("start")), publicity_end=_as_date(publicity.get("end")),
        objection_contact=_as_text(publicity.get("objection_contact")),
        decision=head[5], comments=head[6], decided_on=head[7],
        candidates=tuple(_reported_candidate(c) for c in _dicts(payload.get("candidates"))),
        steps=tuple(_reported_step(s) for s in _dicts(payload.get("steps"))),
        objections=tuple(_reported_objection(o) for o in _dicts(payload.get("objections"))),
        quota_stated=stated, five_star_share=share if stated else None,
    )


def _reported_step(s: dict) -> ReportedStep:
    return ReportedStep(
        _as_text(s.get("action")), _label(RoundStatus, s.get("status")), _as_date(s.get("on")),
        _as_text(s.get("operator")), _as_text(s.get("note")),
    )


def _reported_objection(o: dict) -> ReportedObjection:
    return ReportedObjection(
        _as_text(o.get("member")), _as_text(o.get("raised_by")), _as_date(o.get("raised_on")),
        _as_text(o.get("content")), _as_text(o.get("answer")), _as_bool(o.get("upheld")),
    )


def _as_text(value) -> str:
    """A reported text field: missing or empty values read as ""."""
    return str(value or "")


def _reported_candidate(c: dict) -> ReportedCandidate:
    return ReportedCandidate(
        name=str(c.get("name") or ""), group_name=str(c.get("group_name") or ""),
        member_class=_label(MemberClass, c.get("member_class")), membership=_label(Membership, c.get("membership")),
        final_total=_as_decimal(c.get("final_total")), vetoed=bool(c.get("vetoed")), rank=_as_int(c.get("rank")),
        declared_stars=_as_int(c.get("declared_stars")), band_stars=_as_int(c.get("band_stars")),
        proposed_stars=_as_int(c.get("proposed_stars")), stars=_as_int(c.get("stars")),
        dual_report_served=_as_bool(c.get("dual_report_served")),
        flags=tuple(str(f) for f in c.get("flags") or () if f),
        history=tuple(
            ReportedStarChange(_label(StarStage, h.get("stage")), _as_int(h.get("from")), _as_int(h.get("to")),
                               str(h.get("reason") or ""), _as_date(h.get("on")), str(h.get("operator") or ""))
            for h in _dicts(c.get("history"))
        ),
    )


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _label(enum_cls, value) -> str:
    try:
        return enum_cls(value).label
    except ValueError:
        return "" if value is None else str(value)


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _as_int(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _as_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
