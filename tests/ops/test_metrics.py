"""`/metrics` after a scripted conversation and a fan-out: every series the operator needs,
and nothing that names a person or a chat."""

import random
import uuid
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from bot.channels.base import Delivery
from bot.db import make_engine, make_sessionmaker
from bot.metrics import REGISTRY, MetricsEndpoint, refresh_database_gauges
from bot.outbox import Sender
from bot.pipeline import Pipeline
from bot.scheduler import JobScheduler
from bot.web import make_web_app
from handlers.core.messages import Incoming
from models.members import ChannelAccount, Member
from models.outbox import OutboxMessage, usage
from tests.conftest import TEXT_CAPS, TZ
from tests.jobs.helpers import RecordingChannel

TOKEN = "metrics-" + uuid.uuid4().hex


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def samples(body: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_show_the_conversation_and_the_fan_out_and_no_person(
    engine, sessionmaker, clock, joined, tmp_path
):
    # Chat ids unique to this run, so finding one in the output cannot be a coincidence.
    tag = uuid.uuid4().hex[:6]
    before = {
        "command": value("cdsbot_updates_total", channel="telegram", kind="command"),
        "text": value("cdsbot_updates_total", channel="telegram", kind="text"),
        "turns": value("cdsbot_turn_seconds_count", channel="telegram"),
        "dup": value("cdsbot_duplicates_dropped_total", channel="telegram"),
        "failed": value("cdsbot_turns_failed_total", channel="console"),
        "ok": value("cdsbot_sends_total", channel="telegram", result="ok"),
        "429": value("cdsbot_sends_total", channel="telegram", result="429"),
        "403": value("cdsbot_sends_total", channel="telegram", result="403"),
        "5xx": value("cdsbot_sends_total", channel="telegram", result="5xx"),
        "nudge": value("cdsbot_job_runs_total", job="nudge", result="done"),
        "leaderboard": value("cdsbot_job_runs_total", job="leaderboard", result="done"),
        "waits": value("cdsbot_db_pool_wait_seconds_count"),
    }
    # The conversation: three people join on Telegram (commands and typed answers).
    roles = {
        "Nguyễn Thị Lan": "volunteer",
        "Lê Văn Nam": "leader",
        "Phạm Thị Hoa": "official",
        "Trần Văn Hải": "volunteer",
        "Đỗ Thị Mai": "volunteer",
    }
    people = {f"tg{tag}{i}": name for i, name in enumerate(roles)}
    chats = [
        await joined(chat_id, roles[name], name, channel="telegram")
        for chat_id, name in people.items()
    ]
    await chats[0].say("/tiendo")
    # A platform redelivery of the same message is dropped.
    await chats[0].send("/tiendo", message_id="same-1")
    await chats[0].send("/tiendo", message_id="same-1")
    # A turn that fails: a real database without the bot's tables (never migrated).
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path}/empty.sqlite3")
    try:
        failing = Pipeline(make_sessionmaker(broken), tz=TZ, clock=clock)
        message = Incoming("console", "x", "x", "m1", clock.now, text="/start")
        assert "Xin lỗi" in (await failing.process(message, TEXT_CAPS))[0].text
    finally:
        await broken.dispose()
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Member).where(Member.name == "Lê Văn Nam").values(phone="0912345678")
        )

    # The fan-out: the 19:00 nudge and the 20:00 leaderboard, then the sender; one chat
    # answers 429, one 403, one 502 once.
    clock.set_local(2026, 11, 25, 20, 5)
    scheduler = JobScheduler(
        sessionmaker, engine, tz=TZ, grace=timedelta(hours=2), clock=clock,
        lock_key=random.randint(1, 2**40),
    )  # fmt: skip
    await scheduler.tick()  # leads (its own lock key), reads the rules, runs what is due
    channel = RecordingChannel("telegram")
    ids = list(people)
    # The nudge goes to the four who logged nothing today (not the official, ids[2]).
    channel.script(ids[0], Delivery(False, transient=True, error="502"))
    channel.script(ids[1], Delivery(False, retry_after=0.2, error="429"))
    channel.script(ids[3], Delivery(False, unreachable=True, error="Forbidden"))
    sender = Sender(sessionmaker, {"telegram": channel}, clock=clock, poll=0.05)
    await sender.drain()
    await scheduler.stop()
    async with sessionmaker() as session, session.begin():
        await usage.count_sent(session, channel="zalo", bot="4444", month="2026-11")

    async def refresh() -> None:
        await refresh_database_gauges(
            engine, zalo_bots=["4444"], quota=3000, now=clock.now.astimezone(TZ)
        )

    web_app = make_web_app(metrics=MetricsEndpoint(TOKEN, refresh))
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        assert (await client.get("/metrics")).status == 401
        wrong = {"Authorization": "Bearer nope"}
        assert (await client.get("/metrics", headers=wrong)).status == 401
        response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status == 200
        body = await response.text()

    got = samples(body)

    def series(name: str, **labels: str) -> float:
        return got[(name, tuple(sorted(labels.items())))]

    assert (
        series("cdsbot_updates_total", channel="telegram", kind="command") - before["command"]
        == 5 + 3
    )  # /start each, then /tiendo three times
    assert series("cdsbot_updates_total", channel="telegram", kind="text") > before["text"]
    assert series("cdsbot_turn_seconds_count", channel="telegram") - before["turns"] >= 15
    assert series("cdsbot_duplicates_dropped_total", channel="telegram") - before["dup"] == 1
    assert series("cdsbot_turns_failed_total", channel="console") - before["failed"] == 1
    assert series("cdsbot_last_message_timestamp_seconds", channel="telegram") > 1.7e9
    for job in ("nudge", "leaderboard"):
        assert series("cdsbot_job_runs_total", job=job, result="done") - before[job] == 1
    assert series("cdsbot_scheduler_leader") == 0  # it stepped down when it stopped
    assert series("cdsbot_sends_total", channel="telegram", result="ok") > before["ok"]
    for result in ("429", "403", "5xx"):
        assert (
            series("cdsbot_sends_total", channel="telegram", result=result) - before[result] == 1
        )
    # The gauge is the outbox as it stands: the 429 and 5xx rows wait for their retry.
    async with sessionmaker() as session:
        waiting = dict(
            (await session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )).all()
        )  # fmt: skip
    assert series("cdsbot_outbox_messages", status="pending") == waiting["pending"] >= 2
    assert series("cdsbot_outbox_messages", status="sending") == waiting.get("sending", 0)
    assert series("cdsbot_zalo_quota_used", bot="4444") == 1
    assert series("cdsbot_zalo_quota") == 3000
    assert series("cdsbot_db_pool_wait_seconds_count") > before["waits"]
    assert ("cdsbot_db_pool_connections", ()) in got

    # Nothing that names a person or a chat, anywhere in the output.
    async with sessionmaker() as session:
        names = (await session.execute(select(Member.name))).scalars().all()
        accounts = (await session.execute(select(ChannelAccount))).scalars().all()
    secrets_ = set(names) | {"0912345678", "Lan", "Nam", "Hoa", "Hải", "Mai", *people}
    secrets_ |= {a.user_id for a in accounts} | {a.chat_id for a in accounts if a.chat_id}
    leaked = [s for s in secrets_ if s and s in body]
    assert leaked == []


async def test_metrics_are_off_unless_turned_on_or_given_a_token(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from bot.app import metrics_endpoint
    from bot.settings import Settings

    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("METRICS", "METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def endpoint(**settings):
        return metrics_endpoint(SimpleNamespace(settings=Settings(**settings), engine=None), [])

    assert endpoint() is None
    assert endpoint(metrics=True).token is None
    assert endpoint(metrics_token="s3cret-token").token == "s3cret-token"
    async with TestClient(TestServer(make_web_app(metrics=endpoint()), host="127.0.0.1")) as c:
        assert (await c.get("/metrics")).status == 404
