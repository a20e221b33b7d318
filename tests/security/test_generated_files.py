"""Report and chart files expire with their links; erasing a household deletes workbooks naming it."""

import os
import random
from datetime import timedelta

from openpyxl import load_workbook

from bot.scheduler import JobScheduler
from tests.conftest import TZ


def names(path) -> set[str]:
    wb = load_workbook(path, read_only=True)
    return {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}


async def files_made_through_chat(joined, clock):
    lan = await joined("lan")
    await lan.say("0910000002 vneid 3")
    await lan.say("1")
    assert "✅ Đã lưu" in lan.text, lan.text
    clock.advance(minutes=5)
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/baocao thang 11/2026")
    november = chi.replies[0].document.path
    await chi.say("/baocao thang 10/2026")
    october = chi.replies[0].document.path
    await chi.say("/tiendo bieudo")
    chart = next(r.image.path for r in chi.replies if r.image)
    assert "Trần Thị Hai" in names(november) and "Trần Thị Hai" not in names(october)
    return chi, november, october, chart


async def test_erasure_deletes_the_workbooks_that_name_the_household(joined, clock, pipeline):
    chi, november, october, chart = await files_made_through_chat(joined, clock)
    photo = pipeline.files_dir / "visits" / "7.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"jpg")
    for step in ("/hodan 0910000002", "2", "1"):
        await chi.say(step)
    assert "Đã xóa dữ liệu cá nhân" in chi.text, chi.text
    assert not november.exists()
    assert october.exists() and chart.exists() and photo.exists()


async def test_the_leaders_housekeeping_deletes_expired_files(
    joined, clock, pipeline, sessionmaker, engine
):
    _, november, october, chart = await files_made_through_chat(joined, clock)
    photo = pipeline.files_dir / "visits" / "7.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"jpg")
    now = clock.now.timestamp()
    hours = 24
    # Link valid 24 h + 1 h margin: 26 h old goes, 24,5 h old stays until the margin is over.
    for path, age in ((november, 26), (chart, 26), (october, 24.5), (photo, 400)):
        os.utime(path, (now - age * 3600, now - age * 3600))
    sched = JobScheduler(
        sessionmaker, engine, tz=TZ, grace=timedelta(hours=2), clock=clock,
        lock_key=random.randint(1, 2**40), files_dir=pipeline.files_dir, file_hours=hours,
    )  # fmt: skip
    try:
        await sched.tick()
        assert sched.leading
        assert not november.exists() and not chart.exists()
        assert october.exists() and photo.exists()
        clock.advance(hours=1, minutes=1)  # the next hourly round
        await sched.tick()
        assert not october.exists() and photo.exists()
    finally:
        await sched.stop()
