"""SQLModel tables only: columns, keys, indexes and the constraints the database enforces.

No behaviour lives here; the services in `storeroom_tui` decide. Importing this package
registers every table on `SQLModel.metadata`.
"""

from models.catalog import Asset, Item, ItemBarcode, Location, LocationKind, User
from models.costs import (
    AssetCost,
    AssigneeMonth,
    Budget,
    ContractorEntry,
    ItemMonth,
    LabourEntry,
    LabourMonth,
    LineUsage,
    TradeRate,
    WorkOrderCost,
)
from models.ledger import Balance, Lot, Movement, MovementKind, Serial
from models.meta import Setting
from models.purchasing import (
    Invoice,
    InvoiceLine,
    ItemSupply,
    MatchException,
    PriceVariance,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    Receipt,
    RequisitionLine,
    Vendor,
    VendorItem,
)
from models.search import WORK_ORDER_SEARCH  # the work-order text index (not a table)
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
    "AssetCost",
    "AssigneeMonth",
    "Balance",
    "Budget",
    "ContractorEntry",
    "DemandLine",
    "DemandSubstitute",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemBarcode",
    "ItemMonth",
    "ItemSupply",
    "LabourEntry",
    "LabourMonth",
    "LineUsage",
    "Location",
    "LocationKind",
    "Lot",
    "MatchException",
    "Movement",
    "MovementKind",
    "PriceVariance",
    "PurchaseOrder",
    "PurchaseOrderEvent",
    "PurchaseOrderLine",
    "Receipt",
    "RequisitionLine",
    "Reservation",
    "ReservationStatus",
    "Serial",
    "Setting",
    "TradeRate",
    "User",
    "Vendor",
    "VendorItem",
    "WorkOrder",
    "WorkOrderCost",
    "WorkOrderEvent",
    "WORK_ORDER_SEARCH",
]
