"""The storeroom as the CLI and the screens see it: a database plus the signed-in user.

Every call runs one service function in one short transaction, with the acting user
passed in. Screens and commands never open a session themselves: they call
`store.write(counter.issue_to_line, ...)` or `store.read(stock.stock_position, ...)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import inspect
from sqlmodel import Session

from storeroom_tui import catalog
from storeroom_tui.db import Database, database_url, sqlite_path
from storeroom_tui.errors import DatabaseError, NotSignedIn
from storeroom_tui.permissions import Actor, Role

P = ParamSpec("P")
T = TypeVar("T")

SCHEMA_VERSION = "1"
ADMIN_BADGE = "ADMIN"


class Storeroom:
    def __init__(self, db: Database, terminal: str | None = None) -> None:
        self.db = db
        self.terminal = (
            terminal if terminal is not None else os.environ.get("STOREROOM_TERMINAL", "")
        )
        self.actor: Actor | None = None

    @classmethod
    def open(cls, db: str | None = None, terminal: str | None = None) -> Storeroom:
        return cls(Database(database_url(db)), terminal)

    @property
    def location(self) -> str:
        return self.db.url.removeprefix("sqlite:///")

    # --- schema ------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        path = sqlite_path(self.db.url)
        if path is not None and not path.exists():
            return False  # do not create an empty file just by looking
        return inspect(self.db.engine).has_table("setting")

    def require_initialised(self) -> None:
        if not self.is_initialised():
            raise DatabaseError(
                f"{self.location} is not a storeroom database yet; run: storeroom init",
                self.location,
            )

    def init(self) -> bool:
        """Create the schema, the virtual places and the first admin. False if already there."""
        self.db.create_schema()

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
