"""Corrections (/sua): undo, drop a conversion, edit the note; 48 hours; leaders any time."""

from tests.flows.fieldlog_helpers import audits, conversions, visits


async def log(chat, text: str) -> None:
    await chat.say(text)
    await chat.say("1")
    assert "Đã lưu" in chat.text, chat.text


async def test_undo_removes_visit_and_conversions_with_audit(joined, sessionmaker):
    lan = await joined("lan")
    await log(lan, "PA12010000001 dien nuoc")
    await lan.say("/sua")
    assert "Lê Văn Một" in lan.text and "điện, nước" in lan.text
    await lan.say("1")
    await lan.say("xoa luot nay")
    assert "Đã xóa" in lan.text
    (visit,) = await visits(sessionmaker)
    assert visit.deleted_at is not None and await conversions(sessionmaker) == []
    (entry,) = await audits(sessionmaker)
    assert (entry.action, entry.entity_id) == ("undo", visit.id)
    # The household can be counted again by the next visit.
    await log(lan, "PA12010000001 dien")
    assert "1 lượt thăm, 1 chuyển đổi" in lan.text


async def test_remove_one_conversion_and_edit_note(joined, sessionmaker):
    lan = await joined("lan")
    await log(lan, "0910000001 dien nuoc")
    await lan.say("/sua")
    await lan.say("1")
    await lan.say("2")
    await lan.say("nuoc")
    assert "Đã bỏ" in lan.text
    assert [c[0] for c in await conversions(sessionmaker)] == ["DIEN"]
    await lan.say("/sua")
    await lan.say("1")
    await lan.say("4")
    await lan.say("x" * 2000)
    assert "1.000" in lan.text
    await lan.say("Gọi lại buổi chiều")
    (visit,) = await visits(sessionmaker)
    assert visit.note == "Gọi lại buổi chiều"
    assert [a.action for a in await audits(sessionmaker)] == ["remove_conversion", "edit_note"]


async def test_after_48_hours_only_the_leader_may_change(joined, sessionmaker, clock):
    lan = await joined("lan")
    boss = await joined("boss", role="leader", name="Trần Văn Hải")
    await log(lan, "0910000001 dien")
    clock.advance(hours=49)
    await lan.say("/sua")
    await lan.say("1")
    assert "48 giờ" in lan.text
    await boss.say("/sua")
    assert "Nguyễn Thị Lan" in boss.text
    await boss.say("1")
    await boss.say("1")
    assert "Đã xóa" in boss.text
    (entry,) = await audits(sessionmaker)
    assert entry.action == "undo"


async def test_nothing_to_correct(joined):
    lan = await joined("lan")
    await lan.say("/sua")
    assert "chưa có lượt ghi" in lan.text


async def test_change_number_of_people(joined, sessionmaker):
    lan = await joined("lan")
    await log(lan, "0910000002 tktt 3")
    await lan.say("/sua")
    await lan.say("1")
    await lan.say("3")
    assert "Chuyển đổi nào?" in lan.text
    await lan.say("1")
    await lan.say("0")
    assert "từ 1 đến 30" in lan.text
    await lan.say("2")
    assert "Đã sửa số người thành 2" in lan.text
    assert [(c[0], c[2]) for c in await conversions(sessionmaker)] == [("TKTT", 2)]
    (entry,) = await audits(sessionmaker)
    assert entry.detail == {"indicator": "TKTT", "from": 3, "to": 2}
