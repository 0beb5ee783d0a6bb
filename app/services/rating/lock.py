"""A year whose star rating has been reported is closed to new points until the round is reopened."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.domain.errors import RuleViolation
from app.domain.rating import LOCKED
from db.rating_models import RatingRound


def ensure_year_open(session, branch_id: uuid.UUID, year: int) -> None:
    status = session.scalar(select(RatingRound.status).where(RatingRound.branch_id == branch_id, RatingRound.year == year))
    if status in LOCKED:
        raise RuleViolation(
            f"{year} 年的星级评定{status.label}，积分已锁定；如需补记、审核或冲正，"
            "请先在“星级评定”中重新打开评定（会留下记录）。"
        )
