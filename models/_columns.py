"""Column helpers shared by the tables: timestamps and sync identities."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Every timestamp is stored in UTC, with its time zone."""
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())
