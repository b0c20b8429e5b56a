"""A cheap change check, so open screens show another terminal's posts within seconds.

Three primary-key maxima: any movement, status change or reservation anywhere moves
the token. Reading it costs three index look-ups, not a reload of anything.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from models import Movement, Reservation, WorkOrderEvent

ChangeToken = tuple[int, int, int]


def change_token(session: Session) -> ChangeToken:
    movement = session.execute(select(func.max(Movement.id))).scalar_one()
    event = session.execute(select(func.max(WorkOrderEvent.id))).scalar_one()
    reservation = session.execute(select(func.max(Reservation.id))).scalar_one()
    return (movement or 0, event or 0, reservation or 0)
