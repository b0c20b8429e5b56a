"""Read-only probes the service tests use to see what moved: counts, balances, places."""

from __future__ import annotations

from sqlalchemy import select

from models import Balance, Location, Lot, Movement, Serial
from storeroom_tui import catalog


def movement_count(store) -> int:
    return store.read(lambda session: catalog.count_rows(session, Movement))


def balances(store) -> dict[tuple[int, int, int, int], int]:
    def rows(session):
        return {
            (b.item_id, b.location_id, b.lot_id, b.serial_id): b.qty
            for b in session.execute(select(Balance)).scalars()
        }

    return store.read(rows)


def where_is(store, part: str) -> dict[tuple[str, str | None], int]:
    """Non-zero quantities of `part` per physical place and lot or serial."""

    def rows(session):
        item = catalog.find_item(session, part)
        found = session.execute(
            select(Location.code, Lot.lot_no, Serial.serial_no, Balance.qty)
            .join(Location, Location.id == Balance.location_id)
            .outerjoin(Lot, Lot.id == Balance.lot_id)
            .outerjoin(Serial, Serial.id == Balance.serial_id)
            .where(Balance.item_id == item.id, Balance.qty != 0, Location.physical.is_(True))
        ).all()
        return {(code, lot or serial): qty for code, lot, serial, qty in found}

    return store.read(rows)
