"""/tiendo fits a phone: 8 indicators and 34 areas, on a numbered channel and with buttons.

Limit chosen: 15 lines per screen (what a phone shows without scrolling at the default font
size, with the numbered choices included on Zalo), and the platform's text limit per reply."""

from datetime import date

from tests.conftest import BUTTON_CAPS
from tests.reports.communes import commune, member_chat, target

SCREEN_LINES = 15
CODES = ["DIEN", "NUOC", "TKTT", "VNEID", "DVC", "CKS", "QR", "4G"]


async def big_commune(sessionmaker):
    async with sessionmaker() as session, session.begin():
        names = [f"Thôn {i}" for i in range(1, 35)]
        c, areas, codes = await commune(session, "Thiệu Trung", names)
        common = {"baseline_date": date(2026, 11, 1), "deadline": date(2026, 12, 31)}
        for i, code in enumerate(CODES):
            await target(
                session,
                c.id,
                codes[code],
                population=5000,
                baseline=500 * (i + 1),
                target_percent=80,
                **common,
            )
        for i, name in enumerate(names):
            await target(
                session,
                c.id,
                codes["DIEN"],
                village_id=areas[name],
                population=150,
                baseline=(i * 7) % 150,
                target_percent=80,
                **common,
            )
    return c


def fits(chat, limit: int) -> list[str]:
    lines = chat.text.split("\n")
    assert len(lines) <= SCREEN_LINES, chat.text
    assert all(len(r.text) <= limit for r in chat.replies)
    return lines


async def test_numbered_channel_summary_detail_and_area_pages(sessionmaker, chat, clock):
    c = await big_commune(sessionmaker)
    chi = await member_chat(
        sessionmaker, chat, clock, c.id, role="official", user="o1", name="Chi"
    )
    await chi.say("/tiendo")
    lines = fits(chi, chi.caps.max_text)
    # One numbered line per indicator, then areas, chart, report.
    assert lines[2].startswith("1. ⚡ Điện: ") and lines[9].startswith("8. 📶 4G: ")
    assert lines[10:13] == ["9. Theo địa bàn", "10. Xem biểu đồ", "11. Xuất báo cáo Excel"]
    await chi.say("1")
    lines = fits(chi, chi.caps.max_text)
    assert "34 địa bàn: cao nhất Thôn 22 98,0%, thấp nhất Thôn 1 0,0%." in lines
    assert "1. Theo địa bàn" in lines
    seen = []
    await chi.say("1")
    for _ in range(5):
        lines = fits(chi, chi.caps.max_text)
        seen += [x for x in lines if x.startswith("Thôn ")]
        more = next((x for x in lines if "Xem tiếp" in x), None)
        if more is None:
            break
        await chi.say(more.split(".")[0])
    assert len(seen) == 34 and len(set(seen)) == 34
    assert seen[0].startswith("Thôn 22 ") and seen[-1].startswith("Thôn 1 ")


async def test_buttons_keep_the_summary_in_the_text_and_short_labels(sessionmaker, chat, clock):
    c = await big_commune(sessionmaker)
    chi = await member_chat(
        sessionmaker, chat, clock, c.id, role="official", user="o1", name="Chi", caps=BUTTON_CAPS
    )
    await chi.say("/tiendo")
    (reply,) = chi.replies
    assert len(reply.text.split("\n")) <= 10 + 1
    assert [c.label for c in reply.choices][:8] == [
        "⚡ Điện",
        "💧 Nước",
        "🏦 Tài khoản thanh toán",
        "🪪 VNeID",
        "🏛 Dịch vụ công",
        "✍ Chữ ký số",
        "🔳 QR",
        "📶 4G",
    ]
    await chi.press("💧 Nước")
    assert "Thanh toán tiền nước" in chi.text and len(chi.text.split("\n")) <= SCREEN_LINES


async def test_chart_of_34_areas_through_the_chat(sessionmaker, chat, clock):
    from PIL import Image

    c = await big_commune(sessionmaker)
    chi = await member_chat(
        sessionmaker, chat, clock, c.id, role="official", user="o1", name="Chi", caps=BUTTON_CAPS
    )
    await chi.say("/tiendo dien")
    await chi.press("Xem biểu đồ")
    (reply,) = chi.replies
    assert "5.000" not in reply.image.caption and "500/4.000" in reply.image.caption
    # Tall enough for 34 legible bars (0,3 inch each at 100 dpi) above the curve.
    with Image.open(reply.image.path) as png:
        assert png.size == (900, round(100 * (1.2 + 0.3 * 34 + 3.6)))
