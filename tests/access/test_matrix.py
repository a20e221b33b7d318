"""Authorization matrix: every command × every role, in private chats and groups, in and out
of scope; refusals change nothing, and nothing of another village or commune is shown."""

from __future__ import annotations

from openpyxl import load_workbook

from handlers.routes import COMMANDS
from tests.access.conftest import snapshot

JOIN = "cần vào tổ trước"  # refused: not joined
ROLE = "không dành cho vai trò"  # refused: role too low
PRIVATE = "trong tin nhắn riêng"  # refused: not a group command
REFUSALS = (JOIN, ROLE, PRIVATE, "dành cho tổ trưởng của thôn", "dành cho thành viên Tổ CNS")
ROLES = ("none", "volunteer", "leader", "official")

# command → what each role reads in a private chat (a refusal or a piece of the answer).
MATRIX: dict[str, tuple[str, str, str, str]] = {
    "start": (
        "mã mời",
        "Chào Nguyễn Thị Lan",
        "tổ trưởng ở Thôn 1",
        "cán bộ xã ở xã Quảng Trường",
    ),
    "trogiup": ("Gửi /start", "/ghinhan", "/ghinhan", "/ghinhan"),
    "lienket": ("nhập mã liên kết", "Mã liên kết", "Mã liên kết", "Mã liên kết"),
    "ngonngu": (JOIN, "Chọn ngôn ngữ", "Chọn ngôn ngữ", "Chọn ngôn ngữ"),
    "ghinhan": (JOIN, "Tìm hộ", "Tìm hộ", "dành cho thành viên Tổ CNS"),
    "cuatoi": (JOIN, "Kết quả của Nguyễn Thị Lan", "Kết quả của Trần Văn Hải", "Phạm Văn Xã"),
    "tiendo": (JOIN, "TIẾN ĐỘ THÔN 1", "TIẾN ĐỘ THÔN 1", "TIẾN ĐỘ XÃ QUẢNG TRƯỜNG"),
    "bangxephang": (JOIN, "Thôn 1 — tuần này", "Thôn 1 — tuần này", "Các địa bàn"),
    "henlai": (JOIN, "Không có hộ nào", "Không có hộ nào", "Không có hộ nào"),
    "sua": (JOIN, "chưa có lượt ghi", "chưa có lượt ghi", "chưa có lượt ghi"),
    "tatnhac": (JOIN, "Đã tắt nhắc nhở", "Đã tắt nhắc nhở", "Đã tắt nhắc nhở"),
    "batnhac": (JOIN, "Đã bật lại", "Đã bật lại", "Đã bật lại"),
    "doi": (JOIN, ROLE, "Thôn 1 — 25/11/2026", "dành cho tổ trưởng của thôn"),
    "thanhvien": (JOIN, ROLE, "Thành viên ở Thôn 1: 2", "Thành viên ở Quảng Trường: 3"),
    "xoathanhvien": (JOIN, ROLE, "muốn xóa thành viên nào", "muốn xóa thành viên nào"),
    "baocao": (JOIN, ROLE, "Báo cáo tháng 11/2026", "Báo cáo tháng 11/2026"),
    "lienketnhom": (JOIN, ROLE, "gửi /lienketnhom trong nhóm", "gửi /lienketnhom trong nhóm"),
    "muctieu": (JOIN, ROLE, ROLE, "Mục tiêu"),
    "caidat": (JOIN, ROLE, ROLE, "Lịch gửi tin của Quảng Trường"),
    "hodan": (JOIN, ROLE, ROLE, "Hộ nào?"),
    "nhatky": (JOIN, ROLE, ROLE, "nhật ký"),
    "moi": (JOIN, ROLE, "Mã thành viên Tổ CNS, Thôn 1", "Tạo mã mời cho vai trò nào"),
    # Everyone who has joined gets a sign-in link; the page shows what the role may see.
    "web": (JOIN, "Đường dẫn đăng nhập", "Đường dẫn đăng nhập", "Đường dẫn đăng nhập"),
}

# In a group only group commands run; the rest are refused before any role check.
GROUP: dict[str, tuple[str, str, str, str]] = {
    "trogiup": ("Gửi /start", "/bangxephang", "/bangxephang", "/bangxephang"),
    "bangxephang": (JOIN, "Thôn 1 — tuần này", "Thôn 1 — tuần này", "Các địa bàn"),
    "lienketnhom": (JOIN, ROLE, "đã được liên kết với Thôn 1", "Chỉ tổ trưởng của thôn"),
}


def command_names() -> set[str]:
    return {c.name for c in COMMANDS.values()}


def test_the_matrix_covers_every_command():
    # A new command without a row here fails: decide who may use it, then add the row.
    assert set(MATRIX) == command_names()
    assert {n for n in command_names() if COMMANDS[n].group} == set(GROUP)


async def team(joined, chat, **kw) -> dict:
    return {
        "none": chat("nobody", **kw),
        "volunteer": await joined("vol", "volunteer", "Nguyễn Thị Lan", **kw),
        "leader": await joined("lead", "leader", "Trần Văn Hải", **kw),
        "official": await joined("off", "official", "Phạm Văn Xã", **kw),
    }


async def run_matrix(users: dict, table: dict, sessionmaker, chat, in_group=None) -> None:
    for name in sorted(command_names()):
        # A new stranger per command: answers to people who have not joined are rate-limited.
        users["none"] = chat(f"nobody-{name}")
        for role, expected in zip(ROLES, table.get(name, (PRIVATE,) * 4), strict=True):
            user = in_group(users[role]) if in_group else users[role]
            before = await snapshot(sessionmaker)
            await user.say(f"/{name}")
            assert expected in user.text, (name, role, user.text)
            if expected in REFUSALS or expected.startswith("Chỉ tổ trưởng"):
                assert await snapshot(sessionmaker) == before, (name, role)
            await user.say("/huy")


async def test_every_command_by_every_role_in_a_private_chat(joined, chat, sessionmaker):
    users = await team(joined, chat)
    await run_matrix(users, MATRIX, sessionmaker, chat)


async def test_every_command_by_every_role_in_a_group(joined, chat, sessionmaker):
    users = await team(joined, chat)

    def in_group(user):
        return chat(user.user_id, channel=user.channel, chat_id="group-1", chat_kind="group")

    await run_matrix(users, GROUP, sessionmaker, chat, in_group)


# Out of scope: each line is sent by every role of Thôn 2 and of a second commune.
PROBES = [
    ("/start",), ("/trogiup",), ("/cuatoi",), ("/tiendo",), ("/bangxephang",),
    ("/bangxephang thang",), ("/henlai", "1"), ("/sua", "1"), ("/doi",), ("/thanhvien",),
    ("/xoathanhvien", "Nguyen Thi Lan"), ("/xoathanhvien Tran Van Hai",), ("/baocao",),
    ("/muctieu",), ("/caidat",), ("/nhatky",), ("/hodan", "0910000001"),
    ("/hodan", "PA12010000002"), ("/hodan", "Le Van Mot"), ("/ngonngu", "1"), ("/lienket",),
    ("/tatnhac",), ("/batnhac",), ("/lienketnhom",), ("/moi", "1", "1", "1"), ("/web",),
]  # fmt: skip


def test_the_scope_probes_cover_every_command():
    probed = {p[0].split()[0][1:] for p in PROBES}
    assert probed | {"ghinhan"} == command_names()  # /ghinhan: see test_visits_stay_in_scope


async def thon1_activity(joined, chat) -> dict:
    """Thôn 1 of the demo commune logs visits and exports a report."""
    lan = await joined("vol", "volunteer", "Nguyễn Thị Lan")
    for line in ("pa12 01 0000001 dien nuoc", "0910000002 tktt 2"):
        await lan.say(line)
        await lan.say("1")
        assert "Đã lưu" in lan.text or "✅" in lan.text, lan.text
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await leader.say("/baocao")
    return {"lan": lan, "leader": leader}


def texts(replies) -> list[str]:
    out = []
    for reply in replies:
        out.append(reply.text + " ".join(c.label for c in reply.choices))
        if reply.document is not None and str(reply.document.path).endswith(".xlsx"):
            book = load_workbook(reply.document.path, read_only=True)
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    out.extend(str(v) for v in row if v is not None)
    return out


async def probe(user) -> list[str]:
    seen = []
    for lines in PROBES:
        for line in lines:
            seen += texts(await user.say(line))
        seen += texts(await user.say("/huy"))
    return seen


THON1_SECRETS = [f"091{n:07d}" for n in range(1, 11)] + [
    f"PA1201{n:07d}" for n in range(1, 11)
] + ["Nguyễn Thị Lan", "Trần Văn Hải"]  # fmt: skip


async def test_thon_2_never_sees_thon_1_data(joined, joined_at, chat, elsewhere, sessionmaker):
    await thon1_activity(joined, chat)
    users = [
        await joined_at(elsewhere.thon2_invites["volunteer"], "v2", "Đinh Văn Hai"),
        await joined_at(elsewhere.thon2_invites["leader"], "l2", "Mai Thị Hai"),
    ]
    for user in users:
        seen = "\n".join(await probe(user))
        leaked = [s for s in THON1_SECRETS if s in seen]
        assert not leaked, (user.user_id, leaked)
    leader2 = users[1]
    await leader2.say("/sua")
    assert "chưa có lượt ghi" in leader2.text  # Thôn 1's entries are not Thôn 2's to change
    await leader2.say("/doi")
    assert "Mai Thị Hai" in leader2.text and "Nguyễn Thị Lan" not in leader2.text


async def test_another_commune_never_sees_this_one(joined, joined_at, chat, elsewhere):
    await thon1_activity(joined, chat)
    await joined("off", "official", "Phạm Văn Xã")
    secrets = THON1_SECRETS + ["Phạm Văn Xã", "Quảng Trường", "Thôn 1", "Lê Văn Một"]
    for role, name in (("volunteer", "Đinh Văn Ba"), ("leader", "Mai Văn Bốn"),
                       ("official", "Hà Thị Năm")):  # fmt: skip
        user = await joined_at(elsewhere.other_invites[role], f"x-{role}", name)
        seen = "\n".join(await probe(user))
        leaked = [s for s in secrets if s in seen]
        assert not leaked, (role, leaked)
    official = user
    await official.say("/hodan")
    await official.say(elsewhere.other_phone)
    assert "Lò Văn Khác" in official.text  # their own commune's household is found


async def test_sua_cannot_reach_another_villages_entry(joined, joined_at, chat, elsewhere,
                                                      sessionmaker):  # fmt: skip
    # Even a forged button press for an entry that was never offered changes nothing.
    await thon1_activity(joined, chat)
    leader2 = await joined_at(elsewhere.thon2_invites["leader"], "l2", "Mai Thị Hai")
    await leader2.say("pa12 02 0000001 dien")
    await leader2.say("1")
    await leader2.say("/sua")
    offered = leader2.replies[-1]
    assert [c.key for c in offered.choices] != ["v1"]  # Thôn 1's entry is not offered
    before = await snapshot(sessionmaker)
    for forged in ("v1", "h1", f"{offered.version}:9", "999:0"):
        await leader2.send(None, choice=forged)
        assert "đã đóng" in leader2.text or "Vui lòng chọn" in leader2.text, leader2.text
    assert await snapshot(sessionmaker) == before
