"""briefing index [PATH...]: ingest sources and update the index (incremental)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ._output import console, print_json, progress_bar

NAME = "index"
HELP = "ingest sources and update the search index (only new or changed files are read)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to index from now on (default: corpus.paths of the config, "
                        "else the paths given last time, else the bundled seeds)")
    p.add_argument("--wait", action="store_true", help="wait for another running index update instead of failing")
    p.add_argument("--json", action="store_true", help="print the update report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    if args.paths:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            console(stderr=True).print(f"briefing: no such file or folder: {', '.join(missing)}")
            return 2
        engine.set_corpus([Path(p) for p in args.paths])
    with progress_bar("reading", enabled=not (args.quiet or args.json)) as progress:
        report = engine.update(progress, wait=args.wait)
    if args.json:
        print_json(dataclasses.asdict(report) | {"corpus_size": engine.corpus_size})
        return 0
    out = console()
    out.print(
        f"indexed {engine.corpus_size} articles in {report.elapsed_s:.2f} s: "
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped"
    )
    err = console(stderr=True)
    for path, reason in report.skipped:
        err.print(f"[yellow]skipped[/] {path}: {reason}")
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {warning}")
    return 0
