"""The demo plant's purchasing: vendors with their codes and prices, preferred vendors,
inspection for the critical spares, and POs in every state of their life.

Built through the services, after the work orders (whose reservations have already
raised shortage requisitions, and whose issues reorder requisitions), in one
transaction, from the demo's seeded random generator: same seed, same purchasing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Item, RequisitionLine
from models.purchasing import RequisitionStatus
from storeroom_tui import catalog, invoicing, purchasing, receiving
from storeroom_tui.invoicing import InvoiceLineInput
from storeroom_tui.permissions import Actor, Role
from storeroom_tui.quantities import MILLI
from storeroom_tui.service import ADMIN_BADGE, Storeroom

# (code, name, the categories it is the main source for)
VENDORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("NORDBEAR", "Nordbear Bearings & Transmission", ("bearing", "transmission", "belt", "seal")),
    ("VOLTEK", "Voltek Electrical Supply", ("electrical", "critical")),
    ("FLUIDA", "Fluida Filters & Pneumatics", ("filter", "pneumatic", "lubricant")),
    ("TOOLHUB", "Toolhub Industrial", ("tool", "fastener")),
)
SECOND_SOURCE = ("GENMRO", "General MRO Distribution")  # everything, a little dearer

# the demo's people who buy, approve, receive and pay
PLANNER, SUPERVISOR, CONTROLLER, CLERK = "4001", "3001", "5001", "1001"


@dataclass
class _People:
    admin: Actor
    planner: Actor
    supervisor: Actor
    controller: Actor
    clerk: Actor


def add_purchasing(store: Storeroom, rng: random.Random, today: date) -> None:
    """Vendors, prices and POs in draft, pending, refused, approved (one overdue), partly
    received, received with an invoice exception, and closed."""
    store.db.run(lambda session: _Purchasing(session, rng, today).build())


class _Purchasing:
    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        who = {badge: catalog.actor_for(session, badge) for badge in (ADMIN_BADGE, PLANNER)}
        who |= {b: catalog.actor_for(session, b) for b in (SUPERVISOR, CONTROLLER, CLERK)}
        self.people = _People(
            who[ADMIN_BADGE], who[PLANNER], who[SUPERVISOR], who[CONTROLLER], who[CLERK]
        )

    def build(self) -> None:
        self._vendors()
        self._purchase_orders()

    # --- vendors and prices ---------------------------------------------------------------

    def _vendors(self) -> None:
        s, admin = self.session, self.people.admin
        main_vendor: dict[str, str] = {}
        for code, name, categories in VENDORS:
            purchasing.add_vendor(s, admin, code, name)
            main_vendor.update({category: code for category in categories})
        purchasing.add_vendor(s, admin, *SECOND_SOURCE)
        items = s.execute(select(Item).order_by(Item.part_number)).scalars().all()
        from storeroom_tui.demo import catalogue

        category = {spec.part: spec.category for spec in catalogue()}
        lists: dict[str, list[tuple[str, int, str | None, int]]] = {}
        for item in items:
            vendor = main_vendor.get(category.get(item.part_number, ""), SECOND_SOURCE[0])
            base = max(item.avg_cost, 10)
            lead = self.rng.choice((3, 5, 7, 10, 14, 21))
            price = base * self.rng.randint(92, 106) // 100
            lists.setdefault(vendor, []).append(
                (item.part_number, price, f"{vendor[:2]}-{item.part_number}", lead)
            )
            if vendor != SECOND_SOURCE[0]:  # the second source is dearer: never preferred
                dearer = base * self.rng.randint(108, 118) // 100
                lists.setdefault(SECOND_SOURCE[0], []).append(
                    (item.part_number, dearer, None, lead + 7)
                )
            if category.get(item.part_number) == "critical":
                purchasing.set_item_supply(s, admin, item.part_number, inspect_on_receipt=True)
        for vendor, rows in lists.items():
            purchasing.import_price_list(s, admin, vendor, rows)

    # --- purchase orders in every state -------------------------------------------------------

    def _open_requisitions(self) -> list[str]:
        """Open requisitions of plain (untracked) items, oldest first."""
        return list(
            self.session.execute(
                select(RequisitionLine.number)
                .join(Item, Item.id == RequisitionLine.item_id)
                .where(
                    RequisitionLine.status == RequisitionStatus.OPEN,
                    Item.tracking == "none",
                    Item.critical.is_(False),  # type: ignore[attr-defined]
                )
                .order_by(RequisitionLine.id)
            ).scalars()
        )

    def _approver(self, total: int) -> Actor:
        settings = purchasing.purchasing_settings(self.session)
        needs = purchasing.approval_needs(settings, total)
        return self.people.controller if needs == Role.CONTROLLER else self.people.supervisor

    def _order(self, number: str, requested: date | None = None) -> purchasing.PurchaseOrderView:
        (po,) = purchasing.order_requisitions(
            self.session, self.people.planner, [number], None, requested
        )
        return po

    def _approved(self, number: str, requested: date | None = None) -> purchasing.PurchaseOrderView:
        s, planner = self.session, self.people.planner
        po = self._order(number, requested)
        purchasing.submit_purchase_order(s, planner, po.number)
        return purchasing.approve_purchase_order(s, self._approver(po.total), po.number)

    def _receive(self, po: purchasing.PurchaseOrderView, units: int) -> None:
        line = po.lines[0]
        item = catalog.find_item(self.session, line.part)
        shelf = receiving.default_bin(self.session, item) or catalog.list_bins(self.session)[0]
        receiving.receive_on_po(
            self.session, self.people.clerk, po.number, line.part, units * MILLI, shelf.code
        )

    def _purchase_orders(self) -> None:
        s = self.session
        purchasing.raise_requisition(
            s,
            self.people.clerk,
            "CHM-PEN-400" if _exists(s, "CHM-PEN-400") else _first_part(s),
            3 * MILLI,
            note="spare cans for the line 3 changeover",
        )
        reqs = self._open_requisitions()
        steps = (
            self._draft,
            self._pending,
            self._refused,
            self._overdue,
            self._partly_received,
            self._invoice_exception,
            self._closed,
        )
        for step, number in zip(steps, reqs, strict=False):
            step(number)

    def _draft(self, number: str) -> None:
        self._order(number)

    def _pending(self, number: str) -> None:
        po = self._order(number)
        purchasing.submit_purchase_order(self.session, self.people.planner, po.number)

    def _refused(self, number: str) -> None:
        po = self._order(number)
        purchasing.submit_purchase_order(self.session, self.people.planner, po.number)
        approver = self._approver(po.total)
        purchasing.refuse_purchase_order(
            self.session, approver, po.number, "take the spare from the EAST store first"
        )

    def _overdue(self, number: str) -> None:
        self._approved(number, self.today - timedelta(days=self.rng.randint(3, 9)))

    def _partly_received(self, number: str) -> None:
        po = self._approved(number, self.today - timedelta(days=2))
        units = po.lines[0].qty // MILLI
        self._receive(po, max(units // 2, 1))

    def _received(self, number: str) -> purchasing.PurchaseOrderView:
        po = self._approved(number)
        self._receive(po, po.lines[0].qty // MILLI)
        return po

    def _invoice_exception(self, number: str) -> None:
        po = self._received(number)
        line = po.lines[0]
        invoicing.enter_invoice(
            self.session,
            self.people.controller,
            po.number,
            f"{po.vendor[:3]}-{self.rng.randint(10000, 99999)}",
            [InvoiceLineInput(str(line.line_no), line.qty, line.unit_price * 109 // 100)],
            self.today,
        )

    def _closed(self, number: str) -> None:
        po = self._received(number)
        line = po.lines[0]
        invoicing.enter_invoice(
            self.session,
            self.people.controller,
            po.number,
            f"{po.vendor[:3]}-{self.rng.randint(10000, 99999)}",
            [InvoiceLineInput(str(line.line_no), line.qty, line.unit_price * 102 // 100)],
            self.today,
        )
        invoicing.close_purchase_order(self.session, self.people.controller, po.number)


def _exists(session: Session, part: str) -> bool:
    return session.execute(select(Item.id).where(Item.part_number == part)).first() is not None


def _first_part(session: Session) -> str:
    return (
        session.execute(
            select(Item.part_number).where(Item.tracking == "none").order_by(Item.part_number)
        )
        .scalars()
        .first()
        or ""
    )
