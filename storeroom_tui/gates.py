"""The work-order life: statuses, the allowed transitions and the gate table.

DESIGN.md section 5 exists here once; services, screens and the CLI all ask it.
"""

from __future__ import annotations

from enum import StrEnum

from storeroom_tui.errors import GateClosed, InvalidTransition, InvalidValue, NotInProgress
from storeroom_tui.permissions import Action


class Status(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class Gate(StrEnum):
    RESERVE = "reserve"
    ISSUE = "issue"
    RETURN = "return"  # return and write-off share a gate
    EDIT_DEMAND = "edit demand"


_GATES: dict[Status, frozenset[Gate]] = {
    Status.REQUESTED: frozenset({Gate.EDIT_DEMAND}),
    Status.APPROVED: frozenset({Gate.RESERVE, Gate.EDIT_DEMAND}),
    Status.SCHEDULED: frozenset({Gate.RESERVE, Gate.EDIT_DEMAND}),
    Status.IN_PROGRESS: frozenset({Gate.RESERVE, Gate.ISSUE, Gate.RETURN, Gate.EDIT_DEMAND}),
    Status.COMPLETED: frozenset({Gate.RETURN}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
    # frozen: movements blocked, reservations kept
    Status.ON_HOLD: frozenset(),
    Status.POSTPONED: frozenset({Gate.EDIT_DEMAND}),
}

# to-status -> the permission it needs
_TRANSITION_ACTION: dict[Status, Action] = {
    # nothing leads back to requested; the entry makes the attempt a clean refusal
    Status.REQUESTED: Action.PLAN,
    Status.APPROVED: Action.APPROVE,
    Status.SCHEDULED: Action.PLAN,
    Status.IN_PROGRESS: Action.WORK,
    Status.COMPLETED: Action.WORK,
    Status.ON_HOLD: Action.PLAN,
    Status.POSTPONED: Action.PLAN,
    Status.CANCELLED: Action.PLAN,
    Status.CLOSED: Action.CLOSE,
}

_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REQUESTED: frozenset({Status.APPROVED, Status.CANCELLED}),
    Status.APPROVED: frozenset(
        {Status.SCHEDULED, Status.IN_PROGRESS, Status.ON_HOLD, Status.POSTPONED, Status.CANCELLED}
    ),
    Status.SCHEDULED: frozenset(
        {Status.IN_PROGRESS, Status.ON_HOLD, Status.POSTPONED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.COMPLETED, Status.ON_HOLD, Status.POSTPONED, Status.CANCELLED}
    ),
    Status.ON_HOLD: frozenset(
        {Status.APPROVED, Status.SCHEDULED, Status.IN_PROGRESS, Status.CANCELLED}
    ),
    Status.POSTPONED: frozenset(
        {Status.APPROVED, Status.SCHEDULED, Status.IN_PROGRESS, Status.CANCELLED}
    ),
    # back to work if something was missed; closing only through reconciliation
    Status.COMPLETED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.CANCELLED}


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        known = ", ".join(status.value for status in Status)
        raise InvalidValue(f"status {text!r} is not one of: {known}", text) from None


def allows(status: str, gate: Gate) -> bool:
    return gate in _GATES[Status(status)]


def require_gate(number: str, status: str, gate: Gate) -> None:
    """Refuse `gate` on a WO in `status`, saying which statuses would allow it."""
    if allows(status, gate):
        return
    allowed = [s.value for s in Status if gate in _GATES[s]]
    message = f"{number} is {status}: {gate.value} is allowed only when {' or '.join(allowed)}"
    if gate is Gate.ISSUE:
        raise NotInProgress(message + "; start the work order first", number)
    raise GateClosed(message, number)


def next_statuses(status: str) -> frozenset[Status]:
    return _TRANSITIONS[Status(status)]


def transition_action(to_status: Status) -> Action:
    return _TRANSITION_ACTION[to_status]


def require_transition(number: str, from_status: str, to_status: Status) -> None:
    if to_status not in _TRANSITIONS[Status(from_status)]:
        allowed = ", ".join(sorted(s.value for s in _TRANSITIONS[Status(from_status)])) or "none"
        raise InvalidTransition(
            f"{number} cannot go from {from_status} to {to_status.value} (allowed: {allowed})",
            to_status.value,
        )
