"""Opening the terminal app: the one way, for `storeroom` alone and for the command line.

Kept apart from `storeroom_tui.cli` so that `storeroom` with no arguments (a clerk's
terminal, an SSH account's ForceCommand, the file and badge in STOREROOM_DB and
STOREROOM_USER) opens the app without importing Typer and the command line's ~100
commands and building them into a command tree first (about 0.1 s of a start that must
take under a second).
"""

from __future__ import annotations

import gc

from rich.console import Console

from storeroom_tui.errors import StoreroomError
from storeroom_tui.service import Storeroom

DB_VARIABLE = "STOREROOM_DB"
USER_VARIABLE = "STOREROOM_USER"


def run_terminal_app(db: str | None, user: str | None) -> int:
    """Open the file (or database URL) and run the app signed in as `user` if given;
    0 when the app ends, 1 with the reason on stderr when the file cannot be opened."""
    # start-up (Textual and the screens imported, the file opened) makes objects that
    # live as long as the app: the collector is paused while they are made, then they
    # are put out of its sight, so that a full collection no longer walks them (50-90 ms
    # pauses while typing in the queue's filter)
    gc.disable()
    try:
        from storeroom_tui.app import StoreroomApp

        store = Storeroom.open(db)
        store.require_initialised()
        if user:
            store.sign_in(user)
    except StoreroomError as error:
        Console(stderr=True, highlight=False).print(
            f"[bold red]refused[/]: {error.message}", soft_wrap=True
        )
        return 1
    finally:
        gc.freeze()
        gc.enable()
    StoreroomApp(store).run()
    return 0
