"""A realistic demo branch: members with Chinese names, meetings and entries from January to today.

Everything goes through the same services the clerk uses, so the demo ledger obeys every
rule and cap, and is deterministic for a given seed and day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.domain.enums import Attendance, Gender, MeetingKind, MemberClass, Membership
from app.domain.idcard import id_check_char
from app.domain.periods import Month
from app.services import organisation
from app.services.accounts import setup
from app.services.ledger import entries as ledger
from app.services.practice import demo as practice_demo
from app.services.shop.demo import seed_shop
from app.services.roster import members
from app.services.rules import rulesets
from app.services.context import Actor
from app.services.ledger.entries import EntryRequest
from app.services.ledger.queries import EntryFilter, list_entries
from db.store import Store

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_MALE = "建国志强伟军勇明华平刚斌海波涛超德福永林文杰春生光辉国庆红兵卫东振华"
GIVEN_FEMALE = "秀英桂兰玉梅丽娟芳敏静燕红霞春花美玲翠萍小凤海燕丽华淑珍"
# Real registers hold rare characters; the demo keeps two so that fonts and search meet them.
RARE_NAMES = [("李䶮", Gender.MALE), ("𠮷祥云", Gender.MALE)]
CLASS_PLAN = (
    [MemberClass.CADRE] * 5
    + [MemberClass.IN_SERVICE] * 6
    + [MemberClass.NO_POST] * 12
    + [MemberClass.MOBILE] * 4
    + [MemberClass.RETIRED] * 5
    + [MemberClass.EXEMPT_FRAIL] * 4
)
GROUPS = ["第一党小组", "第二党小组", "第三党小组"]
REGION = "411523"


@dataclass(frozen=True)
class DemoSummary:
    branch: str
    members: int
    meetings: int
    entries: int
    pending: int


def _id_number(rng: random.Random, born: date, gender: Gender) -> str:
    serial = rng.randrange(10, 99)
    sex_digit = rng.choice("13579" if gender is Gender.MALE else "02468")
    first17 = f"{REGION}{born:%Y%m%d}{serial:02d}{sex_digit}"
    return first17 + id_check_char(first17)


def _name(rng: random.Random, used: set[str]) -> tuple[str, Gender]:
    while True:
        gender = rng.choice([Gender.MALE, Gender.MALE, Gender.FEMALE])
        pool = GIVEN_MALE if gender is Gender.MALE else GIVEN_FEMALE
        given = "".join(rng.choice(pool) for _ in range(rng.choice([1, 2, 2])))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name, gender


def _birth_for(rng: random.Random, member_class: MemberClass, today: date) -> date:
    ages = {
        MemberClass.EXEMPT_FRAIL: (72, 88),
        MemberClass.RETIRED: (60, 75),
        MemberClass.MOBILE: (25, 45),
        MemberClass.IN_SERVICE: (28, 55),
        MemberClass.CADRE: (32, 58),
        MemberClass.NO_POST: (30, 68),
    }[member_class]
    age = rng.randint(*ages)
    return date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))


def create_demo_branch(store: Store, actor: Actor, today: date | None = None, seed: int = 2026) -> DemoSummary:
    """Set up a demo village branch in an empty database (refused if a branch already exists)."""
    today = today or date.today()
    setup.refuse_demo_over_a_branch(store)
    rng = random.Random(seed)
    branch = organisation.setup_branch(store, actor, "城关镇党委", "红星村党支部", GROUPS)
    rulesets.create_rule_set(store, actor, today.year, template="village_100")
    member_ids = _add_members(store, actor, rng, branch, today)
    ledger_plan = _DemoLedger(store, actor, rng, member_ids, today, [group.id for group in branch.groups])
    meetings = ledger_plan.run()
    practice_demo.seed_practice(store, actor, today, seed)
    seed_shop(store, actor, today, seed)
    entries = list_entries(store, EntryFilter(year=today.year))
    return DemoSummary(
        branch=branch.name,
        members=len(member_ids),
        meetings=meetings,
        entries=len(entries),
        pending=sum(1 for e in entries if e.status.value == "pending"),
    )


def _add_members(store, actor, rng, branch, today) -> dict:
    used: set[str] = set()
    member_ids = {}
    classes = list(CLASS_PLAN)
    rng.shuffle(classes)
    for index, member_class in enumerate(classes):
        if index < len(RARE_NAMES):
            name, gender = RARE_NAMES[index]
            used.add(name)
        else:
            name, gender = _name(rng, used)
        born = _birth_for(rng, member_class, today)
        joined = date(born.year + rng.randint(20, 35), rng.choice([1, 3, 6, 7, 10]), 1)
        joined = min(joined, today - timedelta(days=400))
        probationary = index in (7, 19) and member_class in (MemberClass.NO_POST, MemberClass.IN_SERVICE, MemberClass.MOBILE, MemberClass.CADRE)
        if probationary:
            joined = date(today.year - 1, 7, 1)
        data = members.MemberInput(
            name=name,
            member_class=member_class,
            membership=Membership.PROBATIONARY if probationary else Membership.FULL,
            gender=gender,
            birth_date=born,
            id_number=_id_number(rng, born, gender),
            phone=f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}",
            join_date=joined,
            full_member_date=None if probationary else joined.replace(year=joined.year + 1),
            group_id=branch.groups[index % len(branch.groups)].id,
            is_hub_household=member_class is MemberClass.CADRE and index % 2 == 0,
            is_vanguard_post=member_class is MemberClass.NO_POST and index % 3 == 0,
            post_title="政策宣传岗" if member_class is MemberClass.NO_POST and index % 3 == 0 else "",
        )
        member_ids[members.add_member(store, actor, data, today=today)] = (name, member_class, data.group_id)
    return member_ids


class _DemoLedger:
    """Month by month: meetings with attendance, then duty points, then the odd bonus or deduction."""

    def __init__(self, store, actor, rng, member_ids, today, group_ids) -> None:
        self.store, self.actor, self.rng, self.today = store, actor, rng, today
        self.group_ids = group_ids
        self.members = member_ids
        self.diligence = {mid: rng.choice([2, 3, 3, 4, 4, 4]) for mid in member_ids}
        self.duty_used = {mid: Decimal(0) for mid in member_ids}
        self.bonus_used = {mid: Decimal(0) for mid in member_ids}
        self.volunteer_used = {mid: Decimal(0) for mid in member_ids}
        self.active = set(member_ids)
        self.attended: set = set()  # (member, month) that earned R01 by attending a meeting

    def run(self) -> int:
        meetings = 0
        leaver = self._first_mobile_member()
        for month_no in range(1, self.today.month + 1):
            meetings += self._run_month(Month(self.today.year, month_no))
            if month_no == 6 and leaver in self.active:
                self._transfer_out_leaver(leaver)
        self._one_offs()
        return meetings

    def _first_mobile_member(self):
        return next(mid for mid, (_, cls, _) in self.members.items() if cls is MemberClass.MOBILE)

    def _run_month(self, month: Month) -> int:
        """The month's meetings held so far; a closed month also gets its duty points. Returns meetings held."""
        closed = month.last_day < self.today
        held = 0
        for kind, day, title in self._meetings_of(month):
            if day > self.today:
                continue
            # Meetings are recorded approved (the reviewer keeps the attendance), so the open
            # month's queue holds only the few entries a clerk would really wait on.
            self._hold_meeting(kind, day, title, approve=True)
            held += 1
        if closed:
            self._month_end(month, approve=closed)
        return held

    def _hold_meeting(self, kind: MeetingKind, day: date, title: str, approve: bool) -> None:
        """Records one meeting's attendance (the rule set turns it into entries)."""
        attendance = {mid: self._attendance(mid) for mid in self._expected_at(kind, day)}
        ledger.record_meeting(self.store, self.actor, kind, title, day, attendance, approve=approve, today=self.today)
        self._count_attendance_points(attendance, Month.of(day))

    def _count_attendance_points(self, attendance: dict, month: Month) -> None:
        """Attending earns R01 (2, once a month, exempt members nothing) as the rule set says: kept
        in step so the month's duty rating stays under the year's cap of 70."""
        for mid, status in attendance.items():
            if status is not Attendance.PRESENT or self.members[mid][1] is MemberClass.EXEMPT_FRAIL:
                continue
            if (mid, month) not in self.attended and self.duty_used[mid] + 2 <= 70:
                self.attended.add((mid, month))
                self.duty_used[mid] += 2

    def _expected_at(self, kind: MeetingKind, day: date) -> list:
        attendees = [mid for mid in self.members if mid in self.active]
        if kind is MeetingKind.GROUP_MEETING:
            attendees = [mid for mid in attendees if self.members[mid][2] == self._group_of_day(day)]
        return attendees

    def _transfer_out_leaver(self, leaver) -> None:
        members.transfer_out(self.store, self.actor, leaver, date(self.today.year, 6, 30), "广东省东莞市长安镇党委", "外出务工，组织关系转出", today=self.today)
        self.active.discard(leaver)

    def _group_of_day(self, day: date):
        return self.group_ids[day.day % len(self.group_ids)]

    def _meetings_of(self, month: Month):
        plan = [(MeetingKind.THEME_DAY, month.first_day + timedelta(days=4), f"{month.month}月主题党日")]
        if month.month % 3 == 1:
            plan.append((MeetingKind.BRANCH_ASSEMBLY, month.first_day + timedelta(days=9), f"第{month.quarter}季度党员大会"))
            plan.append((MeetingKind.PARTY_LECTURE, month.first_day + timedelta(days=14), f"第{month.quarter}季度党课"))
        for offset in (18, 19, 20):
            plan.append((MeetingKind.GROUP_MEETING, month.first_day + timedelta(days=offset), f"{month.month}月党小组会"))
        return plan

    def _attendance(self, member_id) -> Attendance:
        member_class = self.members[member_id][1]
        roll = self.rng.random()
        if member_class is MemberClass.MOBILE:
            return Attendance.EXCUSED if roll < 0.7 else Attendance.PRESENT
        if roll < 0.86:
            return Attendance.PRESENT
        if roll < 0.93:
            return Attendance.EXCUSED
        return Attendance.ABSENT if roll < 0.97 else Attendance.LATE

    def _month_end(self, month: Month, approve: bool) -> None:
        day = month.last_day
        requests = []
        for mid in self.members:
            if mid not in self.active or self.members[mid][1] is MemberClass.EXEMPT_FRAIL:
                continue
            rating = min(Decimal(self.diligence[mid] - self.rng.choice([0, 0, 1])), 70 - self.duty_used[mid])
            if rating >= 1:
                requests.append(EntryRequest(mid, "R02", day, points=rating, note=f"{month.label}履职评定"))
                self.duty_used[mid] += rating
            if self.rng.random() < 0.25:
                hours = Decimal(self.rng.choice([1, 2, 2, 3]))
                hours = min(hours, 6 - self.volunteer_used[mid], 10 - self.bonus_used[mid])
                if hours > 0:
                    requests.append(EntryRequest(mid, "B01", day - timedelta(days=3), quantity=hours, note="人居环境整治志愿服务"))
                    self.volunteer_used[mid] += hours
                    self.bonus_used[mid] += hours
        if requests:
            ledger.record_batch(self.store, self.actor, requests, approve=approve, today=self.today)

    def _one_offs(self) -> None:
        ids = self._scored_active_members()
        early = self._early_days()
        if not early:
            return
        self._record_honours_and_faults(ids, early)
        if len(ids) > 6:
            self._record_veto(ids[5], early[0])
        self._record_and_reverse_mistake(ids[6], early[0])
        self._queue_recent_volunteering(ids[7:12], early[-1])

    def _scored_active_members(self) -> list:
        return [mid for mid in self.members if mid in self.active and self.members[mid][1] is not MemberClass.EXEMPT_FRAIL]

    def _early_days(self) -> list[date]:
        year = self.today.year
        return [d for d in (date(year, 3, 15), date(year, 5, 20), date(year, 7, 8), date(year, 8, 12)) if d <= self.today]

    def _record_honours_and_faults(self, ids: list, early: list[date]) -> None:
        plan = [
            (ids[0], "B05", early[0], Decimal(8), "被评为县级优秀共产党员"),
            (ids[1], "B03", early[-1], None, "防汛值守受到镇党委表扬"),
            (ids[2], "B02", early[0], None, "帮助孤寡老人，收到群众锦旗"),
            (ids[3], "J05", early[-1], None, "党费催缴一次"),
            (ids[4], "K01", early[-1], None, "防火值守脱岗受到批评"),
        ]
        requests = [
            EntryRequest(mid, code, day, points=value, note=note)
            for mid, code, day, value, note in plan
            if not self._praise_would_pass_bonus_cap(mid, code)
        ]
        ledger.record_batch(self.store, self.actor, requests, approve=True, today=self.today)

    def _praise_would_pass_bonus_cap(self, member_id, code: str) -> bool:
        return code in ("B02", "B03") and self.bonus_used[member_id] + 2 > 10

    def _record_veto(self, member_id, day: date) -> None:
        ledger.record_entry(
            self.store, self.actor,
            EntryRequest(member_id, "V04", day, note="受到市纪委通报批评（演示数据）"), approve=True, today=self.today,
        )

    def _record_and_reverse_mistake(self, member_id, day: date) -> None:
        wrong = ledger.record_batch(
            self.store, self.actor, [EntryRequest(member_id, "J06", day, note="误录")], approve=True, today=self.today
        )
        ledger.reverse_entry(self.store, self.actor, wrong.created[0], "录入错误：该党员已按时完成任务")

    def _queue_recent_volunteering(self, candidates: list, last_early_day: date) -> None:
        """A few fresh entries wait in the review queue, as they would on any working day."""
        recent = self.today - timedelta(days=2)
        if recent.year != self.today.year or recent <= last_early_day:
            return
        waiting = [mid for mid in candidates if self._has_volunteer_room(mid, Decimal(1))]
        if waiting:
            ledger.record_batch(
                self.store, self.actor,
                [EntryRequest(mid, "B01", recent, quantity=Decimal(1), note="冬季清雪志愿服务") for mid in waiting],
                today=self.today,
            )

    def _has_volunteer_room(self, member_id, hours: Decimal) -> bool:
        return self.volunteer_used[member_id] + hours <= 6 and self.bonus_used[member_id] + hours <= 10
