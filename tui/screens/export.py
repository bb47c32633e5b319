"""The export dialog: the planned brief with an editable title and file name; writes on enter.

It shows the file name that will really be written (a default name already taken gets a -2
suffix) and refuses to overwrite a file the user named.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from briefing.search.brief.render import target_path


def plan_summary(plan, titles: dict[str, str]) -> str:
    """Lines describing what goes into the brief: articles and sections."""
    lines = [f"Articles: {len(plan.article_ids)}"]
    for article_id in plan.article_ids:
        lines.append(f"  • {titles.get(article_id, article_id)}")
    if plan.includes:
        lines.append("Includes: " + ", ".join(plan.includes))
    return "\n".join(lines)


@dataclass
class ExportChoice:
    """What the user confirmed: the plan as edited, and whether to open it in $EDITOR."""

    plan: object  # briefing.search.brief.plan.BriefPlan
    edit: bool = False


def edited_plan(plan, title: str, file_name: str):
    """``plan`` with the title and file name typed in the dialog."""
    title = title.strip() or plan.title
    name = file_name.strip()
    if not name or name == str(plan.path):
        return dataclasses.replace(plan, title=title)
    path = Path(name).expanduser()
    if not path.is_absolute() and path.parent == Path("."):
        path = plan.path.parent / path  # a bare name goes into the export folder
    if not path.suffix:
        path = path.with_suffix(".md")
    return dataclasses.replace(plan, title=title, path=path, auto_named=False)


class ExportDialog(ModalScreen["ExportChoice | None"]):
    """Dismisses with an :class:`ExportChoice`, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export_cancel")]

    def __init__(self, plan, titles: dict[str, str]) -> None:
        super().__init__()
        self.plan, self._titles = plan, titles

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="export-box"):
            yield Label("Export the brief", id="export-title")
            yield Label("Title")
            yield Input(self.plan.title, id="export-brief-title")
            yield Label("File (a bare name goes into the export folder)")
            yield Input(str(self.plan.path), id="export-file")
            yield Static("", id="export-target")
            yield Static(Text(plan_summary(self.plan, self._titles)), id="export-plan")
            yield Checkbox("Open in $EDITOR after writing", id="export-edit")
            with Horizontal(id="export-buttons"):
                yield Button("Write (enter)", variant="primary", id="export-write")
                yield Button("Cancel (esc)", id="export-cancel")

    def on_mount(self) -> None:
        self._update_target()
        self.query_one("#export-write", Button).focus()

    def current_plan(self):
        return edited_plan(self.plan, self.query_one("#export-brief-title", Input).value,
                           self.query_one("#export-file", Input).value)

    def _update_target(self) -> bool:
        """Show the file that will be written; False if it cannot be (the name is taken)."""
        plan = self.current_plan()
        path = target_path(plan)
        target = self.query_one("#export-target", Static)
        ok = not path.exists()
        if ok:
            target.update(Text(f"Will write: {path}", style="bold"))
        else:
            target.update(Text(f"{path} exists: choose another name (nothing is overwritten)",
                               style="bold red"))
        self.query_one("#export-write", Button).disabled = not ok
        return ok

    def on_input_changed(self) -> None:
        self._update_target()

    def on_input_submitted(self) -> None:
        self.action_write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-write":
            self.action_write()
        else:
            self.action_cancel()

    def action_write(self) -> None:
        if self._update_target():
            self.dismiss(ExportChoice(self.current_plan(), self.query_one(Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
