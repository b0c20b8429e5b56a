"""Exact quantities and money: no floats anywhere in the ledger (DESIGN.md 4.5).

A quantity is an integer count of thousandths of the item's base unit ("milli"): 2.5 EA
is 2500. Money is an integer count of cents. Parsing names the offending text; printing
gives back the shortest exact decimal.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from storeroom_tui.errors import InvalidMoney, InvalidQuantity

MILLI = 1000
CENTS = 100


_DECIMAL = re.compile(r"([+-]?)([0-9]{1,15})(?:\.([0-9]+))?")


def parse_qty(text: str | int | Decimal) -> int:
    """'2.5' -> 2500. Refuses zero, negatives, non-numbers and more than 3 decimals.

    Read from the text itself (no float, no Decimal context), so nothing is rounded.
    """
    raw = str(text).strip()
    milli = _signed_milli(raw)
    if milli <= 0:
        raise InvalidQuantity(f"quantity {raw!r} must be greater than zero", raw)
    return milli


def parse_count(text: str | int | Decimal) -> int:
    """A counted quantity: as `parse_qty`, but an empty bin counts 0."""
    raw = str(text).strip()
    milli = _signed_milli(raw)
    if milli < 0:
        raise InvalidQuantity(f"counted quantity {raw!r} cannot be negative", raw)
    return milli


def _signed_milli(raw: str) -> int:
    match = _DECIMAL.fullmatch(raw)
    if match is None:
        raise InvalidQuantity(f"quantity {raw!r} is not a number", raw)
    sign, whole, fraction = match.group(1), match.group(2), (match.group(3) or "").rstrip("0")
    if len(fraction) > 3:
        raise InvalidQuantity(
            f"quantity {raw!r} has more than 3 decimals; the smallest step is 0.001", raw
        )
    milli = int(whole) * MILLI + int(fraction.ljust(3, "0"))
    return -milli if sign == "-" else milli


def qty_decimal(milli: int) -> Decimal:
    return (Decimal(milli) / MILLI).normalize() if milli else Decimal(0)


def format_qty(milli: int) -> str:
    """2500 -> '2.5', 3000 -> '3', 0 -> '0'."""
    text = format(qty_decimal(milli), "f")
    return text


def qty_json(milli: int) -> int | float:
    """A JSON number: an int when whole, otherwise the exact decimal as a float."""
    if milli % MILLI == 0:
        return milli // MILLI
    return float(qty_decimal(milli))


def parse_money(text: str | int | Decimal) -> int:
    """'12.34' -> 1234 cents. Refuses negatives, non-numbers and fractions of a cent."""
    raw = str(text).strip()
    match = _DECIMAL.fullmatch(raw)
    if match is None:
        raise InvalidMoney(f"amount {raw!r} is not a number", raw)
    sign, whole, fraction = match.group(1), match.group(2), (match.group(3) or "").rstrip("0")
    if len(fraction) > 2:
        raise InvalidMoney(f"amount {raw!r} has fractions of a cent", raw)
    cents = int(whole) * CENTS + int(fraction.ljust(2, "0"))
    if sign == "-" and cents:
        raise InvalidMoney(f"amount {raw!r} must be zero or more", raw)
    return cents


def format_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // CENTS:,}.{cents % CENTS:02d}"


def money_json(cents: int) -> float:
    return float(Decimal(cents) / CENTS)


def value_of(qty_milli: int, unit_cost_cents: int) -> int:
    """Cents for a quantity at a unit cost, rounded half up to the cent."""
    exact = Decimal(qty_milli) * Decimal(unit_cost_cents) / MILLI
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def moving_average(
    on_hand_milli: int, average_cents: int, received_milli: int, price_cents: int
) -> int:
    """New moving-average unit cost after a receipt, rounded half up to the cent."""
    on_hand_milli = max(on_hand_milli, 0)
    total_qty = on_hand_milli + received_milli
    if total_qty <= 0:
        return price_cents
    total_value = Decimal(on_hand_milli) * average_cents + Decimal(received_milli) * price_cents
    return int((total_value / total_qty).quantize(Decimal(1), rounding=ROUND_HALF_UP))
