"""A work order's pick list: what is still to issue per line, and where to take it from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models import Location, Lot
from storeroom_tui import catalog, reservations, wip, workorders
from storeroom_tui.gates import Gate, allows


@dataclass(frozen=True, slots=True)
class PickLine:
    line_no: int
    part: str
    description: str
    uom: str
    tracking: str
    item_kind: str
    planned: int
    reserved: int
    issued: int
    returned: int
    in_wip: int
    to_issue: int
    suggested_bin: str | None
    suggested_lot: str | None
    additional: bool


@dataclass(frozen=True, slots=True)
class PickList:
    number: str
    title: str
    status: str
    asset: str
    asset_name: str
    can_issue: bool
    can_return: bool
    lines: list[PickLine]

    @property
    def open_lines(self) -> int:
        return sum(1 for line in self.lines if line.to_issue)


def _suggestion(session: Session, line: wip.LinePosition) -> tuple[str | None, str | None]:
    """The line's own reservation first, else the first free source (first expiry)."""
    for reservation in reservations.open_reservations(session, line.line_id):
        location = session.get(Location, reservation.location_id)
        lot = session.get(Lot, reservation.lot_id) if reservation.lot_id else None
        return (location.code if location else None, lot.lot_no if lot else None)
    for source in reservations.sources(session, line.item_id, exclude_line_id=line.line_id):
        if source.free > 0:
            return source.location_code, source.lot_no
    return None, None


def pick_list(session: Session, wo_number: str) -> PickList:
    work_order = catalog.find_work_order(session, wo_number)
    assert work_order.id is not None
    asset = workorders.asset_of(session, work_order)
    lines = []
    for line in wip.position(session, work_order.id).lines:
        suggested_bin, suggested_lot = _suggestion(session, line) if line.to_issue else (None, None)
        lines.append(
            PickLine(
                line.line_no,
                line.part,
                line.description,
                line.uom,
                line.tracking,
                line.item_kind,
                line.planned,
                line.reserved,
                line.issued,
                line.returned,
                line.in_wip,
                line.to_issue,
                suggested_bin,
                suggested_lot,
                line.additional,
            )
        )
    return PickList(
        work_order.number,
        work_order.title,
        work_order.status,
        asset.tag,
        asset.name,
        allows(work_order.status, Gate.ISSUE),
        allows(work_order.status, Gate.RETURN),
        lines,
    )
