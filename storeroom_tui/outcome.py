"""What a scan or a screen's action came to: a line for the screen and its tone.

The counter's and the dock's scan workflows answer every scan with an `Outcome`, and
the screens' message line shows one. Kept apart from `storeroom_tui.scanflow` so that
a screen can show an outcome without importing the scan workflow and the posting
services behind it (the queue, the first screen, needs none of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storeroom_tui.ledger import Posting


class Tone(StrEnum):
    INFO = "info"  # neutral: state changed, nothing moved
    PROMPT = "prompt"  # the session waits for something (a lot, a serial, a reason...)
    POSTED = "posted"  # green: stock moved
    ERROR = "error"  # red, with the bell: nothing moved


@dataclass(frozen=True, slots=True)
class Outcome:
    tone: Tone
    message: str
    posting: Posting | None = None

    @property
    def ok(self) -> bool:
        return self.tone != Tone.ERROR
