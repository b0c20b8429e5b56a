"""Label sheets: every printed barcode is read back by a real barcode reader (zxing-cpp).

SVG: no SVG rasteriser (cairosvg, rsvg) is installed, so `svg_barcodes` below paints the
sheet's own <rect> bars into an image, exactly at their mm positions at 300 dpi, and the
reader decodes that; a barcode drawing is nothing but rects, so this reads what a printer
would print. The same bars are also compared one by one with the PNG that python-barcode's
image writer draws from the identical options (the path the PDF sheet uses).
PDF: the page images are taken back out of the PDF file itself (CCITT G4 streams) and
each label's place on the page is decoded.
"""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw, PdfParser

from storeroom_tui import catalog, labels, workorders
from storeroom_tui.errors import InvalidValue, StoreroomError, UnknownWorkOrder
from storeroom_tui.labels import Label, write_labels
from storeroom_tui.quantities import parse_qty
from storeroom_tui.scan import BadgeScan, BinScan, CommandScan, ItemScan, WorkOrderScan, parse
from storeroom_tui.service import Storeroom
from tests.conftest import Plant

SVG = "{http://www.w3.org/2000/svg}"
DPI = 300
PX_PER_MM = DPI / 25.4
PLANT_ITEMS = ("4006381333931", "FLT-1", "SEAL-9", "TRQ-WR", "UPS-BAT")  # by part number
PLANT_BADGES = ("USR-ADMIN", "USR-C1", "USR-K1", "USR-P1", "USR-S1", "USR-T1")
COMMAND_CODES = tuple(code for code, _ in labels.COMMANDS)


# --- reading labels back ----------------------------------------------------------------------


def decode(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


def px(value: str) -> int:
    return round(float(value.removesuffix("mm")) * PX_PER_MM)


def svg_barcodes(path: Path) -> list[tuple[str, Image.Image, list[int]]]:
    """(data-code, the bars painted at 300 dpi, their x edges in dots) per label."""
    found = []
    for drawing in ET.parse(path).getroot().iter(f"{SVG}svg"):
        if drawing.get("class") != "barcode":
            continue
        image = Image.new("L", (px(drawing.attrib["width"]), px(drawing.attrib["height"])), 255)
        draw = ImageDraw.Draw(image)
        edges = []
        for rect in drawing.iter(f"{SVG}rect"):
            if rect.attrib["width"] == "100%":  # the writer's white background
                continue
            left, right = px(rect.attrib["x"]), px(rect.attrib["x"]) + px(rect.attrib["width"])
            draw.rectangle((left, 0, right - 1, image.height - 1), fill=0)
            edges += [left, right]
        found.append((drawing.attrib["data-code"], image, edges))
    return found


def svg_texts(path: Path, kind: str) -> list[str]:
    root = ET.parse(path).getroot()
    return [text.text or "" for text in root.iter(f"{SVG}text") if text.get("class") == kind]


def bar_edges(image: Image.Image) -> list[int]:
    """Where black bars start and end along the middle row of a barcode image."""
    row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
    dark = [value == 0 for value in row] + [False]
    edges, was = [], False
    for x, now in enumerate(dark):
        if now != was:
            edges.append(x)
            was = now
    return edges


def g4_image(data: bytes, width: int, height: int, black_is_1: bool) -> Image.Image:
    """A PDF CCITT G4 image stream, framed as a one-strip TIFF so Pillow can decode it.

    With BlackIs1 the PDF reads a decoded 1 as white in DeviceGray, which is TIFF's
    photometric 1 (min-is-black); without it, photometric 0.
    """
    entries = [
        (256, 4, width),
        (257, 4, height),
        (258, 3, 1),  # bits per sample
        (259, 3, 4),  # CCITT group 4
        (262, 3, 1 if black_is_1 else 0),
        (273, 4, 8),  # the strip starts right after the header
        (278, 4, height),
        (279, 4, len(data)),
    ]
    pad = len(data) % 2
    tiff = b"II*\x00" + struct.pack("<I", 8 + len(data) + pad) + data + b"\x00" * pad
    tiff += struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        tiff += struct.pack("<HHI", tag, kind, 1) + packed
    tiff += struct.pack("<I", 0)
    image = Image.open(io.BytesIO(tiff))
    image.load()
    return image


def pdf_pages(path: Path) -> list[tuple[list[float], Image.Image]]:
    """(MediaBox, page image) of every page of a PDF written by `write_labels`."""
    pdf = PdfParser.PdfParser(filename=str(path))
    pages = []
    try:
        for reference in pdf.pages:
            page = pdf.read_indirect(reference)
            (image_ref,) = page[b"Resources"][b"XObject"].values()
            stream = pdf.read_indirect(image_ref)
            info = stream.dictionary
            assert info[b"Filter"] == [PdfParser.PdfName(b"CCITTFaxDecode")]
            (params,) = info[b"DecodeParms"]
            image = g4_image(stream.buf, info[b"Width"], info[b"Height"], params[b"BlackIs1"])
            pages.append((list(page[b"MediaBox"]), image))
    finally:
        pdf.close()
    return pages


def label_crop(page: Image.Image, index: int) -> Image.Image:
    """The label in place `index` (0 = top left) of a 3 x 8 sheet at 300 dpi."""
    row, column = divmod(index % 24, 3)
    left, top = round(column * 70 * PX_PER_MM), round((0.5 + row * 37) * PX_PER_MM)
    return page.crop((left, top, left + round(70 * PX_PER_MM), top + round(37 * PX_PER_MM)))


def zpl_formats(path: Path) -> list[str]:
    text = path.read_text(encoding="ascii")
    formats = re.findall(r"\^XA\n(.*?)\^XZ\n", text, flags=re.DOTALL)
    assert "".join(f"^XA\n{body}^XZ\n" for body in formats) == text  # nothing outside them
    return formats


def zpl_bar_data(body: str) -> str:
    (data,) = re.findall(r"\^BCN,100,N,N,N,A\^FD(.*?)\^FS", body)
    return data


def zpl_words(body: str) -> list[str]:
    """The text fields of one label, with ^FH's _XX hex escapes decoded as UTF-8."""
    fields = re.findall(r"\^FH_\^FD(.*?)\^FS", body)
    unhex = re.compile(rb"_([0-9A-F]{2})")
    return [unhex.sub(lambda m: bytes.fromhex(m[1].decode()), f.encode()).decode() for f in fields]


def refused(store: Storeroom, out: Path, what: str, wo: str | None = None) -> StoreroomError:
    with pytest.raises(StoreroomError) as caught:
        store.read(write_labels, what, out, wo)
    assert not out.exists(), "a refused sheet must not leave a file behind"
    return caught.value


def add_barcode(store: Storeroom, part: str, code: str, source: str = "own") -> None:
    store.db.run(lambda s: catalog.add_barcode(s, catalog.find_item(s, part), code, source))


# --- SVG ------------------------------------------------------------------------------------


def test_bin_labels_on_svg_sheet_scan_back_to_the_bin_barcode(plant: Plant, tmp_path: Path) -> None:
    out = tmp_path / "bins.svg"
    sheet = plant.store.read(write_labels, "bins", out)

    assert (sheet.path, sheet.format, sheet.count) == (out, "svg", 2)
    assert sheet.codes == ("BIN-MAIN-A-01-01", "BIN-MAIN-A-01-02")
    root = ET.parse(out).getroot()
    assert (root.get("width"), root.get("height")) == ("210.000mm", "297.000mm")  # A4
    bars = svg_barcodes(out)
    assert [code for code, _, _ in bars] == list(sheet.codes)
    for code, image, _ in bars:
        assert decode(image) == [code]
    assert svg_texts(out, "code") == list(sheet.codes)
    assert svg_texts(out, "caption") == ["Bin MAIN/A-01-01", "Bin MAIN/A-01-02"]


def test_svg_bars_are_the_bars_of_the_png_drawn_with_the_same_options(
    plant: Plant, tmp_path: Path
) -> None:
    out = tmp_path / "commands.svg"
    plant.store.read(write_labels, "commands", out)

    for code, _, svg_edges in svg_barcodes(out):
        png = labels.barcode_image(code)
        assert decode(png) == [code]
        assert bar_edges(png) == svg_edges, code


def test_item_labels_carry_the_item_barcode_else_the_part_number(
    plant: Plant, tmp_path: Path
) -> None:
    out = tmp_path / "items.svg"
    sheet = plant.store.read(write_labels, "items", out)

    assert sheet.count == 5
    assert sheet.codes == PLANT_ITEMS
    for code, image, _ in svg_barcodes(out):
        assert decode(image) == [code]
    assert svg_texts(out, "caption") == [
        "BRG-6204 – Bearing 6204",
        "Oil filter",
        "Shaft seal",
        "Torque wrench",
        "UPS battery",
    ]


def test_item_label_prefers_our_own_barcode_over_a_supplier_code(
    plant: Plant, tmp_path: Path
) -> None:
    add_barcode(plant.store, "SEAL-9", "SUP-0077", source="supplier")
    add_barcode(plant.store, "SEAL-9", "OWN-SEAL-9")
    add_barcode(plant.store, "TRQ-WR", "SUP-TW-1", source="supplier")
    add_barcode(plant.store, "TRQ-WR", "GTIN-TW", source="gtin")

    sheet = plant.store.read(write_labels, "items", tmp_path / "items.svg")

    assert sheet.codes == ("4006381333931", "FLT-1", "OWN-SEAL-9", "SUP-TW-1", "UPS-BAT")


def test_long_description_is_wrapped_on_two_lines_and_cut(plant: Plant, tmp_path: Path) -> None:
    words = "Mechanical seal cartridge for the cooling water pump, with sleeve and gland"
    plant.store.write(catalog.add_item, "MS-1", words)
    out = tmp_path / "items.svg"

    plant.store.read(write_labels, "items", out)

    captions = svg_texts(out, "caption")
    assert captions[2:4] == [
        "Mechanical seal cartridge for the",
        "cooling water pump, with sleeve …",
    ]


def test_more_than_24_labels_run_onto_a_second_a4_page(plant: Plant, tmp_path: Path) -> None:
    for number in range(3, 26):
        plant.store.write(catalog.add_bin, f"A-02-{number:02d}", "MAIN")
    svg, pdf = tmp_path / "bins.svg", tmp_path / "bins.pdf"

    sheet = plant.store.read(write_labels, "bins", svg)
    plant.store.read(write_labels, "bins", pdf)

    assert sheet.count == 25
    assert ET.parse(svg).getroot().get("height") == "594.000mm"
    last = list(ET.parse(svg).getroot().iter(f"{SVG}svg"))[-1]
    assert (last.get("data-code"), last.get("y")) == ("BIN-MAIN-A-02-25", "300.500mm")
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert decode(label_crop(pages[1][1], 24)) == ["BIN-MAIN-A-02-25"]
    assert decode(label_crop(pages[1][1], 1)) == []  # the rest of page 2 is blank


# --- PDF and the PNG path ----------------------------------------------------------------------


def test_command_card_pdf_reads_back_label_by_label(plant: Plant, tmp_path: Path) -> None:
    out = tmp_path / "commands.pdf"
    sheet = plant.store.read(write_labels, "commands", out)

    assert (sheet.format, sheet.count, sheet.codes) == ("pdf", 17, COMMAND_CODES)
    ((media_box, page),) = pdf_pages(out)
    assert [round(v * 25.4 / 72) for v in media_box] == [0, 0, 210, 297]  # A4 in mm
    assert page.size == (2480, 3508)  # 300 dpi
    for index, code in enumerate(COMMAND_CODES):
        assert decode(label_crop(page, index)) == [code]


def test_item_labels_pdf_reads_back_to_the_item_codes(plant: Plant, tmp_path: Path) -> None:
    out = tmp_path / "items.pdf"
    sheet = plant.store.read(write_labels, "items", out)

    ((_, page),) = pdf_pages(out)
    assert [decode(label_crop(page, i)) for i in range(sheet.count)] == [[c] for c in PLANT_ITEMS]


def test_label_image_decodes_to_its_code(plant: Plant) -> None:
    for label in plant.store.read(labels.labels_for, "bins"):
        image = labels.label_image(label)
        assert image.size == (827, 437)  # 70 x 37 mm at 300 dpi
        assert decode(image) == [label.code]


def test_long_code_gets_narrower_bars_and_still_reads() -> None:
    short, long = "CMD-DONE", "SUPPLIER-PART-0123456789-ABCDEFGHIJ-KLMNO-PQRST"
    assert (
        labels.barcode_options(short)["module_width"] > labels.barcode_options(long)["module_width"]
    )
    assert decode(labels.label_image(Label(long, "a long supplier code"))) == [long]


def test_code_too_long_for_a_label_is_refused() -> None:
    code = "X" * 70
    with pytest.raises(InvalidValue) as caught:
        labels.barcode_options(code)
    assert caught.value.message == f"code {code!r} is too long to fit on one label"


# --- ZPL ----------------------------------------------------------------------------------------


def test_badges_zpl_has_one_format_per_user_with_bars_and_words(
    plant: Plant, tmp_path: Path
) -> None:
    out = tmp_path / "badges.zpl"
    sheet = plant.store.read(write_labels, "badges", out)

    formats = zpl_formats(out)
    assert (sheet.format, sheet.count, sheet.codes) == ("zpl", 6, PLANT_BADGES)
    assert len(formats) == 6
    assert [zpl_bar_data(body) for body in formats] == list(PLANT_BADGES)
    assert zpl_words(formats[1]) == ["USR-C1", "Carla Clerk – clerk"]
    assert all("^CI28" in body and "^PW457" in body for body in formats)


def test_command_card_zpl(plant: Plant, tmp_path: Path) -> None:
    out = tmp_path / "commands.zpl"
    sheet = plant.store.read(write_labels, "commands", out)

    formats = zpl_formats(out)
    assert sheet.count == len(formats) == 17
    assert [zpl_bar_data(body) for body in formats] == list(COMMAND_CODES)
    assert zpl_words(formats[14]) == ["CMD-RETURN-OPENED", "Return: opened – back to bin"]


def test_zpl_escapes_the_signs_zpl_reads_as_commands(plant: Plant, tmp_path: Path) -> None:
    plant.store.write(catalog.add_item, "GSK-2", "Gasket ^1 ~2 _3 – steel\tDN50")
    out = tmp_path / "items.zpl"

    plant.store.read(write_labels, "items", out)

    gasket = next(body for body in zpl_formats(out) if zpl_bar_data(body) == "GSK-2")
    assert "^FH_^FDGasket _5E1 _7E2 _5F3 _E2_80_93 steel DN50^FS" in gasket
    assert zpl_words(gasket) == ["GSK-2", "Gasket ^1 ~2 _3 – steel DN50"]


def test_zpl_refuses_a_barcode_holding_a_zpl_sign(plant: Plant, tmp_path: Path) -> None:
    add_barcode(plant.store, "SEAL-9", "SEAL>9")
    out = tmp_path / "items.zpl"

    error = refused(plant.store, out, "items")

    assert error.code == "invalid_value"
    assert error.message == (
        "code 'SEAL>9' holds '>', which a ZPL barcode field cannot carry; "
        "print it on an .svg or .pdf sheet"
    )
    svg = plant.store.read(write_labels, "items", tmp_path / "items.svg")  # paper can
    assert "SEAL>9" in svg.codes
    assert decode(labels.label_image(Label("SEAL>9", "Shaft seal"))) == ["SEAL>9"]


# --- a work order's labels -------------------------------------------------------------------


def test_work_order_labels_are_its_number_then_each_item_of_its_pick_list(
    plant: Plant, tmp_path: Path
) -> None:
    def make(session, actor):  # noqa: ANN001, ANN202
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Replace bearings")
        for part, qty in (("BRG-6204", "2"), ("FLT-1", "1"), ("BRG-6204", "1")):
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        return work_order.number

    number = plant.store.write(make)
    out = tmp_path / "wo.svg"

    sheet = plant.store.read(write_labels, "wo", out, number)

    assert sheet.codes == (number, "4006381333931", "FLT-1")  # BRG-6204 once, two lines
    for code, image, _ in svg_barcodes(out):
        assert decode(image) == [code]
    assert svg_texts(out, "caption")[:2] == ["Replace bearings – PUMP-07 Cooling", "pump 7"]
    zpl = plant.store.read(write_labels, "wo", tmp_path / "wo.zpl", number)
    assert zpl.codes == sheet.codes


def test_every_printed_code_scans_as_what_it_names(plant: Plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "1"})
    read = plant.store.read
    scanned = [
        parse(decode(labels.label_image(label))[0])
        for what, wo in (("bins", None), ("badges", None), ("wo", number), ("commands", None))
        for label in read(labels.labels_for, what, wo)
    ]

    assert scanned[:2] == [BinScan("BIN-MAIN-A-01-01", raw=""), BinScan("BIN-MAIN-A-01-02", raw="")]
    assert scanned[2:8] == [BadgeScan(code.removeprefix("USR-"), raw="") for code in PLANT_BADGES]
    assert scanned[8:10] == [WorkOrderScan(number, raw=""), ItemScan("SEAL-9", None, raw="")]
    commands = scanned[10:]
    assert commands[:3] == [CommandScan(word, raw="") for word in ("DONE", "CANCEL", "UNDO")]
    assert commands[3:13] == [CommandScan("QTY", qty_milli=n * 1000, raw="") for n in range(1, 11)]
    assert commands[13:] == [
        CommandScan("RETURN", condition=c, raw="") for c in ("new", "opened", "inspect", "rejected")
    ]


# --- refusals --------------------------------------------------------------------------------


def test_unknown_kind_of_label_is_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "x.svg", "shelves")

    assert error.code == "invalid_value"
    assert error.message == "labels 'shelves' are not one of: bins, items, wo, badges, commands"


def test_unknown_file_extension_is_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "bins.docx", "commands")

    assert error.code == "invalid_value"
    assert error.message == "label file 'bins.docx' has '.docx'; use one of: .svg, .pdf, .zpl"
    assert refused(store, tmp_path / "bins", "commands").message == (
        "label file 'bins' has no extension; use one of: .svg, .pdf, .zpl"
    )


def test_labels_of_unknown_work_order_are_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "wo.pdf", "wo", "WO-999999")

    assert isinstance(error, UnknownWorkOrder)
    assert error.message == "no work order 'WO-999999'"


def test_work_order_labels_without_a_number_are_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "wo.zpl", "wo")

    assert error.message == "labels for a work order need its number, e.g. WO-000123"


def test_work_order_number_with_other_labels_is_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "bins.svg", "bins", "WO-000001")

    assert error.message == "work order 'WO-000001' goes only with labels 'wo', not 'bins'"


def test_bin_labels_without_any_bin_are_refused(store: Storeroom, tmp_path: Path) -> None:
    error = refused(store, tmp_path / "bins.pdf", "bins")

    assert (error.code, error.message) == ("not_found", "there are no bins to label")


def test_missing_folder_is_refused(store: Storeroom, tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    error = refused(store, folder / "commands.svg", "commands")

    assert error.message == f"folder {str(folder)!r} does not exist"


def test_code_that_is_not_plain_ascii_is_refused_on_every_format(
    plant: Plant, tmp_path: Path
) -> None:
    add_barcode(plant.store, "SEAL-9", "CAFÉ-9")

    for suffix in (".svg", ".pdf", ".zpl"):
        error = refused(plant.store, tmp_path / f"items{suffix}", "items")
        assert error.message == (
            "code 'CAFÉ-9' cannot be printed as a barcode ('É'): "
            "only letters, digits and ASCII signs, no spaces"
        )
