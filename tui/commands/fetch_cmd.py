"""briefing fetch [NAME...]: fetch the followed feeds and index their new articles."""

from __future__ import annotations

import argparse
import dataclasses

from briefing.tui.commands._output import print_json, progress_bar

NAME = "fetch"
HELP = "fetch the followed feeds (or the named ones), download their new articles and index them"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="feeds to fetch, by name or URL (default: all)")
    add_report_options(p)


def add_report_options(p: argparse.ArgumentParser) -> None:
    """--json and --quiet, shared with ``briefing add``."""
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def settings(ctx):
    """The fetch settings of the config (``fetch:``)."""
    from briefing.search.feeds.client import FetchSettings

    return FetchSettings.from_config(ctx.config.fetch)


def index_new(ctx, report, quiet: bool):
    """Index what was fetched (incremental update); the engine's UpdateReport, or None."""
    engine = ctx.engine
    if not report.new and not engine.needs_update():
        return None
    with progress_bar("indexing", enabled=not quiet) as progress:
        report = engine.update(progress, wait=True)
    engine.copies()  # signatures of the new articles now, so list/search need not compute them
    return report


def print_report(report, update, ctx, as_json: bool) -> None:
    """The fetch report: per feed one line, each new article one line, each failure one line."""
    if as_json:
        print_json({
            "feeds": [dataclasses.asdict(f) for f in report.feeds],
            "new": [dataclasses.asdict(a) for a in report.new],
            "already": report.already,
            "failures": report.failures,
            "index": dataclasses.asdict(update) if update else None,
            "corpus_size": ctx.engine.corpus_size,
        })
        return
    for f in report.feeds:
        extra = f" ({f.duplicates} already had)" if f.duplicates else ""
        failed = sum(1 for e in f.errors if e.startswith("item "))
        if f.status == "failed":
            print(f"{f.name}: feed failed")
        elif f.status == "not modified":
            print(f"{f.name}: not modified, 0 new")
        else:
            print(f"{f.name}: {f.new} new of {f.items} items{extra}" + (f", {failed} failed" if failed else ""))
    if report.new:
        print()
        width = max(len(a.id) for a in report.new)
        for a in report.new:
            print(f"{a.id:<{width}}  {a.published or 'unknown date':<12}  {a.publisher or '—'}  ·  {a.title}")
    for line in report.already:
        print(f"already in the corpus: {line}")
    if report.failures:
        print()
        for line in report.failures:
            print(f"failed: {line}")
    print()
    corpus = f"; corpus {ctx.engine.corpus_size} articles" if update is not None else ""
    print(f"{len(report.new)} new article{'s' if len(report.new) != 1 else ''}, "
          f"{len(report.failures)} failure{'s' if len(report.failures) != 1 else ''}{corpus}")


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.search.feeds.fetch import fetch_feeds
    from briefing.search.feeds.state import FeedState

    state = FeedState(ctx.data_dir)
    followed = state.feeds()
    state.close()
    if not followed:
        print("no feeds followed yet: `briefing feed add URL` (or `briefing feed import FILE.opml`)")
        return 1
    quiet = args.quiet or args.json
    with progress_bar("fetching", enabled=not quiet) as progress:
        report = fetch_feeds(ctx.data_dir, settings(ctx), args.names or None, progress)
    update = index_new(ctx, report, quiet)
    print_report(report, update, ctx, args.json)
    return 1 if report.feeds and all(f.status == "failed" for f in report.feeds) else 0
