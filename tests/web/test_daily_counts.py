"""The chart's conversions per local day: the day boundary is Vietnam's midnight, not UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models import Indicator, Member, Village
from models.progress import daily_counts
from tests.conftest import TZ
from tests.reports import factories as f


async def test_daily_counts_split_at_local_midnight(sessionmaker, demo):
    async with sessionmaker() as session, session.begin():
        villages = await f.ids(session, Village)
        indicators = await f.ids(session, Indicator)
        someone = await f.member(
            session, commune_id=demo.commune_id, village_id=villages["Thôn 1"], name="Thử"
        )
        assert isinstance(someone, Member)
        # 23:30 and 00:30 local on either side of midnight; 16:30 and 17:30 UTC the same day.
        for at in (
            datetime(2026, 11, 20, 16, 30, tzinfo=UTC),
            datetime(2026, 11, 20, 17, 30, tzinfo=UTC),
            datetime(2026, 11, 21, 1, 0, tzinfo=UTC),
        ):
            await f.convert(
                session,
                member_row=someone,
                village_id=villages["Thôn 1"],
                indicator_id=indicators["DIEN"],
                at=at,
            )
    async with sessionmaker() as session:
        counts = await daily_counts(
            session,
            commune_id=demo.commune_id,
            indicator_id=indicators["DIEN"],
            since=date(2026, 11, 1),
            until=date(2026, 11, 30),
            tz=TZ,
        )
    assert counts == {date(2026, 11, 20): 1, date(2026, 11, 21): 2}
