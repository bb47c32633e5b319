"""The command palette (ctrl+p): one command class per app action, offered by one Provider."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from briefing.tui.bindings import KEY_SPECS, KeySpec, keys_for
from briefing.tui.screens.help import key_display


class PaletteCommand:
    """An app action offered in the palette; subclasses set ``spec``."""

    spec: KeySpec

    @classmethod
    def title(cls) -> str:
        return cls.spec.description

    @classmethod
    def help(cls, keymap: dict[str, str]) -> str:
        return f"{cls.spec.id} · key {key_display(keys_for(cls.spec.id, keymap))}"

    @classmethod
    async def run(cls, app) -> None:
        await app.run_action(cls.spec.action)


def _command_class(spec: KeySpec) -> type[PaletteCommand]:
    name = "".join(part.title() for part in spec.id.split("_")) + "Command"
    return type(name, (PaletteCommand,), {"spec": spec, "__doc__": spec.description})


PALETTE_COMMANDS: tuple[type[PaletteCommand], ...] = tuple(_command_class(s) for s in KEY_SPECS)


class BriefingCommands(Provider):
    """Offers every action of :data:`KEY_SPECS` by its description."""

    def _keymap(self) -> dict[str, str]:
        return getattr(self.app, "keymap", {})

    async def discover(self) -> Hits:
        for command in PALETTE_COMMANDS:
            yield DiscoveryHit(command.title(), partial(command.run, self.app),
                               help=command.help(self._keymap()))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in PALETTE_COMMANDS:
            score = matcher.match(command.title())
            if score > 0:
                yield Hit(score, matcher.highlight(command.title()),
                          partial(command.run, self.app), help=command.help(self._keymap()))
