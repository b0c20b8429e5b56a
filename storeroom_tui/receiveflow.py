"""The receiving dock's scan workflow: what each scan means given what came before.

A delivery is received one scan at a time: the PO (`PO-…`), maybe a bin (`BIN-…`) and a
count (`CMD-QTY-n`), then each item — its own label, its part number, its GTIN, or the
vendor's GS1 label carrying lot, expiry, serial and count. An item tracked by lot or
serial asks for what its label did not carry. `ReceiveSession` keeps that state and
posts through `receiving.receive_on_po` when a receipt is complete; the Receive screen
only renders its `Outcome`s (the same `Outcome` the counter's `CounterSession` gives),
so the whole dock can be scripted and tested without a terminal.

A pending receipt keeps one idempotency key until it posts or is dropped, so a retry
never receives twice; an identical scan repeated within a fraction of a second (a
double-firing scanner) is ignored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlmodel import Session

from storeroom_tui import catalog, ledger, purchasing, receiving, scan
from storeroom_tui.errors import ScanError, StoreroomError, UnknownItem
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.quantities import MILLI, format_qty
from storeroom_tui.receiving import ExpectedDelivery, ReceiptResult
from storeroom_tui.scanflow import DoubleFire
from storeroom_tui.service import Storeroom


class Need(StrEnum):
    LOT = "lot"
    EXPIRY = "expiry"
    SERIAL = "serial"


@dataclass(slots=True)
class PendingReceipt:
    """An item scanned whose receipt still waits for its lot, expiry or serials."""

    part: str
    qty: int
    tracking: str
    key: str = field(default_factory=ledger.new_key)
    lot: str | None = None
    expiry: date | None = None
    expiry_asked: bool = False
    serials: list[str] = field(default_factory=list)
    need: Need | None = None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    part: str
    tracking: str  # none | lot | serial (critical items are received by serial too)


class ReceiveSession:
    """One clerk at the receiving dock, on one PO at a time (or none: each item is then
    received on its oldest open PO line)."""

    def __init__(self, store: Storeroom, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self.po_number: str | None = None
        self.bin_code: str | None = None
        self.qty: int | None = None
        self.pending: PendingReceipt | None = None
        self.last: ReceiptResult | None = None
        self.double_fire = DoubleFire(clock)

    # --- what the screen shows ----------------------------------------------------------

    def expected(self) -> ExpectedDelivery | None:
        if self.po_number is None:
            return None
        return self.store.read(receiving.expected_delivery, self.po_number)

    @property
    def need(self) -> Need | None:
        return self.pending.need if self.pending else None

    def prompt(self) -> str:
        """What the clerk should scan next."""
        pending = self.pending
        if pending is not None and pending.need is not None:
            return _ASK[pending.need](pending)
        where = f" into {self.bin_code}" if self.bin_code else ""
        count = f" ({format_qty(self.qty)} of it)" if self.qty else ""
        if self.po_number is None:
            return f"scan the PO (PO-…), or an item{count}{where} for its oldest open PO"
        return f"scan an item{count}{where} (or BIN-…, CMD-QTY-n first; CMD-DONE ends the PO)"

    # --- input --------------------------------------------------------------------------

    def feed(self, text: str) -> Outcome:
        """One completed scan (or a typed code ending in Enter)."""
        if (repeated := self.double_fire.repeated(text)) is not None:
            return repeated
        if self.need == Need.EXPIRY and not text.strip().upper().startswith("CMD-"):
            return self._expiry(text)  # a typed date, not a barcode
        try:
            parsed = scan.parse(text)
        except ScanError as error:
            return Outcome(Tone.ERROR, error.message)
        try:
            return self._route(parsed)
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)

    def open_po(self, number: str) -> Outcome:
        if self.pending is not None:
            return Outcome(
                Tone.ERROR,
                f"{self.pending.part} is still waiting: {self.prompt()} (CMD-CANCEL drops it)",
            )
        expected = self.store.read(receiving.expected_delivery, number)
        if not expected.receivable:
            self.store.read(_check_receivable, expected.po_number)  # raises with the reason
        self.po_number = expected.po_number
        open_lines = sum(1 for line in expected.lines if line.outstanding)
        rush = " EXPEDITED" if expected.expedited else ""
        return Outcome(
            Tone.INFO,
            f"{expected.po_number}{rush} from {expected.vendor}: {open_lines} line(s) to receive",
        )

    def cancel(self) -> Outcome:
        if self.pending is not None:
            part = self.pending.part
            self.pending = None
            return Outcome(Tone.INFO, f"{part} dropped; nothing received")
        if self.qty is not None or self.bin_code is not None:
            self.qty = self.bin_code = None
            return Outcome(Tone.INFO, "quantity and bin cleared")
        return Outcome(Tone.INFO, "nothing to cancel")

    def done(self) -> Outcome:
        """CMD-DONE: no expiry for the pending lot, or the end of this PO's delivery."""
        pending = self.pending
        if pending is not None:
            if pending.need == Need.EXPIRY:
                pending.expiry_asked, pending.need = True, None
                return self._try_post()
            return Outcome(Tone.ERROR, self.prompt())
        number = self.po_number
        self.po_number = self.bin_code = self.qty = None
        if number is None:
            return Outcome(Tone.INFO, "ready: " + self.prompt())
        return Outcome(Tone.INFO, f"{number} done; scan the next delivery's PO")

    def undo(self, reason: str) -> Outcome:
        """Take the last receipt back off its PO: reversing movements, its reservation
        released. Refused (by the service) once it was invoiced or released."""
        last = self.last
        if last is None:
            return Outcome(Tone.ERROR, "nothing received from this screen to undo")
        try:
            undone = self.store.write(receiving.reverse_receipt, last.posting.key, reason)
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)
        self.last = None
        released = (
            f"; {format_qty(undone.released_reservation)} no longer reserved"
            if undone.released_reservation
            else ""
        )
        return Outcome(
            Tone.POSTED,
            f"undone: {format_qty(undone.qty)} {undone.part} taken off {undone.po_number} "
            f"(now {words(undone.po_status)}){released}: {reason}",
            undone.posting,
        )

    def release(self, part: str, qty: int, bin_code: str, lot: str | None) -> Outcome:
        """Inspection passed: QUARANTINE -> bin, then reserved to a WO waiting for it."""
        try:
            done = self.store.write(
                receiving.release_from_quarantine, part, qty, bin_code, lot, None, ledger.new_key()
            )
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)
        text = f"released {format_qty(done.qty)} {done.part} from QUARANTINE into {done.bin}"
        for r in done.reserved:
            text += f"; {format_qty(r.qty)} reserved to {r.work_order} line {r.line_no}"
        if done.parts_complete:
            text += "; parts complete for " + ", ".join(done.parts_complete)
        return Outcome(Tone.POSTED, text, done.posting)

    # --- routing ------------------------------------------------------------------------

    def _route(self, parsed: scan.Scan) -> Outcome:
        match parsed:
            case scan.CommandScan(command="CANCEL"):
                return self.cancel()
            case scan.CommandScan(command="DONE"):
                return self.done()
            case scan.CommandScan(command="QTY", qty_milli=qty):
                return self._set_qty(qty or 0)
            case scan.CommandScan():
                return Outcome(Tone.ERROR, f"{parsed.raw.strip()} is not used on receiving")
            case scan.PurchaseOrderScan(number=number):
                return self.open_po(number)
            case scan.BadgeScan(badge=badge):
                actor = self.store.sign_in(badge)
                return Outcome(Tone.INFO, f"signed in: {actor.name} ({actor.role.value})")
            case scan.BinScan(barcode=barcode):
                location = self.store.read(catalog.find_bin, barcode)
                self.bin_code = location.code
                return Outcome(Tone.INFO, f"bin {location.code} for what follows")
            case scan.WorkOrderScan(number=tag) | scan.AssetScan(tag=tag):
                return Outcome(
                    Tone.ERROR,
                    f"{tag} is not used on receiving: scan the PO; what arrives for a "
                    "waiting WO is reserved to it",
                )
            case scan.Gs1Scan():
                return self._gs1(parsed)
            case scan.ItemScan():
                return self._item_code(parsed)
        return Outcome(Tone.ERROR, f"unexpected scan {parsed!r}")

    def _set_qty(self, qty: int) -> Outcome:
        if self.pending is not None:
            return Outcome(Tone.ERROR, f"{self.pending.part} is still waiting: {self.prompt()}")
        self.qty = qty
        return Outcome(Tone.INFO, f"quantity {format_qty(qty)} for the next item")

    def _item_code(self, parsed: scan.ItemScan) -> Outcome:
        if self.pending is not None and self.pending.need is not None:
            try:
                other = self.store.read(catalog.find_item, parsed.code)
            except UnknownItem:
                return self._answer(parsed.code)
            return Outcome(
                Tone.ERROR,
                f"that is item {other.part_number}; {self.prompt()} (CMD-CANCEL drops "
                f"{self.pending.part})",
            )
        try:
            facts = self.store.read(_item_facts, parsed.code)
        except UnknownItem:
            if not parsed.gtin:
                raise
            facts = self.store.read(_item_facts, parsed.gtin, True)
        return self._start(facts)

    def _gs1(self, parsed: scan.Gs1Scan) -> Outcome:
        pending = self.pending
        if parsed.gtin is None:
            if pending and parsed.lot and pending.need == Need.LOT:
                pending.expiry = parsed.expiry
                pending.expiry_asked = parsed.expiry is not None
                return self._answer(parsed.lot)
            if pending and parsed.serial and pending.need == Need.SERIAL:
                return self._answer(parsed.serial)
            return Outcome(Tone.ERROR, f"GS1 code without a GTIN: {scan.describe(parsed)}")
        if pending is not None:
            return Outcome(Tone.ERROR, f"{pending.part} is still waiting: {self.prompt()}")
        facts = self.store.read(_item_facts, parsed.gtin, True)
        return self._start(
            facts,
            lot=parsed.lot,
            expiry=parsed.expiry,
            serial=parsed.serial,
            qty=parsed.qty_milli,
        )

    # --- building and posting a receipt -------------------------------------------------

    def _start(
        self,
        facts: ItemFacts,
        lot: str | None = None,
        expiry: date | None = None,
        serial: str | None = None,
        qty: int | None = None,
    ) -> Outcome:
        qty = MILLI if serial else (qty or self.qty or MILLI)
        self.qty = None
        pending = PendingReceipt(facts.part, qty, facts.tracking, lot=lot, expiry=expiry)
        # a GS1 label with a lot says all there is about its expiry
        pending.expiry_asked = lot is not None
        if serial:
            pending.serials.append(serial)
        self.pending = pending
        return self._try_post()

    def _answer(self, text: str) -> Outcome:
        pending = self.pending
        assert pending is not None
        value = text.strip()
        if pending.need == Need.SERIAL:
            value = ledger.check_serial_text(value)
            if value in pending.serials:
                return Outcome(Tone.ERROR, f"serial {value} was already scanned")
            pending.serials.append(value)
        elif pending.need == Need.LOT:
            pending.lot = value
            if not pending.expiry_asked and self.store.read(_lot_known, pending.part, value):
                pending.expiry_asked = True  # a lot already in stock has its expiry
        pending.need = None
        return self._try_post()

    def _expiry(self, text: str) -> Outcome:
        pending = self.pending
        assert pending is not None
        try:
            pending.expiry = date.fromisoformat(text.strip())
        except ValueError:
            return Outcome(
                Tone.ERROR,
                f"{text.strip()!r} is not a date: type the expiry as YYYY-MM-DD, "
                "or CMD-DONE if the lot has none",
            )
        pending.expiry_asked, pending.need = True, None
        return self._try_post()

    @staticmethod
    def _missing(pending: PendingReceipt) -> Need | None:
        if pending.tracking == "serial" and len(pending.serials) * MILLI < pending.qty:
            return Need.SERIAL
        if pending.tracking == "lot" and not pending.lot:
            return Need.LOT
        if pending.tracking == "lot" and not pending.expiry_asked:
            return Need.EXPIRY
        return None

    def _try_post(self) -> Outcome:
        pending = self.pending
        assert pending is not None
        need = self._missing(pending)
        if need is not None:
            pending.need = need
            return Outcome(Tone.PROMPT, self.prompt())
        try:
            result = self.store.write(
                receiving.receive_on_po,
                self.po_number,
                pending.part,
                pending.qty,
                self.bin_code,
                pending.lot,
                pending.expiry,
                pending.serials or None,
                pending.key,
            )
        except StoreroomError as error:
            self.pending = None
            return Outcome(Tone.ERROR, f"{error.message}; nothing received")
        self.pending = None
        self.last = result
        if self.po_number is None:
            self.po_number = result.po_number  # show the PO the item was received on
        return Outcome(Tone.POSTED, result.describe(), result.posting)


def words(status: str) -> str:
    return status.replace("_", " ")


def _item_facts(session: Session, code: str, by_gtin: bool = False) -> ItemFacts:
    """The item a scanned code names, and how it is tracked on receipt."""
    item = catalog.find_item_by_gtin(session, code) if by_gtin else catalog.find_item(session, code)
    tracking = "serial" if ledger.needs_serial(item) else item.tracking
    return ItemFacts(item.part_number, tracking)


def _check_receivable(session: Session, po_number: str) -> None:
    """Refuse a PO nothing may be received on now, with the service's own reason."""
    receiving.require_receivable(purchasing.find_purchase_order(session, po_number))


def _lot_known(session: Session, part: str, lot_no: str) -> bool:
    """Whether the lot was received before (its expiry, if any, is then known)."""
    return catalog.find_lot(session, catalog.find_item(session, part), lot_no) is not None


def _ask_serial(p: PendingReceipt) -> str:
    wanted = p.qty // MILLI
    count = f" ({len(p.serials) + 1} of {wanted})" if wanted > 1 else ""
    return f"scan the serial of {p.part}{count}"


_ASK: dict[Need, Callable[[PendingReceipt], str]] = {
    Need.LOT: lambda p: f"scan or type the lot of {format_qty(p.qty)} {p.part}",
    Need.EXPIRY: lambda p: (
        f"type the expiry of lot {p.lot} of {p.part} (YYYY-MM-DD), or CMD-DONE if none"
    ),
    Need.SERIAL: _ask_serial,
}
