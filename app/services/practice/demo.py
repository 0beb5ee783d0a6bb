"""The demo branch's practice records: 双报到 of its in-service members against a 50-hour year,
a tallied 民主评议, and two resident cadres with their points. Called once by
app/services/demo.py after the ledger; everything goes through the clerk's services, so the
records obey the same checks, and a seed and a day make them the same every time.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from app.domain.appraisal_tally import Votes
from app.domain.cadres import CadreKind
from app.domain.enums import MemberClass
from app.services.context import Actor, read_session
from app.services.organisation import require_branch_id
from app.services.practice import appraisal, cadres, dual_report
from db.models import Member
from db.store import Store

COMMUNITIES = ("城关镇东街社区", "城关镇西街社区", "城关镇南关社区")
EMPLOYERS = (("县财政局", "办公室 李主任"), ("县人民医院", "党办 王主任"), ("县第一中学", "政教处 张老师"),
             ("县供电公司", "综合部 刘经理"), ("城关镇中心小学", "校办 陈老师"), ("县农商银行", "人事部 赵经理"))
EVENTS = ("社区环境整治", "疫苗接种志愿服务", "助老助残服务", "文明城市创建值守", "防汛值守", "垃圾分类宣传",
          "平安巡逻", "关爱留守儿童", "反诈宣传", "义诊服务", "社区文艺演出服务")
DUAL_REPORT_HOURS = "50"


def seed_practice(store: Store, actor: Actor, today: date, seed: int = 2026) -> None:
    rng = random.Random(seed * 15)
    year = today.year
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        in_service = list(session.scalars(
            select(Member.id).where(Member.branch_id == branch_id, Member.member_class == MemberClass.IN_SERVICE).order_by(Member.name)
        ))
    _dual_report(store, actor, rng, in_service, today)
    _tally(store, actor, rng, today)
    _cadres(store, actor, rng, today)


def _dual_report(store, actor, rng, in_service, today) -> None:
    dual_report.set_threshold(store, actor, today.year, DUAL_REPORT_HOURS)
    for index, member_id in enumerate(in_service):
        employer, contact = EMPLOYERS[index % len(EMPLOYERS)]
        dual_report.save_profile(store, actor, member_id, COMMUNITIES[index % len(COMMUNITIES)], employer, contact)
    # One community event a month; the keen ones come to most, the busy ones to few.
    keenness = {member_id: 0.35 + 0.6 * index / max(1, len(in_service) - 1) for index, member_id in enumerate(in_service)}
    for month in range(1, today.month + 1):
        day = date(today.year, month, 12)
        if day > today:
            break
        came = [m for m in in_service if rng.random() < keenness[m]]
        if came:
            dual_report.record_service(store, actor, came, day, rng.choice(["4", "5", "6"]), EVENTS[(month - 1) % len(EVENTS)],
                                       "社区书记 周桂兰", today=today)


def _tally(store, actor, rng, today) -> None:
    members = appraisal.ballot_paper(store, today.year).members
    issued = len(members)
    returned = issued - 2
    votes = {}
    for member in members:
        excellent = rng.randint(returned // 3, returned)
        competent = rng.randint(0, returned - excellent)
        basic = rng.randint(0, min(2, returned - excellent - competent))
        votes[member.member_id] = Votes(excellent, competent, basic, 0)
    appraisal.record_tally(store, actor, today.year, today, issued, returned, votes, counters="刘秀英、陈建国", today=today)


def _cadres(store, actor, rng, today) -> None:
    year = today.year
    cadres.create_scheme(store, actor, year)
    resident = cadres.save_cadre(store, actor, cadres.CadreInput(
        "周振华", CadreKind.RESIDENT, "县农业农村局", "驻村第一书记", "13837600001", date(year, 1, 1))).created[0]
    liaison = cadres.save_cadre(store, actor, cadres.CadreInput(
        "孙丽娟", CadreKind.LIAISON, "城关镇人民政府", "包村干部", "13837600002", date(year, 1, 1))).created[0]
    for month in range(1, today.month):
        cadres.record_points(store, actor, resident, "Z01", date(year, month, 28), today=today)
        if rng.random() < 0.6:
            cadres.record_points(store, actor, liaison, "Z01", date(year, month, 28), today=today)
    done = [
        (resident, "Z02", 3, None, "院坝会宣讲"), (resident, "Z03", 4, "3", "指导发展党员"), (resident, "Z04", 6, "3", "引进食用菌产业项目"),
        (resident, "Z05", 7, None, "代办医保"), (resident, "Z06", 8, "2", "修订村规民约"), (liaison, "Z02", 5, None, "政策宣讲"),
        (liaison, "Z07", 9, "1", "信访化解"), (liaison, "K02", 6, None, "县督查组抽查不在岗"),
    ]
    for cadre_id, code, month, chosen, note in done:
        if date(year, month, 15) <= today:
            cadres.record_points(store, actor, cadre_id, code, date(year, month, 15), chosen_points=chosen, note=note, today=today)
