"""Version-7 UUIDs (RFC 9562): the layout, time order, and order within one millisecond.

Every row's sync identity and every idempotency key the application makes is one, so
inserts land at the end of the unique indexes rather than anywhere in them; a client's
own key may still be any UUID.
"""

from __future__ import annotations

import random
import time
import uuid

import pytest

from models._columns import Uuid7Keys, new_uuid, uuid7_maker, uuid7_text
from storeroom_tui import ledger
from storeroom_tui.errors import InvalidValue

MS = 1_000_000  # nanoseconds


def unix_ms(key: str) -> int:
    return uuid.UUID(key).int >> 80


def test_keys_carry_version_7_the_rfc_variant_and_the_time_they_were_made() -> None:
    before = time.time_ns() // MS
    keys = [new_uuid() for _ in range(1000)] + [ledger.new_key() for _ in range(1000)]
    after = time.time_ns() // MS
    for key in keys:
        parsed = uuid.UUID(key)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == key  # canonical: lower case, hyphens where uuid puts them
        assert before <= unix_ms(key) <= after


def test_keys_made_one_after_another_are_unique_and_sort_in_the_order_made() -> None:
    keys = [new_uuid() for _ in range(20_000)]
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)


def test_keys_made_in_one_millisecond_still_sort_in_the_order_made() -> None:
    frozen = Uuid7Keys(clock=lambda: 1_700_000_000_123 * MS + 456)
    keys = [frozen.new() for _ in range(5000)]
    assert {unix_ms(key) for key in keys} == {1_700_000_000_123}
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)


def test_a_clock_that_steps_back_does_not_break_the_order() -> None:
    now = [1_700_000_000_500 * MS]
    keys = Uuid7Keys(clock=lambda: now[0])
    first = keys.new()
    now[0] -= 2_000 * MS  # the system clock was corrected backwards by two seconds
    second = keys.new()
    assert second > first
    assert unix_ms(second) == unix_ms(first)


def test_a_counter_run_out_within_one_millisecond_moves_on_to_the_next() -> None:
    keys = Uuid7Keys(clock=lambda: 1_700_000_000_000 * MS)
    first = keys.new()
    keys.counter = (1 << 42) - 1  # as if four trillion keys had been made this millisecond
    second = keys.new()
    assert second > first
    assert unix_ms(second) == 1_700_000_000_001
    assert uuid.UUID(second).version == 7


def test_the_layout_puts_each_field_where_rfc_9562_says() -> None:
    key = uuid7_text(0x0123_4567_89AB, 0xCDE, 0x0F0F_0F0F_0F0F_0F0F)
    assert key == "01234567-89ab-7cde-8f0f-0f0f0f0f0f0f"
    # values too wide for their fields never spill into the version or variant bits
    wide = uuid.UUID(uuid7_text(1 << 60 | 5, 0xFFFF, (1 << 70) - 1))
    assert (wide.version, wide.variant, wide.int >> 80) == (7, uuid.RFC_4122, 5)


def test_keys_of_given_times_carry_their_time_to_the_microsecond_and_sort_by_it() -> None:
    epoch = 1_700_000_000_000_000  # Unix microseconds
    times = sorted({random.Random(4).randrange(10**12) for _ in range(5000)})
    new = uuid7_maker(random.Random(3).getrandbits, epoch)
    keys = [new(at) for at in times]
    for at, key in zip(times, keys, strict=True):
        parsed = uuid.UUID(key)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, key)
        unix_ms, micro = divmod(epoch + at, 1000)
        assert parsed.int >> 80 == unix_ms
        assert (parsed.int >> 64) & 0xFFF == micro * 4096 // 1000  # RFC 9562 method 3
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    # a seeded generator gives the same keys again, another seed others
    assert [uuid7_maker(random.Random(3).getrandbits, epoch)(at) for at in times] == keys
    assert uuid7_maker(random.Random(5).getrandbits, epoch)(times[0]) != keys[0]


@pytest.mark.parametrize(
    "client_key",
    [
        "0b6f5a8e-3c1d-4b7a-9e2f-5d4c3b2a1f00",  # version 4, as most clients make them
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",  # version 1
        "01890A5D-AC96-774B-BCCE-B302099A8057",  # version 7, upper case
    ],
)
def test_a_client_key_of_any_uuid_version_is_taken_as_it_is(client_key: str) -> None:
    assert ledger.check_key(client_key) == client_key.lower()


def test_a_key_that_is_not_a_uuid_is_still_refused() -> None:
    with pytest.raises(InvalidValue):
        ledger.check_key("scan-42")


def test_no_key_given_means_a_fresh_version_7_key() -> None:
    assert uuid.UUID(ledger.check_key(None)).version == 7
