"""briefing export [ID...] [--query Q] [-o FILE]: write a Markdown brief."""

from __future__ import annotations

import argparse
from pathlib import Path

from briefing.tui.commands._output import clean, console, say, text
from briefing.tui.commands.list_cmd import ensure_index

NAME = "export"
HELP = "export a Markdown brief of the given articles or of a query's results"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", help="article ids (or unique prefixes)")
    p.add_argument("--query", "-q", metavar="Q", help="brief the results of this query (with or without IDs)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N query results (default 20)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="output file (default: a name from the title and date in the export folder)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--stdout", action="store_true", help="print the brief instead of writing a file")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    ids = [engine.resolve_id(i) for i in args.ids]
    if args.query:
        ids += [h.id for h in engine.search(args.query, limit=args.limit).hits if h.id not in ids]
    if not ids:
        say("briefing: nothing to export: give article ids or a --query that matches")
        return 2
    from briefing.search.brief.plan import plan_brief
    from briefing.search.brief.render import render_brief, write_brief

    plan = plan_brief(engine, ids, query=args.query, folder=ctx.config.export_folder,
                      output=Path(args.output) if args.output else None)
    if args.stdout:
        print(clean(render_brief(engine, plan), "\n\t"), end="")
        return 0
    path = write_brief(engine, plan, overwrite=args.force)
    console().print(text(f"wrote {path} ({len(plan.article_ids)} article(s))"))
    return 0
