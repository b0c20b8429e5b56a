"""The storeroom as the CLI and the screens see it: a database plus the signed-in user.

Every call runs one service function in one short transaction, with the acting user
passed in. Screens and commands never open a session themselves: they call
`store.write(counter.issue_to_line, ...)` or `store.read(stock.stock_position, ...)`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import inspect
from sqlmodel import Session

from storeroom_tui import catalog, migrations
from storeroom_tui.db import Database, database_url, sqlite_path
from storeroom_tui.errors import DatabaseError, NotSignedIn
from storeroom_tui.permissions import Actor, Role

P = ParamSpec("P")
T = TypeVar("T")

SCHEMA_VERSION = "1"  # written by init as before; the schema revision is Alembic's
ADMIN_BADGE = "ADMIN"


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Storeroom:
    def __init__(self, db: Database, terminal: str | None = None) -> None:
        self.db = db
        self.terminal = (
            terminal if terminal is not None else os.environ.get("STOREROOM_TERMINAL", "")
        )
        self.actor: Actor | None = None
        # what the storeroom says on its own (an upgrade); the CLI's is stderr
        self.notify: Callable[[str], None] = _to_stderr
        self.upgrade: migrations.Upgrade | None = None
        self._schema_current = False

    @classmethod
    def open(cls, db: str | None = None, terminal: str | None = None) -> Storeroom:
        return cls(Database(database_url(db)), terminal)

    @property
    def location(self) -> str:
        return self.db.location  # the file, or the URL without its password

    # --- schema ------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        path = sqlite_path(self.db.url)
        if path is not None and not path.exists():
            return False  # do not create an empty file just by looking
        with self.db.failures():
            return inspect(self.db.engine).has_table("setting")

    def require_initialised(self) -> None:
        """The one door of every command and of the terminal app: a storeroom database at
        this program's schema. An older file is copied aside and upgraded here, once."""
        if self._schema_current:
            return
        found = migrations.state(self.db)
        found.refuse_foreign()
        if not found.ours:
            raise DatabaseError(
                f"{self.location} is not a storeroom database yet; run: storeroom init",
                self.location,
            )
        self._bring_up_to_date()

    def _bring_up_to_date(self) -> None:
        upgrade = migrations.ensure_current(self.db)
        if upgrade is not None:
            self.upgrade = upgrade
            self.notify(upgrade.describe())
        self._schema_current = True

    def init(self) -> bool:
        """Create the schema, the virtual places and the first admin. False if already there.

        The schema is made by running every Alembic revision; an existing older file is
        upgraded (with its copy) as on any open.
        """
        found = migrations.state(self.db)
        found.refuse_foreign()
        if found.empty:
            migrations.create(self.db)
        self._bring_up_to_date()

        def setup(session: Session) -> bool:
            if catalog.get_setting(session, "schema_version"):
                return False
            catalog.set_setting(session, "schema_version", SCHEMA_VERSION)
            catalog.ensure_virtual_locations(session)
            catalog.add_user(session, None, ADMIN_BADGE, "Administrator", Role.ADMIN)
            return True

        return self.db.run(setup)

    # --- who is acting -------------------------------------------------------------------

    def sign_in(self, badge: str) -> Actor:
        self.require_initialised()
        self.actor = self.db.run(
            lambda session: catalog.actor_for(session, badge, self.terminal), write=False
        )
        return self.actor

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise NotSignedIn("nobody is signed in: scan a badge or pass --user BADGE")
        return self.actor

    # --- running services ------------------------------------------------------------------

    def write(
        self,
        service: Callable[Concatenate[Session, Actor, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a service as the signed-in user in one write transaction."""
        actor = self.require_actor()
        return self.db.run(lambda session: service(session, actor, *args, **kwargs))

    def read(
        self, query: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a read-only query in its own transaction."""
        return self.db.run(lambda session: query(session, *args, **kwargs), write=False)

    def close(self) -> None:
        self.db.dispose()
