"""The scan grammar (DESIGN.md section 6): every code a clerk can scan, and every refusal."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeroom_tui.errors import ScanError
from storeroom_tui.scan import (
    AssetScan,
    BadgeScan,
    BinScan,
    CommandScan,
    Gs1Scan,
    ItemScan,
    PurchaseOrderScan,
    Scan,
    WorkOrderScan,
    describe,
    parse,
)

# `raw` is left out of equality, so expected scans below are built with raw="".
GS = "\x1d"
GTIN = "09501101020917"  # the GS1 General Specifications' example GTIN


def refusal(text: str) -> str:
    """The message of the ScanError that `text` must raise."""
    with pytest.raises(ScanError) as caught:
        parse(text)
    assert caught.value.code == "bad_scan"
    return caught.value.message


# --- our own labels ---------------------------------------------------------------------


def test_scan_of_work_order_is_normalised_upper_case() -> None:
    scan = parse("wo-000123")
    assert scan == WorkOrderScan("WO-000123", raw="wo-000123")
    assert scan.raw == "wo-000123"


def test_scan_of_work_order_from_another_terminal_keeps_its_terminal_prefix() -> None:
    assert parse("WO-T2-000123") == WorkOrderScan("WO-T2-000123", raw="")


def test_scan_of_purchase_order_gives_its_number() -> None:
    assert parse("PO-000045") == PurchaseOrderScan("PO-000045", raw="")


def test_scan_of_bin_keeps_the_whole_barcode_for_the_bin_table() -> None:
    assert parse("bin-main-a-01-03") == BinScan("BIN-MAIN-A-01-03", raw="")


def test_scan_of_asset_gives_its_tag_without_prefix() -> None:
    assert parse("AST-PUMP-07") == AssetScan("PUMP-07", raw="")


@pytest.mark.parametrize(("text", "badge"), [("USR-1042", "1042"), ("usr-admin", "ADMIN")])
def test_scan_of_badge_gives_the_badge(text: str, badge: str) -> None:
    assert parse(text) == BadgeScan(badge, raw=text)


def test_scanner_trailing_enter_and_surrounding_blanks_are_ignored() -> None:
    scan = parse("  WO-000123\r\n")
    assert scan == WorkOrderScan("WO-000123", raw="")
    assert scan.raw == "  WO-000123\r\n"


def test_scanner_sending_aim_prefix_on_our_code_128_labels_still_reads_them() -> None:
    assert parse("]C0WO-000123") == WorkOrderScan("WO-000123", raw="")


# --- command cards -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["DONE", "CANCEL", "UNDO"])
def test_scan_of_command_card(command: str) -> None:
    assert parse(f"cmd-{command.lower()}") == CommandScan(command, raw="")


@pytest.mark.parametrize(("text", "milli"), [("CMD-QTY-5", 5000), ("CMD-QTY-2.5", 2500)])
def test_scan_of_quantity_card_gives_exact_thousandths(text: str, milli: int) -> None:
    assert parse(text) == CommandScan("QTY", qty_milli=milli, raw=text)


@pytest.mark.parametrize("condition", ["new", "opened", "inspect", "rejected"])
def test_scan_of_return_card_gives_the_condition(condition: str) -> None:
    text = f"CMD-RETURN-{condition.upper()}"
    assert parse(text) == CommandScan("RETURN", condition=condition, raw=text)


# --- item barcodes --------------------------------------------------------------------------


def test_scan_of_supplier_code_is_an_item_kept_as_scanned() -> None:
    assert parse("skf-6205-2rs\r\n") == ItemScan("skf-6205-2rs", None, raw="")


@pytest.mark.parametrize(
    ("code", "gtin"),
    [
        ("5901234123457", "05901234123457"),  # EAN-13
        ("036000291452", "00036000291452"),  # UPC-A
        ("96385074", "00000096385074"),  # EAN-8
        ("10012345678902", "10012345678902"),  # GTIN-14 on a case
    ],
)
def test_scan_of_retail_barcode_is_an_item_with_its_gtin(code: str, gtin: str) -> None:
    assert parse(code) == ItemScan(code, gtin, raw=code)


def test_scan_of_number_with_wrong_check_digit_is_an_item_without_gtin() -> None:
    assert parse("5901234123458") == ItemScan("5901234123458", None, raw="")


def test_scan_of_ean_13_with_aim_prefix_is_an_item() -> None:
    assert parse("]E05901234123457") == ItemScan("5901234123457", "05901234123457", raw="")


# --- GS1-128 and GS1 DataMatrix ---------------------------------------------------------------


def test_gs1_128_with_aim_prefix_gives_gtin_expiry_and_lot() -> None:
    scan = parse(f"]C101{GTIN}1719050810ABCD1234")
    assert scan == Gs1Scan(GTIN, "ABCD1234", dt.date(2019, 5, 8), None, None, raw="")


def test_gs1_datamatrix_with_gs_between_variable_length_fields() -> None:
    scan = parse(f"]d201{GTIN}10LOT-7{GS}21SN0042{GS}3012\r\n")
    assert scan == Gs1Scan(GTIN, "LOT-7", None, "SN0042", 12000, raw="")


def test_gs1_without_aim_prefix_is_recognised_by_its_gs_separator() -> None:
    scan = parse(f"{GS}01{GTIN}10A1{GS}17260300")
    assert scan == Gs1Scan(GTIN, "A1", dt.date(2026, 3, 31), None, None, raw="")


def test_gs1_in_parenthesised_form_as_printed_under_the_barcode() -> None:
    scan = parse(f"(01){GTIN}(17)190508(10)ABCD1234(37)5")
    assert scan == Gs1Scan(GTIN, "ABCD1234", dt.date(2019, 5, 8), None, 5000, raw="")


@pytest.mark.parametrize(
    ("expiry", "last_day"), [("190500", dt.date(2019, 5, 31)), ("240200", dt.date(2024, 2, 29))]
)
def test_gs1_expiry_day_00_means_the_last_day_of_the_month(expiry: str, last_day: dt.date) -> None:
    scan = parse(f"]C101{GTIN}17{expiry}")
    assert isinstance(scan, Gs1Scan)
    assert scan.expiry == last_day


def test_gs1_lot_without_gs_separator_swallows_what_follows() -> None:
    # GS1's rule, not ours: a variable-length field runs to GS or to the end.
    scan = parse(f"]C101{GTIN}10ABC21XYZ")
    assert isinstance(scan, Gs1Scan)
    assert (scan.lot, scan.serial) == ("ABC21XYZ", None)


def test_bare_digits_starting_01_that_read_as_gtin_and_more_are_gs1() -> None:
    scan = parse(f"01{GTIN}17190508")
    assert scan == Gs1Scan(GTIN, None, dt.date(2019, 5, 8), None, None, raw="")


def test_bare_digits_starting_01_that_do_not_read_cleanly_are_an_item() -> None:
    assert parse("01095011010209181719050") == ItemScan("01095011010209181719050", None, raw="")
    assert parse(f"01{GTIN}") == ItemScan(f"01{GTIN}", None, raw="")


# --- what the screen shows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("WO-000123", "work order WO-000123"),
        ("PO-000045", "purchase order PO-000045"),
        ("BIN-MAIN-A-01-03", "bin BIN-MAIN-A-01-03"),
        ("AST-PUMP-07", "asset PUMP-07"),
        ("USR-1042", "badge 1042"),
        ("CMD-DONE", "done"),
        ("CMD-QTY-5", "quantity 5"),
        ("CMD-QTY-2.5", "quantity 2.5"),
        ("CMD-RETURN-INSPECT", "return as inspect"),
        ("5901234123457", "item 5901234123457"),
        (
            f"(01){GTIN}(17)190508(10)ABCD1234",
            f"GS1 GTIN {GTIN} lot ABCD1234 expiry 2019-05-08",
        ),
        (f"]C101{GTIN}21S1{GS}305", f"GS1 GTIN {GTIN} serial S1 quantity 5"),
    ],
)
def test_screen_describes_each_scan_in_a_few_words(text: str, line: str) -> None:
    assert describe(parse(text)) == line


# --- refusals: each names the code ------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "\t"])
def test_empty_scan_is_refused(text: str) -> None:
    assert "empty scan" in refusal(text)


def test_scan_longer_than_200_characters_is_refused() -> None:
    message = refusal("A" * 201)
    assert repr("A" * 60 + "...") in message
    assert "201 characters" in message


def test_scan_with_a_control_character_is_refused_and_shows_it() -> None:
    assert "'WO-1<NUL>23'" in refusal("WO-1\x0023")
    assert "'AB<ESC>C'" in refusal("AB\x1bC")
    assert "'AB<U+0085>C'" in refusal("AB\x85C")


def test_gs_outside_a_gs1_code_is_refused_and_shown_as_gs() -> None:
    assert "'WO-000123<GS>'" in refusal("WO-000123\x1d")
    assert "'<GS>'" in refusal(GS)


def test_prefixed_code_with_non_ascii_characters_is_refused() -> None:
    assert "'WO-00012３'" in refusal("WO-00012３")  # a full-width digit
    assert "'BIN-MAİN-A'" in refusal("BIN-MAİN-A")


@pytest.mark.parametrize("text", ["WO-", "PO-", "BIN-", "AST-", "USR-", "CMD-"])
def test_known_prefix_with_nothing_after_it_is_refused(text: str) -> None:
    message = refusal(text)
    assert repr(text) in message
    assert "incomplete" in message


def test_work_order_without_a_number_is_refused_with_an_example() -> None:
    message = refusal("WO-ABC")
    assert "'WO-ABC'" in message
    assert "WO-000123" in message


def test_badge_with_a_space_is_refused() -> None:
    assert "'USR-10 42'" in refusal("USR-10 42")


def test_bin_with_stray_punctuation_is_refused() -> None:
    assert "'BIN-MAIN--A'" in refusal("BIN-MAIN--A")


def test_unknown_command_is_refused_listing_the_known_ones() -> None:
    message = refusal("CMD-EXPLODE")
    assert "'CMD-EXPLODE'" in message
    for known in ("CMD-DONE", "CMD-CANCEL", "CMD-UNDO", "CMD-QTY-", "CMD-RETURN-"):
        assert known in message


@pytest.mark.parametrize(
    "text", ["CMD-QTY-", "CMD-QTY-abc", "CMD-QTY--5", "CMD-QTY-0", "CMD-QTY-1.2345", "CMD-QTY-1e3"]
)
def test_quantity_card_with_a_bad_number_is_refused(text: str) -> None:
    assert repr(text) in refusal(text)


def test_return_card_with_an_unknown_condition_is_refused() -> None:
    message = refusal("CMD-RETURN-LOST")
    assert "'CMD-RETURN-LOST'" in message
    assert "CMD-RETURN-NEW" in message
    assert "-INSPECT" in message


@pytest.mark.parametrize("text", ["AB CD", "AB\u00a0CD"])
def test_item_code_with_a_space_is_refused(text: str) -> None:
    assert repr(text) in refusal(text)


def test_item_code_with_an_invisible_character_is_refused() -> None:
    assert repr("AB\u200bCD") in refusal("AB\u200bCD")


def test_gs1_code_with_wrong_gtin_check_digit_is_refused() -> None:
    message = refusal("(01)09501101020918(10)A")
    assert "'(01)09501101020918(10)A'" in message
    assert "check digit" in message


def test_gs1_code_that_biip_cannot_read_is_refused_with_the_code_shown() -> None:
    message = refusal(f"]C101{GTIN}17191308")  # month 13
    assert f"']C101{GTIN}17191308'" in message


def test_gs1_code_with_unknown_ai_is_refused() -> None:
    assert "'(99999)X'" in refusal("(99999)X")
    assert f"'01{GTIN}<GS>ZZ'" in refusal(f"01{GTIN}{GS}ZZ")


def test_parenthesised_gs1_code_with_text_biip_would_drop_is_refused() -> None:
    # biip's HRI parser would silently read "AB CD" as lot "ABCD" and skip "(x)y".
    assert "'(10)AB CD'" in refusal("(10)AB CD")
    assert f"'(01){GTIN}(x)y'" in refusal(f"(01){GTIN}(x)y")


def test_gs1_code_with_non_ascii_digits_is_refused() -> None:
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in GTIN)
    assert "non-ASCII" in refusal(f"]C101{arabic_indic}")


def test_gs1_code_giving_the_same_ai_twice_differently_is_refused() -> None:
    assert "'(10)A(10)B'" in refusal("(10)A(10)B")


def test_gs1_pallet_label_without_item_data_is_refused() -> None:
    assert "'(00)095011010000000019'" in refusal("(00)095011010000000019")


def test_gs1_count_of_zero_is_refused() -> None:
    assert f"'(01){GTIN}(30)0'" in refusal(f"(01){GTIN}(30)0")


@pytest.mark.parametrize("text", ["]", "]!x", "]C1", "]C0"])
def test_broken_or_empty_symbology_prefix_is_refused(text: str) -> None:
    assert repr(text) in refusal(text)


# --- properties --------------------------------------------------------------------------------

PREFIXES = ["WO-", "PO-", "BIN-", "AST-", "USR-", "CMD-", "CMD-QTY-", "CMD-RETURN-", "wo-"]
PREFIXES += ["]C1", "]d2", "]Q3", "]e0", "]E0", "]C0", "(", "(01)", "01", "\x1d", "]"]
GS1_PIECES = ["01", "10", "17", "21", "30", "37", "00", "11", GTIN, "190500", "9", "ABC"]
GS1_PIECES += [GS, GS, "(", ")", "0", "5", "13", "٣"]

any_text = st.text()
prefixed_text = st.builds(lambda p, s: p + s, st.sampled_from(PREFIXES), st.text())
gs1_like_text = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(["", "]C1", "]d2", "(01)", GS]),
    st.lists(st.sampled_from(GS1_PIECES) | st.text("0123456789", max_size=8), max_size=8),
)
valid_codes = st.one_of(
    st.from_regex(r"(?i)(WO|PO)-(T[0-9]-)?[0-9]{1,8}", fullmatch=True),
    st.from_regex(r"(?i)(BIN|AST)-[A-Z0-9]{1,6}(-[A-Z0-9]{1,4}){0,3}", fullmatch=True),
    st.from_regex(r"(?i)USR-[A-Z0-9]{1,10}", fullmatch=True),
    st.from_regex(
        r"(?i)CMD-(DONE|CANCEL|UNDO|RETURN-(NEW|OPENED|INSPECT|REJECTED))", fullmatch=True
    ),
    st.from_regex(r"CMD-QTY-[1-9][0-9]{0,3}(\.[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,29}", fullmatch=True).filter(
        lambda code: code.partition("-")[0].upper() not in {"WO", "PO", "BIN", "AST", "USR", "CMD"}
    ),
    st.builds(
        lambda lot, serial, count: f"]C101{GTIN}10{lot}{GS}21{serial}{GS}30{count}",
        st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=20),
        st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=20),
        st.integers(1, 99_999_999),
    ),
)


def outcome(text: str) -> Scan | str:
    """The scan, or "refused": parse must never raise anything but ScanError."""
    try:
        scan = parse(text)
    except ScanError as error:
        assert error.message
        return "refused"
    assert isinstance(scan, Scan)
    describe(scan)
    return scan


@settings(max_examples=500)
@given(any_text | prefixed_text | gs1_like_text)
def test_any_text_is_a_scan_or_a_scan_error_never_a_crash(text: str) -> None:
    outcome(text)


@settings(max_examples=300)
@given(any_text | prefixed_text | gs1_like_text, st.sampled_from(["\r\n", "\r", "\n", "\t"]))
def test_a_trailing_enter_or_tab_never_changes_the_outcome(text: str, ending: str) -> None:
    assert outcome(text) == outcome(text + ending)


@given(valid_codes)
def test_valid_codes_read_the_same_with_the_scanners_enter(code: str) -> None:
    scan = parse(code)
    assert parse(code + "\r\n") == scan
    assert parse(code + "\r\n").raw == code + "\r\n"
