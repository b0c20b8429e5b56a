"""The real program in a real terminal: tmux at 80x24, keys sent, the screen read back.

Skipped only where tmux is missing, and never in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storeroom_tui import stock

TMUX = shutil.which("tmux")
STOREROOM = str(Path(sys.executable).parent / "storeroom")

if TMUX is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("tmux is required in CI for the end-to-end test")
    pytest.skip("tmux is not installed", allow_module_level=True)


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        """A keyboard-wedge scanner: the characters as one burst, then Enter."""
        subprocess.run([TMUX, "send-keys", "-t", self.name, "-l", text], check=True)
        self.keys("Enter")

    def screen(self) -> str:
        return subprocess.run(
            [TMUX, "capture-pane", "-p", "-t", self.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def wait_for(self, wanted: str | Callable[[str], bool], seconds: float = 15.0) -> str:
        test = (lambda text: wanted in text) if isinstance(wanted, str) else wanted
        deadline = time.monotonic() + seconds
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"{wanted!r} never appeared; the screen was:\n{text}")


@pytest.fixture
def terminal(plant, db_path: Path) -> Iterator[Terminal]:
    plant.store.db.dispose()
    name = f"storeroom-{uuid.uuid4().hex[:8]}"
    env = {"TERM": "xterm-256color", "STOREROOM_DB": str(db_path)}
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {STOREROOM}"
    subprocess.run(
        [TMUX, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command], check=True
    )
    try:
        yield Terminal(name)
    finally:
        subprocess.run([TMUX, "kill-session", "-t", name], check=False)


def test_clerk_signs_in_and_issues_by_scan_in_a_real_terminal(plant, terminal: Terminal) -> None:
    number = plant.wo_in_progress({"SEAL-9": "2", "BRG-6204": "1"}, title="Reseal pump")
    terminal.wait_for("sign in")
    terminal.type("USR-C1")
    terminal.wait_for("Carla Clerk")
    terminal.keys("F3")
    terminal.wait_for("scan a work order")
    terminal.type(number)
    terminal.wait_for("Reseal pump")
    terminal.type("SEAL-9")
    screen = terminal.wait_for("SEAL-9 MAIN/A-01-02 → WIP")
    assert "✔" in screen
    terminal.type("NOT-A-PART")
    screen = terminal.wait_for("no item with part number or barcode")
    assert "✘" in screen and "NOT-A-PART" in screen
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    terminal.keys("C-q")
    time.sleep(0.5)
    assert plant.store.read(stock.stock_position, "SEAL-9").on_hand == 4000
