"""Alembic's environment: always run by storeroom_tui.migrations on a connection it owns.

There is no alembic.ini and no URL here. The caller opens the connection, takes the
write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), makes the backup
copy, and passes the connection in `config.attributes["connection"]`; every revision
then runs inside that one transaction, so an upgrade happens whole or not at all.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table: autogenerate compares with them)
from models.search import include_name

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through storeroom_tui.migrations (it passes the connection); "
        "there is no alembic.ini on purpose"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite changes most tables only by copying them (batch mode) in future revisions
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
    # autogenerate leaves the FTS5 work-order index alone (models/search.py)
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
