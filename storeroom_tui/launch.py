"""The `storeroom` console script: the command line, imported with the collector paused.

Importing SQLAlchemy, the SQLModel tables and Textual makes a few hundred thousand
objects that live as long as the process. With the cyclic garbage collector on, it walks
them again and again while they are being made: about a sixth of the time `storeroom`
takes to reach its first screen. Nothing made by an import is garbage, so the collector
waits until the imports are done, and what they made is then frozen out of its sight:
otherwise each of its full passes while Typer builds the command tree (98 commands, on
every start) walks all of it again (that step 158 ms, frozen 50 ms).

`storeroom` with no arguments at all opens the terminal app straight away, on the file
and badge of STOREROOM_DB and STOREROOM_USER, as the command line would
(`storeroom_tui.terminal`): it needs none of the command line.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.disable()  # run_terminal_app, or the finally below, freezes and resumes it
    if len(sys.argv) == 1:
        from storeroom_tui.terminal import DB_VARIABLE, USER_VARIABLE, run_terminal_app

        try:
            status = run_terminal_app(
                os.environ.get(DB_VARIABLE) or None, os.environ.get(USER_VARIABLE) or None
            )
        except KeyboardInterrupt:
            status = 130
        sys.exit(status)
    try:
        from storeroom_tui.cli import main as command_line
    finally:
        gc.freeze()
        gc.enable()
    command_line()
