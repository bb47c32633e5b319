"""briefing list: the indexed articles, newest first."""

from __future__ import annotations

import argparse
import sys

from ._output import console, date_text, print_json

NAME = "list"
HELP = "list the indexed articles (newest first; unknown dates last)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    rows = engine.list_articles()
    if args.json:
        print_json([
            {"id": r.id, "title": r.title, "publisher": r.publisher,
             "published": r.published.isoformat() if r.published else None,
             "published_confidence": r.published_confidence}
            for r in rows
        ])
        return 0
    out = console()
    if not out.is_terminal:  # a pipe or file gets every id and title whole, one per line
        for r in rows:
            line = "\t".join((r.id, date_text(r.published, r.published_confidence),
                              r.publisher or "—", " ".join(r.title.split())))
            sys.stdout.write(line + "\n")
        return 0
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False)
    id_width = max((len(r.id) for r in rows), default=2)
    table.add_column("id", no_wrap=True, min_width=id_width)  # ids are never cut: scripts copy them
    table.add_column("date", no_wrap=True, min_width=12)
    table.add_column("publisher", no_wrap=True, overflow="ellipsis", min_width=8, max_width=12)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
    for r in rows:
        table.add_row(r.id, date_text(r.published, r.published_confidence), r.publisher or "—", r.title)
    out.print(table)
    return 0


def ensure_index(engine) -> None:
    """Build or refresh the index first if the sources changed (with a progress bar)."""
    if engine.needs_update():
        from ._output import progress_bar

        with progress_bar("indexing corpus") as progress:
            report = engine.update(progress, wait=True)
        err = console(stderr=True)
        for path, reason in report.skipped:
            err.print(f"[yellow]skipped[/] {path}: {reason}")
        for warning in report.warnings:
            err.print(f"[yellow]warning[/] {warning}")
