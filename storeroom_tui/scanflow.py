"""The counter's scan workflow: what each scan means given what came before.

A clerk's scans arrive one at a time: a work order, maybe a bin, maybe a quantity, an
item, then a lot or a serial when the item needs one. `CounterSession` keeps that
state and posts through the services when an action is complete. The issue and return
screens and `storeroom scan` all feed the same session, so what the TUI does can be
scripted and tested without a terminal.

Every answer is an `Outcome`: a line for the screen, green, neutral or red (with the
bell), and the posting when something moved. A pending action keeps one idempotency
key until it posts or is cancelled, so a retry never posts twice; an identical scan
repeated within a fraction of a second (a double-firing scanner) is ignored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session

from storeroom_tui import catalog, counter, ledger, scan, wip
from storeroom_tui.errors import (
    ReasonRequired,
    ScanError,
    SerialRequired,
    StoreroomError,
    UnknownItem,
)
from storeroom_tui.ledger import Posting
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.picklist import PickList, pick_list
from storeroom_tui.quantities import MILLI, format_qty
from storeroom_tui.service import Storeroom

DOUBLE_FIRE_SECONDS = 0.3


class Mode(StrEnum):
    ISSUE = "issue"
    RETURN = "return"


class Need(StrEnum):
    SERIAL = "serial"
    LOT = "lot"
    REASON = "reason"
    CONDITION = "condition"
    CONFIRM = "confirm"


class DoubleFire:
    """A scanner that fires twice sends the same code within a fraction of a second: the
    second is to be ignored. Both scan workflows (counter and dock) ask this one rule."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._last: tuple[str, float] | None = None

    def repeated(self, text: str) -> Outcome | None:
        """The outcome to show when `text` is the scanner firing twice, else None."""
        now = self.clock()
        last, self._last = self._last, (text, now)
        if last is not None and last[0] == text and now - last[1] < DOUBLE_FIRE_SECONDS:
            self._last = last  # a third fire is still measured from the first
            return Outcome(
                Tone.INFO, f"repeated scan {text.strip()!r} ignored (scanner fired twice)"
            )
        return None


@dataclass(slots=True)
class Pending:
    """An item scanned whose post still waits for something."""

    part: str
    qty: int
    tracking: str
    key: str = field(default_factory=ledger.new_key)
    lot: str | None = None
    serials: list[str] = field(default_factory=list)
    reason: str | None = None
    condition: str | None = None
    need: Need | None = None
    suggested_lot: str | None = None
    preview: str | None = None


class CounterSession:
    """One clerk at one counter, issuing or returning against one WO at a time."""

    def __init__(
        self,
        store: Storeroom,
        mode: Mode = Mode.ISSUE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.mode = mode
        self.clock = clock
        self.work_order: str | None = None
        self.bin_code: str | None = None
        self.qty: int | None = None
        self.condition: str | None = None
        self.pending: Pending | None = None
        self.last_key: str | None = None
        self.double_fire = DoubleFire(clock)

    # --- what the screen shows ----------------------------------------------------------

    def pick_list(self) -> PickList | None:
        if self.work_order is None:
            return None
        return self.store.read(pick_list, self.work_order)

    @property
    def need(self) -> Need | None:
        return self.pending.need if self.pending else None

    def prompt(self) -> str:
        """What the clerk should scan next."""
        if self.work_order is None:
            return "scan a work order (WO-…)"
        if self.pending is not None:
            return _ASK[self.pending.need or Need.CONFIRM](self.pending)
        if self.mode == Mode.RETURN:
            return "scan the item or serial coming back"
        return "scan an item (or a bin, or CMD-QTY-n first)"

    # --- input --------------------------------------------------------------------------

    def feed(self, text: str) -> Outcome:
        """One completed scan (or a typed code ending in Enter)."""
        if (repeated := self.double_fire.repeated(text)) is not None:
            return repeated
        try:
            parsed = scan.parse(text)
        except ScanError as error:
            return Outcome(Tone.ERROR, error.message)
        if self.need == Need.REASON and not (
            isinstance(parsed, scan.CommandScan) and parsed.command == "CANCEL"
        ):
            return Outcome(
                Tone.ERROR,
                f"{parsed.raw.strip()!r} ignored: {self.prompt()} (a reason is typed, not scanned)",
            )
        try:
            return self._route(parsed)
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)

    def give_reason(self, reason: str) -> Outcome:
        if self.pending is None or self.pending.need != Need.REASON:
            return Outcome(Tone.ERROR, "no post is waiting for a reason")
        if not reason.strip():
            return Outcome(Tone.ERROR, "the reason is empty; type why, or CMD-CANCEL")
        self.pending.reason = reason.strip()
        self.pending.need = None
        return self._try_post()

    def choose_condition(self, condition: str) -> Outcome:
        try:
            parsed = counter.parse_condition(condition)
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)
        if self.mode != Mode.RETURN:
            return Outcome(Tone.ERROR, "a condition is for returns: open the return screen (F4)")
        if self.pending is None:
            self.condition = parsed.value  # for the next item scanned, once
            return Outcome(Tone.INFO, f"condition {parsed.value} for the next return")
        # while the destination is shown, another key changes the condition
        self.pending.condition = parsed.value
        self.pending.need = None
        return self._try_post()

    def confirm(self) -> Outcome:
        pending = self.pending
        if pending is None:
            return self.done()
        if pending.need == Need.LOT and pending.suggested_lot:
            pending.lot = pending.suggested_lot
        elif pending.need != Need.CONFIRM:
            return Outcome(Tone.ERROR, self.prompt())
        pending.need = None
        return self._try_post(confirmed=True)

    def cancel(self) -> Outcome:
        if self.pending is not None:
            part = self.pending.part
            self.pending = None
            return Outcome(Tone.INFO, f"{part} dropped; nothing posted")
        if self.qty is not None or self.bin_code is not None or self.condition is not None:
            self.qty = self.bin_code = self.condition = None
            return Outcome(Tone.INFO, "quantity, bin and condition cleared")
        return Outcome(Tone.INFO, "nothing to cancel")

    def done(self) -> Outcome:
        number = self.work_order
        self.work_order = self.bin_code = self.qty = self.condition = None
        self.pending = None
        if number is None:
            return Outcome(Tone.INFO, "ready: " + self.prompt())
        return Outcome(Tone.INFO, f"{number} done; scan the next work order")

    def undo(self, reason: str = "undone at the counter") -> Outcome:
        if self.last_key is None:
            return Outcome(Tone.ERROR, "nothing to undo from this screen")
        try:
            posting = self.store.write(ledger.reverse, self.last_key, reason)
        except StoreroomError as error:
            return Outcome(Tone.ERROR, error.message)
        self.last_key = None
        return Outcome(Tone.POSTED, "undone: " + posting.describe(), posting)

    def open_work_order(self, number: str) -> Outcome:
        picked = self.store.read(pick_list, number)
        if self.mode == Mode.ISSUE and not picked.can_issue:
            return Outcome(
                Tone.ERROR, f"{picked.number} is {picked.status}: issue needs in_progress"
            )
        if self.mode == Mode.RETURN and not picked.can_return:
            return Outcome(Tone.ERROR, f"{picked.number} is {picked.status}: no returns now")
        self.work_order, self.pending = picked.number, None
        if self.mode == Mode.RETURN:
            out = sum(1 for line in picked.lines if line.in_wip)
            return Outcome(Tone.INFO, f"{picked.number} {picked.title}: {out} lines with parts out")
        return Outcome(
            Tone.INFO, f"{picked.number} {picked.title}: {picked.open_lines} lines to pick"
        )

    # --- routing ------------------------------------------------------------------------

    def _route(self, parsed: scan.Scan) -> Outcome:
        match parsed:
            case scan.CommandScan(command="CANCEL"):
                return self.cancel()
            case scan.CommandScan(command="DONE"):
                return self.confirm()
            case scan.CommandScan(command="UNDO"):
                return self.undo()
            case scan.CommandScan(command="QTY", qty_milli=qty):
                return self._set_qty(qty or 0)
            case scan.CommandScan(command="RETURN", condition=condition):
                return self.choose_condition(condition or "")
            case scan.WorkOrderScan(number=number):
                if self.pending is not None:
                    return Outcome(
                        Tone.ERROR,
                        f"{self.pending.part} is still waiting: {self.prompt()} "
                        "(CMD-CANCEL drops it)",
                    )
                return self.open_work_order(number)
            case scan.BadgeScan(badge=badge):
                actor = self.store.sign_in(badge)
                return Outcome(Tone.INFO, f"signed in: {actor.name} ({actor.role.value})")
            case scan.BinScan(barcode=barcode):
                location = self.store.read(catalog.find_bin, barcode)
                self.bin_code = location.code
                return Outcome(Tone.INFO, f"bin {location.code}")
            case scan.AssetScan(tag=tag) | scan.PurchaseOrderScan(number=tag):
                return Outcome(Tone.ERROR, f"{tag} is not used on the {self.mode.value} screen")
            case scan.Gs1Scan():
                return self._gs1(parsed)
            case scan.ItemScan():
                return self._item_code(parsed)
        return Outcome(Tone.ERROR, f"unexpected scan {parsed!r}")

    def _set_qty(self, qty: int) -> Outcome:
        if self.pending is not None and self.pending.need in (Need.SERIAL, Need.CONFIRM):
            self.pending.qty = qty
            if self.pending.need == Need.SERIAL:
                return Outcome(Tone.PROMPT, self.prompt())
            return self._try_post()
        self.qty = qty
        return Outcome(Tone.INFO, f"quantity {format_qty(qty)} for the next item")

    def _item_code(self, parsed: scan.ItemScan) -> Outcome:
        if self.pending is not None and self.pending.need in (Need.SERIAL, Need.LOT):
            try:
                other = self.store.read(catalog.find_item, parsed.code)
            except UnknownItem:
                return self._answer(parsed.code)
            return Outcome(
                Tone.ERROR,
                f"that is item {other.part_number}; {self.prompt()} (CMD-CANCEL drops "
                f"{self.pending.part})",
            )
        if self.work_order is None:
            return Outcome(Tone.ERROR, f"scan a work order first, then {parsed.code}")
        try:
            item = self.store.read(catalog.find_item, parsed.code)
        except UnknownItem:
            if parsed.gtin:
                item = self.store.read(catalog.find_item_by_gtin, parsed.gtin)
            elif self.mode == Mode.RETURN:
                return self._serial_coming_back(parsed.code)
            else:
                raise
        return self._start(item.part_number, item.tracking, item.critical)

    def _serial_coming_back(self, serial_no: str) -> Outcome:
        assert self.work_order is not None
        part = self.store.read(counter.serial_out_on, self.work_order, serial_no)
        if part is None:
            return Outcome(
                Tone.ERROR,
                f"{serial_no!r} is neither an item nor a serial out on {self.work_order}",
            )
        item = self.store.read(catalog.find_item, part)
        outcome = self._start(item.part_number, item.tracking, item.critical, first_answer=False)
        if self.pending is not None and self.pending.need == Need.SERIAL:
            return self._answer(serial_no)
        return outcome

    def _gs1(self, parsed: scan.Gs1Scan) -> Outcome:
        if parsed.gtin is None:
            if self.pending and parsed.lot and self.pending.need == Need.LOT:
                return self._answer(parsed.lot)
            if self.pending and parsed.serial and self.pending.need == Need.SERIAL:
                return self._answer(parsed.serial)
            return Outcome(Tone.ERROR, f"GS1 code without a GTIN: {scan.describe(parsed)}")
        if self.work_order is None:
            return Outcome(Tone.ERROR, "scan a work order first")
        if self.pending is not None:
            return Outcome(Tone.ERROR, f"{self.pending.part} is still waiting: {self.prompt()}")
        item = self.store.read(catalog.find_item_by_gtin, parsed.gtin)
        qty = parsed.qty_milli or self.qty
        return self._start(
            item.part_number,
            item.tracking,
            item.critical,
            lot=parsed.lot,
            serial=parsed.serial,
            qty=qty,
        )

    # --- building and posting an action -----------------------------------------------

    def _start(
        self,
        part: str,
        tracking: str,
        critical: bool,
        lot: str | None = None,
        serial: str | None = None,
        qty: int | None = None,
        first_answer: bool = True,
    ) -> Outcome:
        assert self.work_order is not None
        by_serial = tracking == "serial" or critical
        qty = qty or self.qty or self._default_qty(part, by_serial)
        self.qty = None
        pending = Pending(part, qty, "serial" if by_serial else tracking, lot=lot)
        pending.condition = self.condition if self.mode == Mode.RETURN else None
        self.condition = None
        if serial:
            pending.serials.append(serial)
        self.pending = pending
        return self._try_post()

    def _default_qty(self, part: str, by_serial: bool) -> int:
        """The rest still to issue (or, returning, all that is out); one for serials."""
        if by_serial:
            return MILLI
        # the WO's position, not its whole pick list: no bin or lot suggestions needed here
        lines = self.store.read(_lines_of, self.work_order, part) if self.work_order else []
        if self.mode == Mode.RETURN:
            return sum(line.in_wip for line in lines) or MILLI
        return sum(line.to_issue for line in lines) or MILLI

    def _answer(self, text: str) -> Outcome:
        """A serial or lot given to the pending action."""
        pending = self.pending
        assert pending is not None
        if pending.need == Need.SERIAL:
            value = ledger.check_serial_text(text)
            if value in pending.serials:
                return Outcome(Tone.ERROR, f"serial {value} was already scanned")
            pending.serials.append(value)
        elif pending.need == Need.LOT:
            pending.lot = text
        pending.need = None
        return self._try_post()

    def _missing(self, pending: Pending) -> Need | None:
        if pending.tracking == "serial" and len(pending.serials) * MILLI < pending.qty:
            return Need.SERIAL
        if self.mode == Mode.ISSUE and pending.tracking == "lot" and not pending.lot:
            return Need.LOT
        if self.mode == Mode.RETURN and not pending.condition:
            return Need.CONDITION
        return None

    def _try_post(self, confirmed: bool = False) -> Outcome:
        pending = self.pending
        assert pending is not None and self.work_order is not None
        need = self._missing(pending)
        if need is not None:
            pending.need = need
            if need == Need.LOT:
                pending.suggested_lot = self._suggested_lot(pending.part)
            return Outcome(Tone.PROMPT, self.prompt())
        try:
            if self.mode == Mode.RETURN and not confirmed:
                preview = self.store.write(
                    counter.preview_return,
                    self.work_order,
                    pending.part,
                    pending.qty,
                    pending.condition or "",
                    self.bin_code,
                    pending.serials or None,
                    pending.lot,
                )
                pending.preview, pending.need = preview.text, Need.CONFIRM
                return Outcome(Tone.PROMPT, self.prompt())
            posting = self._post(pending)
        except ReasonRequired as error:
            pending.need = Need.REASON
            return Outcome(Tone.PROMPT, error.message)
        except SerialRequired as error:
            pending.need = Need.SERIAL
            return Outcome(Tone.ERROR, error.message)
        except StoreroomError as error:
            self.pending = None
            return Outcome(Tone.ERROR, f"{error.message}; nothing posted")
        self.pending = None
        self.last_key = posting.key
        return Outcome(Tone.POSTED, posting.describe(), posting)

    def _post(self, pending: Pending) -> Posting:
        assert self.work_order is not None
        if self.mode == Mode.RETURN:
            return self.store.write(
                counter.return_with_condition,
                self.work_order,
                pending.part,
                pending.qty,
                pending.condition or "",
                self.bin_code,
                pending.serials or None,
                pending.lot,
                pending.key,
            )
        return self.store.write(
            counter.issue_to_line,
            self.work_order,
            pending.part,
            pending.qty,
            self.bin_code,
            pending.lot,
            pending.serials or None,
            pending.reason,
            pending.key,
        )

    def _suggested_lot(self, part: str) -> str | None:
        picked = self.pick_list()
        for line in picked.lines if picked else []:
            if line.part == part and line.suggested_lot:
                return line.suggested_lot
        return None


def _lines_of(session: Session, wo_number: str, part: str) -> list[wip.LinePosition]:
    """The lines of `part` on the WO, as the pick list counts them."""
    work_order = catalog.find_work_order(session, wo_number)
    assert work_order.id is not None
    return [line for line in wip.position(session, work_order.id).lines if line.part == part]


def _ask_serial(p: Pending) -> str:
    got = len(p.serials)
    wanted = p.qty // MILLI
    count = f" ({got + 1} of {wanted})" if wanted > 1 else ""
    return f"scan the serial of {p.part}{count}"


def _ask_lot(p: Pending) -> str:
    hint = f"; CMD-DONE takes {p.suggested_lot}" if p.suggested_lot else ""
    return f"scan the lot of {p.part}{hint}"


_ASK: dict[Need, Callable[[Pending], str]] = {
    Need.SERIAL: _ask_serial,
    Need.LOT: _ask_lot,
    Need.REASON: lambda p: f"type the reason for {format_qty(p.qty)} {p.part}, or CMD-CANCEL",
    Need.CONDITION: lambda p: (
        f"{format_qty(p.qty)} {p.part}: condition? N new, O opened, I inspect, R rejected"
    ),
    Need.CONFIRM: lambda p: (
        f"{format_qty(p.qty)} {p.part} {p.condition}: goes {p.preview}. "
        "Enter / CMD-DONE to post, CMD-CANCEL to drop"
    ),
}
