"""A small fixed plant with known costs, for the cost and report tests (figures worked out
by hand in the docstring of `build`, and written as numbers in the tests, never
recomputed by the code under test).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from models import Item, Movement, MovementKind, Reservation, WorkOrder, WorkOrderCost
from models._columns import utcnow
from storeroom_tui import catalog, costs, counter, ledger, reservations, workorders
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.reconciliation import close_work_order, complete_work_order
from storeroom_tui.service import Storeroom


@dataclass
class CostPlant:
    store: Storeroom
    now: datetime
    wo: dict[str, str]  # WO-1 ... WO-6 -> its number


def _new_wo(
    store: Storeroom,
    tag: str,
    title: str,
    wo_type: str,
    lines: dict[str, str],
    assignee: str | None,
    status: str,
) -> str:
    def make(session, actor):  # noqa: ANN001, ANN202
        work_order = workorders.create_work_order(
            session, actor, tag, title, wo_type=wo_type, assignee=assignee
        )
        for part, qty in lines.items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        for step in {"requested": (), "approved": ("approved",)}.get(
            status, ("approved", "in_progress")
        ):
            workorders.change_status(session, actor, work_order, step)
        return work_order.number

    return store.write(make)


def master_data(store: Storeroom) -> None:
    """Users, rates, the asset tree, items and stock."""
    s = store
    for badge, name, role in (
        ("T1", "Tom Tech", "technician"),
        ("T2", "Tina Tech", "technician"),
        ("S1", "Sue Supervisor", "supervisor"),
        ("K1", "Kim Controller", "controller"),
    ):
        s.write(catalog.add_user, badge, name, role)
    s.write(costs.set_trade_rate, "mechanical", parse_money("40"), 1500)
    s.write(costs.set_trade_rate, "electrical", parse_money("55"), 2000)
    s.write(catalog.add_asset, "SITE-1", "Riverside site", None, "CC-SITE")
    s.write(catalog.add_asset, "LINE-1", "Bottling line 1", "SITE-1", "CC-L1")
    s.write(catalog.add_asset, "MIX-1", "Syrup mixer", "LINE-1", "CC-L1")
    s.write(catalog.add_asset, "PUMP-2", "Transfer pump", "LINE-1", "CC-L2")
    s.write(costs.set_asset_values, "MIX-1", parse_money("500"), parse_money("100"))
    s.write(costs.set_asset_values, "PUMP-2", parse_money("10000"), parse_money("50"))
    s.write(catalog.add_bin, "A-1", "MAIN")
    s.write(catalog.add_item, "BRG", "Bearing")
    s.write(catalog.add_item, "SEAL", "Shaft seal")
    s.write(catalog.add_item, "FLT", "Oil filter", tracking="lot")
    s.write(catalog.add_item, "MOTOR", "Motor 4 kW", tracking="serial", critical=True)
    s.write(ledger.receive, "BRG", parse_qty("20"), "A-1", unit_cost=parse_money("5"))
    s.write(ledger.receive, "SEAL", parse_qty("10"), "A-1", unit_cost=parse_money("1.50"))
    s.write(ledger.receive, "FLT", parse_qty("5"), "A-1", "L1", unit_cost=parse_money("3"))
    s.write(
        ledger.receive,
        "MOTOR",
        parse_qty("2"),
        "A-1",
        serial_nos=["SN1", "SN2"],
        unit_cost=parse_money("100"),
    )

    def lead_time(session, _actor):  # noqa: ANN001, ANN202 - not in the services yet
        session.execute(update(Item).where(Item.part_number == "MOTOR").values(lead_time_days=20))

    s.write(lead_time)


def build(store: Storeroom) -> CostPlant:
    """The plant, worked out by hand:

    SITE-1 (CC-SITE) > LINE-1 (CC-L1) > MIX-1 (CC-L1; replacement 500.00, downtime 100.00/h)
                                      > PUMP-2 (CC-L2; replacement 10,000.00, downtime 50.00/h)
    rates: mechanical 40.00/h x1.5, electrical 55.00/h x2

    WO-1 EM MIX-1 (T1): BRG 2 issued and used (10.00); SEAL 1 issued, returned to inspect;
         labour T1 2 h mechanical 80.00; contractor Acme fixed 100.00; downtime 4 h
         total 190.00, closed
    WO-2 PM PUMP-2 (T2): FLT 1 lot L1 used (3.00); labour T2 1.5 h electrical 82.50
         total 85.50, closed
    WO-3 CM MIX-1 (T2): MOTOR SN1 used (100.00, lead time 20 days); labour T1 1 h
         mechanical overtime 60.00;
         downtime 2 h; total 160.00, closed
    WO-4 CM PUMP-2 (T1) in progress: BRG 1 in WIP since 16 days; labour T1 0.5 h (20.00);
         estimate 3 h; created 10 days ago
    WO-5 PM PUMP-2 approved: BRG 2 reserved 20 days ago; estimate 2 h; created 40 days ago
    WO-6 CM MIX-1 requested, created 15 days ago (5 days after WO-1 closed)

    WO-1 created 22 days ago, closed 20 days ago; WO-2 created 3 days ago, WO-3 1 day ago,
    both closed now (the closing dates the reports read, `closed_on`, are all today).
    """
    s = store
    master_data(s)
    wo = {
        "WO-1": _new_wo(
            s, "MIX-1", "Mixer seized", "EM", {"BRG": "2", "SEAL": "1"}, "T1", "in_progress"
        ),
        "WO-2": _new_wo(s, "PUMP-2", "Filter change", "PM", {"FLT": "1"}, "T2", "in_progress"),
        "WO-3": _new_wo(s, "MIX-1", "Motor burnt", "CM", {"MOTOR": "1"}, "T2", "in_progress"),
        "WO-4": _new_wo(s, "PUMP-2", "Pump noisy", "CM", {"BRG": "1"}, "T1", "in_progress"),
        "WO-5": _new_wo(s, "PUMP-2", "Bearing swap", "PM", {"BRG": "2"}, None, "approved"),
    }
    one = parse_qty("1")
    s.write(counter.issue_to_line, wo["WO-1"], "BRG", parse_qty("2"))
    s.write(counter.issue_to_line, wo["WO-1"], "SEAL", one)
    s.write(counter.return_with_condition, wo["WO-1"], "SEAL", one, "inspect")
    s.write(counter.write_off, wo["WO-1"], "BRG", parse_qty("2"))
    s.write(costs.book_labour, wo["WO-1"], "T1", parse_qty("2"), "mechanical")
    s.write(costs.book_contractor, wo["WO-1"], "Acme Pumps", amount=parse_money("100"))
    s.write(costs.set_downtime, wo["WO-1"], parse_qty("4"))

    s.write(counter.issue_to_line, wo["WO-2"], "FLT", one, lot_no="L1")
    s.write(counter.write_off, wo["WO-2"], "FLT", one, lot_no="L1")
    s.write(costs.book_labour, wo["WO-2"], "T2", parse_qty("1.5"), "electrical")

    s.write(counter.issue_to_line, wo["WO-3"], "MOTOR", one, serial_nos=["SN1"])
    s.write(counter.write_off, wo["WO-3"], "MOTOR", one, serial_nos=["SN1"])
    s.write(costs.book_labour, wo["WO-3"], "T1", one, "mechanical", overtime=True)
    s.write(costs.set_downtime, wo["WO-3"], parse_qty("2"))

    s.write(counter.issue_to_line, wo["WO-4"], "BRG", one)
    s.write(costs.book_labour, wo["WO-4"], "T1", parse_qty("0.5"), "mechanical")
    s.write(costs.set_estimate, wo["WO-4"], parse_qty("3"))

    s.write(
        lambda session, actor: reservations.reserve_work_order(
            session, actor, catalog.find_work_order(session, wo["WO-5"])
        )
    )
    s.write(costs.set_estimate, wo["WO-5"], parse_qty("2"))

    for key in ("WO-1", "WO-2", "WO-3"):
        s.write(complete_work_order, wo[key])
        s.write(close_work_order, wo[key])
    wo["WO-6"] = _new_wo(s, "MIX-1", "Mixer seized again", "CM", {}, None, "requested")

    now = utcnow()
    day = timedelta(days=1)

    def history(session, _actor):  # noqa: ANN001, ANN202 - backdating, as if it happened then
        def set_wo(key: str, **values: object) -> None:
            session.execute(update(WorkOrder).where(WorkOrder.number == wo[key]).values(**values))

        set_wo("WO-1", created_at=now - 22 * day, closed_at=now - 20 * day)
        set_wo("WO-2", created_at=now - 3 * day, closed_at=now)
        set_wo("WO-3", created_at=now - 1 * day, closed_at=now)
        set_wo("WO-4", created_at=now - 10 * day)
        set_wo("WO-5", created_at=now - 40 * day)
        set_wo("WO-6", created_at=now - 15 * day)
        ids = {k: catalog.find_work_order(session, v).id for k, v in wo.items()}
        session.execute(
            update(Reservation)
            .where(Reservation.wo_id == ids["WO-5"])
            .values(created_at=now - 20 * day)
        )
        session.execute(
            update(Movement)
            .where(Movement.wo_id == ids["WO-4"], Movement.kind == MovementKind.ISSUE)
            .values(created_at=now - 16 * day)
        )
        assert session.get(WorkOrderCost, ids["WO-1"]) is not None

    s.write(history)
    return CostPlant(s, now, wo)
