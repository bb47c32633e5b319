"""The find-in-article bar under the reader (``/`` in the reader, or ctrl+f)."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FindBar(Input):
    """Typing finds as you go; enter goes back to the reader (n/N step); escape closes."""

    BINDINGS = [Binding("escape", "close", "Close find", show=False, id="find_close")]

    class Closed(Message):
        """The user closed the find bar."""

    def action_close(self) -> None:
        self.post_message(self.Closed())
