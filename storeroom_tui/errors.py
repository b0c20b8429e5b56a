"""Domain errors: every refusal a user can meet, each with a stable code.

Services raise these; the screens and the CLI only render them. The `code` is stable
(scripts and tests match on it), the message is for people and names the offending
value, and `value` carries that value for machine-readable output.
"""

from __future__ import annotations

from typing import Any


class StoreroomError(Exception):
    """Base of every refusal. Nothing was changed when one of these is raised."""

    code: str = "storeroom_error"

    def __init__(self, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if isinstance(self.value, list | tuple):
            error["value"] = [str(v) for v in self.value]
        elif self.value is not None:
            error["value"] = self.value if isinstance(self.value, int | float) else str(self.value)
        return {"error": error}


# --- input that cannot be understood -------------------------------------------------


class InvalidQuantity(StoreroomError):
    code = "invalid_quantity"


class InvalidMoney(StoreroomError):
    code = "invalid_money"


class InvalidDate(StoreroomError):
    code = "invalid_date"


class InvalidValue(StoreroomError):
    """A value of the wrong form: a status, a condition, a role, a kind..."""

    code = "invalid_value"


class ScanError(StoreroomError):
    """A scanned code that is unknown or malformed."""

    code = "bad_scan"


# --- things that do not exist (or already do) -----------------------------------------


class NotFound(StoreroomError):
    code = "not_found"


class UnknownItem(NotFound):
    code = "unknown_item"


class UnknownLocation(NotFound):
    code = "unknown_location"


class UnknownWorkOrder(NotFound):
    code = "unknown_work_order"


class UnknownUser(NotFound):
    code = "unknown_user"


class UnknownAsset(NotFound):
    code = "unknown_asset"


class UnknownLot(NotFound):
    code = "unknown_lot"


class UnknownMovement(NotFound):
    code = "unknown_movement"


class AlreadyExists(StoreroomError):
    code = "already_exists"


# --- rules of the ledger ---------------------------------------------------------------


class InsufficientStock(StoreroomError):
    code = "insufficient_stock"


class ExpiredLot(StoreroomError):
    code = "expired_lot"


class LotRequired(StoreroomError):
    code = "lot_required"


class SerialRequired(StoreroomError):
    code = "serial_required"


class InvalidSerial(StoreroomError):
    code = "invalid_serial"


class DuplicateSerial(StoreroomError):
    code = "duplicate_serial"


class SerialNotIssued(StoreroomError):
    code = "serial_not_issued"


class SerialNotAvailable(StoreroomError):
    code = "serial_not_available"


class ReturnExceedsIssued(StoreroomError):
    code = "return_exceeds_issued"


class WriteOffExceedsIssued(StoreroomError):
    code = "writeoff_exceeds_issued"


class ToolMustBeReturned(StoreroomError):
    code = "tool_must_be_returned"


class ReasonRequired(StoreroomError):
    code = "reason_required"


class SubstituteNotAllowed(StoreroomError):
    code = "substitute_not_allowed"


class AlreadyReversed(StoreroomError):
    code = "already_reversed"


class NotReversible(StoreroomError):
    code = "not_reversible"


# --- rules of the work order -------------------------------------------------------------


class GateClosed(StoreroomError):
    """The WO's status does not allow this action now (DESIGN.md section 5)."""

    code = "gate_closed"


class NotInProgress(GateClosed):
    code = "not_in_progress"


class InvalidTransition(StoreroomError):
    code = "invalid_transition"


class WorkOrderNotReconciled(StoreroomError):
    """Close refused: something is still in WIP. `value` lists the open lines."""

    code = "not_reconciled"


class WorkInProgressOpen(StoreroomError):
    """Cancel refused: parts are still out on the WO."""

    code = "wip_open"


# --- people ---------------------------------------------------------------------------------


class PermissionDenied(StoreroomError):
    code = "permission_denied"


class NotSignedIn(StoreroomError):
    code = "not_signed_in"


# --- the database itself ----------------------------------------------------------------------


class DatabaseError(StoreroomError):
    code = "database_error"


class DatabaseBusy(DatabaseError):
    code = "database_busy"


class DatabaseReadOnly(DatabaseError):
    """The file (or its folder) cannot be written: nothing was posted."""

    code = "database_read_only"


class DatabaseFull(DatabaseError):
    """The disk (or the file's size limit) is full: this post was not saved."""

    code = "database_full"


class DatabaseCorrupt(DatabaseError):
    """SQLite found a damaged page: stop posting, restore the last backup."""

    code = "database_corrupt"


class NotAStoreroomDatabase(DatabaseError):
    """Not SQLite at all, or another program's database."""

    code = "not_a_storeroom_database"


class SchemaTooNew(DatabaseError):
    """The file was made by a newer storeroom than this program."""

    code = "schema_too_new"


class UpgradeFailed(DatabaseError):
    code = "upgrade_failed"


class BackupRefused(DatabaseError):
    """A backup or a restore that cannot be made as asked; nothing was replaced."""

    code = "backup_refused"


# --- purchasing (issue 6) ---------------------------------------------------------------------


class UnknownVendor(NotFound):
    code = "unknown_vendor"


class UnknownPurchaseOrder(NotFound):
    code = "unknown_purchase_order"


class UnknownRequisition(NotFound):
    code = "unknown_requisition"


class PurchaseOrderState(StoreroomError):
    """The PO's status does not allow this now (receive on a closed or unapproved PO...)."""

    code = "po_state"


class ApprovalRefused(StoreroomError):
    """Not this approver: their own PO, or a total above what their role may approve."""

    code = "approval_refused"


class OverDelivery(StoreroomError):
    code = "over_delivery"


class InvoiceExceedsReceived(StoreroomError):
    code = "invoice_exceeds_received"


class ImportRefused(StoreroomError):
    """An ERP file with bad rows: `value` names them; nothing was changed."""

    code = "import_refused"


# --- cost and reports (issue 7) ---------------------------------------------------------------


class InvalidRate(StoreroomError):
    """A rate or an amount of zero or below."""

    code = "invalid_rate"


class InvalidHours(StoreroomError):
    code = "invalid_hours"


class InvalidPeriod(StoreroomError):
    """Not a month written YYYY-MM."""

    code = "invalid_period"


class UnknownPeriod(NotFound):
    """A period with nothing in it to report (no budget set for it)."""

    code = "unknown_period"


class InvalidDateRange(StoreroomError):
    code = "invalid_date_range"


class UnknownTrade(NotFound):
    code = "unknown_trade"


class UnknownReport(NotFound):
    code = "unknown_report"


class TooManyHours(StoreroomError):
    """More than 24 hours booked for one person on one day, over all WOs."""

    code = "too_many_hours"


class CostsFrozen(GateClosed):
    """The WO is closed (its cost is frozen) or cancelled: no more labour or contractors."""

    code = "costs_frozen"


class ExportFailed(StoreroomError):
    """A report or journal file could not be written (no folder, no permission, disk full)."""

    code = "export_failed"
