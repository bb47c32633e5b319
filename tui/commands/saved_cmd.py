"""briefing saved list|add|remove: the saved searches (the app's watchlist pane)."""

from __future__ import annotations

import argparse

from briefing.tui.commands._output import console, print_json
from briefing.tui.commands.list_cmd import ensure_index

NAME = "saved"
HELP = "saved searches (the app's watchlist): list them with new-article counts, add or remove one"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="each saved search with its results and how many are new")
    ls.add_argument("--json", action="store_true", help="JSON output")
    add = sub.add_parser("add", help="save QUERY under NAME (replaces a search of that name)")
    add.add_argument("name")
    add.add_argument("query", nargs="+", help="the query (quote it in the shell)")
    rm = sub.add_parser("remove", help="forget the saved search NAME")
    rm.add_argument("name")


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.tui.saved_searches import add_saved, load_saved, saved_path, store_saved

    path = saved_path(ctx.data_dir)
    searches = load_saved(path)
    err = console(stderr=True)
    if args.action == "remove":
        kept = [s for s in searches if s.name != args.name]
        if len(kept) == len(searches):
            err.print(f"briefing: no saved search named {args.name!r}")
            return 2
        store_saved(path, kept)
        console().print(f"removed {args.name}")
        return 0
    engine = ctx.engine
    ensure_index(engine)
    if args.action == "add":
        query = " ".join(args.query)
        result = engine.search(query, limit=100000, snippets=False)  # a bad query stops here
        store_saved(path, add_saved(searches, args.name, query, [h.id for h in result.hits]))
        console().print(f"saved {args.name}: {query} ({result.total} results, all counted as seen)")
        return 0
    rows = []
    for search in searches:
        ids = [h.id for h in engine.search(search.query, limit=100000, snippets=False).hits]
        rows.append({"name": search.name, "query": search.query, "results": len(ids),
                     "new": len(search.new_ids(ids))})
    if args.json:
        print_json(rows)
        return 0
    out = console()
    if not rows:
        out.print("no saved searches (save one with S in the app, or briefing saved add NAME QUERY)")
    for row in rows:
        out.print(f"{row['name']}\t{row['new']} new\t{row['results']} results\t{row['query']}",
                  markup=False, highlight=False)
    return 0
