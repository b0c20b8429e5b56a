"""What every storeroom screen shares: the store, the signed-in user, red and green lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from storeroom_tui.permissions import Action, Actor
from storeroom_tui.service import Storeroom

if TYPE_CHECKING:
    from storeroom_tui.app import StoreroomApp


class StoreroomScreen(Screen[None]):
    """Base of the full screens. `refresh_data` is called when another terminal posts."""

    @property
    def storeroom_app(self) -> StoreroomApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> Storeroom:
        return self.storeroom_app.store

    @property
    def actor(self) -> Actor | None:
        return self.store.actor

    def can(self, action: Action) -> bool:
        return self.actor is not None and self.actor.can(action)

    def refresh_data(self) -> None:
        """Re-read what the screen shows. Called on a change by any terminal."""

    def on_screen_resume(self) -> None:
        self.refresh_data()
