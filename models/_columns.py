"""What the tables share: their base class, timestamps and sync identities."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import ConfigDict
from sqlmodel import SQLModel


def utcnow() -> datetime:
    """Every timestamp is stored in UTC, with its time zone."""
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class TableModel(SQLModel):
    """The base of every table: SQLModel with pydantic's validators built on first use.

    Table rows are made by the services and by SQLAlchemy, never validated from outside
    input, so building each table's pydantic validator at import (about 25 ms for all
    of them) only slowed `storeroom`'s start.
    """

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
