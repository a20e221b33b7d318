"""Each commune sees its own indicators: the plan's set, order, names and units."""

from models.communes import AreaKind, Commune, CommuneKind
from models.indicators import CommuneIndicator, Indicator, Unit
from models.indicators.catalogue import CATALOGUE, commune_indicators, ensure_catalogue, find_in
from models.keys import fold
from models.places import area_kind, area_name, commune_kind


async def _commune(session, name: str) -> int:
    row = Commune(name=name, name_key=fold(name), settings={})
    session.add(row)
    await session.flush()
    return row.id


async def test_commune_without_a_plan_uses_the_national_catalogue(sessionmaker):
    async with sessionmaker() as session, session.begin():
        await ensure_catalogue(session)
        commune_id = await _commune(session, "Quảng Lạc")
        rows = await commune_indicators(session, commune_id)
    assert [r.code for r in rows] == [e.code for e in CATALOGUE]
    assert {"HOCPHI", "VIENPHI"} <= {r.code for r in rows}


async def test_each_commune_sees_its_own_set_in_plan_order(sessionmaker):
    async with sessionmaker() as session, session.begin():
        ids = await ensure_catalogue(session)
        lac = await _commune(session, "Quảng Lạc")
        other = await _commune(session, "Ngọc Trạo")
        wallet = Indicator(
            code="VTMONEY",
            name_vi="Tài khoản Viettel Money",
            name_en="Viettel Money account",
            short_vi="Viettel Money",
            short_en="Viettel Money",
            unit=Unit.HOUSEHOLD,
            national=False,
            words="viettelmoney",
        )
        session.add(wallet)
        await session.flush()
        for sort, (indicator_id, name, unit) in enumerate(
            [
                (wallet.id, None, None),
                (ids["4G"], "Hộ dùng 2G chuyển sang 4G", Unit.HOUSEHOLD),
                (ids["QR"], None, None),
            ]
        ):
            session.add(
                CommuneIndicator(
                    commune_id=lac, indicator_id=indicator_id, sort=sort, name=name, unit=unit
                )
            )
        await session.flush()
        mine = await commune_indicators(session, lac)
        theirs = await commune_indicators(session, other)
    assert [r.code for r in mine] == ["VTMONEY", "4G", "QR"]
    four_g = mine[1]
    assert four_g.unit == Unit.HOUSEHOLD and four_g.name_vi == "Hộ dùng 2G chuyển sang 4G"
    assert find_in(mine, "viettelmoney").code == "VTMONEY"
    assert find_in(mine, "Điện") is None  # not in this commune's plan
    assert "VTMONEY" not in {r.code for r in theirs}
    assert next(r for r in theirs if r.code == "4G").unit == Unit.SUBSCRIBER


def test_area_names_read_with_their_own_kind():
    assert area_name("1") == "Thôn 1"
    assert area_name("Đức Phổ", AreaKind.CHO) == "Chợ Đức Phổ"
    assert area_name("Chợ Đức Phổ", AreaKind.CHO) == "Chợ Đức Phổ"
    assert area_name("chợ Đức Phổ", AreaKind.THON) == "Chợ Đức Phổ"
    assert area_name("Đường Nguyễn Nghiêm", AreaKind.TUYEN_PHO) == "Đường Nguyễn Nghiêm"
    assert area_name("Nà Phia", AreaKind.BAN) == "Bản Nà Phia"
    assert area_name("Bàn Thạch") == "Thôn Bàn Thạch"
    assert area_kind("Chợ") == AreaKind.CHO and area_kind("") == AreaKind.THON
    assert area_kind("tuyen pho") == AreaKind.TUYEN_PHO and area_kind("kho") is None
    assert commune_kind("Thị xã") == CommuneKind.THI_XA and commune_kind("") == CommuneKind.XA
