"""Replies name indicators and actions in words, in one voice (issue 20, items 3 and 9)."""

import re
from datetime import date, datetime

from sqlalchemy import select

from models.audit import audit
from models.communes import Village
from models.indicators import Indicator
from models.indicators.targets import TargetIn, set_target
from tests.conftest import TZ

CODE_WORDS = re.compile(
    r"\b(dien|nuoc|tktt|vneid|dvc|cks|asxh|DIEN|NUOC|TKTT|VNEID|DVC|CKS|ASXH|qr)\b"
)


async def test_audit_log_reads_every_action_in_words(joined, demo, sessionmaker):
    boss = await joined("boss", "official", name="Phạm Văn Xã")
    pairs = [
        ("member_remove", "member"), ("household_export", "household"),
        ("household_erase", "household"), ("export", "report"), ("import", "household"),
        ("set", "target"), ("undo", "visit"), ("remove_conversion", "visit"),
        ("edit_note", "visit"), ("edit_people", "visit"), ("brand_new_action", "thing"),
    ]  # fmt: skip
    async with sessionmaker() as session, session.begin():
        for action, entity in pairs:
            audit(session, action=action, entity=entity, entity_id=7, commune_id=demo.commune_id)
    await boss.say("/nhatky")
    text = boss.text
    assert "bỏ một chuyển đổi của lượt thăm #7" in text and "xuất báo cáo" in text, text
    assert "thay đổi khác" in text
    for action, entity in pairs:
        assert action not in text and f" {entity}" not in text, (action, text)
    assert "_" not in text


async def test_fix_lists_conversions_by_name(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000001 dien tktt 2")
    await lan.say("1")
    await lan.say("/sua")
    assert "điện, tài khoản thanh toán" in lan.text, lan.text
    await lan.say("1")
    conv = next(c.key for c in lan.replies[-1].choices if "chuyển đổi" in c.label.lower())
    await lan.say(str(1 + [c.key for c in lan.replies[-1].choices].index(conv)))
    assert "⚡ Điện" in lan.text and "🏦 Tài khoản thanh toán: 2 người" in lan.text, lan.text
    assert not CODE_WORDS.search(lan.text)


async def test_household_data_names_the_conversions(joined):
    lan = await joined("lan")
    await lan.say("PA12010000001 dien")
    await lan.say("1")
    boss = await joined("boss", "official", name="Phạm Văn Xã")
    await boss.say("/hodan PA12010000001")
    await boss.say("1")
    assert "— ⚡ Điện" in boss.text, boss.text
    assert not CODE_WORDS.search(boss.text)


async def test_save_reply_names_an_acronym_indicator_as_written(joined, demo, sessionmaker):
    async with sessionmaker() as session, session.begin():
        qr = await session.scalar(select(Indicator.id).where(Indicator.code == "QR"))
        thon1 = await session.scalar(select(Village.id).where(Village.name == "Thôn 1"))
        target = TargetIn(qr, thon1, 220, 40, date(2026, 8, 30), date(2027, 2, 25), 70)
        await set_target(session, commune_id=demo.commune_id, target=target)
    lan = await joined("lan")
    await lan.say("PA12010000001 qr")
    if "💾 Lưu" not in lan.text:  # a business-unit indicator asks first whether it is one
        await lan.say("1")
    await lan.say("1")
    assert "Thôn 1 — QR: 41/220 cơ sở (18,6%)." in lan.text, lan.text
    await lan.say("PA12010000002 dien")
    await lan.say("1")
    assert "Thôn 1 — điện:" in lan.text


async def test_bot_speaks_as_minh_never_toi():
    from locales import load_catalog

    catalog = load_catalog("vi")
    texts = [t for v in catalog.values() for t in (v if isinstance(v, tuple) else (v,))]
    # The bot says "mình"; "của tôi" (mine) is the user's own word on a label.
    assert not [t for t in texts if re.search(r"(?<![Cc]ủa )\b[Tt]ôi\b", t)]


async def test_late_quick_log_says_which_day_it_counts(joined, clock):
    lan = await joined("lan")
    clock.set_local(2026, 11, 30, 9, 0)
    written = datetime(2026, 11, 29, 16, 0, tzinfo=TZ)
    await lan.say("PA12010000001 dien", sent_at=written)
    await lan.say("1", sent_at=written)
    assert "✅ Đã lưu lúc 16:00 hôm qua, 29/11." in lan.text, lan.text
    await lan.say("PA12010000002 dien", sent_at=datetime(2026, 11, 27, 8, 5, tzinfo=TZ))
    await lan.say("1")
    assert "✅ Đã lưu lúc 08:05 ngày 27/11/2026." in lan.text, lan.text
    await lan.say("PA12010000003 dien")
    await lan.say("1")
    assert "✅ Đã lưu lúc 09:00. Hôm nay" in lan.text
