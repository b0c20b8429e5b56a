"""Count adjustment: what was counted in a bin becomes a movement to or from ADJUSTMENT.

A count never edits a balance. The difference between the counted quantity and what the
ledger holds in that bin (for that lot) is posted - bin → ADJUSTMENT when short,
ADJUSTMENT → bin when over - by a user allowed to adjust stock, at the item's moving
average. A count can leave an item below its min, so the reorder check runs after it,
as after an issue (issue 6).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, select

from models.catalog import Item, Location, LocationKind
from models.ledger import Balance, Lot, MovementKind
from storeroom_tui import catalog, ledger, replenishment
from storeroom_tui.errors import InvalidValue, LotRequired, UnknownLot
from storeroom_tui.ledger import MovementSpec, Posting
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import format_qty


@dataclass(frozen=True, slots=True)
class CountResult:
    part: str
    uom: str
    bin: str
    lot: str | None
    counted: int  # thousandths
    on_hand: int  # what the ledger held before the count
    posting: Posting | None  # None when the count matched

    @property
    def difference(self) -> int:
        return self.counted - self.on_hand

    def describe(self) -> str:
        where = f"{self.part} in {self.bin}" + (f" lot {self.lot}" if self.lot else "")
        if self.posting is None:
            return f"count of {where}: {format_qty(self.counted)} {self.uom}, as the ledger holds"
        change = f"{'+' if self.difference > 0 else '-'}{format_qty(abs(self.difference))}"
        return (
            f"count of {where}: {format_qty(self.counted)} {self.uom} counted, "
            f"{format_qty(self.on_hand)} {self.uom} held; {change} {self.uom} posted to the ledger"
        )


def _held(session: Session, item: Item, place: Location, lot: Lot | None) -> int:
    held = session.exec(
        select(Balance.qty).where(
            Balance.item_id == item.id,
            Balance.location_id == place.id,
            Balance.lot_id == (lot.id if lot else 0),
            Balance.serial_id == 0,
        )
    ).first()
    return int(held or 0)


def count_adjust(
    session: Session,
    actor: Actor,
    part: str,
    bin_code: str,
    counted: int,
    lot_no: str | None = None,
    key: str | None = None,
    reason: str | None = None,
) -> CountResult:
    """Post the difference between `counted` and the ledger's quantity in the bin."""
    actor.require(Action.ADJUST)
    key = ledger.check_key(key)
    item = catalog.find_item(session, part)
    place = catalog.find_bin(session, bin_code)
    if counted < 0:
        raise InvalidValue(f"counted quantity {format_qty(counted)} cannot be negative", counted)
    if ledger.needs_serial(item):
        raise InvalidValue(
            f"{item.part_number} is serialised: count it serial by serial (return or receive "
            "each unit), not as a quantity",
            item.part_number,
        )
    lot: Lot | None = None
    if item.tracking == "lot":
        if not lot_no:
            raise LotRequired(f"{item.part_number} is lot-tracked: name the counted lot", part)
        lot = catalog.find_lot(session, item, lot_no)
        if lot is None:
            raise UnknownLot(f"no lot {lot_no!r} of {item.part_number}", lot_no)
    if (earlier := ledger.replay(session, key)) is not None:
        # the same count sent twice: what it found then, from what it posted
        delta = sum(m.qty if m.target == place.code else -m.qty for m in earlier.movements)
        return CountResult(
            item.part_number, item.uom, place.code, lot_no, counted, counted - delta, earlier
        )
    on_hand = _held(session, item, place, lot)
    result = CountResult(
        item.part_number, item.uom, place.code, lot.lot_no if lot else None, counted, on_hand, None
    )
    if counted == on_hand:
        return result
    adjustment = catalog.virtual_location(session, LocationKind.ADJUSTMENT)
    short = counted < on_hand
    spec = MovementSpec(
        MovementKind.ADJUST,
        item,
        abs(counted - on_hand),
        place if short else adjustment,
        adjustment if short else place,
        lot,
        unit_cost=item.avg_cost,
        reason=reason or "count",
    )
    posting = ledger.posted(session, key, ledger.post(session, actor, key, [spec]))
    assert item.id is not None
    replenishment.check_reorder(session, actor, item.id)
    return replace(result, posting=posting)
