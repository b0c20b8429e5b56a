"""Who may do what: the one permission table, asked by services, screens and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storeroom_tui.errors import InvalidValue, PermissionDenied


class Role(StrEnum):
    CLERK = "clerk"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    PLANNER = "planner"
    CONTROLLER = "controller"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW = "view"
    RECEIVE = "receive"
    ISSUE = "issue"
    RETURN = "return"
    WRITE_OFF = "write-off"
    RESERVE = "reserve"
    CREATE_WO = "create work orders"
    PLAN = "plan work orders"  # demand lines, schedule, hold, postpone, cancel
    APPROVE = "approve work orders"
    WORK = "start and complete work orders"
    CLOSE = "close work orders"
    ADJUST = "adjust stock"
    MASTER_DATA = "maintain items, bins and assets"
    MANAGE_USERS = "manage users"
    # cost (issue 7)
    BOOK_COST = "book labour, contractors and downtime"
    COST_SETTINGS = "set trade rates, budgets and asset values"
    # purchasing (issue 6): the amount a role may approve is set by the approval tiers
    REQUISITION = "raise requisitions"
    PURCHASE = "place purchase orders"
    APPROVE_PO = "approve purchase orders"
    INVOICE = "enter invoices"
    PURCHASING_SETTINGS = "change approval tiers and tolerances"


_CLERK = {
    Action.VIEW,
    Action.RECEIVE,
    Action.ISSUE,
    Action.RETURN,
    Action.RESERVE,
    Action.REQUISITION,
}
_TECHNICIAN = {Action.VIEW, Action.RETURN, Action.WORK, Action.BOOK_COST}
# the planner is the buyer: requisitions, purchase orders, and approval of the lowest tier
_PLANNER = {
    Action.VIEW,
    Action.CREATE_WO,
    Action.PLAN,
    Action.RESERVE,
    Action.MASTER_DATA,
    Action.REQUISITION,
    Action.PURCHASE,
    Action.APPROVE_PO,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CLERK: frozenset(_CLERK),
    Role.TECHNICIAN: frozenset(_TECHNICIAN),
    Role.PLANNER: frozenset(_PLANNER),
    # a supervisor does what clerks, technicians and planners do, and approves and closes
    Role.SUPERVISOR: frozenset(
        _CLERK | _TECHNICIAN | _PLANNER | {Action.APPROVE, Action.WRITE_OFF, Action.CLOSE}
    ),
    # the controller enters invoices, approves the top tier and sets tiers and tolerances
    Role.CONTROLLER: frozenset(
        {
            Action.VIEW,
            Action.ADJUST,
            Action.WRITE_OFF,
            Action.APPROVE_PO,
            Action.INVOICE,
            Action.PURCHASING_SETTINGS,
        }
    ),
    Role.ADMIN: frozenset(Action),
}
# cost (issue 7): the controller keeps trade rates, budgets and asset values
PERMISSIONS[Role.CONTROLLER] |= {Action.COST_SETTINGS}


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InvalidValue(f"role {text!r} is not one of: {known}", text) from None


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user a service acts for, and the terminal they sit at."""

    user_id: int
    badge: str
    name: str
    role: Role
    terminal: str = ""

    def can(self, action: Action) -> bool:
        return action in PERMISSIONS[self.role]

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise PermissionDenied(
                f"{self.name} ({self.badge}) is a {self.role.value} and may not {action.value}",
                self.badge,
            )
