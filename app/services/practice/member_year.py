"""A member's year outside the points total, for the member detail under the ranking: what he may
still spend in the honour shop and his 双报到 hours against the year's requirement.

The figures are the same the shop page and the 双报到 tab show (app/services/shop/balances.py,
app/services/practice/dual_report.py), read for one member. Opens its own read session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import MemberClass
from app.domain.points import ZERO
from app.domain.service_hours import DualReportDecision, decide_dual_report
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.practice import dual_report
from app.services.shop import balances
from db.models import Member, RuleSetRecord
from db.store import Store


@dataclass(frozen=True)
class MemberPracticeYear:
    shop_balance: Decimal | None  # opening + earned − spent so far; None when the year has no rule set
    dual: DualReportDecision | None  # None: not an in-service member and no hours served


def member_practice_year(store: Store, member_id: uuid.UUID, year: int) -> MemberPracticeYear:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        has_rules = session.scalar(select(RuleSetRecord.id).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
        balance = balances.member_year(session, branch_id, member_id, year).closing if has_rules else None
        hours = dual_report.year_hours(session, branch_id, year).get(member_id, ZERO)
        in_service = session.scalar(select(Member.member_class).where(Member.id == member_id)) is MemberClass.IN_SERVICE
        dual = None
        if in_service or hours:
            decided = dual_report.overrides(session, branch_id, year).get(member_id)
            dual = decide_dual_report(hours, dual_report.threshold(session, branch_id, year), decided)
        return MemberPracticeYear(balance, dual)
