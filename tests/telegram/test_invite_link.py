"""/moi on real Telegram: the bot's username (asked with getMe at start-up) makes the t.me link,
the QR arrives as a photo, and the link's code joins a new member with one tap."""

from __future__ import annotations

import re

from bot.run import _telegram_username


async def test_moi_sends_the_t_me_link_and_a_qr_photo(telegram, pipeline, demo):
    pipeline.telegram_username = await _telegram_username([telegram.channel])
    assert pipeline.telegram_username == "cds_test_bot"
    hoa = telegram.user(5101, first_name="Phạm Thị Hoa")
    await hoa.send(f"/start {demo.invites['leader']}")
    await hoa.press("Đúng")
    await hoa.send("/moi")
    await hoa.press("10 người")
    await hoa.press("7 ngày")
    text = next(t for t in hoa.texts if "Mã mời" in t)
    link = re.search(r"https://t\.me/cds_test_bot\?start=([2-9A-Z]{6})", text)
    assert link is not None, text
    photos = [f for f in telegram.fake.files if f.chat_id == hoa.chat_id and f.method == "photo"]
    assert len(photos) == 1 and photos[0].data.startswith(b"\x89PNG")
    # Opening the link sends "/start CODE": the new member joins at once.
    an = telegram.user(5102, first_name="Hà Văn An")
    await an.send(f"/start {link.group(1)}")
    assert "thành viên Tổ CNS" in an.last_text and "Hà Văn An" in an.last_text
