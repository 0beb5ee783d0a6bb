"""A whole star-rating round, end to end, on real files: village and township databases."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import MemberClass
from app.domain.errors import ConflictError, RuleViolation, ValidationError
from app.domain.rating import RoundStatus, StarStage
from app.services.ledger import entries as ledger
from app.services.accounts import operators
from app.services.rating import rounds as rating
from app.services.rating import exchange as rating_exchange
from app.services.totals import ranking as totals
from app.services.ledger.entries import EntryRequest
from app.services.ledger.queries import list_entries
from app.services.rating.queries import load_view, member_star_history
from app.services.roster import members
from conftest import add, plans_of_reads
from db.store import Store

D = Decimal
LATER = date(2026, 12, 31)  # "today" for steps taken after the publicity period
TOTALS = {"甲": 98, "乙": 95, "丙": 95, "丁": 93, "戊": 91, "己": 85, "庚": 80, "辛": 75, "壬": 70, "癸": 65}


def _give(store, admin, member, total):
    """Approved award entries (outside every cap) that bring the member from base 20 to `total`."""
    left, month, requests = D(total) - 20, 1, []
    while left > 0:
        value = min(left, D(10))
        if value < 3:  # B05 ranges from 3 to 10: take the remainder out of the previous line
            requests[-1].points -= 3 - value
            value = D(3)
        requests.append(EntryRequest(member, "B05", date(2026, month, 10), points=value, note="县级表彰"))
        left -= value
        month += 1
    ledger.record_batch(store, admin, requests, approve=True, today=LATER)


@pytest.fixture
def branch_ten(store, admin, village_year):
    ids = {}
    for name, total in TOTALS.items():
        member_class = MemberClass.IN_SERVICE if name == "丁" else MemberClass.NO_POST
        ids[name] = add(store, admin, f"党员{name}", member_class=member_class)
        _give(store, admin, ids[name], total)
    return ids


# The proposal for TOTALS with a quota of 0.2, worked out by hand: bands 90/80/70/60; 丁 (93, in
# service, no 双报到) is capped at three stars; floor(0.2 × 10) = 2 places: 甲 98 takes one, the
# tied 乙 and 丙 (95) do not both fit in the one left and drop together, 戊 (91) is below them.
PROPOSED = {"甲": 5, "乙": 4, "丙": 4, "丁": 3, "戊": 4, "己": 4, "庚": 4, "辛": 3, "壬": 3, "癸": 2}


def test_a_whole_round(tmp_path, store, admin, branch_ten):
    ids = branch_ten
    year_totals = {n: totals.member_year(store, ids[n], 2026).final_total for n in ids}
    assert year_totals == {n: D(t) for n, t in TOTALS.items()}

    # 1 申报创星
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER, five_star_quota=D("0.2"))
    rating.declare(store, admin, 2026, ids["乙"], 5, "全年积极参加组织生活，带头参加志愿服务", date(2026, 11, 20), today=LATER)
    # 2 审核评星: the proposal is the scheme applied by hand
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    with pytest.raises(ConflictError, match="申报只能在“申报创星”阶段进行"):
        rating.declare(store, admin, 2026, ids["甲"], 5, "迟到的申报", date(2026, 11, 21), today=LATER)
    view = load_view(store, 2026)
    proposed = {c.name[-1]: c.proposed_stars for c in view.candidates}
    assert proposed == PROPOSED
    reasons = {c.name[-1]: c.history[0].reason for c in view.candidates}
    assert reasons["乙"] == reasons["丙"] == (
        "年度积分 95 分；五星名额 2 名只剩 1 名，年度积分同为 95 分的 2 人同分同星，不能只评其中一部分，一起降为四星"
    )
    assert reasons["戊"] == (
        "年度积分 91 分；五星名额 2 名只剩 1 名，积分更高的 2 人（同为 95 分）已因同分一起降为四星，"
        "积分较低者不能越过他们评五星，降为四星"
    )
    assert reasons["丁"] == "年度积分 93 分；在职党员未落实双报到，最高评3星"
    # The free place cannot go to one of the tied pair.
    with pytest.raises(ValidationError, match="同分同星"):
        rating.override(store, admin, 2026, ids["乙"], 5, "支委会讨论通过", date(2026, 11, 21), today=LATER)
    assert view.candidate(ids["乙"]).declared_stars == 5
    # An override without a reason is refused and changes nothing.
    with pytest.raises(ValidationError, match="理由"):
        rating.override(store, admin, 2026, ids["己"], 5, "", date(2026, 11, 21), today=LATER)
    assert load_view(store, 2026).candidate(ids["己"]).stars == 4
    rating.override(store, admin, 2026, ids["己"], 5, "抗洪抢险中表现突出，支委会讨论通过", date(2026, 11, 21), today=LATER)

    # 3 公示亮星, with an objection that is upheld
    rating.publicise(store, admin, 2026, date(2026, 11, 22), objection_contact="村党群服务中心 王书记", today=LATER)
    view = load_view(store, 2026)
    assert (view.publicity_start, view.publicity_end) == (date(2026, 11, 22), date(2026, 11, 26))
    with pytest.raises(ValidationError, match="不在公示期"):
        rating.record_objection(store, admin, 2026, ids["己"], "群众李某", date(2026, 11, 28), "不属实", today=LATER)
    rating.record_objection(store, admin, 2026, ids["己"], "群众李某", date(2026, 11, 23), "抗洪期间曾请假外出", today=LATER)
    with pytest.raises(ConflictError, match="没有答复"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 27), tmp_path / "r.jfrating", today=LATER)
    objection = load_view(store, 2026).objections[0]
    rating.answer_objection(store, admin, objection.id, "经核实情况属实，维持测评结果四星", True, date(2026, 11, 24),
                            new_stars=4, today=LATER)
    notice = load_view(store, 2026).by_stars()
    assert "党员己" in [c.name for c in notice[4]] and "党员己" not in [c.name for c in notice.get(5, [])]

    # 4 上报验星: the round is locked, the ledger refuses new entries and reversals
    with pytest.raises(ConflictError, match="公示期满"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 26), tmp_path / "r.jfrating", today=LATER)
    report = tmp_path / "红星村-2026.jfrating"
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 27), report, today=LATER)
    assert load_view(store, 2026).status is RoundStatus.REPORTED
    # The report names the ledger the stars were decided on: its chain's length and head then.
    payload, _ = rating_exchange.read_exchange_file(report, rating_exchange.REPORT_FORMAT)
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as raw:
        seq, head = raw.execute("SELECT chain_seq, chain_hash FROM points_entries ORDER BY chain_seq DESC LIMIT 1").fetchone()
    assert payload["ledger_chain_head"] == {"seq": seq, "hash": head, "code": f"{seq}-{head[:8].upper()}"}
    with pytest.raises(RuleViolation, match="锁定"):
        ledger.record_entry(store, admin, EntryRequest(ids["癸"], "B02", date(2026, 11, 1)), today=LATER)

    # The township, on its own database, returns it once and then verifies the corrected report.
    with Store.open_file(tmp_path / "township.db") as township:
        township_admin = operators.ensure_admin(township)
        rating_exchange.import_for_verification(township, township_admin, report)
        assert "导入过" in rating_exchange.import_for_verification(township, township_admin, report).summary
        [received] = rating_exchange.township_verifications(township)
        assert (received.branch_name, received.year, received.candidates) == ("红星村党支部", 2026, 10)
        answer = tmp_path / "退回.jfverify"
        rating_exchange.decide_verification(township, township_admin, received.id, False, "请补充双报到证明", date(2026, 11, 28), answer, today=LATER)
    rating_exchange.apply_verification(store, admin, answer, today=LATER)
    view = load_view(store, 2026)
    assert (view.status, view.township_comments) == (RoundStatus.RETURNED, "请补充双报到证明")
    # brought in a second time (the stick plugged in again): said so, not "not the report on record"
    again = rating_exchange.apply_verification(store, admin, answer, today=LATER)
    assert again.summary == "这份验星结果（2026年11月28日乡镇退回）已经登记过了。" and not again.updated
    assert len(load_view(store, 2026).steps) == len(view.steps)

    rating.reopen(store, admin, 2026, "按乡镇意见补充双报到证明", date(2026, 11, 29), today=LATER)
    rating.set_dual_report(store, admin, 2026, ids["丁"], True)
    rating.override(store, admin, 2026, ids["丁"], 4, "已补充双报到证明，按积分应为五星但五星名额已满", date(2026, 11, 29), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 30), days=1, today=LATER)
    second = tmp_path / "红星村-2026-补充.jfrating"
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 12, 1), second, today=LATER)
    # The old answer no longer fits the report now on record.
    with pytest.raises(ConflictError, match="不是本支部目前上报"):
        rating_exchange.apply_verification(store, admin, answer, today=LATER)
    with Store.open_file(tmp_path / "township.db") as township:
        township_admin = operators.ensure_admin(township)
        rating_exchange.import_for_verification(township, township_admin, second)
        latest = rating_exchange.township_verifications(township)[0]
        verified = tmp_path / "通过.jfverify"
        rating_exchange.decide_verification(township, township_admin, latest.id, True, "", date(2026, 12, 2), verified, today=LATER)
    rating_exchange.apply_verification(store, admin, verified, today=LATER)
    assert load_view(store, 2026).status is RoundStatus.VERIFIED

    # 5 动态调星, with the whole history kept
    rating.adjust(store, admin, 2026, ids["甲"], 3, "2027年1月受到党内警告处分，降为三星", date(2026, 12, 20), today=LATER)
    history = [(h.stage, h.to_stars) for _, h in member_star_history(store, ids["甲"])]
    assert history == [(StarStage.PROPOSAL, 5), (StarStage.ADJUSTMENT, 3)]
    history = [(h.stage, h.to_stars) for _, h in member_star_history(store, ids["己"])]
    assert history == [(StarStage.PROPOSAL, 4), (StarStage.OVERRIDE, 5), (StarStage.OBJECTION, 4)]
    # found through the member's own index, not by reading every year's candidates of a county
    plans = plans_of_reads(store, lambda: member_star_history(store, ids["己"]), "rating_candidates")
    assert len(plans) == 1 and "ix_rating_candidates_member_id" in plans[0], plans
    steps = [s.action for s in load_view(store, 2026).steps]
    assert steps == ["start", "assess", "publicise", "report", "returned", "reopen", "publicise", "report", "verified"]

    awards = {row.name: row for row in rating.award_eligibility_list(store, 2026)}
    assert awards["党员乙"].eligible and not awards["党员甲"].eligible
    assert awards["党员甲"].reasons == ("星级低于4星",)


def test_a_locked_year_reopens_only_with_a_reason(tmp_path, store, admin, branch_ten):
    entry = list_entries(store)[0]
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), tmp_path / "r.jfrating", today=LATER)
    with pytest.raises(RuleViolation, match="重新打开"):
        ledger.reverse_entry(store, admin, entry.id, "录错")
    with pytest.raises(ValidationError, match="原因"):
        rating.reopen(store, admin, 2026, " ", date(2026, 11, 22), today=LATER)
    rating.reopen(store, admin, 2026, "发现一条记录录错，需冲正", date(2026, 11, 22), today=LATER)
    ledger.reverse_entry(store, admin, entry.id, "录错")
    assert load_view(store, 2026).steps[-1].note == "发现一条记录录错，需冲正"


def test_a_damaged_or_foreign_file_is_refused(tmp_path, store, admin, branch_ten):
    bad = tmp_path / "bad.jfrating"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with Store.open_file(tmp_path / "township.db") as township:
        township_admin = operators.ensure_admin(township)
        with pytest.raises(ValidationError, match="不是上报文件"):
            rating_exchange.import_for_verification(township, township_admin, bad)
        rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
        rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
        rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
        report = tmp_path / "r.jfrating"
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), report, today=LATER)
        text = report.read_text(encoding="utf-8").replace('"stars": 5', '"stars": 4', 1)
        tampered = tmp_path / "tampered.jfrating"
        tampered.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError, match="校验值不符"):
            rating_exchange.import_for_verification(township, township_admin, tampered)
    again = tmp_path / "again.jfrating"
    rating_exchange.export_report_again(store, 2026, again)
    assert again.read_bytes() == report.read_bytes()


def test_a_report_that_cannot_be_written_leaves_the_round_open(tmp_path, store, admin, branch_ten):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    from app.domain.errors import StoreError

    with pytest.raises(StoreError, match="拔出"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), tmp_path / "gone" / "r.jfrating", today=LATER)
    view = load_view(store, 2026)
    assert view.status is RoundStatus.PUBLICISING and view.steps[-1].action == "report_failed"
    ledger.record_entry(store, admin, EntryRequest(branch_ten["癸"], "B02", date(2026, 11, 1)), today=LATER)


def test_corrections_in_a_reopened_round_reach_the_frozen_totals(tmp_path, store, admin, branch_ten):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), tmp_path / "r.jfrating", today=LATER)
    rating.reopen(store, admin, 2026, "补记一条扣分", date(2026, 11, 22), today=LATER)
    ledger.record_entry(store, admin, EntryRequest(branch_ten["甲"], "J06", date(2026, 11, 22)), approve=True, today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 23), today=LATER)
    assert load_view(store, 2026).candidate(branch_ten["甲"]).final_total == D(88)


def test_a_returned_round_is_reassessed_only_after_reopening(tmp_path, store, admin, branch_ten):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    report = tmp_path / "r.jfrating"
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), report, today=LATER)
    with Store.open_file(tmp_path / "township.db") as township:
        township_admin = operators.ensure_admin(township)
        rating_exchange.import_for_verification(township, township_admin, report)
        received = rating_exchange.township_verifications(township)[0]
        answer = tmp_path / "a.jfverify"
        rating_exchange.decide_verification(township, township_admin, received.id, False, "请复核", date(2026, 11, 22), answer, today=LATER)
    rating_exchange.apply_verification(store, admin, answer, today=LATER)
    with pytest.raises(ConflictError):
        rating.assess(store, admin, 2026, date(2026, 11, 23), today=LATER)


def test_a_round_whose_ledger_moved_after_the_freeze_is_not_reported_until_assessed_again(tmp_path, store, admin, branch_ten):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    # a correction during the publicity period: 甲 loses ten points (J06)
    ledger.record_entry(store, admin, EntryRequest(branch_ten["甲"], "J06", date(2026, 11, 21)), approve=True, today=LATER)
    report = tmp_path / "r.jfrating"
    with pytest.raises(ConflictError) as refused:
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 22), report, today=LATER)
    assert "党员甲 冻结时 98 分，现在 88 分" in refused.value.message and "重新“测评星级”" in refused.value.message
    assert load_view(store, 2026).status is RoundStatus.PUBLICISING and not report.exists()
    rating.assess(store, admin, 2026, date(2026, 11, 22), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 22), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 23), report, today=LATER)
    assert load_view(store, 2026).candidate(branch_ten["甲"]).final_total == D(88)


def test_a_reopened_round_publicised_again_without_assessing_is_not_reported(tmp_path, store, admin, branch_ten):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), tmp_path / "r.jfrating", today=LATER)
    rating.reopen(store, admin, 2026, "补记两条扣分", date(2026, 11, 22), today=LATER)
    for name in ("乙", "丙"):
        ledger.record_entry(store, admin, EntryRequest(branch_ten[name], "J06", date(2026, 11, 22)), approve=True, today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 22), days=1, today=LATER)
    with pytest.raises(ConflictError, match="党员丙 冻结时 95 分，现在 85 分；党员乙 冻结时 95 分，现在 85 分"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 23), tmp_path / "again.jfrating", today=LATER)


def test_a_member_off_the_years_roster_since_the_freeze_does_not_hold_the_report_up_for_ever(tmp_path, store, admin, branch_ten):
    """A death registered after 审核评星, dated before the year: the frozen total no longer is the
    ledger's, so the report is refused until the round is assessed again, which clears it."""
    late = add(store, admin, "党员子")  # no entries: the base of 20 while he is on the roster
    # a quota of 19%: one five-star place among the ten, two among eleven
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER, five_star_quota=D("0.19"))
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    assert load_view(store, 2026).candidate(late).final_total == D(20)
    members.mark_deceased(store, admin, late, date(2025, 12, 1), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    report = tmp_path / "r.jfrating"
    with pytest.raises(ConflictError, match="党员子 冻结时 20 分，现在已不在名册上"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 21), report, today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 22), today=LATER)
    cleared = load_view(store, 2026).candidate(late)
    assert (cleared.final_total, cleared.rank, cleared.flags, cleared.stars) == (None, None, (rating.NOT_SCORED,), None)
    assert "五星名额 2 名" in load_view(store, 2026).candidate(branch_ten["乙"]).history[0].reason  # eleven counted at first
    assert "五星名额 1 名" in load_view(store, 2026).candidate(branch_ten["乙"]).history[-1].reason  # he is not counted now
    rating.publicise(store, admin, 2026, date(2026, 11, 22), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 11, 23), report, today=LATER)
    assert load_view(store, 2026).status is RoundStatus.REPORTED and report.exists()
    assert load_view(store, 2026).candidate(branch_ten["甲"]).final_total == D(98)


def test_a_member_transferred_out_in_the_year_is_on_the_year_papers_but_not_rated(store, admin, branch_ten):
    """Transferred out in June with a half-year of points: the year's ranking keeps him, the round
    does not (he is not this branch's to rate), nor does he take a place in the five-star quota."""
    gone = add(store, admin, "党员子")
    _give(store, admin, gone, 99)  # the highest total: counted, he would take a five-star place
    members.transfer_out(store, admin, gone, date(2026, 6, 30), "镇机关党支部", today=LATER)
    assert totals.branch_ranking(store, 2026).row_for(gone).period_points == D(99)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER, five_star_quota=D("0.2"))
    assert gone not in {c.member_id for c in load_view(store, 2026).candidates}
    assert len(load_view(store, 2026).candidates) == 10
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    view = load_view(store, 2026)
    assert gone not in {c.member_id for c in view.candidates}
    assert {c.name[-1]: c.proposed_stars for c in view.candidates} == PROPOSED


def test_a_member_transferred_out_after_the_freeze_is_cleared_before_the_report(tmp_path, store, admin, branch_ten):
    """Dated inside the year his total stays the year's, yet he has left: the report waits for the
    round to be assessed again, which takes him out of the rating."""
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    members.transfer_out(store, admin, branch_ten["癸"], date(2026, 12, 1), "镇机关党支部", today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 12, 1), days=1, today=LATER)
    report = tmp_path / "r.jfrating"
    with pytest.raises(ConflictError, match="党员癸 冻结时 65 分，现在已不在名册上"):
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 12, 2), report, today=LATER)
    rating.assess(store, admin, 2026, date(2026, 12, 2), today=LATER)
    cleared = load_view(store, 2026).candidate(branch_ten["癸"])
    assert (cleared.final_total, cleared.flags, cleared.stars) == (None, (rating.NOT_SCORED,), None)
    rating.publicise(store, admin, 2026, date(2026, 12, 2), days=1, today=LATER)
    rating_exchange.report_to_township(store, admin, 2026, date(2026, 12, 3), report, today=LATER)
    assert report.exists()


def test_the_candidates_places_are_among_the_rated_with_no_gap_where_a_leaver_stood(store, admin, branch_ten):
    """名次 was the place in the year's ranking, which keeps a member transferred out in the year:
    甲 1, 乙 and 丙 3, 丁 5 … around the leaver's 96 in second place."""
    gone = add(store, admin, "党员子")
    _give(store, admin, gone, 96)
    members.transfer_out(store, admin, gone, date(2026, 6, 30), "镇机关党支部", today=LATER)
    assert totals.branch_ranking(store, 2026).row_for(gone).rank == 2
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    places = {c.name[-1]: c.rank for c in load_view(store, 2026).candidates}
    assert places == {"甲": 1, "乙": 2, "丙": 2, "丁": 4, "戊": 5, "己": 6, "庚": 7, "辛": 8, "壬": 9, "癸": 10}
