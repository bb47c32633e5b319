"""Tools on the open article: find in the article, open its source in a browser, copy its id or
URL, pipe it to ``$PAGER``; handing the terminal to an external program."""

from __future__ import annotations

from textual import on, work

from briefing.tui.app_state import AppState
from briefing.tui.widgets.find_bar import FindBar
from briefing.tui.widgets.reader import Reader, article_text


class ReaderTools(AppState):
    """Find, open, copy and pipe the open article; mixed into BriefingApp."""

    def _open_article_or_say(self):
        article = self.query_one(Reader).article
        if article is None:
            self.status_message = "open an article first (enter)"
        return article

    @on(Reader.FindRequested)
    def action_find(self) -> None:
        if self._open_article_or_say() is None:
            return
        bar = self.query_one(FindBar)
        bar.add_class("-open")
        bar.focus()

    @on(FindBar.Changed, "#find")
    def _find_changed(self, message: FindBar.Changed) -> None:
        count = self.query_one(Reader).find(message.value)
        self._say_found(0 if count else -1, count, message.value)

    @on(FindBar.Submitted, "#find")
    def _find_submitted(self) -> None:
        self.query_one(Reader).focus()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        bar = self.query_one(FindBar)
        bar.remove_class("-open")
        self.query_one(Reader).focus()

    @on(Reader.Found)
    def _found(self, message: Reader.Found) -> None:
        self._say_found(message.index, message.count, self.query_one(FindBar).value)

    def _say_found(self, index: int, count: int, needle: str) -> None:
        if not needle.strip():
            self.status_message = ""
        elif count:
            self.status_message = f"match {index + 1}/{count} for {needle!r} (n / N)"
        else:
            self.status_message = f"no match for {needle!r} in this article"

    def _source_link(self, article) -> str:
        from pathlib import Path as _Path

        return article.url or _Path(article.source_path).resolve().as_uri()

    def action_open_url(self) -> None:
        article = self._open_article_or_say()
        if article is not None:
            self.open_in_browser(self._source_link(article))

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> None:
        import webbrowser

        opened = webbrowser.open(url)
        message = f"opened {url}" if opened else f"no browser found for {url}"
        self.call_from_thread(setattr, self, "status_message", message)

    def action_copy(self, what: str) -> None:
        article = self._open_article_or_say() if what == "url" else None
        if what == "url" and article is None:
            return
        value = self._source_link(article) if article is not None else self.focused_article_id()
        if not value:
            self.status_message = "no article to copy the id of"
            return
        self.copy_to_clipboard(value)
        self.status_message = f"copied {value}"

    def action_pipe(self) -> None:
        article = self._open_article_or_say()
        if article is None:
            return
        self.run_external("PAGER", "less", text=article_text(article, [], []).plain + "\n")

    def run_external(self, variable: str, default: str, path=None, text: str | None = None) -> None:
        """Hand the terminal to ``$variable`` (else ``default``) with a file or text on stdin."""
        import os
        import shlex
        import subprocess

        command = shlex.split(os.environ.get(variable) or default) or [default]
        if path is not None:
            command.append(str(path))
        try:
            with self.suspend():
                subprocess.run(command, input=text, text=True, check=False)
        except Exception as exc:  # no terminal to hand over (headless), or no such program
            self.status_message = f"cannot run {command[0]}: {exc}"
            return
        self.status_message = f"back from {command[0]}"
