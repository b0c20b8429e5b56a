"""Printable label sheets, so that every bin, part, badge and command can be scanned.

`write_labels(session, what, out)` reads the catalog (never writes it) and writes the
labels of `bins`, `items`, a work order (`wo`: its own label and one per item on its pick
list), `badges` or the `commands` card, each a Code 128 barcode with its code and a
caption in plain words underneath. The extension of `out` picks the printer:

- `.svg` an A4 sheet for an office printer, 3 x 8 labels of 70 x 37 mm, the bars drawn
  by python-barcode's SVG writer (more than 24 labels: A4 pages stacked one below the
  other in the same drawing, so printing at 100 % breaks exactly between pages);
- `.pdf` the same sheet drawn at 300 dpi with python-barcode's image writer (Pillow,
  needed for PDF only), one PDF page per 24 labels;
- `.zpl` ZPL II for a 203 dpi thermal printer, one `^XA ... ^XZ` format per label of
  2.25 x 1.25 inch.

Bars are sized in whole printer dots (1/300 inch on paper, 1/203 inch on thermal), the
widest that fits the label, so every bar prints at the same width.
"""

from __future__ import annotations

import functools
import io
import textwrap
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import barcode
from barcode.writer import PATH as BARCODE_PACKAGE
from barcode.writer import SVGWriter
from sqlmodel import Session, select

from models import Asset, DemandLine, Item, ItemBarcode, User
from storeroom_tui import catalog
from storeroom_tui.errors import InvalidValue, NotFound

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "COMMANDS",
    "FORMATS",
    "KINDS",
    "Label",
    "LabelSheet",
    "barcode_image",
    "barcode_options",
    "barcode_svg",
    "label_image",
    "labels_for",
    "sheet_pages",
    "sheet_svg",
    "sheet_zpl",
    "write_labels",
]

KINDS = ("bins", "items", "wo", "badges", "commands")
FORMATS = {".svg": "svg", ".pdf": "pdf", ".zpl": "zpl"}

# the command card: what a clerk scans instead of touching the keyboard (DESIGN.md 6)
COMMANDS: tuple[tuple[str, str], ...] = (
    ("CMD-DONE", "Done"),
    ("CMD-CANCEL", "Cancel"),
    ("CMD-UNDO", "Undo the last post"),
    *((f"CMD-QTY-{n}", f"Quantity {n}") for n in range(1, 11)),
    ("CMD-RETURN-NEW", "Return: new – back to bin"),
    ("CMD-RETURN-OPENED", "Return: opened – back to bin"),
    ("CMD-RETURN-INSPECT", "Return: inspect – to quarantine"),
    ("CMD-RETURN-REJECTED", "Return: rejected – to scrap"),
)


@dataclass(frozen=True, slots=True)
class Label:
    """One label: the code its barcode carries and the plain words printed under it."""

    code: str
    caption: str


@dataclass(frozen=True, slots=True)
class LabelSheet:
    """What `write_labels` wrote: where, in which format, how many labels, which codes."""

    path: Path
    format: str  # svg | pdf | zpl
    count: int
    codes: tuple[str, ...]


# --- the paper sheet: A4, 3 x 8 labels of 70 x 37 mm, all sizes in mm ----------------------

MM_PER_INCH = 25.4
SHEET_WIDTH, SHEET_HEIGHT = 210.0, 297.0
COLUMNS, ROWS = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = 70.0, 37.0
SHEET_TOP = (SHEET_HEIGHT - ROWS * LABEL_HEIGHT) / 2
PADDING = 3.0
CONTENT_WIDTH = LABEL_WIDTH - 2 * PADDING
BAR_HEIGHT = 14.0
CODE_FONT, CODE_BASELINE = 3.5, PADDING + BAR_HEIGHT + 4.0
CAPTION_FONT, CAPTION_BASELINES = 3.0, (25.5, 29.5)
MONO_ADVANCE = 0.602  # DejaVu Sans Mono: every character is 0.602 em wide
FONT_FAMILY = "DejaVu Sans Mono, monospace"
FONT_PATH = f"{BARCODE_PACKAGE}/fonts/DejaVuSansMono.ttf"  # shipped with python-barcode
PRINT_DPI = 300
MODULE_DOTS = (4, 3, 2, 1)  # bar module widths tried, in printer dots, widest first
QUIET_MODULES = 10  # Code 128 wants 10 modules of white on either side


def _mm_to_px(mm: float, dpi: int = PRINT_DPI) -> int:
    return round(mm * dpi / MM_PER_INCH)


def _mm(value: float) -> str:
    return f"{value:.3f}mm"


# --- what each label carries ------------------------------------------------------------------


def labels_for(session: Session, what: str, wo: str | None = None) -> list[Label]:
    """The labels of `what` (one of KINDS), in the order they are printed."""
    kind = _parse_kind(what)
    if kind == "wo" and not (wo and wo.strip()):
        raise InvalidValue("labels for a work order need its number, e.g. WO-000123", wo)
    if kind != "wo" and wo:
        raise InvalidValue(f"work order {wo!r} goes only with labels 'wo', not {kind!r}", wo)
    makers: dict[str, Callable[[], list[Label]]] = {
        "bins": lambda: _bin_labels(session),
        "items": lambda: _item_labels(session, _all_items(session), None),
        "wo": lambda: _work_order_labels(session, wo or ""),
        "badges": lambda: _badge_labels(session),
        "commands": lambda: [Label(code, caption) for code, caption in COMMANDS],
    }
    labels = makers[kind]()
    if not labels:
        raise NotFound(f"there are no {kind} to label", kind)
    return labels


def _parse_kind(what: str) -> str:
    kind = what.strip().lower()
    if kind not in KINDS:
        raise InvalidValue(f"labels {what!r} are not one of: {', '.join(KINDS)}", what)
    return kind


def _bin_labels(session: Session) -> list[Label]:
    return [
        Label(location.barcode or catalog.bin_barcode(location.code), f"Bin {location.code}")
        for location in catalog.list_bins(session)
    ]


def _all_items(session: Session) -> list[Item]:
    return list(session.exec(select(Item).order_by(Item.part_number)).all())


def _item_labels(
    session: Session, items: Sequence[Item], item_ids: list[int] | None
) -> list[Label]:
    """Labels of `items`; `item_ids` narrows the barcode look-up (None: every item)."""
    codes = _item_codes(session, item_ids)
    return [_item_label(item, codes.get(item.id or 0)) for item in items]


def _item_codes(session: Session, item_ids: list[int] | None) -> dict[int, str]:
    """Each item's barcode: its own label ('own') if it has one, else the first it got."""
    query = select(ItemBarcode).order_by(ItemBarcode.id)  # type: ignore[arg-type]
    if item_ids is not None:
        query = query.where(ItemBarcode.item_id.in_(item_ids))  # type: ignore[attr-defined]
    codes: dict[int, str] = {}
    own: set[int] = set()
    for row in session.exec(query).all():
        if row.item_id not in codes or (row.source == "own" and row.item_id not in own):
            codes[row.item_id] = row.code
        if row.source == "own":
            own.add(row.item_id)
    return codes


def _item_label(item: Item, code: str | None) -> Label:
    if code is None or code == item.part_number:
        return Label(item.part_number, item.description)
    return Label(code, f"{item.part_number} – {item.description}")


def _work_order_labels(session: Session, number: str) -> list[Label]:
    """The WO's own label, then one per item on its pick list (each item once)."""
    work_order = catalog.find_work_order(session, number)
    asset = session.get(Asset, work_order.asset_id)
    where = f" – {asset.tag} {asset.name}" if asset else ""
    lines = session.exec(
        select(DemandLine).where(DemandLine.wo_id == work_order.id).order_by(DemandLine.line_no)  # type: ignore[arg-type]
    ).all()
    item_ids = list(dict.fromkeys(line.item_id for line in lines))
    items = [item for item_id in item_ids if (item := session.get(Item, item_id))]
    own = Label(work_order.number, f"{work_order.title}{where}")
    return [own, *_item_labels(session, items, item_ids)]


def _badge_labels(session: Session) -> list[Label]:
    users = session.exec(
        select(User).where(User.active == True).order_by(User.badge)  # type: ignore[arg-type]  # noqa: E712
    ).all()
    return [Label(f"USR-{user.badge}", f"{user.name} – {user.role}") for user in users]


# --- the barcode, shared by every format ---------------------------------------------------


def _check_code(code: str) -> str:
    """Code 128 as a keyboard-wedge scanner types it: printable ASCII, no spaces."""
    bad = next((ch for ch in code if not 33 <= ord(ch) <= 126), None)
    if not code or bad is not None:
        shown = "empty" if not code else f"{bad!r}"
        raise InvalidValue(
            f"code {code!r} cannot be printed as a barcode ({shown}): "
            "only letters, digits and ASCII signs, no spaces",
            code,
        )
    return code


def _modules(code: str) -> int:
    """How many bar modules wide the Code 128 symbol of `code` is (without quiet zones)."""
    return len(barcode.Code128(_check_code(code)).build()[0])


def _module_dots(code: str, room_dots: float, choices: Sequence[int]) -> int:
    """The widest module (in dots) that fits `room_dots` with the quiet zones."""
    needed = _modules(code) + 2 * QUIET_MODULES
    for dots in choices:
        if needed * dots <= room_dots:
            return dots
    raise InvalidValue(f"code {code!r} is too long to fit on one label", code)


def barcode_options(code: str) -> dict[str, Any]:
    """The writer options of python-barcode for `code`; the SVG and the image use the same."""
    dots = _module_dots(code, CONTENT_WIDTH * PRINT_DPI / MM_PER_INCH, MODULE_DOTS)
    module = dots * MM_PER_INCH / PRINT_DPI
    return {
        "module_width": module,
        "module_height": BAR_HEIGHT,
        "quiet_zone": QUIET_MODULES * module,
        "margin_top": 0,
        "margin_bottom": 0,
        "write_text": False,  # the code and caption are drawn by the label, not the writer
        "background": "white",
        "foreground": "black",
        "with_doctype": False,
        "dpi": PRINT_DPI,
    }


def barcode_svg(code: str) -> ET.Element:
    """The barcode of `code` as python-barcode's SVG writer draws it (sizes in mm)."""
    drawing = barcode.Code128(_check_code(code), writer=SVGWriter()).render(barcode_options(code))
    return ET.fromstring(drawing)


def barcode_image(code: str) -> Image:
    """The same barcode drawn by python-barcode's image writer at 300 dpi (black and white)."""
    writer = _image_writer()(format="PNG", mode="1", dpi=PRINT_DPI)
    return barcode.Code128(_check_code(code), writer=writer).render(barcode_options(code))


@functools.cache
def _image_writer() -> type:
    """python-barcode's ImageWriter, with each bar snapped to whole printer dots.

    The stock writer truncates float pixel positions, so 215.9999 becomes 215 and a bar of
    2 dots prints 1 or 3 dots wide; rounding keeps every module exactly its width.
    """
    from barcode.writer import ImageWriter, mm2px

    if ImageWriter is None:
        raise InvalidValue(
            "PDF labels need Pillow, which is not installed: pip install pillow, "
            "or write an .svg or .zpl sheet instead",
            ".pdf",
        )

    class DotImageWriter(ImageWriter):  # type: ignore[misc, valid-type]
        def _paint_module(self, xpos: float, ypos: float, width: float, color: str) -> None:
            left, right = round(mm2px(xpos, self.dpi)), round(mm2px(xpos + width, self.dpi))
            top = round(mm2px(ypos, self.dpi))
            bottom = round(mm2px(ypos + self.module_height, self.dpi))
            self._draw.rectangle([(left, top), (right - 1, bottom - 1)], fill=color)

    return DotImageWriter


# --- the words under the bars ------------------------------------------------------------


def _plain(text: str) -> str:
    """Control characters (a tab or a newline in a description) print as spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _caption_lines(caption: str, width_mm: float = CONTENT_WIDTH) -> list[str]:
    chars = int(width_mm / (MONO_ADVANCE * CAPTION_FONT))
    return textwrap.wrap(
        _plain(caption), width=chars, max_lines=len(CAPTION_BASELINES), placeholder=" …"
    )


def _code_font(code: str) -> float:
    """The code's font size in mm: smaller for a long code, so it stays on the label."""
    return min(CODE_FONT, CONTENT_WIDTH / (MONO_ADVANCE * max(len(code), 1)))


# --- SVG: an A4 sheet -------------------------------------------------------------------------


def _grid(count: int) -> list[tuple[int, float, float]]:
    """(page, x, y) of each label's top-left corner on the sheet, in mm."""
    per_page = COLUMNS * ROWS
    places = []
    for index in range(count):
        page, slot = divmod(index, per_page)
        row, column = divmod(slot, COLUMNS)
        places.append((page, column * LABEL_WIDTH, SHEET_TOP + row * LABEL_HEIGHT))
    return places


def _pages(count: int) -> int:
    return max(1, -(-count // (COLUMNS * ROWS)))


def sheet_svg(labels: Sequence[Label]) -> str:
    """The labels on A4 pages, one SVG drawing; lengths in mm, so it prints to scale."""
    pages = _pages(len(labels))
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "version": "1.1",
            "width": _mm(SHEET_WIDTH),
            "height": _mm(SHEET_HEIGHT * pages),
        },
    )
    for index, (label, (page, x, y)) in enumerate(zip(labels, _grid(len(labels)), strict=True)):
        root.append(_svg_label(label, index, x, y + page * SHEET_HEIGHT))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _svg_label(label: Label, index: int, x: float, y: float) -> ET.Element:
    group = ET.Element("g", {"id": f"label-{index + 1}", "class": "label"})
    group.append(_svg_bars(label.code, x, y))
    group.append(
        _svg_text(label.code, x, y + CODE_BASELINE, _code_font(label.code), "code", "bold")
    )
    for line, baseline in zip(_caption_lines(label.caption), CAPTION_BASELINES, strict=False):
        group.append(_svg_text(line, x, y + baseline, CAPTION_FONT, "caption", "normal"))
    return group


def _svg_bars(code: str, x: float, y: float) -> ET.Element:
    """python-barcode's drawing, placed on the label as a nested SVG viewport."""
    drawing = barcode_svg(code)
    width = float(drawing.attrib["width"].removesuffix("mm"))
    nested = ET.Element(
        "svg",
        {
            "class": "barcode",
            "data-code": code,
            "x": _mm(x + (LABEL_WIDTH - width) / 2),
            "y": _mm(y + PADDING),
            "width": drawing.attrib["width"],
            "height": drawing.attrib["height"],
        },
    )
    for element in drawing.iter():
        if element.tag.rpartition("}")[2] == "rect":
            nested.append(ET.Element("rect", dict(element.attrib)))
    return nested


def _svg_text(
    text: str, x: float, baseline: float, size: float, kind: str, weight: str
) -> ET.Element:
    element = ET.Element(
        "text",
        {
            "class": kind,
            "x": _mm(x + LABEL_WIDTH / 2),
            "y": _mm(baseline),
            "font-family": FONT_FAMILY,
            "font-size": _mm(size),
            "font-weight": weight,
            "text-anchor": "middle",
        },
    )
    element.text = _plain(text)
    return element


# --- PDF: the same sheet drawn at 300 dpi ------------------------------------------------------


def label_image(label: Label) -> Image:
    """One label, 70 x 37 mm at 300 dpi, black and white: the bars and the words."""
    from PIL import Image, ImageDraw, ImageFont

    bars = barcode_image(label.code)
    image = Image.new("1", (_mm_to_px(LABEL_WIDTH), _mm_to_px(LABEL_HEIGHT)), 1)
    image.paste(bars, ((image.width - bars.width) // 2, _mm_to_px(PADDING)))
    draw = ImageDraw.Draw(image)
    middle = image.width / 2

    def write(text: str, baseline: float, size: float) -> None:
        font = ImageFont.truetype(FONT_PATH, _mm_to_px(size))
        draw.text((middle, _mm_to_px(baseline)), _plain(text), font=font, fill=0, anchor="ms")

    write(label.code, CODE_BASELINE, _code_font(label.code))
    for line, baseline in zip(_caption_lines(label.caption), CAPTION_BASELINES, strict=False):
        write(line, baseline, CAPTION_FONT)
    return image


def sheet_pages(labels: Sequence[Label]) -> list[Image]:
    """The A4 pages (300 dpi, black and white) with the labels in their places."""
    from PIL import Image

    size = (_mm_to_px(SHEET_WIDTH), _mm_to_px(SHEET_HEIGHT))
    pages = [Image.new("1", size, 1) for _ in range(_pages(len(labels)))]
    for label, (page, x, y) in zip(labels, _grid(len(labels)), strict=True):
        pages[page].paste(label_image(label), (_mm_to_px(x), _mm_to_px(y)))
    return pages


def _pdf_bytes(labels: Sequence[Label]) -> bytes:
    _image_writer()  # refuses clearly when Pillow is missing
    first, *rest = sheet_pages(labels)
    buffer = io.BytesIO()
    first.save(
        buffer, "PDF", save_all=True, append_images=rest, resolution=PRINT_DPI, title="Labels"
    )
    return buffer.getvalue()


# --- ZPL: one format per label for a 203 dpi thermal printer ------------------------------------

ZPL_DPI = 203
ZPL_WIDTH, ZPL_HEIGHT = 457, 254  # dots: 2.25 x 1.25 inch
ZPL_MARGIN = 16
ZPL_BAR_HEIGHT = 100
ZPL_CODE_FONT, ZPL_CAPTION_FONT = 30, 24
ZPL_CAPTION_CHARS = 34
ZPL_RESERVED = "^~>"  # command prefixes and Code 128 subset switches in ^BC field data


def _zpl_code(code: str) -> str:
    """The barcode's field data: refused if ZPL would read a character as a command."""
    _check_code(code)
    bad = next((ch for ch in code if ch in ZPL_RESERVED), None)
    if bad is not None:
        raise InvalidValue(
            f"code {code!r} holds {bad!r}, which a ZPL barcode field cannot carry; "
            "print it on an .svg or .pdf sheet",
            code,
        )
    return code


def _zpl_text(text: str) -> str:
    """Words for a ^FH field: ^, ~, _ and non-ASCII as _XX hex of their UTF-8 bytes."""
    out = []
    for ch in _plain(text):
        if 32 <= ord(ch) <= 126 and ch not in "^~_":
            out.append(ch)
        else:
            out.extend(f"_{byte:02X}" for byte in ch.encode("utf-8"))
    return "".join(out)


def _zpl_label(label: Label) -> str:
    code = _zpl_code(label.code)
    # the printer picks its own Code 128 subsets (mode A); python-barcode's count of
    # modules is the estimate that sizes and centres the bars
    dots = _module_dots(code, ZPL_WIDTH - 2 * ZPL_MARGIN, (3, 2, 1))
    left = (ZPL_WIDTH - _modules(code) * dots) // 2
    code_top = ZPL_MARGIN + ZPL_BAR_HEIGHT + 10
    fields = [
        "^XA",
        "^CI28",  # text fields are UTF-8
        f"^PW{ZPL_WIDTH}",
        f"^LL{ZPL_HEIGHT}",
        f"^FO{left},{ZPL_MARGIN}^BY{dots}^BCN,{ZPL_BAR_HEIGHT},N,N,N,A^FD{code}^FS",
        f"^FO{ZPL_MARGIN},{code_top}^A0N,{ZPL_CODE_FONT},{ZPL_CODE_FONT}^FH_^FD"
        f"{_zpl_text(label.code)}^FS",
    ]
    lines = textwrap.wrap(_plain(label.caption), ZPL_CAPTION_CHARS, max_lines=2, placeholder=" …")
    for number, line in enumerate(lines):
        top = code_top + ZPL_CODE_FONT + 6 + number * (ZPL_CAPTION_FONT + 4)
        fields.append(
            f"^FO{ZPL_MARGIN},{top}^A0N,{ZPL_CAPTION_FONT},{ZPL_CAPTION_FONT}"
            f"^FH_^FD{_zpl_text(line)}^FS"
        )
    fields.append("^XZ")
    return "\n".join(fields) + "\n"


def sheet_zpl(labels: Sequence[Label]) -> str:
    return "".join(_zpl_label(label) for label in labels)


# --- writing the file ---------------------------------------------------------------------------


def _format_of(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        shown = repr(out.suffix) if out.suffix else "no extension"
        raise InvalidValue(
            f"label file {out.name!r} has {shown}; use one of: {', '.join(FORMATS)}",
            out.suffix or out.name,
        )
    return FORMATS[suffix]


def _render(labels: Sequence[Label], fmt: str) -> bytes:
    if fmt == "svg":
        return sheet_svg(labels).encode("utf-8")
    if fmt == "pdf":
        return _pdf_bytes(labels)
    return sheet_zpl(labels).encode("ascii")


def write_labels(session: Session, what: str, out: Path, wo: str | None = None) -> LabelSheet:
    """Write the label sheet of `what` to `out`; its extension picks SVG, PDF or ZPL.

    Read-only on the database. Everything is drawn before the file is opened, so a
    refusal (an unknown kind, extension or WO, a code that cannot be printed) writes
    nothing.
    """
    out = Path(out)
    _parse_kind(what)
    fmt = _format_of(out)
    if not out.parent.is_dir():
        raise InvalidValue(f"folder {str(out.parent)!r} does not exist", str(out.parent))
    labels = labels_for(session, what, wo)
    content = _render(labels, fmt)
    out.write_bytes(content)
    return LabelSheet(out, fmt, len(labels), tuple(label.code for label in labels))
