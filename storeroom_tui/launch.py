"""The `storeroom` console script: the command line, imported with the collector paused.

Importing SQLAlchemy, the SQLModel tables and Textual makes a few hundred thousand
objects that live as long as the process. With the cyclic garbage collector on, it walks
them again and again while they are being made: about a sixth of the time `storeroom`
takes to reach its first screen. Nothing made by an import is garbage, so the collector
waits until the imports are done.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    try:
        from storeroom_tui.cli import main as command_line
    finally:
        gc.enable()
    command_line()
