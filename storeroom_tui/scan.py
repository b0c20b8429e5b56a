"""One parser for everything a scanner can send, so no screen ever guesses what a code means."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from storeroom_tui.errors import InvalidQuantity, ScanError
from storeroom_tui.quantities import format_qty, parse_qty

if TYPE_CHECKING:  # biip is imported when a GS1 code is read: it costs ~80 ms at start-up
    from biip.gs1_element_strings import GS1ElementString
    from biip.gs1_messages import GS1Message

__all__ = [
    "MAX_LENGTH",
    "RETURN_CONDITIONS",
    "AssetScan",
    "BadgeScan",
    "BinScan",
    "CommandScan",
    "Gs1Scan",
    "ItemScan",
    "PurchaseOrderScan",
    "Scan",
    "WorkOrderScan",
    "describe",
    "parse",
]

# Every result keeps the text exactly as it arrived in `raw` (for the log). `raw` is left
# out of equality, so a code scanned with or without the scanner's trailing Enter is equal.


@dataclass(frozen=True, slots=True)
class WorkOrderScan:
    number: str  # "WO-000123", "WO-T2-000123"
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class PurchaseOrderScan:
    number: str  # "PO-000045"
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class BinScan:
    barcode: str  # the whole code, "BIN-MAIN-A-01-03": the bin table is keyed on it
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class AssetScan:
    tag: str  # "PUMP-07" from "AST-PUMP-07"
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class BadgeScan:
    badge: str  # "1042" from "USR-1042"
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class CommandScan:
    command: str  # DONE, CANCEL, UNDO, QTY or RETURN
    qty_milli: int | None = None  # QTY only
    condition: str | None = None  # RETURN only: one of RETURN_CONDITIONS
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Gs1Scan:
    gtin: str | None  # AI 01, 14 digits, check digit verified
    lot: str | None  # AI 10
    expiry: dt.date | None  # AI 17; day 00 is the last day of the month
    serial: str | None  # AI 21
    qty_milli: int | None  # AI 30 or 37
    raw: str = field(compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class ItemScan:
    code: str  # as scanned: only stripped (and without an AIM prefix such as ]E0)
    gtin: str | None  # 14 digits when the code is a GTIN-8/12/13/14 with a valid check digit
    raw: str = field(compare=False, kw_only=True)


Scan: TypeAlias = (
    WorkOrderScan
    | PurchaseOrderScan
    | BinScan
    | AssetScan
    | BadgeScan
    | CommandScan
    | Gs1Scan
    | ItemScan
)

MAX_LENGTH = 200
RETURN_CONDITIONS = ("new", "opened", "inspect", "rejected")

GS = "\x1d"  # FNC1 as the scanner sends it
_BLANKS = " \t\r\n\v\f"  # stripped from both ends; not str.strip(), which also eats GS
_CONTROL_NAMES = {"\0": "NUL", "\t": "TAB", "\n": "LF", "\r": "CR", "\x1b": "ESC", GS: "GS"}
_AIM_PREFIX = re.compile(r"\][A-Za-z][0-9A-Za-z]")  # ISO/IEC 15424 symbology identifier
_GS1_AIM_PREFIXES = {"]C1", "]e0", "]d2", "]Q3", "]J1"}  # GS1-128, DataBar, DataMatrix, QR...
_GS1_HRI = re.compile(r"(?:\([0-9]{2,4}\)[^()\s]+)+")  # (01)09501101020917(10)ABC
_GS1_AIS = ("01", "10", "17", "21", "30", "37")
_QUANTITY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
_NUMBER = re.compile(r"(?:[A-Z0-9]+-)*[0-9]+")  # WO-000123, WO-T2-000123
_NAME = re.compile(r"[A-Z0-9]+(?:[-_./][A-Z0-9]+)*")  # MAIN-A-01-03, PUMP-07
_BADGE = re.compile(r"[A-Z0-9]+")
_WORDS = re.compile(r"[!-~]+")  # printable ASCII, no spaces: _command explains the rest
# prefix -> (what it names, the body's pattern, an example for the message)
_PREFIXES: dict[str, tuple[str, re.Pattern[str], str]] = {
    "WO": ("work order", _NUMBER, "WO-000123"),
    "PO": ("purchase order", _NUMBER, "PO-000045"),
    "BIN": ("bin", _NAME, "BIN-MAIN-A-01-03"),
    "AST": ("asset", _NAME, "AST-PUMP-07"),
    "USR": ("badge", _BADGE, "USR-1042"),
    "CMD": ("command", _WORDS, "CMD-DONE"),
}
_KNOWN_COMMANDS = (
    "CMD-DONE, CMD-CANCEL, CMD-UNDO, CMD-QTY-<number>, CMD-RETURN-NEW|OPENED|INSPECT|REJECTED"
)


def parse(text: str) -> Scan:
    """Read one scan. Raises ScanError, naming the code, if it is unknown or malformed."""
    code = _clean(text)
    data = code
    if data.startswith("]"):
        aim = _AIM_PREFIX.match(data)
        if aim is None:
            raise ScanError(f"scan {_show(code)} has a broken symbology prefix; scan again", code)
        data = data[3:]
        if not data:
            raise ScanError(f"scan {_show(code)} has nothing after its symbology prefix", code)
        if aim[0] in _GS1_AIM_PREFIXES:
            return _gs1_scan(_gs1_message(data, code), text, code)
    if GS in data:
        if not data.lstrip(GS)[:1].isdigit():
            raise ScanError(
                f"scan {_show(code)} contains a GS control character but is not a GS1 code; "
                "check the scanner's setup and scan again",
                code,
            )
        return _gs1_scan(_gs1_message(data, code), text, code)
    if data.startswith("("):
        return _gs1_scan(_gs1_message(data, code), text, code)
    head, dash, body = data.partition("-")
    if dash and head.isascii() and head.upper() in _PREFIXES:
        return _prefixed(head.upper(), body, text, code)
    if data.startswith("01") and len(data) > 16:
        # Heuristic: GS1-128 without its AIM prefix. Only if it reads cleanly as a GTIN
        # and more; anything less is an ordinary item code that happens to start "01".
        try:
            message = _gs1_message(data, code)
            if len(message.element_strings) > 1:
                return _gs1_scan(message, text, code)
        except ScanError:
            pass
    return _item(data, text, code)


def describe(scan: Scan) -> str:
    """A short line for the screen, e.g. 'work order WO-000123' or 'quantity 2.5'."""
    match scan:
        case WorkOrderScan(number):
            return f"work order {number}"
        case PurchaseOrderScan(number):
            return f"purchase order {number}"
        case BinScan(barcode):
            return f"bin {barcode}"
        case AssetScan(tag):
            return f"asset {tag}"
        case BadgeScan(badge):
            return f"badge {badge}"
        case CommandScan("QTY", int(qty_milli)):
            return f"quantity {format_qty(qty_milli)}"
        case CommandScan("RETURN", _, condition):
            return f"return as {condition}"
        case CommandScan(command):
            return command.lower()
        case Gs1Scan(gtin, lot, expiry, serial, qty_milli):
            quantity = None if qty_milli is None else format_qty(qty_milli)
            parts = {
                "GTIN": gtin,
                "lot": lot,
                "expiry": expiry,
                "serial": serial,
                "quantity": quantity,
            }
            shown = [f"{name} {value}" for name, value in parts.items() if value is not None]
            return " ".join(["GS1", *shown])
        case ItemScan(code):
            return f"item {code}"


def _clean(text: str) -> str:
    """Strip what scanners add around a code and refuse what no code may contain."""
    code = text.strip(_BLANKS)
    if not code:
        raise ScanError(f"empty scan {_show(text)}; scan the barcode again", text)
    if len(code) > MAX_LENGTH:
        raise ScanError(
            f"scan {_show(code)} is {len(code)} characters long, more than {MAX_LENGTH}; "
            "scan one barcode at a time",
            code,
        )
    for char in code:
        if char != GS and unicodedata.category(char) == "Cc":
            raise ScanError(
                f"scan {_show(code)} contains the control character {_visible(char)}; "
                "check the scanner's setup and scan again",
                code,
            )
    return code


def _prefixed(prefix: str, body: str, text: str, code: str) -> Scan:
    what, pattern, example = _PREFIXES[prefix]
    if not body:
        raise ScanError(f"{what} code {_show(code)} is incomplete; scan it again", code)
    if not body.isascii():
        raise ScanError(f"{what} code {_show(code)} contains non-ASCII characters", code)
    body = body.upper()
    if not pattern.fullmatch(body):
        raise ScanError(
            f"{what} code {_show(code)} is malformed; expected a code like {example}", code
        )
    match prefix:
        case "WO":
            return WorkOrderScan(f"WO-{body}", raw=text)
        case "PO":
            return PurchaseOrderScan(f"PO-{body}", raw=text)
        case "BIN":
            return BinScan(f"BIN-{body}", raw=text)
        case "AST":
            return AssetScan(body, raw=text)
        case "USR":
            return BadgeScan(body, raw=text)
        case _:
            return _command(body, text, code)


def _command(body: str, text: str, code: str) -> CommandScan:
    if body in ("DONE", "CANCEL", "UNDO"):
        return CommandScan(body, raw=text)
    verb, _, argument = body.partition("-")
    if verb == "QTY":
        if not _QUANTITY.fullmatch(argument):
            raise ScanError(
                f"command {_show(code)} has no valid quantity; use e.g. CMD-QTY-5 or CMD-QTY-2.5",
                code,
            )
        return CommandScan("QTY", qty_milli=_quantity(argument, code), raw=text)
    if verb == "RETURN":
        if argument.lower() not in RETURN_CONDITIONS:
            raise ScanError(
                f"command {_show(code)} has an unknown return condition; "
                "use CMD-RETURN-NEW, -OPENED, -INSPECT or -REJECTED",
                code,
            )
        return CommandScan("RETURN", condition=argument.lower(), raw=text)
    raise ScanError(f"unknown command {_show(code)}; known commands: {_KNOWN_COMMANDS}", code)


def _gs1_message(data: str, code: str) -> GS1Message:
    """Read GS1 element strings with biip; every failure becomes a ScanError."""
    if not data.isascii():  # biip's patterns use \d, which also matches non-ASCII digits
        raise ScanError(f"GS1 code {_show(code)} contains non-ASCII characters", code)
    if data.startswith("(") and not _GS1_HRI.fullmatch(data):
        # biip's HRI parser drops spaces and any text it does not recognise; we refuse.
        raise ScanError(
            f"GS1 code {_show(code)} is malformed; expected (AI)value(AI)value..., "
            "e.g. (01)09501101020917(17)190508(10)ABCD1234",
            code,
        )
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    try:
        if data.startswith("("):
            return GS1Message.parse_hri(data)
        return GS1Message.parse(data)
    except ParseError as exc:
        raise ScanError(f"GS1 code {_show(code)} cannot be read: {exc}", code) from exc


def _gs1_scan(message: GS1Message, text: str, code: str) -> Gs1Scan:
    found: dict[str, GS1ElementString] = {}
    for element in message.element_strings:
        first = found.setdefault(element.ai.ai, element)
        if first.value != element.value:
            raise ScanError(
                f"GS1 code {_show(code)} gives AI ({first.ai.ai}) twice with different values",
                code,
            )
    if not any(ai in found for ai in _GS1_AIS):
        raise ScanError(
            f"GS1 code {_show(code)} has no GTIN, lot, expiry, serial or quantity; "
            "scan the item's own barcode",
            code,
        )
    gtin = found.get("01")
    if gtin is not None and gtin.gtin is None:
        raise ScanError(
            f"GS1 code {_show(code)} has GTIN {gtin.value} with a wrong check digit; scan again",
            code,
        )
    count = found.get("30") or found.get("37")
    return Gs1Scan(
        gtin=gtin.value if gtin else None,
        lot=found["10"].value if "10" in found else None,
        expiry=found["17"].date if "17" in found else None,
        serial=found["21"].value if "21" in found else None,
        qty_milli=_quantity(count.value, code) if count else None,
        raw=text,
    )


def _item(data: str, text: str, code: str) -> ItemScan:
    if any(char.isspace() for char in data):
        raise ScanError(f"item code {_show(code)} contains a space; scan it again", code)
    if not data.isprintable():
        raise ScanError(f"item code {_show(code)} contains an invisible character", code)
    return ItemScan(data, _gtin(data), raw=text)


def _gtin(code: str) -> str | None:
    """The 14-digit GTIN if `code` is a GTIN-8, -12, -13 or -14 with a valid check digit."""
    if len(code) not in (8, 12, 13, 14) or not (code.isascii() and code.isdigit()):
        return None
    padded = code.zfill(14)
    return padded if gs1_standard_check_digit(padded[:-1]) == int(padded[-1]) else None


def gs1_standard_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit of ASCII digits (GS1 General Specifications 7.9.1), as
    `biip.checksums.gs1_standard_check_digit` gives it, without importing biip."""
    weights = (3, 1)  # from the right: 3, 1, 3, 1...
    total = sum(int(digit) * weights[index % 2] for index, digit in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _quantity(number: str, code: str) -> int:
    try:
        return parse_qty(number)
    except InvalidQuantity as exc:
        raise ScanError(f"{exc.message} in scan {_show(code)}", code) from exc


def _show(code: str) -> str:
    """The code quoted for a message, control characters named (<GS>), long codes cut."""
    shown = "".join(_visible(char) for char in code[:60])
    return repr(shown + "..." if len(code) > 60 else shown)


def _visible(char: str) -> str:
    if unicodedata.category(char) != "Cc":
        return char
    name = _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")
    return f"<{name}>"
