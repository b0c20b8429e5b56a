"""What is out on a work order: per demand line and per issue, derived from movements.

Nothing here is stored: the numbers come from the WO's own movements (tens of rows),
so they can never drift from the ledger. Issue, return, write-off and reconciliation
all read the same position.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from models import DemandLine, Item, Movement, MovementKind, Reservation
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui.quantities import value_of


@dataclass(slots=True)
class LinePosition:
    line_id: int
    line_no: int
    item_id: int
    part: str
    description: str
    uom: str
    item_kind: str
    tracking: str
    planned: int
    mandatory: bool
    additional: bool
    reserved: int = 0  # open reservations, not yet supplied
    issued: int = 0
    returned: int = 0
    written_off: int = 0
    cost: int = 0  # cents written off to the WO
    deviations: set[str] = field(default_factory=set)

    @property
    def in_wip(self) -> int:
        return self.issued - self.returned - self.written_off

    @property
    def to_issue(self) -> int:
        return max(self.planned - self.issued, 0)

    @property
    def shortage(self) -> int:
        return max(self.to_issue - self.reserved, 0)


@dataclass(slots=True)
class OutstandingIssue:
    """An issue movement and how much of it is still in WIP."""

    movement_id: int
    line_id: int | None
    item_id: int
    bin_id: int
    lot_id: int | None
    serial_id: int | None
    unit_cost: int
    qty_out: int


@dataclass(slots=True)
class Position:
    lines: list[LinePosition]
    outstanding: list[OutstandingIssue]

    def line_for(self, line_id: int) -> LinePosition:
        return next(line for line in self.lines if line.line_id == line_id)

    @property
    def in_wip(self) -> int:
        return sum(line.in_wip for line in self.lines)

    @property
    def parts_cost(self) -> int:
        return sum(line.cost for line in self.lines)


_OPEN_RESERVED = (
    select(Reservation.demand_line_id, func.sum(Reservation.qty - Reservation.supplied_qty))
    .where(
        Reservation.demand_line_id.in_(bindparam("line_ids", expanding=True)),  # type: ignore[attr-defined]
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
    )
    .group_by(Reservation.demand_line_id)
)


def open_reserved_by_line(session: Session, line_ids: list[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    rows = session.execute(_OPEN_RESERVED, {"line_ids": list(line_ids)}).all()
    return {line_id: int(qty) for line_id, qty in rows}


# built once, and reading plain columns: a post reads the position of its WO, and rows
# cost a fraction of ORM objects (no identity map, no DATETIME parsing)
_LINES = (
    select(
        DemandLine.id,
        DemandLine.line_no,
        Item.id.label("item_id"),  # type: ignore[union-attr]
        Item.part_number,
        Item.description,
        Item.uom,
        Item.kind,
        Item.tracking,
        DemandLine.planned_qty,
        DemandLine.mandatory,
        DemandLine.additional,
    )
    .join(Item, Item.id == DemandLine.item_id)
    .where(DemandLine.wo_id == bindparam("wo_id"))
    .order_by(DemandLine.line_no)
)
_MOVEMENTS = (
    select(
        Movement.id,
        Movement.kind,
        Movement.item_id,
        Movement.qty,
        Movement.from_location_id,
        Movement.lot_id,
        Movement.serial_id,
        Movement.demand_line_id,
        Movement.related_id,
        Movement.reverses_id,
        Movement.unit_cost,
        Movement.deviation,
    )
    .where(Movement.wo_id == bindparam("wo_id"))
    .order_by(Movement.id)
)


def position(session: Session, wo_id: int) -> Position:
    rows = session.execute(_LINES, {"wo_id": wo_id}).all()
    lines = [
        LinePosition(
            line_id=line.id,
            line_no=line.line_no,
            item_id=line.item_id,
            part=line.part_number,
            description=line.description,
            uom=line.uom,
            item_kind=line.kind,
            tracking=line.tracking,
            planned=line.planned_qty,
            mandatory=line.mandatory,
            additional=line.additional,
        )
        for line in rows
    ]
    by_line = {line.line_id: line for line in lines}
    for line_id, qty in open_reserved_by_line(session, list(by_line)).items():
        by_line[line_id].reserved = qty

    movements = session.execute(_MOVEMENTS, {"wo_id": wo_id}).all()
    by_id = {m.id: m for m in movements}
    outstanding: dict[int, OutstandingIssue] = {}

    def apply(m: Movement, sign: int) -> None:
        line = by_line.get(m.demand_line_id) if m.demand_line_id else None
        if m.kind == MovementKind.ISSUE:
            if line:
                line.issued += sign * m.qty
                if m.deviation and sign > 0:
                    line.deviations.add(m.deviation)
            if sign > 0:
                outstanding[m.id] = OutstandingIssue(  # type: ignore[index]
                    m.id,  # type: ignore[arg-type]
                    m.demand_line_id,
                    m.item_id,
                    m.from_location_id,
                    m.lot_id,
                    m.serial_id,
                    m.unit_cost,
                    m.qty,
                )
            else:
                outstanding[m.id].qty_out -= m.qty  # type: ignore[index]
        elif m.kind in (MovementKind.RETURN, MovementKind.WRITE_OFF):
            if line:
                if m.kind == MovementKind.RETURN:
                    line.returned += sign * m.qty
                else:
                    line.written_off += sign * m.qty
                    line.cost += sign * value_of(m.qty, m.unit_cost)
            if m.related_id in outstanding:
                outstanding[m.related_id].qty_out -= sign * m.qty

    for m in movements:
        if m.kind == MovementKind.REVERSAL:
            original = by_id.get(m.reverses_id)
            if original is not None:
                apply(original, -1)
        else:
            apply(m, +1)
    return Position(lines, [o for o in outstanding.values() if o.qty_out > 0])
