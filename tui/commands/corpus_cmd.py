"""briefing corpus add|remove|list|reset: what is indexed (a list of paths kept in the data dir)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from briefing.search.ingest.sources import display_path

from briefing.tui.commands._output import console, print_json, progress_bar, text
from briefing.tui.commands.list_cmd import print_report_lines

NAME = "corpus"
HELP = ("show or change the corpus: the list of files and folders indexed, kept in the data dir "
        "(a new data dir starts from corpus.paths of the config; an empty list means the bundled seeds)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add files or folders and index them", description="add files or folders "
                         "to the corpus and index them (a path that does not exist is an error; nothing changes)")
    add.add_argument("paths", nargs="+", metavar="PATH")
    remove = sub.add_parser("remove", help="remove paths from the corpus and their articles from the index",
                            description="remove paths from the corpus; their articles leave the index")
    remove.add_argument("paths", nargs="+", metavar="PATH")
    listing = sub.add_parser("list", help="the corpus paths, and whether each exists",
                             description="the corpus paths, and whether each exists")
    listing.add_argument("--json", action="store_true", help="JSON output")
    sub.add_parser("reset", help="back to the bundled seeds (articles of the other paths leave the index)",
                   description="back to the bundled seeds (articles of the other paths leave the index)")
    for q in (add, remove, sub.choices["reset"]):
        q.add_argument("--wait", action="store_true", help="wait for another running index update instead of failing")
        q.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    if args.action == "list":
        paths = engine.corpus_list()
        rows = [{"path": display_path(p), "exists": os.path.lexists(p)} for p in paths]
        if args.json:
            print_json({"paths": rows, "bundled_seeds": not paths})
            return 0
        out = console()
        if not paths:
            out.print(text("the bundled seeds (no corpus paths; add some with `briefing corpus add PATH`)"))
        for row in rows:
            out.print(text(row["path"], ("" if row["exists"] else "  (missing)", "yellow")))
        return 0
    paths = [Path(p) for p in getattr(args, "paths", [])]
    with progress_bar("reading", enabled=not args.quiet) as progress:
        report = engine.update(progress, wait=args.wait, add=paths if args.action == "add" else (),
                               remove=paths if args.action == "remove" else (), reset=args.action == "reset")
    console().print(text(
        f"corpus: {len(engine.corpus_list()) or 'the bundled seeds'}"
        f"{' path(s)' if engine.corpus_list() else ''}; {engine.corpus_size} articles "
        f"({len(report.added)} added, {len(report.removed)} removed)"
    ))
    print_report_lines(report)
    return 0
