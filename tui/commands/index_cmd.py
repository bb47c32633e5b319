"""briefing index [PATH...]: ingest sources and update the index (incremental)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from briefing.tui.commands._output import console, print_json, progress_bar, text
from briefing.tui.commands.list_cmd import print_report_lines

NAME = "index"
HELP = "ingest sources and update the search index (only new or changed files are read)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to add to the corpus and index (see `briefing corpus`; "
                        "a path that does not exist is an error and changes nothing)")
    p.add_argument("--prune", action="store_true",
                   help="remove the articles whose source files are gone (kept and marked "
                        "\"source missing\" otherwise)")
    p.add_argument("--check", action="store_true",
                   help="check the article store's integrity first (SQLite quick_check; rebuilt if damaged)")
    p.add_argument("--wait", action="store_true", help="wait for another running index update instead of failing")
    p.add_argument("--json", action="store_true", help="print the update report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    with progress_bar("reading", enabled=not (args.quiet or args.json)) as progress:
        report = engine.update(progress, wait=args.wait, prune=args.prune, check=args.check,
                               add=[Path(p) for p in args.paths])
    if args.json:
        print_json(dataclasses.asdict(report) | {"corpus_size": engine.corpus_size})
        return 0
    console().print(text(
        f"indexed {engine.corpus_size} articles in {report.elapsed_s:.2f} s: "
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
    ))
    print_report_lines(report)
    return 0
