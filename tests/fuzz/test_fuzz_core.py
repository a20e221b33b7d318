"""Random Unicode, control characters, huge texts, injections, random kinds and button data
into the core at every join step and into member commands: no crash, no garbage stored, and
the step unchanged where the input was refused."""

from __future__ import annotations

import operator
import uuid

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers.core.choices import from_button, resolve
from handlers.core.dispatch import MAX_TEXT
from handlers.flows.join import _clean_name
from models import ChannelAccount, Conversation, Household, Member
from models.keys import fold

INJECTIONS = [
    "'; DROP TABLE member; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>",
    "<b>đậm</b> &amp; &lt;",
    "*đậm* _nghiêng_ [link](http://x.y) `code` ```block```",
    "%",
    "_%_",
    "\\",
    "{name}",
    "{0} {} %s %(name)s",
    "\u202eabc",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "../../etc/passwd",
    "$(rm -rf /)",
    "🏳️‍🌈👨‍👩‍👧‍👦",
    "Ｋ７Ｍ－４ＱＸ",
]
GARBAGE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(INJECTIONS),
    st.text(
        alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So")),
        max_size=40,
    ),
    st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(1000, 5000)),
    st.lists(st.sampled_from(INJECTIONS) | st.text(max_size=12), max_size=5).map(" ".join),
)
KINDS = st.sampled_from(
    [
        "text",
        "text",
        "text",
        "photo",
        "location",
        "contact",
        "sticker",
        "voice",
        "document",
        "unsupported",
    ]
)
BUTTONS = st.one_of(
    st.none(),
    st.none(),
    st.text(max_size=20),
    st.builds("{}:{}".format, st.integers(-3, 10**12), st.integers(-3, 10**12)),
    st.builds("{}:{}".format, st.integers(0, 4), st.integers(0, 3)),
)
FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def new_user() -> str:
    return f"fz-{uuid.uuid4().hex[:10]}"


def conv_of(fuzz, user: str):
    rows = fuzz.query(
        lambda: select(
            Conversation.flow, Conversation.step, Conversation.version, Conversation.choices
        ).where(Conversation.channel == "zalo", Conversation.chat_id == user)
    )
    return rows[0]


def members_of(fuzz, user: str) -> list[str]:
    rows = fuzz.query(
        lambda: (
            select(Member.name)
            .join(ChannelAccount, ChannelAccount.member_id == Member.id)
            .where(ChannelAccount.user_id == user)
        )
    )
    return [r[0] for r in rows]


def is_command(text: str | None) -> bool:
    return (text or "").strip().startswith("/")


def answer(fuzz, user, text, kind, button):
    fields = {"kind": kind, "choice": button}
    if kind != "text":
        fields["text"] = None if len(text) % 2 else text  # photos may carry a caption
    else:
        fields["text"] = text
    fuzz.send(user, display_name="Lan", **fields)
    return fields["text"]


def picked(text, kind, button, conv) -> str | None:
    """What the core should read as the pick, or None when the input must be refused."""
    choices = [type("C", (), {"key": k, "label": lb})() for k, lb in conv.choices]
    if len(text or "") > MAX_TEXT or is_command(text):
        return None
    if kind != "text":
        return None  # a step takes text; even a valid button on a photo is refused
    if button is not None:
        return from_button(button, choices, conv.version)
    if not (text or "").strip():
        return None
    return resolve(text.strip(), choices)


@FAST
@given(text=GARBAGE, kind=KINDS, button=BUTTONS)
def test_code_step_refuses_garbage(fuzz, text, kind, button):
    user = new_user()
    fuzz.send(user, "/start")
    sent = answer(fuzz, user, text, kind, button)
    conv = conv_of(fuzz, user)
    if not is_command(sent):
        assert (conv.flow, conv.step) == ("join", "code")
    assert members_of(fuzz, user) == []
    assert fuzz.failed() == 0


@FAST
@given(text=GARBAGE, kind=KINDS, button=BUTTONS)
def test_confirm_step_moves_only_on_a_real_pick(fuzz, text, kind, button):
    user = new_user()
    fuzz.send(user, "/start")
    fuzz.send(user, fuzz.invites["many"], display_name="Lan")
    before = conv_of(fuzz, user)
    assert (before.flow, before.step) == ("join", "confirm")
    sent = answer(fuzz, user, text, kind, button)
    after = conv_of(fuzz, user)
    expected = picked(sent, kind, button, before)
    if is_command(sent):
        pass
    elif expected == "yes":
        assert members_of(fuzz, user) == ["Lan"] and after.flow is None
    elif expected == "other":
        assert (after.flow, after.step) == ("join", "name")
    else:
        assert (after.flow, after.step, after.version) == ("join", "confirm", before.version)
    if expected != "yes":
        assert members_of(fuzz, user) == []
    assert fuzz.failed() == 0


@FAST
@given(text=GARBAGE, kind=KINDS, button=BUTTONS)
def test_name_step_stores_only_a_clean_name(fuzz, text, kind, button):
    user = new_user()
    fuzz.send(user, "/start")
    fuzz.send(user, fuzz.invites["many"])  # no display name: asks for the name
    before = conv_of(fuzz, user)
    assert (before.flow, before.step) == ("join", "name")
    # The pipeline drops NUL characters before any handler sees the text.
    sent = (answer(fuzz, user, text, kind, button) or "").replace("\x00", "")
    after = conv_of(fuzz, user)
    valid = (
        kind == "text"
        and button is None
        and not is_command(sent)
        and len(sent) <= MAX_TEXT
        and _clean_name(sent)
    )
    if valid:
        assert members_of(fuzz, user) == [_clean_name(sent)]
    else:
        assert members_of(fuzz, user) == []
        if not is_command(sent):
            assert (after.flow, after.step) == ("join", "name")
    assert fuzz.failed() == 0


COMMANDS = [
    "thanhvien",
    "xoathanhvien",
    "hodan",
    "nhatky",
    "ngonngu",
    "start",
    "trogiup",
    "huy",
    "khongco",
    "HODAN@cdsbot",
    "Xóa thành viên",
]


@FAST
@given(command=st.sampled_from(COMMANDS), args=GARBAGE, then=st.tuples(GARBAGE, KINDS, BUTTONS))
def test_member_commands_survive_garbage(fuzz, command, args, then):
    official = _official(fuzz)
    fuzz.send(official, f"/{command} {args}")
    answer(fuzz, official, *then)
    fuzz.send(official, "/huy")
    active = fuzz.query(lambda: select(func.count()).where(Member.active.is_(True)))[0][0]
    erased = fuzz.query(
        lambda: select(func.count()).select_from(Household).where(Household.erased_at.is_not(None))
    )[0][0]
    assert (active, erased) == (2, 0)
    assert fuzz.failed() == 0


def _official(fuzz) -> str:
    """One official and one volunteer per test (hypothesis reuses the fixture)."""
    if not hasattr(fuzz, "official"):
        for user, code, name in (
            ("fz-off", fuzz.invites["many"], "Phạm Văn Xã"),
            ("fz-vol", fuzz.invites["volunteer"], "Nguyễn Thị Lan"),
        ):
            fuzz.send(user, "/start")
            fuzz.send(user, code)
            fuzz.send(user, name)
        fuzz.official = "fz-off"
    return fuzz.official


def test_every_injection_into_every_command_and_step(fuzz):
    """The fixed list once each, so no known-bad input depends on the random draw."""
    official = _official(fuzz)
    for command in COMMANDS:
        for bad in INJECTIONS:
            fuzz.send(official, f"/{command} {bad}")
            fuzz.send(official, bad)
            fuzz.send(official, "/huy")
    joiner = new_user()
    fuzz.send(joiner, "/start")
    for bad in INJECTIONS:
        fuzz.send(joiner, bad)
    assert members_of(fuzz, joiner) == []
    assert fuzz.failed() == 0


@FAST
@given(display=GARBAGE)
def test_any_display_name_from_the_platform_is_safe(fuzz, display):
    user = new_user()
    fuzz.send(user, fuzz.invites["many"], display_name=display)
    conv = conv_of(fuzz, user)
    assert (conv.flow, conv.step) in {("join", "confirm"), ("join", "name")}
    fuzz.send(user, "1", display_name=display)
    shown = _clean_name(display.replace("\x00", ""))  # the pipeline drops NUL at the door
    assert members_of(fuzz, user) == ([shown] if shown else [])
    assert fuzz.failed() == 0


STEPS = {
    # step reached by these messages → (flow, step) expected there
    "remove_pick": (("/xoathanhvien",), ("members", "pick")),
    "remove_confirm": (("/xoathanhvien", "1"), ("members", "confirm")),
    "household_pick": (("/hodan le van mot",), ("household_data", "pick")),
    "household_action": (("/hodan 0910000001",), ("household_data", "action")),
    "household_erase": (("/hodan 0910000001", "2"), ("household_data", "erase")),
}


@FAST
@given(where=st.sampled_from(sorted(STEPS)), then=st.tuples(GARBAGE, KINDS, BUTTONS))
def test_choice_steps_of_members_and_households_keep_their_step(fuzz, where, then):
    official = _official(fuzz)
    fuzz.send(official, "/huy")
    path, expected = STEPS[where]
    for message in path:
        fuzz.send(official, message)
    before = conv_of(fuzz, official)
    assert (before.flow, before.step) == expected
    text, kind, button = then
    sent = text if kind == "text" or len(text) % 2 == 0 else None
    expected_pick = picked(sent, kind, button, before)
    # A real "remove"/"erase" would change what later examples start from.
    assume(expected_pick != "yes")
    fuzz.send(official, sent, kind=kind, choice=button)
    after = conv_of(fuzz, official)
    by_name = None
    if before.flow == "members" and kind == "text" and button is None and sent:
        # /xoathanhvien also takes the start of a member's name.
        typed = fold(sent)
        fits = [k for k, label in before.choices if typed and fold(label).startswith(typed)]
        by_name = fits[0] if len(fits) == 1 else None
    if expected_pick is None and by_name is None and not is_command(sent):
        assert (after.flow, after.step, after.version) == (*expected, before.version)
    active = fuzz.query(lambda: select(func.count()).where(Member.active.is_(True)))[0][0]
    erased = fuzz.query(
        lambda: select(func.count()).select_from(Household).where(Household.erased_at.is_not(None))
    )[0][0]
    assert (active, erased) == (2, 0)
    assert fuzz.failed() == 0
