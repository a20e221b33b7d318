"""An official exports or erases one household's data; every step is in the audit log."""

from datetime import timedelta

from sqlalchemy import func, select

from models import AuditEntry, Conversion, Household, Indicator, Member, Visit


async def seed_visit(sessionmaker, clock, files_dir) -> int:
    """One visit with a note and a photo, and one conversion, at Lê Văn Một's."""
    async with sessionmaker() as session, session.begin():
        home = (
            (await session.execute(select(Household).where(Household.head_name == "Lê Văn Một")))
            .scalars()
            .first()
        )
        volunteer = (await session.execute(select(Member).limit(1))).scalar_one()
        dien = await session.scalar(select(Indicator.id).where(Indicator.code == "DIEN"))
        visit = Visit(
            member_id=volunteer.id,
            household_id=home.id,
            village_id=home.village_id,
            commune_id=home.commune_id,
            at=clock.now - timedelta(hours=1),
            note="Cụ bà ở một mình, hay quên mật khẩu",
            photo_ref="visits/1.jpg",
        )
        session.add(visit)
        await session.flush()
        session.add(
            Conversion(
                household_id=home.id,
                indicator_id=dien,
                member_id=volunteer.id,
                visit_id=visit.id,
                village_id=home.village_id,
                commune_id=home.commune_id,
                at=visit.at,
            )
        )
    (files_dir / "visits").mkdir(parents=True)
    (files_dir / "visits" / "1.jpg").write_bytes(b"jpeg")
    return home.id


async def test_official_exports_one_household(joined, sessionmaker, clock, pipeline):
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    official = await joined("off", "official", "Phạm Văn Xã")
    home_id = await seed_visit(sessionmaker, clock, pipeline.files_dir)
    await official.say("/hodan PA12 0100 00001")
    assert "Lê Văn Một" in official.text and "Anh/chị muốn làm gì?" in official.text
    await official.say("1")
    text = official.text
    assert f"Dữ liệu đang lưu về hộ #{home_id}" in text
    assert "Điện thoại: 0910000001" in text and "Mã khách hàng: PA12010000001" in text
    assert "Lượt thăm: 1" in text and "Nguyễn Thị Lan, gặp, đã hướng dẫn" in text
    assert "hay quên mật khẩu (có ảnh)" in text and "— ⚡ Điện" in text
    async with sessionmaker() as session:
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert (entry.action, entry.entity_id, entry.at) == ("household_export", home_id, clock.now)
    await official.say("/nhatky")
    assert "Phạm Văn Xã: xem dữ liệu hộ #" in official.text
    assert "0910000001" not in official.text and "Lê Văn Một" not in official.text


async def test_erase_keeps_counts_and_removes_personal_data(joined, sessionmaker, clock, pipeline):
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    official = await joined("off", "official", "Phạm Văn Xã")
    home_id = await seed_visit(sessionmaker, clock, pipeline.files_dir)
    await official.say("/hodan")
    await official.say("le van mot")
    assert "Hộ nào?" in official.text  # one Lê Văn Một in each of the four villages
    await official.say("1")
    await official.say("xoa du lieu ca nhan")
    assert "Không khôi phục được" in official.text
    await official.say("1")
    assert "Đã xóa dữ liệu cá nhân" in official.text
    async with sessionmaker() as session:
        home = await session.get(Household, home_id)
        visit = (await session.execute(select(Visit))).scalar_one()
        conversions = await session.scalar(select(func.count()).select_from(Conversion))
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert (home.head_name, home.phone, home.customer_code, home.house_number) == (None,) * 4
    assert home.name_key == "" and home.erased_at == clock.now
    assert (visit.note, visit.photo_ref) == (None, None)
    assert conversions == 1
    assert not (pipeline.files_dir / "visits" / "1.jpg").exists()
    assert actions == ["household_erase"]
    # Erased households cannot be found again by their old code.
    await official.say("/hodan PA12010000001")
    assert "Không tìm thấy hộ nào" in official.text


async def test_household_data_is_for_officials_only(joined):
    leader = await joined("lead", "leader", "Trần Văn Hải")
    await leader.say("/hodan 0910000001")
    assert "không dành cho vai trò" in leader.text
    await leader.say("/nhatky")
    assert "không dành cho vai trò" in leader.text


async def test_wildcards_and_garbage_find_nothing(joined, sessionmaker):
    official = await joined("off", "official", "Phạm Văn Xã")
    for query in ("%", "_ _", "' OR 1=1 --", "x" * 500):
        await official.say(f"/hodan {query}")
        assert "Không tìm thấy hộ nào" in official.text, query
    await official.say("/huy")
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_empty_audit_log(joined):
    official = await joined("off", "official", "Phạm Văn Xã")
    await official.say("/nhatky")
    assert "Nhật ký chưa có gì" in official.text


async def test_no_household_data_in_logs_even_at_debug(
    joined, sessionmaker, clock, pipeline, caplog
):
    import logging

    from bot.logs import quiet_noisy_loggers

    quiet_noisy_loggers()  # what `cdsbot run` does even with LOG_LEVEL=DEBUG
    caplog.set_level(logging.DEBUG)
    await joined("lan", "volunteer", "Nguyễn Thị Lan")
    official = await joined("off", "official", "Phạm Văn Xã")
    await seed_visit(sessionmaker, clock, pipeline.files_dir)
    for message in ("/hodan 0910000001", "1", "/hodan le van mot", "1", "2", "1", "/nhatky"):
        await official.say(message)
    await official.say("/xoathanhvien")
    await official.say("1")
    await official.say("1")
    await official.send("/nhatky", message_id="twice")
    await official.send("/nhatky", message_id="twice")
    async with sessionmaker() as session:
        homes = (await session.execute(select(Household))).scalars().all()
    secrets_ = {"hay quên mật khẩu", "Lê Văn Một", "le van mot", "PA12010000001"}
    secrets_ |= {h.phone for h in homes if h.phone} | {
        h.customer_code for h in homes if h.customer_code
    }
    logged = caplog.text
    assert "duplicate console/twice ignored" in logged  # the capture works
    assert [s for s in secrets_ if s in logged] == []


async def test_personal_data_commands_are_refused_in_groups(joined, chat, sessionmaker):
    await joined("off", "official", "Phạm Văn Xã")
    group = chat("off", chat_id="group-thon-1", chat_kind="group")
    for command in ("/hodan 0910000001", "/nhatky", "/thanhvien", "/xoathanhvien"):
        await group.say(command)
        assert group.text == "Vui lòng dùng lệnh này trong tin nhắn riêng với trợ lý."
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
