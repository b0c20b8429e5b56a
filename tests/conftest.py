"""Fixtures that build a known storeroom on a real SQLite file in a temporary directory.

A module marked `pytestmark = pytest.mark.both_backends` runs each of its database tests
twice: on a SQLite file (id `sqlite`) and in a fresh PostgreSQL schema (id `postgresql`,
dropped afterwards). PostgreSQL is skipped where it is unreachable, never when CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.pool import NullPool

from storeroom_tui import catalog, ledger, migrations, workorders
from storeroom_tui.db import Database
from storeroom_tui.permissions import Actor
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.service import Storeroom

BACKENDS = ("sqlite", "postgresql")
PG_ADMIN_URL = os.environ.get(
    "STOREROOM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run the database tests on SQLite and on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """`sqlite`, unless the test runs under `both_backends`."""
    return getattr(request, "param", "sqlite")


def schema_url(schema: str, admin_url: str = PG_ADMIN_URL) -> str:
    """The URL of one schema: its name rides along as the connection's search_path.

    Test schemas are thrown away, so their commits need not wait for the disk.
    """
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    url = make_url(admin_url).update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """The test database, or a skip where PostgreSQL is unreachable (a failure when CI=true)."""
    engine = create_engine(PG_ADMIN_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "unreachable"
        engine.dispose()
        message = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test, dropped after it."""
    schema = f"sr_{uuid.uuid4().hex[:16]}"
    with pg_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema_url(schema)
    with pg_admin.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '20s'"))
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _schema_of(url: str) -> str:
    options: Any = make_url(url).query["options"]
    return options.split()[0].removeprefix("-csearch_path=")


@pytest.fixture(scope="session")
def pg_schema_script(pg_admin: Engine) -> str:
    """The statements `storeroom init` runs to make the newest schema, recorded once.

    Alembic takes about 0.4 s to make a schema, a replay of what it ran about 0.1 s; each
    `store` on PostgreSQL replays them into its fresh schema, then `init` does the rest.
    """
    schema = f"sr_template_{uuid.uuid4().hex[:12]}"
    with pg_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(schema_url(schema))
    statements: list[str] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "SHOW")):
            assert not parameters and schema not in statement, statement
            statements.append(statement.strip())

    try:
        assert migrations.create(database)
    finally:
        database.dispose()
        with pg_admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return ";\n".join(statements)


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Path | str:
    """Where the storeroom lives: a SQLite file, or (postgresql) a fresh schema's URL."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "storeroom.db"


@pytest.fixture
def store(request: pytest.FixtureRequest, db_path: Path | str, backend: str) -> Iterator[Storeroom]:
    """An initialised storeroom, signed in as the admin."""
    if backend == "postgresql":  # the fresh schema's tables, made by replay
        script = request.getfixturevalue("pg_schema_script")
        with request.getfixturevalue("pg_admin").connect() as connection:
            raw: Any = connection.connection.driver_connection
            raw.execute(f'SET search_path TO "{_schema_of(str(db_path))}";\n{script}')
            raw.commit()
    room = Storeroom.open(str(db_path), terminal="")
    room.init()
    room.sign_in("ADMIN")
    yield room
    room.close()


@dataclass
class Plant:
    """A small known plant: two bins, five items, one asset, four users."""

    store: Storeroom

    def as_user(self, badge: str) -> Actor:
        return self.store.sign_in(badge)

    def wo_in_progress(self, lines: dict[str, str], title: str = "Fix pump") -> str:
        """A WO with the given lines (part -> qty), approved and started; nothing reserved."""

        def make(session, actor):  # noqa: ANN001, ANN202
            work_order = workorders.create_work_order(session, actor, "PUMP-07", title)
            for part, qty in lines.items():
                workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
            workorders.change_status(session, actor, work_order, "approved")
            workorders.change_status(session, actor, work_order, "in_progress")
            return work_order.number

        return self.store.write(make)


@pytest.fixture
def plant(store: Storeroom) -> Plant:
    """Bins MAIN/A-01-01 and MAIN/A-01-02; items:

    - BRG-6204 bearing (10 at 5.00 in A-01-01, 10 at 7.00 in A-01-02), barcode 4006381333931
    - FLT-1 oil filter, by lot: L1 (exp 2030-01-31) 5 in A-01-01, L0 (exp 2031-06-30) 3
    - UPS-BAT critical serialised battery: SN1, SN2 in A-01-02 at 120.00
    - TRQ-WR torque wrench, a tool: 2 in A-01-01
    - SEAL-9 seal: 6 in A-01-02 at 1.50
    users: ADMIN (admin), C1 clerk, T1 technician, S1 supervisor, P1 planner, K1 controller
    """
    s = store
    for code in ("A-01-01", "A-01-02"):
        s.write(catalog.add_bin, code, "MAIN")
    s.write(catalog.add_item, "BRG-6204", "Bearing 6204", barcodes=["4006381333931"])
    s.write(catalog.add_item, "FLT-1", "Oil filter", tracking="lot")
    s.write(catalog.add_item, "UPS-BAT", "UPS battery", tracking="serial", critical=True)
    s.write(catalog.add_item, "TRQ-WR", "Torque wrench", kind="tool")
    s.write(catalog.add_item, "SEAL-9", "Shaft seal")
    s.write(catalog.add_asset, "PUMP-07", "Cooling pump 7", None, "CC-100")
    for badge, name, role in (
        ("C1", "Carla Clerk", "clerk"),
        ("T1", "Tom Tech", "technician"),
        ("S1", "Sue Supervisor", "supervisor"),
        ("P1", "Pete Planner", "planner"),
        ("K1", "Kim Controller", "controller"),
    ):
        s.write(catalog.add_user, badge, name, role)
    receive = ledger.receive
    s.write(receive, "BRG-6204", parse_qty("10"), "A-01-01", unit_cost=parse_money("5"))
    s.write(receive, "BRG-6204", parse_qty("10"), "A-01-02", unit_cost=parse_money("7"))
    s.write(
        receive,
        "FLT-1",
        parse_qty("5"),
        "A-01-01",
        "L1",
        ledger.parse_expiry("2030-01-31"),
        unit_cost=parse_money("3"),
    )
    s.write(
        receive,
        "FLT-1",
        parse_qty("3"),
        "A-01-02",
        "L0",
        ledger.parse_expiry("2031-06-30"),
        unit_cost=parse_money("3"),
    )
    s.write(
        receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-02",
        serial_nos=["SN1", "SN2"],
        unit_cost=parse_money("120"),
    )
    s.write(receive, "TRQ-WR", parse_qty("2"), "A-01-01", unit_cost=parse_money("80"))
    s.write(receive, "SEAL-9", parse_qty("6"), "A-01-02", unit_cost=parse_money("1.50"))
    return Plant(s)
