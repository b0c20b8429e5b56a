"""The work-order queue on PostgreSQL: the same shop and the same expectations as
tests/test_queue.py, read from a PostgreSQL schema.

The queue's paging (ids, one sort, a walk per status) and its text filter (ILIKE there,
no trigram index) are written once for both backends; these tests hold PostgreSQL to
the answers worked out for SQLite. Left out: what only SQLite's trigram index does (the
count of a text of three characters and more, the walk's query plan). Skipped where
PostgreSQL is unreachable, never when CI=true.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from storeroom_tui.service import Storeroom
from tests.conftest import schema_url
from tests.test_queue import (  # noqa: F401 - collected here, run against the fixture below
    fill_shop,
    test_a_bad_filter_is_refused_naming_the_value,
    test_a_closed_emergency_with_a_past_due_date_is_not_overdue,
    test_a_count_beyond_the_cap_is_shown_as_cap_plus,
    test_a_percent_sign_in_the_filter_is_taken_literally,
    test_a_priority_filter_keeps_only_that_priority,
    test_a_quick_filter_by_one_status,
    test_all_shows_closed_and_cancelled_too,
    test_an_unknown_work_order_is_named,
    test_each_column_sorts_and_reverses,
    test_every_way_of_finding_a_filtered_page_gives_the_same_rows,
    test_every_way_of_finding_a_page_gives_the_same_rows,
    test_no_match_says_so,
    test_pages_come_from_the_database_in_order,
    test_readiness_is_worked_out_only_for_the_ids_asked,
    test_the_detail_has_header_lines_and_history,
    test_the_queue_shows_open_work_orders_most_urgent_first,
    test_the_text_filter_matches_number_asset_and_title,
    test_thousands_are_grouped_in_the_range,
)


@pytest.fixture(scope="module")
def shop(pg_admin: Engine, pg_schema_script: str) -> Iterator[Storeroom]:
    """tests/test_queue.py's shop in a PostgreSQL schema of its own, shared by the module."""
    schema = f"sr_queue_{uuid.uuid4().hex[:12]}"
    with pg_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    with pg_admin.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute(f'SET search_path TO "{schema}";\n{pg_schema_script}')  # type: ignore[union-attr]
        raw.commit()  # type: ignore[union-attr]
    room = Storeroom.open(schema_url(schema), terminal="")
    try:
        room.init()
        room.sign_in("ADMIN")
        fill_shop(room)
        yield room
    finally:
        room.close()
        with pg_admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
