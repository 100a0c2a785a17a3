"""The key bar (``rr_tui.widgets.footer.KeyBar``): one rebuild per burst, always current."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from rr_tui.widgets.footer import KeyBar


class KeysApp(App[None]):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save", "Save"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.deletable = True
        self.rebuilds = 0

    def compose(self) -> ComposeResult:
        yield Label("x")
        yield CountingBar(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.deletable if action == "delete" else True

    def action_save(self) -> None: ...

    def action_delete(self) -> None: ...


class CountingBar(KeyBar):
    async def recompose(self) -> None:
        assert isinstance(self.app, KeysApp)
        self.app.rebuilds += 1
        await super().recompose()


def shown_keys(app: App[None]) -> dict[str, bool]:
    return {key.description: not key.disabled for key in app.query(FooterKey)}


async def test_a_burst_of_binding_changes_rebuilds_once_and_shows_the_last_state() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown_keys(app) == {"Save": True, "Delete": True}
        before = app.rebuilds
        for deletable in (False, True, False):  # three changes before the next frame
            app.deletable = deletable
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert app.rebuilds == before + 1
        assert shown_keys(app) == {"Save": True}  # check_action False: hidden
        # A later change is not absorbed by the one before it.
        app.deletable = True
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert app.rebuilds == before + 2
        assert shown_keys(app) == {"Save": True, "Delete": True}


async def test_keys_are_compact_from_the_start() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = list(app.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
