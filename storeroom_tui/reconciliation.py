"""Reconciliation at closure: every unit that left a bin is accounted for.

A WO closes only when nothing remains in WIP: each issued unit is written off as used
or returned with a condition, tools all back. Closing releases open reservations and
freezes the WO's cost (parts + labour + contractor, see `costs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models._columns import utcnow
from storeroom_tui import catalog, costs, invoicing, reservations, wip, workorders
from storeroom_tui.errors import WorkOrderNotReconciled
from storeroom_tui.gates import Status, require_transition
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import format_qty
from storeroom_tui.wip import LinePosition


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason a WO cannot close yet."""

    line_no: int
    part: str
    in_wip: int
    is_tool: bool

    def describe(self) -> str:
        what = "must come back (tool)" if self.is_tool else "return or write off"
        return f"line {self.line_no} {self.part}: {format_qty(self.in_wip)} in WIP, {what}"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    number: str
    status: str
    lines: list[LinePosition]
    blockers: list[Blocker]
    parts_cost: int

    @property
    def can_close(self) -> bool:
        return self.status == Status.COMPLETED and not self.blockers

    @property
    def deviations(self) -> list[LinePosition]:
        """Lines where what was used differs from what was planned (tools come back by
        rule, so a returned tool is no deviation)."""
        return [
            line
            for line in self.lines
            if line.item_kind != "tool" and line.issued - line.returned != line.planned
        ]


def reconcile(session: Session, wo_number: str) -> Reconciliation:
    work_order = catalog.find_work_order(session, wo_number)
    assert work_order.id is not None
    position = wip.position(session, work_order.id)
    blockers = [
        Blocker(line.line_no, line.part, line.in_wip, line.item_kind == "tool")
        for line in position.lines
        if line.in_wip
    ]
    return Reconciliation(
        work_order.number,
        work_order.status,
        position.lines,
        blockers,
        # write-offs at their issue cost, plus accepted invoice price differences on parts
        # bought for this WO: the parts cost as paid (see `invoicing`)
        position.parts_cost + invoicing.price_variance_of(session, work_order.id),
    )


def close_work_order(
    session: Session, actor: Actor, wo_number: str, reason: str | None = None
) -> Reconciliation:
    actor.require(Action.CLOSE)
    work_order = catalog.find_work_order(session, wo_number)
    require_transition(work_order.number, work_order.status, Status.CLOSED)
    summary = reconcile(session, work_order.number)
    if summary.blockers:
        raise WorkOrderNotReconciled(
            f"{work_order.number} cannot close: "
            + "; ".join(blocker.describe() for blocker in summary.blockers),
            [blocker.describe() for blocker in summary.blockers],
        )
    reservations.release(session, work_order)
    work_order.parts_cost = summary.parts_cost
    work_order.closed_at = utcnow()
    # parts + labour + contractor, frozen and rolled up the asset's hierarchy once
    costs.freeze_work_order_cost(session, work_order, summary.parts_cost)
    previous = work_order.status
    work_order.status = Status.CLOSED
    workorders.log_event(
        session, actor, work_order, previous, Status.CLOSED, reason or "reconciled"
    )
    return reconcile(session, work_order.number)


def complete_work_order(
    session: Session, actor: Actor, wo_number: str, reason: str | None = None
) -> Reconciliation:
    """Mark the work done (in_progress -> completed), the step before closing."""
    work_order = catalog.find_work_order(session, wo_number)
    workorders.change_status(session, actor, work_order, Status.COMPLETED, reason or "work done")
    return reconcile(session, work_order.number)
