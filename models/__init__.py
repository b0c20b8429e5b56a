"""SQLModel tables only: columns, keys, indexes and the constraints the database enforces.

No behaviour lives here; the services in `storeroom_tui` decide. Importing this package
registers every table on `SQLModel.metadata`.
"""

from models.catalog import Asset, Item, ItemBarcode, Location, LocationKind, User
from models.ledger import Balance, Lot, Movement, MovementKind, Serial
from models.meta import Setting
from models.workorder import (
    DemandLine,
    DemandSubstitute,
    Reservation,
    ReservationStatus,
    WorkOrder,
    WorkOrderEvent,
)

__all__ = [
    "Asset",
    "Balance",
    "DemandLine",
    "DemandSubstitute",
    "Item",
    "ItemBarcode",
    "Location",
    "LocationKind",
    "Lot",
    "Movement",
    "MovementKind",
    "Reservation",
    "ReservationStatus",
    "Serial",
    "Setting",
    "User",
    "WorkOrder",
    "WorkOrderEvent",
]
