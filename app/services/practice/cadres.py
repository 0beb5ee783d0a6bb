"""Resident and liaison cadres (驻村干部) of a village: their roster (kept apart from the member
roster), the year's cadre rule set from the shipped template, their points records (append-only,
corrected by reversal), the month card and the year's assessment on the ten-point scale.

A cadre's phone is sealed like a member's personal data (app/services/roster/personal.py): on
write with the log-in's data key, shown masked (3+4) in rows, in full only to an account with
the right when it asks (`reveal_phone`, audited). Rows read without a key (the township's
gathered file) leave it sealed.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.cadres import CadreKind, CadreScheme, scheme_from_dict, scheme_to_dict, year_points
from app.domain.enums import MemberClass, Role
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.periods import Month
from app.domain.personal import mask_phone
from app.domain.points import ZERO, format_points, points
from app.domain.rules import CountedLine, MemberFacts, price_entry
from app.domain.dates import day_text
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.paths import TEMPLATES_DIR
from app.services.roster.personal import REVEAL_ROLES, sealer_for, sealer_if_unlocked
from db.practice_models import CadrePointsRecord, CadreRuleSet, ResidentCadre
from db.sealed import Sealer
from db.store import Store

PHONE_FIELD = "cadre_phone"  # the sealed value's associated data: a member's phone cannot pass for it
CADRE_TEMPLATES_DIR = TEMPLATES_DIR / "cadres"
DEFAULT_TEMPLATE = "resident_cadre"


@dataclass(frozen=True)
class CadreInput:
    name: str
    kind: CadreKind
    sent_by: str = ""
    post: str = ""
    phone: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    note: str = ""
    keep_phone: bool = False  # the form showed the phone masked: leave the sealed one as it is


@dataclass(frozen=True)
class CadreRow:
    id: uuid.UUID
    branch_id: uuid.UUID
    name: str
    kind: CadreKind
    sent_by: str
    post: str
    masked_phone: str  # 138****0001; "" without a phone or without the data key
    started_on: date | None
    ended_on: date | None
    note: str
    has_phone: bool  # a sealed phone is kept (shown as 已加密 when this log-in cannot open it)


@dataclass(frozen=True)
class CadreLine:
    id: uuid.UUID
    occurred_on: date
    item_code: str
    item_name: str
    quantity: Decimal
    points: Decimal
    note: str
    reverses_id: uuid.UUID | None
    reversed: bool


@dataclass(frozen=True)
class CadreYear:
    """A cadre's year (or year to a month): base, points by item, the total and the ten-point score."""

    cadre: CadreRow
    year: int
    base_points: Decimal
    by_item: tuple[tuple[str, str, Decimal], ...]  # code, name, net points
    total: Decimal
    ten_point: Decimal
    band: str
    lines: tuple[CadreLine, ...]

    @property
    def task_points(self) -> Decimal:
        return sum((p for _, _, p in self.by_item if p > 0), ZERO)

    @property
    def deductions(self) -> Decimal:
        return sum((p for _, _, p in self.by_item if p < 0), ZERO)


def _check_input(data: CadreInput) -> CadreInput:
    name = (data.name or "").strip()
    if not name:
        raise ValidationError("请填写驻村干部的姓名。")
    if len(name) > 50 or len(data.sent_by or "") > 100 or len(data.post or "") > 50 or len(data.phone or "") > 20:
        raise ValidationError("姓名不超过 50 字，派出单位不超过 100 字，职务不超过 50 字，电话不超过 20 位。")
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        raise ValidationError("离村日期不能早于驻村日期。")
    return data


def _row(record: ResidentCadre, sealer: Sealer | None = None) -> CadreRow:
    """The cadre as rows show him: his phone opened only to mask it, and only with a sealer."""
    phone = sealer.open(PHONE_FIELD, record.phone_sealed) if sealer is not None else ""
    return CadreRow(record.id, record.branch_id, record.name, CadreKind(record.kind), record.sent_by, record.post,
                    mask_phone(phone), record.started_on, record.ended_on, record.note, bool(record.phone_sealed))


def save_cadre(store: Store, actor: Actor, data: CadreInput, cadre_id: uuid.UUID | None = None) -> Change:
    """Add a cadre to this village's roster of cadres, or change one (audited with before and after)."""
    actor.require(Role.CLERK, action="登记驻村干部")
    data = _check_input(data)
    branch_id = require_branch_id(store)
    sealer = sealer_if_unlocked(actor)
    with unit_of_work(store, actor) as uow:
        if cadre_id is None:
            record = ResidentCadre(branch_id=branch_id)
            uow.session.add(record)
            before = None
        else:
            record = uow.session.get(ResidentCadre, cadre_id)
            if record is None or record.branch_id != branch_id:
                raise NotFound("找不到这名驻村干部。")
            before = _plain(_row(record, sealer))
        record.name, record.kind, record.sent_by = data.name.strip(), data.kind.value, (data.sent_by or "").strip()
        record.post, record.note = (data.post or "").strip(), (data.note or "").strip()
        record.started_on, record.ended_on = data.started_on, data.ended_on
        phone = (data.phone or "").strip()
        if not data.keep_phone:  # no phone needs no key; a phone is never stored unsealed
            record.phone_sealed = sealer_for(actor).seal(PHONE_FIELD, phone) if phone else None
        uow.session.flush()
        uow.audit("create" if before is None else "update", "resident_cadre", record.id,
                  f"{'登记' if before is None else '修改'}{data.kind.label} {record.name}", before=before,
                  after=_plain(_row(record, sealer)))
        done = "已登记" if before is None else "已保存"
        return Change(f"{done}{data.kind.label}{record.name}。", created=[record.id] if before is None else [], updated=[] if before is None else [record.id])


def _plain(row: CadreRow) -> dict:
    """The audit's before and after: the phone masked, never in full."""
    return {"name": row.name, "kind": row.kind.value, "sent_by": row.sent_by, "post": row.post,
            "phone": row.masked_phone or ("（已加密）" if row.has_phone else ""),
            "started_on": str(row.started_on or ""), "ended_on": str(row.ended_on or ""), "note": row.note}


def list_cadres(store: Store, actor: Actor | None = None) -> list[CadreRow]:
    """The village's cadres; their phones masked when `actor` holds the data key, else left sealed."""
    branch_id = require_branch_id(store)
    sealer = sealer_if_unlocked(actor)
    with read_session(store) as session:
        records = session.scalars(select(ResidentCadre).where(ResidentCadre.branch_id == branch_id))
        return sorted((_row(r, sealer) for r in records), key=lambda r: (r.ended_on is not None, r.kind.value != "resident", r.name))


def reveal_phone(store: Store, actor: Actor, cadre_id: uuid.UUID) -> str:
    """A cadre's full phone for an account with the right (录入员, 审核人, 管理员); audited."""
    actor.require(*REVEAL_ROLES, action="查看驻村干部的完整电话")
    sealer = sealer_for(actor)
    with unit_of_work(store, actor) as uow:
        record = uow.session.get(ResidentCadre, cadre_id)
        if record is None or record.branch_id != require_branch_id(store):
            raise NotFound("找不到这名驻村干部。")
        phone = sealer.open(PHONE_FIELD, record.phone_sealed)
        uow.audit("reveal", "resident_cadre", record.id, f"查看{CadreKind(record.kind).label} {record.name} 的完整电话（在窗口中查看）")
        return phone


def template_scheme(year: int, key: str = DEFAULT_TEMPLATE) -> tuple[CadreScheme, str]:
    path = CADRE_TEMPLATES_DIR / f"{key}.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise NotFound(f"没有找到驻村干部考核细则模板“{key}”。", details=str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"驻村干部考核细则模板“{key}”格式有误：{exc}", details=str(exc)) from exc
    return scheme_from_dict(data, year), str(data.get("scheme", {}).get("description", ""))


def create_scheme(store: Store, actor: Actor, year: int, key: str = DEFAULT_TEMPLATE) -> Change:
    """The year's cadre rule set from the shipped template (once a year)."""
    actor.require(action="制定驻村干部考核细则")
    scheme, description = template_scheme(year, key)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        if uow.session.scalar(select(CadreRuleSet.id).where(CadreRuleSet.branch_id == branch_id, CadreRuleSet.year == year)):
            raise ConflictError(f"{year} 年的驻村干部考核细则已经建立了。")
        record = CadreRuleSet(branch_id=branch_id, year=year, name=scheme.name, settings=scheme_to_dict(scheme, description),
                              created_by=actor.id)
        uow.session.add(record)
        uow.session.flush()
        uow.audit("create", "cadre_rule_set", record.id, f"建立 {year} 年驻村干部考核细则（模板：{scheme.name}）", items=len(scheme.items))
        return Change(f"已建立 {year} 年驻村干部考核细则，共 {len(scheme.items)} 个项目。", created=[record.id])


def _scheme_record(session, branch_id: uuid.UUID, year: int) -> CadreRuleSet:
    record = session.scalar(select(CadreRuleSet).where(CadreRuleSet.branch_id == branch_id, CadreRuleSet.year == year))
    if record is None:
        raise NotFound(f"{year} 年的驻村干部考核细则还没有建立，请先从模板建立。")
    return record


def get_scheme(store: Store, year: int) -> CadreScheme:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return scheme_from_dict(_scheme_record(session, branch_id, year).settings, year)


def has_scheme(store: Store, year: int) -> bool:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return session.scalar(select(CadreRuleSet.id).where(CadreRuleSet.branch_id == branch_id, CadreRuleSet.year == year)) is not None


def record_points(store: Store, actor: Actor, cadre_id: uuid.UUID, item_code: str, occurred_on: date,
                  quantity=1, chosen_points=None, note: str = "", today: date | None = None) -> Change:
    """One line of a cadre's points, priced by the year's cadre rule set (values, ranges, caps)."""
    actor.require(Role.CLERK, action="登记驻村干部积分")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        cadre = session.get(ResidentCadre, cadre_id)
        if cadre is None or cadre.branch_id != branch_id:
            raise NotFound("找不到这名驻村干部。")
        record = _scheme_record(session, branch_id, occurred_on.year)
        scheme = scheme_from_dict(record.settings, occurred_on.year)
        item = scheme.item(item_code)
        if cadre.ended_on and occurred_on > cadre.ended_on:
            raise ValidationError(f"{cadre.name}已于{day_text(cadre.ended_on)}离村，之后不能再记分。")
        counted = [
            CountedLine(line.item_code, scheme.item(line.item_code).category, line.occurred_on, line.points)
            for line in session.scalars(select(CadrePointsRecord).where(CadrePointsRecord.cadre_id == cadre_id,
                                                                        CadrePointsRecord.rule_set_id == record.id))
        ]
        facts = MemberFacts(cadre.name, MemberClass.CADRE, in_branch_since=cadre.started_on)
        qty = points(quantity)
        value = price_entry(scheme.rule_set, item, facts, occurred_on, qty,
                            None if chosen_points in (None, "") else points(chosen_points), counted, today or date.today())
        line = CadrePointsRecord(cadre_id=cadre_id, rule_set_id=record.id, item_code=item.code, occurred_on=occurred_on,
                                 quantity=qty, points=value, note=(note or "").strip(), entered_by=actor.id)
        session.add(line)
        session.flush()
        uow.audit("create", "cadre_points", line.id, f"{cadre.name} {occurred_on:%Y-%m-%d} {item.name} {format_points(value)} 分")
        return Change(f"已给{cadre.name}记“{item.name}” {format_points(value)} 分。", created=[line.id])


def reverse_points(store: Store, actor: Actor, line_id: uuid.UUID, reason: str) -> Change:
    actor.require(Role.CLERK, Role.REVIEWER, action="冲正驻村干部积分")
    if not (reason or "").strip():
        raise ValidationError("冲正必须写明原因。")
    with unit_of_work(store, actor) as uow:
        original = uow.session.get(CadrePointsRecord, line_id)
        if original is None:
            raise NotFound("找不到这条驻村干部积分记录。")
        if original.reverses_id is not None:
            raise ConflictError("这是一条冲正记录，不能再冲正。")
        if uow.session.scalar(select(CadrePointsRecord.id).where(CadrePointsRecord.reverses_id == line_id)):
            raise ConflictError("这条积分记录已经冲正过了。")
        reversal = CadrePointsRecord(cadre_id=original.cadre_id, rule_set_id=original.rule_set_id, item_code=original.item_code,
                                     occurred_on=original.occurred_on, quantity=original.quantity, points=-original.points,
                                     note=f"冲正：{reason.strip()}", entered_by=actor.id, reverses_id=original.id)
        uow.session.add(reversal)
        uow.session.flush()
        cadre = uow.session.get(ResidentCadre, original.cadre_id)
        uow.audit("reverse", "cadre_points", reversal.id, f"冲正{cadre.name} {original.occurred_on:%Y-%m-%d} 的 {format_points(original.points)} 分", reason=reason)
        return Change(f"已冲正{cadre.name}的这条积分记录。", created=[reversal.id])


def cadre_years(session, branch_id: uuid.UUID, year: int, up_to: Month | None = None) -> list[CadreYear]:
    """Every cadre of the branch with a year (or year to `up_to`'s end) under the year's scheme."""
    record = _scheme_record(session, branch_id, year)
    scheme = scheme_from_dict(record.settings, year)
    end = up_to.last_day if up_to else date(year, 12, 31)
    cadres = [_row(r) for r in session.scalars(select(ResidentCadre).where(ResidentCadre.branch_id == branch_id))]
    lines_by_cadre: dict[uuid.UUID, list[CadrePointsRecord]] = {}
    for line in session.scalars(
        select(CadrePointsRecord).where(CadrePointsRecord.rule_set_id == record.id, CadrePointsRecord.occurred_on <= end)
        .order_by(CadrePointsRecord.occurred_on, CadrePointsRecord.created_at)
    ):
        lines_by_cadre.setdefault(line.cadre_id, []).append(line)
    years = []
    for cadre in cadres:
        if cadre.started_on and cadre.started_on > end or cadre.ended_on and cadre.ended_on.year < year:
            continue
        years.append(_cadre_year(scheme, cadre, year, lines_by_cadre.get(cadre.id, [])))
    return sorted(years, key=lambda y: (-y.ten_point, y.cadre.name))


def _cadre_year(scheme: CadreScheme, cadre: CadreRow, year: int, records: list[CadrePointsRecord]) -> CadreYear:
    reversed_ids = {r.reverses_id for r in records if r.reverses_id}
    by_code: dict[str, Decimal] = {}
    for r in records:
        by_code[r.item_code] = by_code.get(r.item_code, ZERO) + r.points
    names = {item.code: item.name for item in scheme.items}
    by_item = tuple((item.code, item.name, by_code[item.code]) for item in scheme.items if by_code.get(item.code))
    total = year_points(scheme, (r.points for r in records))
    ten = scheme.ten_point(total)
    lines = tuple(CadreLine(r.id, r.occurred_on, r.item_code, names.get(r.item_code, r.item_code), r.quantity, r.points,
                            r.note, r.reverses_id, r.id in reversed_ids) for r in records)
    return CadreYear(cadre, year, scheme.base_points, by_item, total, ten, scheme.band(ten), lines)


def branch_cadre_years(store: Store, year: int, up_to: Month | None = None) -> list[CadreYear]:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return cadre_years(session, branch_id, year, up_to)


def cadre_year(store: Store, cadre_id: uuid.UUID, year: int, up_to: Month | None = None) -> CadreYear:
    for found in branch_cadre_years(store, year, up_to):
        if found.cadre.id == cadre_id:
            return found
    raise NotFound(f"这名驻村干部 {year} 年不在村。")
