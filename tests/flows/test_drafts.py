"""A command in the middle of an unsaved visit answers and keeps the visit (issue 20, item 1)."""

from tests.flows.fieldlog_helpers import conversions, visits


async def test_command_mid_confirmation_keeps_the_visit_and_one_saves_it(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000003 dien nuoc")
    assert "1. 💾 Lưu" in lan.text
    await lan.say("/cuatoi")
    assert "Kết quả của" in lan.text
    assert "chưa lưu vẫn được giữ" in lan.text and '"tiếp"' in lan.text
    await lan.say("1")
    assert "✅ Đã lưu" in lan.text, lan.text
    assert len(await visits(sessionmaker)) == 1
    assert sorted(c[0] for c in await conversions(sessionmaker)) == ["DIEN", "NUOC"]


async def test_resume_word_asks_the_pending_question_again(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000003 dien")
    await lan.say("/henlai")
    await lan.say("tiep")
    assert "Hộ " in lan.text and "1. 💾 Lưu" in lan.text, lan.text
    await lan.say("luu")
    assert "✅ Đã lưu" in lan.text
    assert len(await visits(sessionmaker)) == 1


async def test_a_flow_started_mid_visit_gives_the_visit_back_when_it_ends(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000001 dien")
    await lan.say("1")
    await lan.say("PA12010000003 dien")
    await lan.say("/sua")  # a flow of its own: the list of entries to correct
    assert "Anh/chị muốn sửa lượt ghi nào?" in lan.text
    await lan.say("/huy")
    assert "Đã hủy" in lan.text and "Quay lại lượt thăm chưa lưu" in lan.text, lan.text
    assert "PA12010000003" in lan.text and "1. 💾 Lưu" in lan.text
    await lan.say("1")
    assert "✅ Đã lưu" in lan.text
    assert len(await visits(sessionmaker)) == 2


async def test_a_new_visit_over_an_unsaved_one_says_the_old_one_is_dropped(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000003 dien")
    await lan.say("/ghinhan")
    assert "Tìm hộ" in lan.text and "trước đó đã được bỏ" in lan.text, lan.text
    await lan.say("/ghinhan")
    assert "đã được bỏ" not in lan.text  # nothing was typed into that one


async def test_cancel_drops_the_visit_and_says_so(joined, sessionmaker):
    lan = await joined("lan")
    await lan.say("PA12010000003 dien")
    await lan.say("/cuatoi")
    await lan.say("/huy")
    assert "Đã hủy. Chưa có gì được lưu." in lan.text
    await lan.say("tiep")
    assert "Không có" in lan.text
    assert await visits(sessionmaker) == []
