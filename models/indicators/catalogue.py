"""The national indicator catalogue and "the indicators of a commune" — the one query every
list of indicators goes through (progress, quick log words, visit buttons, Excel, digests)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.indicators import CommuneIndicator, Indicator, Unit
from models.keys import fold


@dataclass(frozen=True)
class Entry:
    code: str
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str
    unit: Unit
    emoji: str
    # What volunteers type for it besides the code and short names (unaccented).
    words: str = ""


CATALOGUE = [
    Entry(
        "DIEN",
        "Thanh toán tiền điện không dùng tiền mặt",
        "Cashless electricity bill",
        "Điện",
        "Electricity",
        Unit.CUSTOMER_CODE,
        "⚡",
        "tiendien evn",
    ),
    Entry(
        "NUOC",
        "Thanh toán tiền nước không dùng tiền mặt",
        "Cashless water bill",
        "Nước",
        "Water",
        Unit.HOUSEHOLD,
        "💧",
        "tiennuoc",
    ),
    Entry(
        "TKTT",
        "Tài khoản thanh toán",
        "Payment account",
        "Tài khoản thanh toán",
        "Payment account",
        Unit.PERSON,
        "🏦",
        "taikhoan nganhang",
    ),
    Entry(
        "VNEID",
        "Định danh điện tử VNeID mức 2",
        "VNeID level 2",
        "VNeID",
        "VNeID",
        Unit.PERSON,
        "🪪",
        "dinhdanh",
    ),
    Entry(
        "DVC",
        "Tài khoản dịch vụ công trực tuyến",
        "Online public-service account",
        "Dịch vụ công",
        "Public services",
        Unit.PERSON,
        "🏛",
        "dichvucong",
    ),
    Entry(
        "CKS",
        "Chữ ký số",
        "Digital signature",
        "Chữ ký số",
        "Digital signature",
        Unit.PERSON,
        "✍",
        "chukyso",
    ),
    Entry(
        "QR",
        "Thanh toán QR tại cơ sở kinh doanh",
        "QR payment at businesses",
        "QR",
        "QR",
        Unit.BUSINESS,
        "🔳",
        "maqr",
    ),
    Entry(
        "4G",
        "Chuyển đổi thuê bao 2G sang 4G",
        "2G to 4G switch",
        "4G",
        "4G",
        Unit.SUBSCRIBER,
        "📶",
        "doi4g",
    ),
    Entry(
        "ASXH",
        "Nhận lương hưu, trợ cấp qua tài khoản",
        "Pension/allowance to account",
        "An sinh",
        "Allowances",
        Unit.PERSON,
        "💳",
        "ansinh luonghuu trocap",
    ),
    Entry(
        "HOCPHI",
        "Nộp học phí không dùng tiền mặt",
        "Cashless school fees",
        "Học phí",
        "School fees",
        Unit.PERSON,
        "🎓",
        "",
    ),
    Entry(
        "VIENPHI",
        "Thanh toán viện phí không dùng tiền mặt",
        "Cashless hospital fees",
        "Viện phí",
        "Hospital fees",
        Unit.PERSON,
        "🏥",
        "",
    ),
]
BY_CODE = {e.code: e for e in CATALOGUE}


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator as one commune uses it: the plan's name and unit over the catalogue's."""

    id: int
    code: str
    short_vi: str
    short_en: str
    name_vi: str
    name_en: str
    unit: str
    emoji: str
    words: str = ""
    note: str | None = None
    national: bool = True


async def ensure_catalogue(session: AsyncSession) -> dict[str, int]:
    """Insert missing catalogue indicators (and refresh their words); returns code → id."""
    existing = {
        i.code: i for i in (await session.execute(select(Indicator))).scalars() if i.national
    }
    for sort, entry in enumerate(CATALOGUE):
        row = existing.get(entry.code)
        if row is None:
            row = Indicator(
                code=entry.code,
                name_vi=entry.name_vi,
                name_en=entry.name_en,
                short_vi=entry.short_vi,
                short_en=entry.short_en,
                unit=entry.unit,
                emoji=entry.emoji,
                sort=sort,
                words=entry.words,
            )
            session.add(row)
            existing[entry.code] = row
        elif row.words != entry.words:
            row.words = entry.words
    await session.flush()
    return {code: row.id for code, row in existing.items()}


_CATALOGUE_ROWS = select(Indicator).where(Indicator.active.is_(True), Indicator.national.is_(True))


# Per worker: a commune's list by (commune id, catalogue_rev). The database's triggers give a
# commune a new random `catalogue_rev` on every change of what this list reads (migration
# 0008), so a key names one state and an entry is never stale — whichever worker changed it.
_SHARED: dict[tuple[int, int], tuple[IndicatorRow, ...]] = {}
_SHARED_MAX = 2048


def note_rev(session: AsyncSession, commune_id: int, rev: int | None) -> None:
    """The turn read the commune's `catalogue_rev` with its member (bot/bookkeeping.py):
    `commune_indicators` may then answer from the worker's cache without a statement."""
    if rev is not None:
        session.info["catalogue_rev"] = (commune_id, rev)


async def commune_indicators(session: AsyncSession, commune_id: int) -> list[IndicatorRow]:
    """The indicators of a commune, in its plan's order, with its plan's names and units.

    A commune whose plan names none (the demo, a commune made by hand) uses the whole active
    national catalogue. Read at most once per transaction (a visit turn asks 2–4 times), and
    not at all in a turn whose commune's list this worker already holds (`note_rev`)."""
    noted = session.info.get("catalogue_rev")
    shared = noted if noted is not None and noted[0] == commune_id else None
    if shared is not None and shared in _SHARED:
        return list(_SHARED[shared])
    transaction = session.get_transaction()
    cache = session.info.setdefault("commune_indicators", {})
    hit = cache.get(commune_id)
    if hit is not None and transaction is not None and hit[0] is transaction:
        return list(hit[1])
    chosen = (
        await session.execute(
            select(CommuneIndicator, Indicator)
            .join(Indicator, Indicator.id == CommuneIndicator.indicator_id)
            .where(CommuneIndicator.commune_id == commune_id, Indicator.active.is_(True))
            .order_by(CommuneIndicator.sort, Indicator.sort)
        )
    ).all()
    if chosen:
        rows = [_row(ind, link) for link, ind in chosen]
    else:
        found = await session.execute(_CATALOGUE_ROWS.order_by(Indicator.sort))
        rows = [_row(ind, None) for ind in found.scalars()]
    cache[commune_id] = (transaction, rows)
    if shared is not None:
        # Read after the key was: at least as new as the state the key names, never older.
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED[shared] = tuple(rows)
    return list(rows)


def as_row(ind: Indicator) -> IndicatorRow:
    """A catalogue row as it reads without any commune's wording."""
    return _row(ind, None)


def _row(ind: Indicator, link: CommuneIndicator | None) -> IndicatorRow:
    name = link.name if link is not None and link.name else None
    unit = link.unit if link is not None and link.unit else ind.unit
    return IndicatorRow(
        id=ind.id,
        code=ind.code,
        short_vi=ind.short_vi,
        short_en=ind.short_en,
        name_vi=name or ind.name_vi,
        name_en=ind.name_en,
        unit=unit,
        emoji=ind.emoji,
        words=ind.words,
        note=link.note if link is not None else None,
        national=ind.national,
    )


def forget(session: AsyncSession) -> None:
    """After changing a commune's indicators: read them again in this transaction (the key
    noted at the turn's start names the state before the change)."""
    session.info.pop("commune_indicators", None)
    session.info.pop("catalogue_rev", None)


def find_in(rows: list[IndicatorRow], text: str) -> IndicatorRow | None:
    """The commune's indicator named by a code, a short name or one of its words."""
    key = fold(text)
    for row in rows:
        if key in aliases(row):
            return row
    return None


def aliases(ind: IndicatorRow) -> set[str]:
    """Words that name an indicator, unaccented: its code, short names and typed words."""
    words = {fold(ind.code), fold(ind.short_vi), fold(ind.short_en)}
    words.update(fold(w) for w in ind.words.split())
    return words
