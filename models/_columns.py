"""What the tables share: their base class, timestamps and sync identities."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ConfigDict
from sqlmodel import SQLModel


def utcnow() -> datetime:
    """Every timestamp is stored in UTC, with its time zone."""
    return datetime.now(UTC)


_V7_BITS = (0x7 << 76) | (0x2 << 62)  # version 7, variant 10 (RFC 9562)
_COUNTER_TOP = (1 << 42) - 1  # rand_a (12 bits) and the first 30 bits of rand_b count


def uuid7_text(unix_ms: int, rand_a: int, rand_b: int) -> str:
    """An RFC 9562 version-7 UUID: 48 bits of Unix milliseconds, then 12 and 62 bits.

    Keys that start with their time land next to each other in a unique index (SQLite's
    and PostgreSQL's B-trees), where random version-4 keys land anywhere in it.
    """
    value = ((unix_ms & 0xFFFF_FFFF_FFFF) << 80) | ((rand_a & 0xFFF) << 64)
    h = f"{value | (rand_b & 0x3FFF_FFFF_FFFF_FFFF) | _V7_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# rand_a of a key made at each microsecond of a millisecond, with the version digit
_MICROSECOND_TEXT = [f"{0x7000 | micro * 4096 // 1000:04x}" for micro in range(1000)]


def uuid7_maker(random_bits: Callable[[int], int], epoch_us: int = 0) -> Callable[[int], str]:
    """Version-7 UUIDs for rows written with their own time (the demo builders): `new(at)`
    for `at` microseconds after `epoch_us` (Unix time). The microseconds within the
    millisecond fill rand_a (RFC 9562 method 3), so the keys sort by their time to the
    microsecond; rand_b comes from `random_bits`, so a seeded generator makes the same keys
    again. Formatted in pieces: a builder makes millions of them."""
    variant = 0x2 << 62

    def new(at: int) -> str:
        unix_ms, micro = divmod(epoch_us + at, 1000)
        stamp = f"{unix_ms:012x}"
        tail = f"{random_bits(62) | variant:016x}"
        return f"{stamp[:8]}-{stamp[8:]}-{_MICROSECOND_TEXT[micro]}-{tail[:4]}-{tail[4:]}"

    return new


class Uuid7Keys:
    """Version-7 keys that sort in the order this process made them (RFC 9562 method 1):
    a 42-bit counter after the millisecond, started at a random value below its middle
    each new millisecond and counted on within one, then 32 random bits."""

    def __init__(self, clock: Callable[[], int] = time.time_ns) -> None:
        self.clock = clock  # nanoseconds since the Unix epoch
        self.lock = threading.Lock()
        self.unix_ms = 0
        self.counter = 0

    def new(self) -> str:
        with self.lock:
            now = self.clock() // 1_000_000
            if now > self.unix_ms:
                self.unix_ms, self.counter = now, secrets.randbits(41)
            else:  # the same millisecond, or the clock stepped back: count on
                self.counter += 1
                if self.counter > _COUNTER_TOP:
                    self.unix_ms, self.counter = self.unix_ms + 1, secrets.randbits(41)
            unix_ms, counter = self.unix_ms, self.counter
        tail = ((counter & 0x3FFF_FFFF) << 32) | secrets.randbits(32)
        return uuid7_text(unix_ms, counter >> 30, tail)


_keys = Uuid7Keys()


def new_uuid() -> str:
    """A fresh version-7 UUID, later than every one this process made before."""
    return _keys.new()


class TableModel(SQLModel):
    """The base of every table: SQLModel with pydantic's validators built on first use.

    Table rows are made by the services and by SQLAlchemy, never validated from outside
    input, so building each table's pydantic validator at import (about 25 ms for all
    of them) only slowed `storeroom`'s start.
    """

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
