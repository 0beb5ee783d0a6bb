"""The township's two small queries for the GUI: is this a township database, what did a village report."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import ConflictError, NotFound, ValidationError
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.accounts import operators
from app.services.rating import rounds as rating
from app.services.rating import exchange as rating_exchange
from app.services.township import overview as township_overview
from app.services.context import unit_of_work
from app.services.rating.queries import load_view
from conftest import add
from db.rating_models import TownshipVerification
from db.store import Store

LATER = date(2026, 12, 31)


@pytest.fixture
def township(tmp_path):
    with Store.open_file(tmp_path / "乡镇汇总.db") as store:
        yield store, operators.ensure_admin(store)


def test_an_empty_database_is_neither_and_a_marked_one_is_a_township(township):
    store, admin = township
    assert not gather.is_township_database(store)
    change = gather.start_township_database(store, admin, "  城关镇党委 ")
    assert "城关镇党委" in change.summary and change.created
    assert gather.is_township_database(store)
    assert township_overview.township_overview(store, 2026).township == "城关镇党委"
    with pytest.raises(ValidationError, match="已经是乡镇汇总数据库"):
        gather.start_township_database(store, admin, "城关镇党委")


def test_a_name_is_required(township):
    store, admin = township
    with pytest.raises(ValidationError, match="党委名称"):
        gather.start_township_database(store, admin, "  ")
    assert not gather.is_township_database(store)


def test_a_village_database_is_not_a_township_and_cannot_become_one(store, admin, branch):
    assert not gather.is_township_database(store)
    with pytest.raises(ValidationError, match="村支部自己的数据库"):
        gather.start_township_database(store, admin, "城关镇党委")
    assert not gather.is_township_database(store)


def test_gathering_into_an_unmarked_database_makes_it_a_township(store, admin, village_year, township, tmp_path):
    add(store, admin, "张三")
    made = backup.backup_to(store, tmp_path).path
    township_store, township_admin = township
    gather.gather(township_store, township_admin, [made])
    assert gather.is_township_database(township_store)


def test_villages_are_gathered_under_the_committee_named_at_set_up(store, admin, village_year, township, tmp_path):
    add(store, admin, "张三")
    made = backup.backup_to(store, tmp_path).path
    township_store, township_admin = township
    gather.start_township_database(township_store, township_admin, "城关镇党委（汇总）")
    result = gather.gather(township_store, township_admin, [made]).files[0]
    assert result.status == "gathered"
    assert any("城关镇党委（汇总）" in notice for notice in result.notices)
    overview = township_overview.township_overview(township_store, 2026)
    assert overview.township == "城关镇党委（汇总）" and [b.name for b in overview.branches] == ["红星村党支部"]


def test_a_member_who_left_in_the_year_is_counted_and_said_so(store, admin, village_year, township, tmp_path):
    """Transferred out in June: the overview scores him for his months here, as the village's own
    ranking does, while the village's star-rating round leaves him out; the branch's line says how
    many such members it holds, so its stars and the 验星 page's candidates can be reconciled."""
    from app.services.roster import members

    ids = [add(store, admin, name) for name in ("甲一", "乙二", "丙三")]
    members.transfer_out(store, admin, ids[0], date(2026, 6, 30), "镇机关党支部", today=LATER)
    township_store, township_admin = township
    gather.gather(township_store, township_admin, [backup.backup_to(store, tmp_path).path])
    [line] = township_overview.township_overview(township_store, 2026).branches
    assert (line.rated, line.departed) == (3, 1)
    assert township_overview.township_overview(township_store, 2025).branches[0].departed == 0


def _reported_round(store, admin, tmp_path) -> tuple[dict, object]:
    ids = {name: add(store, admin, name) for name in ("甲一", "乙二", "丙三")}
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.declare(store, admin, 2026, ids["甲一"], 5, "带头参加志愿服务", date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    rating.override(store, admin, 2026, ids["乙二"], 3, "抗洪抢险表现突出，支委会讨论通过", date(2026, 11, 21), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 22), days=2, objection_contact="村党群服务中心", today=LATER)
    rating.record_objection(store, admin, 2026, ids["乙二"], "群众李某", date(2026, 11, 23), "抗洪期间曾外出", today=LATER)
    objection = load_view(store, 2026).objections[0]
    rating.answer_objection(store, admin, objection.id, "经核实不属实，维持", False, date(2026, 11, 23), today=LATER)
    report = tmp_path / "红星村-2026.jfrating"
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 25), report, today=LATER)
    return ids, report


def test_the_detail_of_a_received_report(store, admin, village_year, township, tmp_path):
    ids, report = _reported_round(store, admin, tmp_path)
    view = load_view(store, 2026)
    township_store, township_admin = township
    rating_exchange.import_for_verification(township_store, township_admin, report)
    [row] = rating_exchange.township_verifications(township_store)
    detail = rating_exchange.verification_detail(township_store, row.id)

    assert (detail.branch_name, detail.township_name, detail.year) == ("红星村党支部", "城关镇党委", 2026)
    assert (detail.publicity_start, detail.publicity_end) == (date(2026, 11, 22), date(2026, 11, 23))
    assert detail.objection_contact == "村党群服务中心" and detail.received_at is not None
    assert detail.decision is None and detail.comments == ""
    assert [c.name for c in detail.candidates] == [c.name for c in view.candidates]
    for got, sent in zip(detail.candidates, view.candidates):
        assert (got.final_total, got.stars, got.proposed_stars, got.rank, got.vetoed) == (
            sent.final_total, sent.stars, sent.proposed_stars, sent.rank, sent.vetoed)
        assert got.member_class == sent.member_class.label and got.membership == sent.membership.label
    second = next(c for c in detail.candidates if c.name == "乙二")
    assert second.stars == 3 and [h.stage for h in second.history] == ["系统测评", "支委会审核调整"]
    assert second.history[-1].reason == "抗洪抢险表现突出，支委会讨论通过"
    assert next(c for c in detail.candidates if c.name == "甲一").declared_stars == 5
    assert [s.action for s in detail.steps] == ["start", "assess", "publicise", "report"]
    assert detail.steps[-1].status == "已上报，待乡镇验星" and detail.steps[0].on_date == date(2026, 11, 20)
    [objection] = detail.objections
    assert (objection.member, objection.raised_by, objection.upheld) == ("乙二", "群众李某", False)
    assert detail.count_with_stars(3) == sum(1 for c in view.candidates if c.stars == 3)

    with pytest.raises(ConflictError) as undecided:
        rating_exchange.export_verification_again(township_store, row.id, tmp_path / "还没有.jfverify")
    assert "还没有验星" in undecided.value.message and not (tmp_path / "还没有.jfverify").exists()
    rating_exchange.decide_verification(township_store, township_admin, row.id, False, "请补充双报到证明",
                                        date(2026, 11, 28), tmp_path / "退回.jfverify", today=LATER)
    decided = rating_exchange.verification_detail(township_store, row.id)
    assert (decided.decision, decided.comments, decided.decided_on) == ("returned", "请补充双报到证明", date(2026, 11, 28))
    again = rating_exchange.export_verification_again(township_store, row.id, tmp_path / "再导出.jfverify")
    assert again.read_bytes() == (tmp_path / "退回.jfverify").read_bytes()


def test_a_report_of_another_townships_village_is_refused_unless_gathered_here(store, admin, village_year, township, tmp_path):
    """A village of 城关镇党委 hands its report in at 河西乡: not taken, and nothing is recorded; once its
    backup is gathered there (filed under 河西乡党委 with a notice), its report is 河西乡's to verify."""
    _, report = _reported_round(store, admin, tmp_path)
    township_store, township_admin = township
    gather.start_township_database(township_store, township_admin, "河西乡党委")
    with pytest.raises(ValidationError) as refused:
        rating_exchange.import_for_verification(township_store, township_admin, report)
    assert refused.value.message == "“红星村-2026.jfrating”是城关镇党委 红星村党支部的上报材料，不是本乡镇（河西乡党委）的，没有导入。"
    assert rating_exchange.township_verifications(township_store) == []
    gather.gather(township_store, township_admin, [backup.backup_to(store, tmp_path).path])
    assert "已导入" in rating_exchange.import_for_verification(township_store, township_admin, report).summary


def test_reported_totals_are_checked_against_the_gathered_ledger(store, admin, village_year, township, tmp_path):
    """A .jfrating is plain JSON with a plain SHA-256: edited and summed again it imports as any
    other. Beside the village's gathered ledger the changed total shows; before the village's
    backup is gathered, the check says it cannot be made."""
    import hashlib
    import json

    from app.services.township.report_check import check_against_gathered

    _, report = _reported_round(store, admin, tmp_path)
    township_store, township_admin = township
    rating_exchange.import_for_verification(township_store, township_admin, report)
    [honest] = rating_exchange.township_verifications(township_store)
    assert check_against_gathered(township_store, honest.id).sentence == (
        "这个村的备份还没有汇总进来，上报的积分没法和台账核对；请先汇总这个村的备份。")

    made = backup.backup_to(store, tmp_path)
    gather.gather(township_store, township_admin, [made.path])
    local = made.manifest.created_at.astimezone()
    day = f"{local.year}年{local.month}月{local.day}日"
    assert check_against_gathered(township_store, honest.id).sentence == f"上报的 3 人的年度积分与汇总来的台账（{day}的备份）一致。"

    document = json.loads(report.read_text(encoding="utf-8"))
    first = document["payload"]["candidates"][0]
    was = first["final_total"]
    first["final_total"], first["stars"] = "95.00", 5
    document["payload"]["objections"] = []  # another report's content, so it is not the same file twice
    document["sha256"] = hashlib.sha256(rating_exchange._canonical(document["payload"])).hexdigest()
    edited = tmp_path / "改过.jfrating"
    edited.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    rating_exchange.import_for_verification(township_store, township_admin, edited)
    changed = next(r for r in rating_exchange.township_verifications(township_store) if r.id != honest.id)
    check = check_against_gathered(township_store, changed.id)
    assert [(m.name, m.reported) for m in check.mismatches] == [(first["name"], Decimal("95.00"))]
    assert check.sentence == (
        f"有 1 人上报的年度积分与汇总来的台账（{day}的备份）不符：{first['name']} 上报 95 分、台账 {Decimal(was).normalize():f} 分；"
        "村里在这份备份之后又记过分的，请村里重新交备份，汇总后再核对。"
    )


def test_a_payload_with_odd_values_is_shown_not_refused(township):
    store, admin = township
    with unit_of_work(store, admin) as uow:
        record = TownshipVerification(
            round_id=uuid.uuid4(), branch_name="东风村党支部", year=2026, report_sha256="0" * 64,
            payload={"publicity": "?", "steps": [{"status": "unknown", "on": "not a date"}, "junk"],
                     "candidates": [{"name": "某某", "member_class": "alien", "final_total": "abc", "stars": "4",
                                     "rank": True, "history": None, "flags": ["", "双报到未履行"]}]},
        )
        uow.session.add(record)
        uow.session.flush()
        record_id = record.id
    detail = rating_exchange.verification_detail(store, record_id)
    [candidate] = detail.candidates
    assert (candidate.member_class, candidate.final_total, candidate.stars, candidate.rank) == ("alien", None, 4, None)
    assert candidate.flags == ("双报到未履行",) and candidate.history == ()
    assert [(s.status, s.on_date) for s in detail.steps] == [("unknown", None)]
    assert detail.publicity_start is None and detail.objections == ()
    with pytest.raises(NotFound):
        rating_exchange.verification_detail(store, uuid.uuid4())


def test_a_township_database_takes_no_branch_of_its_own_nor_a_demo(store, admin, village_year, township, tmp_path):
    from app.domain.errors import ConflictError
    from app.services import demo, organisation
    from app.services.accounts import setup
    from conftest import TODAY

    add(store, admin, "张三")
    township_store, township_admin = township
    gather.gather(township_store, township_admin, [backup.backup_to(store, tmp_path).path])
    before = _counts(township_store)
    for attempt in (
        lambda: setup.refuse_demo_over_a_branch(township_store),
        lambda: demo.create_demo_branch(township_store, township_admin, today=TODAY),
        lambda: organisation.setup_branch(township_store, township_admin, "城关镇党委", "红星村党支部", []),
    ):
        with pytest.raises(ConflictError, match="乡镇汇总数据库"):
            attempt()
    assert _counts(township_store) == before
    # a verb meant for one branch says what the file is, not "set up a branch first, or run demo"
    with pytest.raises(NotFound, match="乡镇汇总数据库") as refused:
        organisation.require_branch_id(township_store)
    assert "demo" not in str(refused.value.message)


def _counts(store) -> tuple:
    from sqlalchemy import func, select

    from db.models import Member, OrgUnit

    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Member)), session.scalar(select(func.count()).select_from(OrgUnit))
