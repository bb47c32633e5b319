"""briefing list: the indexed articles, newest first."""

from __future__ import annotations

import argparse
import sys

from briefing.tui.commands import copies_view
from briefing.tui.commands._output import clean, console, date_text, print_json, text

NAME = "list"
HELP = "list the indexed articles (newest first; unknown dates last)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="JSON output")
    copies_view.add_argument(p)


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    shown = copies_view.collapse(engine, engine.list_articles(), args.all_copies)  # wire copies once, noted
    rows = [r for r, _ in shown]
    if args.json:
        missing = engine.missing_ids()
        print_json([
            {"id": r.id, "title": r.title, "publisher": r.publisher,
             "published": r.published.isoformat() if r.published else None,
             "published_confidence": r.published_confidence, "copies": copies_view.as_json(others)}
            | ({"source_missing": True} if r.id in missing else {})
            for r, others in shown
        ])
        return 0
    out = console()
    if not out.is_terminal:  # a pipe or file gets every id and title whole, one per line
        for r, others in shown:
            title = r.title + (f"  ({copies_view.note(r, others)})" if others else "")
            line = "\t".join(" ".join(clean(v).split()) for v in (
                r.id, date_text(r.published, r.published_confidence), r.publisher or "—", title))
            sys.stdout.write(line + "\n")
        return 0
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False)
    id_width = max((len(clean(r.id)) for r in rows), default=2)
    table.add_column("id", no_wrap=True, min_width=id_width)  # ids are never cut: scripts copy them
    table.add_column("date", no_wrap=True, min_width=12)
    table.add_column("publisher", no_wrap=True, overflow="ellipsis", min_width=8, max_width=12)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
    for r, others in shown:
        title = r.title + (f"  ({copies_view.note(r, others)})" if others else "")
        table.add_row(text(r.id), date_text(r.published, r.published_confidence), text(r.publisher or "—"),
                      text(title))
    out.print(table)
    return 0


def ensure_index(engine) -> None:
    """Build or refresh the index first if the sources changed (with a progress bar)."""
    if engine.read_only:
        engine.notices.append(f"the data dir {engine.data_dir} is read-only: using the index as it is")
        return
    if engine.needs_update():
        from briefing.tui.commands._output import progress_bar

        from briefing.search.errors import BriefingError

        try:
            with progress_bar("indexing corpus") as progress:
                report = engine.update(progress, wait=True)
        except BriefingError as exc:  # a full disk, a data dir made read-only meanwhile
            engine.notices.append(f"{exc}; using the index as it is")
            return
        print_report_lines(report)


def print_report_lines(report) -> None:
    """The skipped files and warnings of an update, one line each on stderr."""
    err = console(stderr=True)
    for path, reason in report.skipped:
        err.print(text(("skipped", "yellow"), f" {path}: {reason}"))
    for warning in report.warnings:
        err.print(text(("warning", "yellow"), f" {warning}"))
