"""The random storeroom days of `test_ledger_properties`, on PostgreSQL.

Same machine, same rules and invariants; only the storeroom differs: every example starts
from the template plant copied (by `storeroom_tui.copying`) into a fresh schema of the
test database, dropped afterwards. Skipped where PostgreSQL is unreachable, never when
CI=true. Fewer examples than on SQLite: each one pays for a schema of its own.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import initialize
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from storeroom_tui.copying import copy_plant
from storeroom_tui.service import Storeroom
from tests.conftest import PG_ADMIN_URL, schema_url
from tests.test_ledger_properties import StoreroomDay, gather, template_db


class StoreroomDayOnPostgreSQL(StoreroomDay):
    schema: str | None = None

    @initialize()
    def open_the_storeroom(self) -> None:
        self.schema = f"sr_prop_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_ADMIN_URL, poolclass=NullPool)
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        finally:
            admin.dispose()
        url = schema_url(self.schema)
        copy_plant(str(template_db()), url)
        self.store = Storeroom.open(url, terminal="")
        self.store.sign_in("ADMIN")
        self.expected_movements = self.store.read(gather).movement_count

    def teardown(self) -> None:
        super().teardown()
        if self.schema is not None:
            admin = create_engine(PG_ADMIN_URL, poolclass=NullPool)
            try:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            finally:
                admin.dispose()


StoreroomDayOnPostgreSQL.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# `pg_admin` skips the whole machine where PostgreSQL is unreachable (fails when CI=true)
TestStoreroomDayOnPostgreSQL = pytest.mark.usefixtures("pg_admin")(
    StoreroomDayOnPostgreSQL.TestCase
)
