"""Output helpers shared by the subcommands: JSON, tables, progress, date text."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any, Callable, Iterator
from contextlib import contextmanager


def print_json(data: Any) -> None:
    """Pretty JSON on stdout, Korean kept readable."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write("\n")


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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("{task.fields[item]}"), console=err, transient=True,
    ) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: int, total: int, text: str) -> None:
            phase = "indexing" if text.startswith("indexing") else label
            bar.update(task, completed=done, total=total or None, description=phase,
                       item=text.removeprefix("indexing ")[:40])

        yield update
