"""The export dialog: shows the planned brief, writes it on confirmation."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


def plan_summary(plan, titles: dict[str, str]) -> str:
    """Lines describing the plan: title, file, articles, what is included."""
    lines = [f"Title:    {plan.title}", f"File:     {plan.path}", f"Articles: {len(plan.article_ids)}"]
    for article_id in plan.article_ids:
        lines.append(f"  • {titles.get(article_id, article_id)}")
    if plan.includes:
        lines.append("Includes: " + ", ".join(plan.includes))
    return "\n".join(lines)


class ExportDialog(ModalScreen[bool]):
    """Dismisses with True when the user confirms writing the brief."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export_cancel"),
        Binding("enter,w", "write", "Write the brief", id="export_write"),
    ]

    def __init__(self, plan, titles: dict[str, str]) -> None:
        super().__init__()
        self.plan, self._titles = plan, titles

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label("Export the brief", id="export-title")
            yield Static(Text(plan_summary(self.plan, self._titles)), id="export-plan")
            with Horizontal(id="export-buttons"):
                yield Button("Write (enter)", variant="primary", id="export-write")
                yield Button("Cancel (esc)", id="export-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "export-write")

    def action_write(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
