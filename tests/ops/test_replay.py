"""Replaying failed messages once a fix is deployed: through the real pipeline, at the time the
message was written, replies queued in the outbox once, and a row that fails again is kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import handlers.visits.details
import handlers.visits.quick
from bot.channels.zalo.adapter import caps as zalo_caps
from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from bot.replay import incoming_from_payload, replay_failed
from handlers.core.payload import from_payload
from models import Inbound, OutboxMessage
from models.base import utcnow
from models.seed import ensure_demo
from tests.conftest import BUTTON_CAPS, TZ, Chat, Clock, join
from tests.flows.fieldlog_helpers import conversions, household, visits
from tests.test_cli import cdsbot, demo_db  # noqa: F401 - the fixture

APOLOGY = "Xin lỗi, có lỗi xảy ra"
HEADER = "Tin nhắn anh/chị gửi lúc 14:05 ngày 28/11/2026 vừa được xử lý lại:"


class Bug:
    """A handler function that raises until the fix is deployed (`bug.fixed = True`)."""

    def __init__(self, monkeypatch, module, name: str) -> None:
        self.real = getattr(module, name)
        self.fixed = False
        self.calls = 0
        monkeypatch.setattr(module, name, self)

    async def __call__(self, *args, **kwargs):
        self.calls += 1
        if not self.fixed:
            raise RuntimeError("a bug")
        return await self.real(*args, **kwargs)


async def inbound(sessionmaker) -> list[Inbound]:
    async with sessionmaker() as session:
        return list((await session.execute(select(Inbound).order_by(Inbound.id))).scalars())


async def failed(sessionmaker) -> list[Inbound]:
    return [r for r in await inbound(sessionmaker) if r.status == "failed"]


async def outbox(sessionmaker) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await session.execute(stmt)).scalars())


async def test_failed_quick_log_replays_at_its_written_time_and_queues_once(
    engine, pipeline, joined, clock, monkeypatch
):
    sessionmaker = pipeline.sessionmaker
    lan = await joined("lan", channel="telegram", caps=BUTTON_CAPS)
    bug = Bug(monkeypatch, handlers.visits.quick, "indicators")
    clock.set_local(2026, 11, 28, 14, 5)
    await lan.say("PA12 01 0000001 dien", message_id="tg-7")
    assert APOLOGY in lan.text
    (row,) = await failed(sessionmaker)
    assert row.payload["text"] == "PA12 01 0000001 dien"
    assert row.payload["sent_at"] == "2026-11-28T07:05:00+00:00"

    bug.fixed = True  # the fix is deployed; the replay runs the next morning
    clock.set_local(2026, 11, 29, 9, 0)
    (done,) = await replay_failed(engine, pipeline, ids=[row.id])
    assert (done.outcome, done.queued, done.channel) == ("replayed", True, "telegram")
    (kept,) = await inbound_by_id(sessionmaker, row.id)
    assert (kept.status, kept.payload, kept.message_key) == ("done", None, "tg-7")
    assert kept.received_at == row.received_at

    (queued,) = await outbox(sessionmaker)
    assert (queued.key, queued.channel, queued.chat_id) == (
        "replay:telegram:tg-7",
        "telegram",
        "lan",
    )
    replies = from_payload(queued.payload)
    assert replies[0].text.startswith(HEADER + "\n")
    assert "Hộ Lê Văn Một" in replies[0].text
    # The queued question's buttons belong to the conversation as it is now: pressing works.
    lan.replies = replies
    await lan.press("Lưu")
    assert "Đã lưu lúc 14:05" in lan.text
    (visit,) = await visits(sessionmaker)
    assert visit.at == datetime(2026, 11, 28, 14, 5, tzinfo=TZ).astimezone(UTC)

    # Again, by id or all: nothing left to replay, nothing run or queued twice.
    calls = bug.calls
    assert [r.outcome for r in await replay_failed(engine, pipeline, ids=[row.id])] == ["skipped"]
    assert (
        await replay_failed(engine, pipeline, ids=[r.id for r in await failed(sessionmaker)]) == []
    )
    assert len(await outbox(sessionmaker)) == 1
    assert bug.calls == calls


async def inbound_by_id(sessionmaker, row_id: int) -> list[Inbound]:
    return [r for r in await inbound(sessionmaker) if r.id == row_id]


async def test_failed_save_on_zalo_is_replayed_to_the_same_bot(
    engine, pipeline, joined, clock, monkeypatch
):
    sessionmaker = pipeline.sessionmaker
    lan = await joined("lan", channel="zalo", caps=zalo_caps(False))
    clock.set_local(2026, 11, 28, 14, 0)
    await lan.say("PA12 01 0000001 dien nuoc", bot="1234")
    bug = Bug(monkeypatch, handlers.visits.details, "save_visit")
    clock.set_local(2026, 11, 28, 14, 5)
    await lan.say("1", bot="1234", message_id="z-9")
    assert APOLOGY in lan.text and await visits(sessionmaker) == []
    (row,) = await failed(sessionmaker)

    bug.fixed = True
    clock.set_local(2026, 11, 28, 16, 30)
    (done,) = await replay_failed(engine, pipeline, ids=[row.id])
    assert done.outcome == "replayed"
    (queued,) = await outbox(sessionmaker)
    assert (queued.key, queued.bot, queued.chat_id) == ("replay:zalo:1234:z-9", "1234", "lan")
    text = from_payload(queued.payload)[0].text
    assert text.startswith(HEADER) and "Đã lưu lúc 14:00" in text
    assert [c[0] for c in await conversions(sessionmaker)] == ["DIEN", "NUOC"]
    (kept,) = await inbound_by_id(sessionmaker, row.id)
    assert (kept.status, kept.message_key) == ("done", "1234:z-9")


async def test_a_message_that_fails_again_stays_failed_with_its_payload(
    engine, pipeline, joined, clock, monkeypatch
):
    sessionmaker = pipeline.sessionmaker
    lan = await joined("lan", channel="zalo", caps=zalo_caps(False))
    Bug(monkeypatch, handlers.visits.quick, "indicators")
    clock.set_local(2026, 11, 28, 14, 5)
    await lan.say("PA12 01 0000001 dien")
    (before,) = await failed(sessionmaker)
    rows = len(await inbound(sessionmaker))
    clock.advance(hours=2)

    (result,) = await replay_failed(engine, pipeline, ids=[before.id])
    assert result.outcome == "failed"
    (after,) = await inbound_by_id(sessionmaker, before.id)
    assert (after.status, after.message_key, after.payload, after.received_at) == (
        "failed", before.message_key, before.payload, before.received_at,
    )  # fmt: skip
    assert len(await inbound(sessionmaker)) == rows
    assert await outbox(sessionmaker) == [] and await visits(sessionmaker) == []


async def test_a_typed_answer_is_kept_when_the_chat_was_asked_another_question(
    engine, pipeline, joined, clock, monkeypatch
):
    sessionmaker = pipeline.sessionmaker
    lan = await joined("lan", channel="zalo", caps=zalo_caps(False))
    await lan.say("PA12 01 0000001 dien")
    bug = Bug(monkeypatch, handlers.visits.details, "save_visit")
    clock.advance(minutes=1)
    await lan.say("1")  # "save" for household 1: fails
    (row,) = await failed(sessionmaker)
    bug.fixed = True
    clock.advance(minutes=1)
    await lan.say("/huy")  # the user went on: household 2 now waits for "1. Lưu"
    await lan.say("0910000002 vneid 3")
    assert "Trần Thị Hai" in lan.text

    # Replaying "1" now would save household 2's visit, which nobody confirmed.
    (kept,) = await replay_failed(engine, pipeline, ids=[row.id])
    assert kept.outcome == "moved_on"
    assert await visits(sessionmaker) == [] and await outbox(sessionmaker) == []
    assert [(r.id, r.payload) for r in await failed(sessionmaker)] == [(row.id, row.payload)]
    (forced,) = await replay_failed(engine, pipeline, ids=[row.id], force=True)
    assert forced.outcome == "replayed"
    (visit,) = await visits(sessionmaker)
    assert visit.household_id != (await household(sessionmaker, head_name="Lê Văn Một")).id


async def test_a_crash_after_the_pipeline_ran_undoes_the_whole_replay(
    engine, pipeline, joined, clock, monkeypatch
):
    sessionmaker = pipeline.sessionmaker
    lan = await joined("lan", channel="zalo", caps=zalo_caps(False))
    await lan.say("PA12 01 0000001 dien")
    bug = Bug(monkeypatch, handlers.visits.details, "save_visit")
    await lan.say("1")
    (before,) = await failed(sessionmaker)
    bug.fixed = True

    async def crash(*args, **kwargs):
        raise ConnectionError("database gone")

    # The pipeline has saved the visit (its savepoint released) when queueing the reply fails.
    monkeypatch.setattr("bot.replay.outbox_queue.enqueue", crash)
    (result,) = await replay_failed(engine, pipeline, ids=[before.id])
    assert result.outcome == "failed" and bug.calls == 2
    assert await visits(sessionmaker) == [] and await outbox(sessionmaker) == []
    (after,) = await inbound_by_id(sessionmaker, before.id)
    assert (after.status, after.message_key, after.payload) == (
        "failed", before.message_key, before.payload,
    )  # fmt: skip
    monkeypatch.undo()
    assert [r.outcome for r in await replay_failed(engine, pipeline, ids=[before.id])] == [
        "replayed"
    ]
    assert len(await visits(sessionmaker)) == 1


async def test_unknown_and_handled_ids_are_skipped(engine, pipeline, chat, demo):
    await chat("u1").say("/start")
    handled = [r.id for r in await inbound(pipeline.sessionmaker)]
    results = await replay_failed(engine, pipeline, ids=[*handled, 999])
    assert [r.outcome for r in results] == ["skipped", "skipped"]


def test_payload_becomes_the_same_incoming_again():
    payload = {
        "channel": "telegram", "user_id": "7", "chat_id": "7", "message_id": "7:1",
        "sent_at": "2026-11-28T07:05:00+00:00", "text": None, "kind": "location",
        "location": [21.5, 105.8], "later_field": "ignored",
    }  # fmt: skip
    incoming = incoming_from_payload(payload)
    assert incoming.sent_at == datetime(2026, 11, 28, 7, 5, tzinfo=UTC)
    assert incoming.location == (21.5, 105.8) and incoming.chat_kind == "private"
    with pytest.raises(KeyError):
        incoming_from_payload({"channel": "zalo"})


async def test_cli_lists_without_text_and_replays_once(demo_db, monkeypatch):  # noqa: F811
    db = f"sqlite+aiosqlite:///{demo_db}/db.sqlite3"
    engine = make_engine(db)
    sessionmaker = make_sessionmaker(engine)
    clock = Clock(utcnow().replace(second=0, microsecond=0))
    pipeline = Pipeline(sessionmaker, tz=TZ, files_dir=demo_db / "data" / "files", clock=clock)
    async with sessionmaker() as session, session.begin():
        demo = await ensure_demo(session, today=clock.now.astimezone(TZ).date(), now=clock.now)
    lan = Chat(pipeline, clock, "lan", channel="zalo", name=None, caps=zalo_caps(False))
    await join(lan, demo.invites["volunteer"])
    bug = Bug(monkeypatch, handlers.visits.quick, "indicators")
    await lan.say("PA12 01 0000001 dien")
    assert APOLOGY in lan.text
    (row,) = await failed(sessionmaker)
    await engine.dispose()
    bug.fixed = True

    listing = cdsbot(demo_db, "inbound", "list")
    assert listing.returncode == 0, listing.stderr
    received = clock.now.astimezone(TZ).strftime("%d/%m/%Y %H:%M")
    assert listing.stdout.splitlines()[0].split() == ["mã", "kênh", "nhận", "lúc", "loại"]
    assert f"{row.id}  zalo  {received}  văn bản" in listing.stdout
    assert "1 tin nhắn bị lỗi." in listing.stdout
    assert "PA12" not in listing.stdout + listing.stderr and "lan" not in listing.stdout
    shown = cdsbot(demo_db, "inbound", "list", "--show-text")
    assert f"{received}  văn bản  'PA12 01 0000001 dien'" in shown.stdout
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    english = cdsbot(demo_db, "inbound", "list")
    assert english.stdout.splitlines()[0].split() == ["id", "channel", "received", "kind"]
    assert f"{received}  text" in english.stdout and "1 failed message." in english.stdout
    assert "PA12" not in english.stdout
    monkeypatch.delenv("DEFAULT_LOCALE")

    replayed = cdsbot(demo_db, "inbound", "replay", "--all")
    assert replayed.returncode == 0, replayed.stderr
    assert f"#{row.id} zalo {received}: đã xử lý lại, trả lời đã vào hàng đợi" in replayed.stdout
    assert "Đã xử lý lại: 1, vẫn lỗi: 0, giữ lại (đã sang câu hỏi khác): 0." in replayed.stdout
    assert "PA12" not in replayed.stdout + replayed.stderr
    again = cdsbot(demo_db, "inbound", "replay", "--id", str(row.id))
    assert f"#{row.id}: không phải tin nhắn lỗi, bỏ qua" in again.stdout
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    again = cdsbot(demo_db, "inbound", "replay", "--id", str(row.id))
    assert f"#{row.id}: not a failed message, skipped" in again.stdout
    assert "Replayed: 0, failed again: 0, kept (chat moved on): 0." in again.stdout
    assert "0 failed messages." in cdsbot(demo_db, "inbound", "list").stdout
    monkeypatch.delenv("DEFAULT_LOCALE")
    assert cdsbot(demo_db, "inbound", "replay").returncode == 2  # --id or --all

    engine = make_engine(db)
    (queued,) = await outbox(make_sessionmaker(engine))
    await engine.dispose()
    assert queued.key == f"replay:zalo:{row.message_key}" and queued.chat_id == "lan"
    assert "Hộ Lê Văn Một" in from_payload(queued.payload)[0].text
    assert "0 tin nhắn bị lỗi." in cdsbot(demo_db, "inbound", "list").stdout
