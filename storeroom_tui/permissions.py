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


_CLERK = {Action.VIEW, Action.RECEIVE, Action.ISSUE, Action.RETURN, Action.RESERVE}
_TECHNICIAN = {Action.VIEW, Action.RETURN, Action.WORK}
_PLANNER = {Action.VIEW, Action.CREATE_WO, Action.PLAN, Action.RESERVE, Action.MASTER_DATA}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CLERK: frozenset(_CLERK),
    Role.TECHNICIAN: frozenset(_TECHNICIAN),
    Role.PLANNER: frozenset(_PLANNER),
    # a supervisor does what clerks, technicians and planners do, and approves and closes
    Role.SUPERVISOR: frozenset(
        _CLERK | _TECHNICIAN | _PLANNER | {Action.APPROVE, Action.WRITE_OFF, Action.CLOSE}
    ),
    Role.CONTROLLER: frozenset({Action.VIEW, Action.ADJUST, Action.WRITE_OFF}),
    Role.ADMIN: frozenset(Action),
}


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
