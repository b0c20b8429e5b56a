"""Work orders: create them, plan their demand lines and move them through their life.

Every status change is checked against `gates` and `permissions` and logged as a
`WorkOrderEvent` with who and why. Closing is the one change that is not made here:
it goes through `reconciliation.close_work_order`, which runs the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import Asset, DemandLine, DemandSubstitute, User, WorkOrder, WorkOrderEvent
from models._columns import utcnow
from storeroom_tui import catalog, reservations, wip
from storeroom_tui.errors import InvalidTransition, InvalidValue, WorkInProgressOpen
from storeroom_tui.gates import (
    Gate,
    Status,
    parse_status,
    require_gate,
    require_transition,
    transition_action,
)
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import format_qty

WO_TYPES = ("PM", "CM", "EM", "INSP")


def _next_number(session: Session, terminal: str) -> str:
    """WO-000123 on the site database; WO-T2-000123 on a terminal with its own file."""
    key = f"wo_seq:{terminal}"
    current = catalog.get_setting(session, key)
    sequence = int(current) + 1 if current else 1
    catalog.set_setting(session, key, str(sequence))
    prefix = f"WO-{terminal}-" if terminal else "WO-"
    return f"{prefix}{sequence:06d}"


def log_event(
    session: Session,
    actor: Actor,
    work_order: WorkOrder,
    from_status: str | None,
    to_status: str,
    reason: str | None,
) -> None:
    assert work_order.id is not None
    session.add(
        WorkOrderEvent(
            terminal=actor.terminal,
            wo_id=work_order.id,
            from_status=from_status,
            to_status=to_status,
            user_id=actor.user_id,
            reason=reason,
        )
    )
    work_order.updated_at = utcnow()
    session.add(work_order)
    session.flush()


def create_work_order(
    session: Session,
    actor: Actor,
    asset_tag: str,
    title: str,
    wo_type: str = "CM",
    priority: int = 3,
    due_date: date | None = None,
    assignee: str | None = None,
) -> WorkOrder:
    actor.require(Action.CREATE_WO)
    wo_type = wo_type.strip().upper()
    if wo_type not in WO_TYPES:
        raise InvalidValue(f"type {wo_type!r} is not one of: {', '.join(WO_TYPES)}", wo_type)
    if priority not in (1, 2, 3, 4):
        raise InvalidValue(f"priority {priority!r} must be 1 (highest) to 4", priority)
    if not title.strip():
        raise InvalidValue("a work order needs a title", title)
    asset = catalog.find_asset(session, asset_tag)
    assignee_id = catalog.find_user(session, assignee).id if assignee else None
    work_order = WorkOrder(
        terminal=actor.terminal,
        number=_next_number(session, actor.terminal),
        asset_id=asset.id,  # type: ignore[arg-type]
        title=title.strip(),
        wo_type=wo_type,
        priority=priority,
        status=Status.REQUESTED,
        requester_id=actor.user_id,
        assignee_id=assignee_id,
        due_date=due_date,
    )
    session.add(work_order)
    session.flush()
    log_event(session, actor, work_order, None, Status.REQUESTED, "created")
    return work_order


def add_demand_line(
    session: Session,
    actor: Actor,
    work_order: WorkOrder,
    part: str,
    qty: int,
    mandatory: bool = True,
    substitutes: list[str] | tuple[str, ...] = (),
    operation: str | None = None,
) -> DemandLine:
    actor.require(Action.PLAN)
    require_gate(work_order.number, work_order.status, Gate.EDIT_DEMAND)
    item = catalog.find_item(session, part)
    substitute_items = [catalog.find_item(session, code) for code in substitutes]
    if any(s.id == item.id for s in substitute_items):
        raise InvalidValue(f"{item.part_number} cannot be its own substitute", item.part_number)
    line = _new_line(session, actor, work_order, item.id, qty, mandatory, operation)  # type: ignore[arg-type]
    for substitute in substitute_items:
        session.add(DemandSubstitute(demand_line_id=line.id, item_id=substitute.id))  # type: ignore[arg-type]
    session.flush()
    if work_order.status == Status.IN_PROGRESS:
        log_event(
            session,
            actor,
            work_order,
            work_order.status,
            work_order.status,
            f"demand line {line.line_no} added: {format_qty(qty)} {item.part_number}",
        )
    return line


def _new_line(
    session: Session,
    actor: Actor,
    work_order: WorkOrder,
    item_id: int,
    qty: int,
    mandatory: bool = True,
    operation: str | None = None,
    additional: bool = False,
    reason: str | None = None,
) -> DemandLine:
    last = session.execute(
        select(func.max(DemandLine.line_no)).where(DemandLine.wo_id == work_order.id)
    ).scalar_one()
    line = DemandLine(
        terminal=actor.terminal,
        wo_id=work_order.id,  # type: ignore[arg-type]
        line_no=(last or 0) + 1,
        item_id=item_id,
        planned_qty=qty,
        mandatory=mandatory,
        operation=operation,
        additional=additional,
        reason=reason,
    )
    session.add(line)
    session.flush()
    return line


def add_additional_line(
    session: Session, actor: Actor, work_order: WorkOrder, item_id: int, reason: str
) -> DemandLine:
    """An issue beyond plan gets its own line, planned 0, with the reason kept."""
    return _new_line(session, actor, work_order, item_id, 0, False, None, True, reason)


def substitutes_of(session: Session, line_id: int) -> set[int]:
    return set(
        session.execute(
            select(DemandSubstitute.item_id).where(DemandSubstitute.demand_line_id == line_id)
        ).scalars()
    )


def change_status(
    session: Session,
    actor: Actor,
    work_order: WorkOrder,
    to_status: str,
    reason: str | None = None,
    release_reservations: bool = False,
) -> WorkOrder:
    target = parse_status(to_status)
    if target == Status.CLOSED:
        raise InvalidTransition(
            f"{work_order.number} closes only through reconciliation: storeroom wo close "
            f"{work_order.number}",
            target.value,
        )
    actor.require(transition_action(target))
    require_transition(work_order.number, work_order.status, target)
    if target == Status.CANCELLED:
        assert work_order.id is not None
        out = wip.position(session, work_order.id)
        if out.in_wip:
            lines = ", ".join(
                f"line {line.line_no} {line.part} {format_qty(line.in_wip)}"
                for line in out.lines
                if line.in_wip
            )
            raise WorkInProgressOpen(
                f"{work_order.number} cannot be cancelled: parts are in WIP ({lines}); "
                "return them first",
                work_order.number,
            )
    if (
        target in (Status.ON_HOLD, Status.POSTPONED, Status.CANCELLED)
        and not (reason or "").strip()
    ):
        raise InvalidValue(f"putting {work_order.number} {target.value} needs a reason", reason)
    if target == Status.CANCELLED or (target == Status.POSTPONED and release_reservations):
        reservations.release(session, work_order)
    if target == Status.IN_PROGRESS and work_order.actual_start is None:
        work_order.actual_start = utcnow()
    if target == Status.COMPLETED:
        work_order.actual_end = utcnow()
    previous = work_order.status
    work_order.status = target
    log_event(session, actor, work_order, previous, target, reason)
    return work_order


@dataclass(frozen=True, slots=True)
class StatusEvent:
    at: str
    from_status: str | None
    to_status: str
    who: str
    reason: str | None


def history(session: Session, work_order: WorkOrder) -> list[StatusEvent]:
    rows = session.execute(
        select(WorkOrderEvent, User.name)
        .join(User, User.id == WorkOrderEvent.user_id)
        .where(WorkOrderEvent.wo_id == work_order.id)
        .order_by(WorkOrderEvent.id)
    ).all()
    return [
        StatusEvent(e.at.strftime("%Y-%m-%d %H:%M"), e.from_status, e.to_status, name, e.reason)
        for e, name in rows
    ]


def asset_of(session: Session, work_order: WorkOrder) -> Asset:
    asset = session.get(Asset, work_order.asset_id)
    assert asset is not None
    return asset
