"""Finding a household by customer code, phone, house number + hamlet group, or name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import Village
from models.household import Household
from models.keys import fold, normalize_customer_code, normalize_phone

MAX_CANDIDATES = 5
# Small typos ("Nguyen Van Baa") still match; unrelated names do not.
NAME_RATIO = 0.8
NEAR_DUPLICATE = 0.85
# "so 12 xom 3", "so nha 12 xom 3", "12 x3", "xom 3" (house number optional).
ADDRESS = re.compile(
    r"^(?:so(?: nha)?\s*|nha\s*)?(?P<house>\d+[a-z]?(?:/\d+)?)?\s*"
    r"(?:(?:xom|to)(?:\s+|(?=\d))|x\.?\s*(?=\d))(?P<hamlet>\w+)$"
)
# A bare house number: "12", "so 12", "12a", "12/3".
HOUSE = re.compile(r"^(?:so(?: nha)?\s*|nha\s*)?(?P<house>\d+[a-z]?(?:/\d+)?)$")


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    village_id: int
    village_name: str
    head_name: str
    house_number: str | None
    hamlet: str | None
    phone: str | None
    customer_code: str | None


@dataclass(frozen=True)
class Search:
    """What the typed key looked like, its normalised value, and the households it found."""

    kind: str  # "code" | "phone" | "address" | "name"
    value: str
    rows: tuple[HouseholdRow, ...]
    house: str | None = None
    hamlet: str | None = None


def parse_address(text: str) -> tuple[str | None, str] | None:
    match = ADDRESS.match(fold(text))
    if match is None:
        return None
    return match["house"], match["hamlet"]


def parse_house(text: str) -> str | None:
    match = HOUSE.match(fold(text))
    return match["house"] if match else None


def _select():
    return select(Household, Village.name).join(Village, Village.id == Household.village_id)


def _row(household: Household, village_name: str) -> HouseholdRow:
    return HouseholdRow(
        id=household.id,
        village_id=household.village_id,
        village_name=village_name,
        head_name=household.head_name or "—",
        house_number=household.house_number,
        hamlet=household.hamlet,
        phone=household.phone,
        customer_code=household.customer_code,
    )


async def get_household(session: AsyncSession, *, household_id: int) -> HouseholdRow | None:
    found = (await session.execute(_select().where(Household.id == household_id))).first()
    return _row(*found) if found else None


async def household_and_row(
    session: AsyncSession, *, household_id: int
) -> tuple[Household, HouseholdRow]:
    """The household (in the session, to write with) and its row, in one read."""
    household, village_name = (
        await session.execute(_select().where(Household.id == household_id))
    ).one()
    return household, _row(household, village_name)


async def by_key(
    session: AsyncSession, *, commune_id: int, code: str | None = None, phone: str | None = None
) -> HouseholdRow | None:
    """The same customer code or phone anywhere in the commune is the same household."""
    stmt = _select().where(Household.commune_id == commune_id, Household.erased_at.is_(None))
    if code:
        stmt = stmt.where(Household.customer_code == code)
    elif phone:
        stmt = stmt.where(Household.phone == phone)
    else:
        return None
    found = (await session.execute(stmt.order_by(Household.id))).first()
    return _row(*found) if found else None


async def _in_village(session: AsyncSession, village_id: int) -> list[HouseholdRow]:
    stmt = _select().where(Household.village_id == village_id, Household.erased_at.is_(None))
    return [_row(*r) for r in (await session.execute(stmt.order_by(Household.id))).all()]


def name_score(typed: str, name: str) -> float:
    return _score(fold(typed), fold(name))


def _score(typed: str, key: str) -> float:
    """Both folded. A whole-word part scores 0.95; otherwise the similarity of the whole name,
    capped by the given name's: family and middle names are shared by half the village."""
    if typed == key:
        return 1.0
    if typed and f" {typed} " in f" {key} ":
        return 0.95
    whole = fuzz.ratio(typed, key) / 100
    given = fuzz.ratio(_given(typed), _given(key)) / 100
    return min(whole, given + 0.2)


def _given(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def rank_by_name(typed: str, keys: Sequence[str]) -> list[int]:
    """Indexes of the best keys (folded names) for a typed name, best first, at most five.

    A name scores at most its whole-name similarity, so rapidfuzz's C loop over the village
    leaves only near names to score in Python; whole-word parts ("hai" in "tran thi hai") are
    found with one search through all the names joined."""
    typed = fold(typed)
    if not typed:
        return []
    found: dict[int, float] = {}
    near = process.extract(
        typed, keys, scorer=fuzz.ratio, score_cutoff=NAME_RATIO * 100, limit=None
    )
    for _, _, index in near:
        score = _score(typed, keys[index])
        if score >= NAME_RATIO:
            found[index] = score
    blob = "\n " + " \n ".join(keys) + " \n"
    for match in re.finditer(re.escape(f" {typed} "), blob):
        index = blob.count("\n", 0, match.start() + 1) - 1
        found[index] = 1.0 if keys[index] == typed else 0.95
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return [index for index, _ in ranked[:MAX_CANDIDATES]]


def _same_place(row: HouseholdRow, house: str | None, hamlet: str) -> bool:
    if fold(row.hamlet or "") != fold(hamlet):
        return False
    return house is None or fold(row.house_number or "") == fold(house)


async def search_households(
    session: AsyncSession, *, commune_id: int, village_id: int, text: str
) -> Search:
    """Code and phone search the whole commune; address and name search the village."""
    code = normalize_customer_code(text)
    if code:
        row = await by_key(session, commune_id=commune_id, code=code)
        return Search("code", code, (row,) if row else ())
    phone = normalize_phone(text)
    if phone:
        row = await by_key(session, commune_id=commune_id, phone=phone)
        return Search("phone", phone, (row,) if row else ())
    address = parse_address(text)
    if address:
        rows = await _in_village(session, village_id)
        house, hamlet = address
        found = [r for r in rows if _same_place(r, house, hamlet)][:MAX_CANDIDATES]
        return Search("address", text, tuple(found), house=house, hamlet=hamlet)
    return Search("name", " ".join(text.split()), tuple(await _by_name(session, village_id, text)))


async def _by_name(session: AsyncSession, village_id: int, typed: str) -> list[HouseholdRow]:
    """Only the stored folded names are read for the whole village; whole rows for the best."""
    stmt = (
        select(Household.id, Household.name_key, Household.head_name)
        .where(Household.village_id == village_id, Household.erased_at.is_(None))
        .order_by(Household.id)
    )
    names = (await session.execute(stmt)).all()
    keys = [key or fold(name or "") for _, key, name in names]
    ids = [names[index][0] for index in rank_by_name(typed, keys)]
    if not ids:
        return []
    found = await session.execute(_select().where(Household.id.in_(ids)))
    by_id = {h.id: _row(h, village) for h, village in found.all()}
    return [by_id[i] for i in ids]


async def near_duplicates(
    session: AsyncSession, *, village_id: int, name: str, house: str | None
) -> list[HouseholdRow]:
    """Households at the same house number with a near-identical head name."""
    if not house:
        return []
    rows = await _in_village(session, village_id)
    return [
        r
        for r in rows
        if fold(r.house_number or "") == fold(house)
        and name_score(name, r.head_name) >= NEAR_DUPLICATE
    ][:MAX_CANDIDATES]


async def create_household(
    session: AsyncSession,
    *,
    commune_id: int,
    village_id: int,
    name: str,
    house: str | None,
    hamlet: str | None,
    phone: str | None,
    code: str | None,
    member_id: int,
) -> int:
    household = Household(
        commune_id=commune_id,
        village_id=village_id,
        head_name=name,
        name_key=fold(name),
        house_number=house,
        hamlet=hamlet,
        phone=phone,
        customer_code=code,
        created_by=member_id,
    )
    session.add(household)
    await session.flush()
    return household.id
