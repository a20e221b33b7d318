"""Malformed webhook bodies for both platforms, POSTed to the real web app with the Telegram
handler and the Zalo route mounted: never a 500, nothing stored from garbage."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.zalo.channel import SECRET_HEADER
from models import Conversation, Conversion, Household, Member, Visit
from tests.fakes.telegram_harness import SECRET as TG_SECRET
from tests.fakes.telegram_harness import running
from tests.fakes.zalo_api import FakeZaloApi
from tests.fakes.zalo_harness import start_env

TG_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=50),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=15,
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zl", "Mn", "So")), max_size=40),
    st.sampled_from(["/start", "/hodan", "'; DROP TABLE member; --", "\x00", "a" * 5000]),
)


def maybe(value_strategy):
    """The right value, or a value of the wrong type, or the field left out (None)."""
    return st.one_of(value_strategy, ANY_JSON, st.just(None))


def telegram_update() -> st.SearchStrategy:
    chat = st.fixed_dictionaries(
        {"id": maybe(st.integers(-(10**12), 10**12)),
         "type": maybe(st.sampled_from(["private", "group", "supergroup", "channel"]))}
    )  # fmt: skip
    sender = st.fixed_dictionaries(
        {"id": maybe(st.integers(1, 10**10)), "is_bot": maybe(st.booleans()),
         "first_name": maybe(st.text(max_size=30))}
    )  # fmt: skip
    message = st.fixed_dictionaries(
        {"message_id": maybe(st.integers(1, 10**6)), "date": maybe(st.integers(0, 2**31)),
         "chat": maybe(chat), "from": maybe(sender), "text": maybe(TEXT)}
    )  # fmt: skip
    callback = st.fixed_dictionaries(
        {"id": maybe(st.text(max_size=10)), "from": maybe(sender), "chat_instance": maybe(
            st.text(max_size=5)), "data": maybe(st.text(max_size=80)), "message": maybe(message)}
    )  # fmt: skip
    return st.fixed_dictionaries(
        {"update_id": maybe(st.integers(0, 2**31))},
        optional={"message": maybe(message), "callback_query": maybe(callback)},
    )


def zalo_update() -> st.SearchStrategy:
    message = st.fixed_dictionaries(
        {"message_id": maybe(st.text(max_size=20)), "date": maybe(st.integers(0, 2**42)),
         "from": maybe(st.fixed_dictionaries({"id": maybe(st.text(max_size=12)),
                                               "display_name": maybe(st.text(max_size=20)),
                                               "is_bot": maybe(st.booleans())})),
         "chat": maybe(st.fixed_dictionaries({"id": maybe(st.text(max_size=12)),
                                               "chat_type": maybe(st.text(max_size=8))})),
         "text": maybe(TEXT), "photo_url": maybe(st.text(max_size=30))}
    )  # fmt: skip
    update = st.fixed_dictionaries(
        {"event_name": maybe(st.sampled_from(
            ["message.text.received", "message.image.received", "message.sticker.received",
             "message.location.received", "other"])), "message": maybe(message)}
    )  # fmt: skip
    return st.one_of(update, st.fixed_dictionaries({"ok": maybe(st.booleans()), "result": update}))


def as_body(value) -> bytes:
    return json.dumps(value, allow_nan=False).encode()


RAW = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{", b"null", b"[]", b'"x"', b"{not json", b"\xff\xfe"]),
    st.integers(10, 3000).map(lambda n: b"[" * n + b"]" * n),  # deeply nested
    st.integers(10, 3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "multipart/x"]
)


class Hooks:
    """Both platforms' webhooks on loopback, inside the fuzz fixture's own event loop."""

    def __init__(self, fuzz) -> None:
        self.fuzz = fuzz
        run = fuzz.runner.run
        self.tg, self.tg_runner = run(
            running(fuzz.pipeline, fuzz.pipeline.sessionmaker, "webhook")
        )
        self.zfake = run(FakeZaloApi().start())
        self.zalo = run(start_env(self.zfake, fuzz.pipeline, mode="webhook"))
        self.http = run(self._session())
        # Someone halfway through joining on each app: garbage must not move their step.
        for channel in ("telegram", "zalo"):
            fuzz.send("1", "/start", channel=channel)

    @staticmethod
    async def _session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    def post(self, platform: str, body: bytes, *, content_type="application/json", secret=None):
        if platform == "telegram":
            url, header, right = self.tg.channel.webhook_url, TG_HEADER, TG_SECRET
        else:
            bot = self.zalo.bot()
            url, header, right = bot.webhook_url, SECRET_HEADER, bot.webhook_secret
        headers = {header: right if secret is None else secret}
        if content_type:
            headers["Content-Type"] = content_type

        async def go() -> int:
            async with self.http.post(url, data=body, headers=headers) as response:
                status = response.status
            # Zalo answers at once and runs the turn in the background: wait for it.
            for channel in self.zalo.channels:
                await asyncio.gather(*list(channel._tasks))
            return status

        return self.fuzz.runner.run(go())

    def counts(self) -> tuple[int, ...]:
        return tuple(
            self.fuzz.query(lambda t=t: select(func.count()).select_from(t))[0][0]
            for t in (Member, Household, Visit, Conversion)
        )

    def steps(self) -> list:
        """Every chat's conversation step and version: refused input must leave them alone."""
        c = Conversation
        return sorted(
            map(
                tuple,
                self.fuzz.query(lambda: select(c.channel, c.chat_id, c.flow, c.step, c.version)),
            )
        )

    def close(self) -> None:
        run = self.fuzz.runner.run
        run(self.http.close())
        run(self.tg.channel.stop())
        run(self.tg_runner.cleanup())
        run(self.tg.fake.close())
        run(self.zalo.stop())
        run(self.zfake.close())


@pytest.fixture
def hooks(fuzz):
    h = Hooks(fuzz)
    yield h
    h.close()


FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_harmless(hooks, status: int, before: tuple[int, ...]) -> None:
    assert status < 500, status
    assert hooks.counts() == before
    assert hooks.fuzz.failed() == 0  # no handler crashed on it


@FUZZ
@given(update=telegram_update() | ANY_JSON)
def test_telegram_webhook_survives_malformed_updates(hooks, update):
    before = hooks.counts()
    assert_harmless(hooks, hooks.post("telegram", as_body(update)), before)


@FUZZ
@given(update=zalo_update() | ANY_JSON)
def test_zalo_webhook_survives_malformed_updates(hooks, update):
    before = hooks.counts()
    assert_harmless(hooks, hooks.post("zalo", as_body(update)), before)


@FUZZ
@given(platform=st.sampled_from(["telegram", "zalo"]), body=RAW, content_type=CONTENT_TYPES)
def test_webhooks_survive_non_json_and_wrong_content_types(hooks, platform, body, content_type):
    before, steps = hooks.counts(), hooks.steps()
    status = hooks.post(platform, body, content_type=content_type)
    assert_harmless(hooks, status, before)
    assert hooks.steps() == steps and steps


@FUZZ
@given(
    platform=st.sampled_from(["telegram", "zalo"]),
    # Any printable text, non-ASCII included (aiogram's own check answered those with a 500).
    secret=st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=40),
)
def test_a_wrong_secret_is_refused_whatever_it_contains(hooks, platform, secret):
    right = TG_SECRET if platform == "telegram" else hooks.zalo.bot().webhook_secret
    if secret.strip() == right:
        return
    before, steps = hooks.counts(), hooks.steps()
    update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "/start",
              "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": False}}}  # fmt: skip
    status = hooks.post(platform, as_body(update), secret=secret)
    assert status in (401, 403), status
    assert_harmless(hooks, status, before)
    assert hooks.steps() == steps and steps
