"""Exact quantities and money: no floats anywhere in the ledger (DESIGN.md 4.5).

A quantity is an integer count of thousandths of the item's base unit ("milli"): 2.5 EA
is 2500. Money is an integer count of cents. Parsing names the offending text; printing
gives back the shortest exact decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from storeroom_tui.errors import InvalidMoney, InvalidQuantity

MILLI = 1000
CENTS = 100


def parse_qty(text: str | int | Decimal) -> int:
    """'2.5' -> 2500. Refuses zero, negatives, non-numbers and more than 3 decimals."""
    raw = str(text).strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InvalidQuantity(f"quantity {raw!r} is not a number", raw) from None
    if not amount.is_finite():
        raise InvalidQuantity(f"quantity {raw!r} is not a number", raw)
    if amount <= 0:
        raise InvalidQuantity(f"quantity {raw!r} must be greater than zero", raw)
    milli = amount * MILLI
    if milli != milli.to_integral_value():
        raise InvalidQuantity(
            f"quantity {raw!r} has more than 3 decimals; the smallest step is 0.001", raw
        )
    if milli > 10**15:
        raise InvalidQuantity(f"quantity {raw!r} is too large", raw)
    return int(milli)


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
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InvalidMoney(f"amount {raw!r} is not a number", raw) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidMoney(f"amount {raw!r} must be zero or more", raw)
    cents = amount * CENTS
    if cents != cents.to_integral_value():
        raise InvalidMoney(f"amount {raw!r} has fractions of a cent", raw)
    return int(cents)


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
