"""Master data: users, items, bins, assets, and the look-ups every other service uses.

Look-ups accept what a person or a scanner gives: a part number or any of its barcodes,
a bin code (`MAIN/A-01-03`), its label (`BIN-MAIN-A-01-03`) or a code unique within
the warehouses (`A-01-03`).
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from sqlalchemy import bindparam, func, or_
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from models import Asset, Item, ItemBarcode, Location, LocationKind, Lot, Setting, User, WorkOrder
from storeroom_tui.errors import (
    AlreadyExists,
    InvalidValue,
    UnknownAsset,
    UnknownItem,
    UnknownLocation,
    UnknownUser,
    UnknownWorkOrder,
)
from storeroom_tui.permissions import Action, Actor, Role, parse_role

ITEM_KINDS = ("material", "tool", "rotable", "kit")
TRACKINGS = ("none", "lot", "serial")

# the virtual places of DESIGN.md section 3: (code, kind, physical, available)
VIRTUAL_LOCATIONS: tuple[tuple[str, LocationKind, bool], ...] = (
    ("SUPPLIER", LocationKind.SUPPLIER, False),
    ("WIP", LocationKind.WIP, True),
    ("CONSUMED", LocationKind.CONSUMED, False),
    ("QUARANTINE", LocationKind.QUARANTINE, True),
    ("SCRAP", LocationKind.SCRAP, True),
    ("ADJUSTMENT", LocationKind.ADJUSTMENT, False),
    ("TRANSIT", LocationKind.TRANSIT, True),
)

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,47}$")
_BADGE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


def _code(text: str, what: str) -> str:
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise InvalidValue(
            f"{what} {text!r} must be letters, digits, '.', '_' or '-' (up to 48)", text
        )
    return code


# --- settings and the terminal --------------------------------------------------------


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def ensure_virtual_locations(session: Session) -> None:
    existing = set(session.exec(select(Location.code)).all())
    for code, kind, physical in VIRTUAL_LOCATIONS:
        if code not in existing:
            session.add(Location(code=code, kind=kind, physical=physical, available=False))
    session.flush()


# The virtual places never change once `init` has made them, and every post needs one or
# two: each engine keeps a detached copy of each, merged into the asking session without
# a query (a query costs ~0.13 ms, the merge ~0.01 ms).
_VIRTUAL: weakref.WeakKeyDictionary[Any, dict[LocationKind, Location]] = weakref.WeakKeyDictionary()


def virtual_location(session: Session, kind: LocationKind) -> Location:
    try:
        known = _VIRTUAL.setdefault(session.get_bind(), {})
    except TypeError:  # a bind that cannot be weakly referenced: no cache
        known = {}
    if kind in known:
        return session.merge(known[kind], load=False)
    location = session.exec(select(Location).where(Location.code == kind.value.upper())).first()
    if location is None:
        raise UnknownLocation(f"location {kind.value.upper()} is missing; run storeroom init")
    copy = Location(**{column: getattr(location, column) for column in Location.model_fields})
    make_transient_to_detached(copy)
    known[kind] = copy
    return location


# --- users ----------------------------------------------------------------------------------


def normalise_badge(text: str) -> str:
    badge = text.strip().upper().removeprefix("USR-")
    if not _BADGE.fullmatch(badge):
        raise InvalidValue(f"badge {text!r} must be letters and digits (e.g. 1042)", text)
    return badge


def add_user(session: Session, actor: Actor | None, badge: str, name: str, role: str) -> User:
    """`actor` is None only while `storeroom init` makes the first admin."""
    if actor is not None:
        actor.require(Action.MANAGE_USERS)
    badge = normalise_badge(badge)
    parsed_role = parse_role(role)
    if not name.strip():
        raise InvalidValue("a user needs a name", name)
    if session.exec(select(User).where(User.badge == badge)).first():
        raise AlreadyExists(f"badge {badge} is already taken", badge)
    user = User(badge=badge, name=name.strip(), role=parsed_role.value)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, badge: str) -> User:
    code = badge.strip().upper().removeprefix("USR-")
    user = session.exec(select(User).where(User.badge == code)).first()
    if user is None or not user.active:
        raise UnknownUser(f"no user with badge {badge!r}", badge)
    return user


def actor_for(session: Session, badge: str, terminal: str = "") -> Actor:
    user = find_user(session, badge)
    assert user.id is not None
    return Actor(user.id, user.badge, user.name, Role(user.role), terminal)


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.badge)).all())


# --- items -----------------------------------------------------------------------------------


def add_item(
    session: Session,
    actor: Actor,
    part_number: str,
    description: str,
    uom: str = "EA",
    kind: str = "material",
    tracking: str = "none",
    critical: bool = False,
    min_qty: int = 0,
    max_qty: int = 0,
    barcodes: list[str] | tuple[str, ...] = (),
    avg_cost: int = 0,
) -> Item:
    actor.require(Action.MASTER_DATA)
    part = _code(part_number, "part number")
    if kind not in ITEM_KINDS:
        raise InvalidValue(f"kind {kind!r} is not one of: {', '.join(ITEM_KINDS)}", kind)
    if tracking not in TRACKINGS:
        raise InvalidValue(f"tracking {tracking!r} is not one of: {', '.join(TRACKINGS)}", tracking)
    if kind == "rotable" and tracking != "serial":
        raise InvalidValue(f"rotable {part} must be tracked by serial", tracking)
    if max_qty and min_qty > max_qty:
        raise InvalidValue(f"min {min_qty / 1000:g} is above max {max_qty / 1000:g}", min_qty)
    if not description.strip():
        raise InvalidValue(f"item {part} needs a description", description)
    if session.exec(select(Item).where(Item.part_number == part)).first():
        raise AlreadyExists(f"part {part} already exists", part)
    item = Item(
        part_number=part,
        description=description.strip(),
        uom=uom.strip().upper() or "EA",
        kind=kind,
        tracking=tracking,
        critical=critical,
        min_qty=min_qty,
        max_qty=max_qty,
        avg_cost=avg_cost,
    )
    session.add(item)
    session.flush()
    for code in barcodes:
        add_barcode(session, item, code)
    return item


def add_barcode(session: Session, item: Item, code: str, source: str = "own") -> ItemBarcode:
    code = code.strip()
    if not code or any(ch.isspace() for ch in code):
        raise InvalidValue(f"barcode {code!r} must not be empty or contain spaces", code)
    taken = session.exec(select(ItemBarcode).where(ItemBarcode.code == code)).first()
    if taken is not None:
        raise AlreadyExists(f"barcode {code} already belongs to another item", code)
    assert item.id is not None
    barcode = ItemBarcode(item_id=item.id, code=code, source=source)
    session.add(barcode)
    session.flush()
    return barcode


# built once: every scan and every post looks an item and a WO up
_ITEM_BY_PART = select(Item).where(Item.part_number == bindparam("code"))
_ITEM_BY_BARCODE = select(Item).join(ItemBarcode).where(ItemBarcode.code == bindparam("code"))
_WORK_ORDER = select(WorkOrder).where(WorkOrder.number == bindparam("number"))


def find_item(session: Session, code: str) -> Item:
    """By part number (any case) or by any of its barcodes."""
    text = code.strip()
    item = session.exec(_ITEM_BY_PART, params={"code": text.upper()}).first()
    if item is None:
        item = session.exec(_ITEM_BY_BARCODE, params={"code": text}).first()
    if item is None:
        raise UnknownItem(f"no item with part number or barcode {text!r}", text)
    return item


def find_item_by_gtin(session: Session, gtin: str) -> Item:
    """A GTIN may be stored as 8, 12, 13 or 14 digits; try each padding."""
    candidates = {gtin, gtin.lstrip("0")} | {gtin[-n:] for n in (8, 12, 13) if len(gtin) >= n}
    item = session.exec(
        select(Item).join(ItemBarcode).where(ItemBarcode.code.in_(candidates))  # type: ignore[attr-defined]
    ).first()
    if item is None:
        raise UnknownItem(f"no item with GTIN {gtin}", gtin)
    return item


def search_items(session: Session, text: str, limit: int = 20) -> list[Item]:
    pattern = f"%{text.strip()}%"
    return list(
        session.exec(
            select(Item)
            .where(or_(Item.part_number.ilike(pattern), Item.description.ilike(pattern)))  # type: ignore[attr-defined]
            .order_by(Item.part_number)
            .limit(limit)
        ).all()
    )


def find_lot(session: Session, item: Item, lot_no: str) -> Lot | None:
    return session.exec(
        select(Lot).where(Lot.item_id == item.id, Lot.lot_no == lot_no.strip())
    ).first()


# --- bins ------------------------------------------------------------------------------------


def bin_barcode(code: str) -> str:
    """`MAIN/A-01-03` -> `BIN-MAIN-A-01-03`, the label scanned at the shelf."""
    return "BIN-" + code.replace("/", "-")


def add_bin(session: Session, actor: Actor, code: str, warehouse: str | None = None) -> Location:
    actor.require(Action.MASTER_DATA)
    text = code.strip().upper()
    if "/" in text:
        house, _, shelf = text.partition("/")
        if warehouse and warehouse.strip().upper() != house:
            raise InvalidValue(f"bin {code!r} is not in warehouse {warehouse!r}", code)
    else:
        house, shelf = (warehouse or "MAIN").strip().upper(), text
    if not re.fullmatch(r"[A-Z0-9]{1,16}", house):
        raise InvalidValue(f"warehouse {house!r} must be letters and digits, no '-'", house)
    shelf = _code(shelf, "bin code")
    full = f"{house}/{shelf}"
    if session.exec(select(Location).where(Location.code == full)).first():
        raise AlreadyExists(f"bin {full} already exists", full)
    location = Location(
        code=full, barcode=bin_barcode(full), warehouse=house, kind=LocationKind.BIN
    )
    session.add(location)
    session.flush()
    return location


def find_location(session: Session, code: str) -> Location:
    """A bin by code, label or unique shelf code; or a virtual place by name."""
    text = code.strip().upper()
    location = session.exec(
        select(Location).where(or_(Location.code == text, Location.barcode == text))
    ).first()
    if location is None and "/" not in text:
        matches = session.exec(
            select(Location).where(Location.code.like(f"%/{text}"))  # type: ignore[attr-defined]
        ).all()
        if len(matches) == 1:
            location = matches[0]
        elif len(matches) > 1:
            options = ", ".join(m.code for m in matches)
            raise UnknownLocation(f"bin {code!r} is ambiguous: {options}", code)
    if location is None:
        raise UnknownLocation(f"no bin {code!r}", code)
    return location


def find_bin(session: Session, code: str) -> Location:
    location = find_location(session, code)
    if location.kind != LocationKind.BIN:
        raise UnknownLocation(f"{location.code} is not a bin", code)
    return location


def list_bins(session: Session) -> list[Location]:
    return list(
        session.exec(
            select(Location).where(Location.kind == LocationKind.BIN).order_by(Location.code)
        ).all()
    )


# --- assets ------------------------------------------------------------------------------


def add_asset(
    session: Session,
    actor: Actor,
    tag: str,
    name: str,
    parent: str | None = None,
    cost_centre: str | None = None,
    criticality: int = 3,
) -> Asset:
    actor.require(Action.MASTER_DATA)
    tag = _code(tag.removeprefix("AST-").removeprefix("ast-"), "asset tag")
    if session.exec(select(Asset).where(Asset.tag == tag)).first():
        raise AlreadyExists(f"asset {tag} already exists", tag)
    if not name.strip():
        raise InvalidValue(f"asset {tag} needs a name", name)
    parent_id = find_asset(session, parent).id if parent else None
    asset = Asset(
        tag=tag,
        name=name.strip(),
        parent_id=parent_id,
        cost_centre=cost_centre.strip().upper() if cost_centre else None,
        criticality=criticality,
    )
    session.add(asset)
    session.flush()
    return asset


def find_asset(session: Session, tag: str) -> Asset:
    text = tag.strip().upper().removeprefix("AST-")
    asset = session.exec(select(Asset).where(Asset.tag == text)).first()
    if asset is None:
        raise UnknownAsset(f"no asset {tag!r}", tag)
    return asset


# --- work orders ---------------------------------------------------------------------------


def find_work_order(session: Session, number: str) -> WorkOrder:
    text = number.strip().upper()
    if text.isdigit():
        text = f"WO-{int(text):06d}"
    work_order = session.exec(_WORK_ORDER, params={"number": text}).first()
    if work_order is None:
        raise UnknownWorkOrder(f"no work order {number!r}", number)
    return work_order


def count_rows(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()
