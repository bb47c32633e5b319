"""Output helpers shared by the subcommands: JSON, tables, progress, date text."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Iterator
from contextlib import contextmanager

from briefing.search.ingest.decode import strip_controls

if TYPE_CHECKING:
    from rich.text import Text


def print_json(data: Any) -> None:
    """Pretty JSON on stdout, Korean kept readable; C1 controls are written as \\u escapes
    (JSON escapes C0 ones), so no string in it can drive a terminal."""
    dumped = json.dumps(data, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped) + "\n")


_C1 = re.compile("[\x7f-\x9f]")


def clean(value: Any, keep: str = "") -> str:
    """Text of article data fit for a terminal: C0/C1 controls removed (``keep``: "\\n" for a body)."""
    return strip_controls("" if value is None else str(value), keep)


def text(*parts: Any) -> Text:
    """A rich Text from (value, style) pairs or plain values: never parsed as markup, each value
    cleaned of control characters. ``text((title, "bold"), "  ", (h.id, "dim"))``; the style
    "body" keeps newlines (paragraphs) and is otherwise plain."""
    from rich.text import Text

    out = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        out.append(clean(value, "\n" if style == "body" else ""), style="" if style == "body" else style)
    return out


def say(message: str, *, stderr: bool = True, style: str = "") -> None:
    """Print one message line (from code, but it may carry paths or ids) as plain text."""
    console(stderr=stderr).print(text((message, style)))


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def date_text(value: date | None, confidence: float | None = None) -> str:
    """ISO date, or "unknown date"; a trailing "?" marks a low-confidence date."""
    if value is None:
        return "unknown date"
    return value.isoformat() + ("?" if confidence is not None and confidence < 0.5 else "")


def console(stderr: bool = False):
    """A rich console; it wraps lines to a terminal's width, never those going to a file or pipe
    (a script reading ``briefing search`` gets one line per record)."""
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False)
    out.soft_wrap = not out.is_terminal
    return out


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr (a terminal only); yields a progress(done, total, label) callback."""
    err = console(stderr=True)
    if not enabled or not err.is_terminal:
        yield lambda done, total, text: None
        return
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("{task.fields[item]}"), console=err, transient=True,
    ) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: int, total: int, item: str) -> None:
            phase = "indexing" if item.startswith("indexing") else label
            bar.update(task, completed=done, total=total or None, description=phase,
                       item=escape(clean(item.removeprefix("indexing "))[:40]))

        yield update
