"""The base of the app's mixins (tui/search_flow.py, tui/jumps.py, …): each holds one idea of
BriefingApp. At run time a mixin shares the app's metaclass, so Textual finds its ``@on`` handlers;
type checkers see it as the App it is mixed into."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    AppMixin = App[int]
else:
    class AppMixin(metaclass=type(App)):
        """Mixed into BriefingApp, which provides the state and the other mixins' methods."""

