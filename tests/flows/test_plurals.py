"""Counts read "1 visit" / "2 visits" in English; Vietnamese, with one form, reads as before."""

import pytest

from bot.jobs import run_now
from tests.conftest import TZ
from tests.jobs.helpers import outbox_rows

SAY = {
    "en": {
        "saved_1": "Today you have logged 1 visit, 1 conversion.",
        "saved_2": "Today you have logged 2 visits, 3 conversions.",
        "mine_today": "Today: 1 visit, 1 conversion",
        "mine_week": "This week: 2 visits, 3 conversions",
        "streak_1": "🔥 1 day in a row",
        "streak_2": "🔥 2 days in a row",
        "team": "• Nguyễn Thị Lan: 1 visit, 1 conversion",
        "later_saved": "Today you have logged 1 visit, 0 conversions.",
        "points": "1. Nguyễn Thị Lan — 1 point",
        "revisit": "1 household to visit again, 1 due now.",
        "morning": "You have 1 household to revisit today: /henlai",
        "summary": "• Nguyễn Thị Lan: 1 visit, 0 conversions",
    },
    "vi": {
        "saved_1": "Hôm nay anh/chị đã ghi 1 lượt thăm, 1 chuyển đổi.",
        "saved_2": "Hôm nay anh/chị đã ghi 2 lượt thăm, 3 chuyển đổi.",
        "mine_today": "Hôm nay: 1 lượt thăm, 1 chuyển đổi",
        "mine_week": "Tuần này: 2 lượt thăm, 3 chuyển đổi",
        "streak_1": "🔥 1 ngày liền",
        "streak_2": "🔥 2 ngày liền",
        "team": "• Nguyễn Thị Lan: 1 lượt, 1 chuyển đổi",
        "later_saved": "Hôm nay anh/chị đã ghi 1 lượt thăm, 0 chuyển đổi.",
        "points": "1. Nguyễn Thị Lan — 1 điểm",
        "revisit": "Có 1 hộ hẹn quay lại, 1 hộ đã đến hẹn.",
        "morning": "Hôm nay anh/chị có 1 hộ hẹn lại: /henlai",
        "summary": "• Nguyễn Thị Lan: 1 lượt, 0 chuyển đổi",
    },
}
WRONG = ("1 visits", "1 conversions", "1 days", "1 points", "1 households")


async def member(joined, lang: str, user_id: str = "lan", **kw):
    chat = await joined(user_id, **kw)
    await chat.say(f"/ngonngu {lang}")
    return chat


async def quick_log(chat, text: str) -> str:
    await chat.say(text)
    await chat.say("1")  # 💾 Save
    return chat.text


async def log_come_back_tomorrow(chat) -> str:
    """A full visit with no conversion: "Come back later", tomorrow, no note, save."""
    for step in ("/ghinhan 0910000001", "4", "1", "xong", "1"):
        await chat.say(step)
    return chat.text


def assert_reads(text: str, lang: str, *keys: str) -> None:
    for key in keys:
        assert SAY[lang][key] in text, text
    if lang == "en":
        assert not [w for w in WRONG if w in text], text


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_saved_visit_counts_visits_and_conversions(joined, lang):
    lan = await member(joined, lang)
    assert_reads(await quick_log(lan, "0910000001 dien"), lang, "saved_1")
    assert_reads(await quick_log(lan, "0910000002 dien nuoc"), lang, "saved_2")


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_mine_counts_and_streak_singular_then_plural(joined, clock, lang):
    lan = await member(joined, lang)
    await quick_log(lan, "0910000001 dien")
    await lan.say("/cuatoi")
    assert_reads(lan.text, lang, "mine_today", "streak_1")
    clock.advance(days=1)  # Thursday: the same week
    await quick_log(lan, "0910000002 dien nuoc")
    await lan.say("/cuatoi")
    assert_reads(lan.text, lang, "mine_week", "streak_2")


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_team_today_counts_one_visit_one_conversion(joined, lang):
    lan = await joined("lan")
    boss = await member(joined, lang, "boss", role="leader", name="Trần Văn Hải")
    await quick_log(lan, "0910000001 dien")
    await boss.say("/doi")
    assert_reads(boss.text, lang, "team")


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_one_point_and_one_household_to_revisit(joined, clock, lang):
    lan = await member(joined, lang)
    assert_reads(await log_come_back_tomorrow(lan), lang, "later_saved")
    await lan.say("/bxh")
    assert_reads(lan.text, lang, "points")
    clock.advance(days=2)
    await lan.say("/henlai")
    assert_reads(lan.text, lang, "revisit")


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_pushes_count_one_household_and_one_visit(joined, sessionmaker, clock, demo, lang):
    lan = await member(joined, lang, "tg-lan", channel="telegram")
    nam = await member(joined, lang, "tg-nam", role="leader", name="Lê Văn Nam")
    await log_come_back_tomorrow(lan)
    for job, when, chat, key in (
        ("leader-summary", (2026, 11, 25, 20, 30), nam, "summary"),
        ("morning", (2026, 11, 26, 7, 0), lan, "morning"),
    ):
        clock.set_local(*when)
        await run_now(sessionmaker, job=job, commune_id=demo.commune_id, tz=TZ, now=clock.now)
        [row] = [r for r in await outbox_rows(sessionmaker) if r.job == job]
        assert row.chat_id == chat.chat_id
        assert_reads("\n".join(r["text"] for r in row.payload["replies"]), lang, key)
