"""briefing add URL...: fetch single article pages into the corpus and index them."""

from __future__ import annotations

import argparse

from briefing.tui.commands._output import progress_bar
from briefing.tui.commands.fetch_cmd import add_report_options, index_new, print_report, settings

NAME = "add"
HELP = "fetch article pages by URL, extract them and index them"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("urls", nargs="+", metavar="URL", help="article page URLs")
    add_report_options(p)


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.search.feeds.fetch import fetch_pages

    quiet = args.quiet or args.json
    with progress_bar("fetching", enabled=not quiet) as progress:
        report = fetch_pages(ctx.data_dir, args.urls, settings(ctx), progress)
    update = index_new(ctx, report, quiet)
    print_report(report, update, ctx, args.json)
    return 1 if report.failures and not report.new and not report.already else 0
