"""briefing timeline [QUERY]: dated events, chronological."""

from __future__ import annotations

import argparse

from briefing.tui.commands._output import console, print_json, text
from briefing.tui.commands.list_cmd import ensure_index

NAME = "timeline"
HELP = "dated events from the articles (all, or those matching QUERY), in chronological order"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="*", help="restrict to articles matching this query")
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    query = " ".join(args.query).strip()
    ids = [h.id for h in engine.search(query, limit=100000).hits] if query else None
    events = engine.events(ids)
    if args.json:
        print_json([
            {"date": e.value, "precision": e.precision, "date_from": e.date_from, "date_to": e.date_to,
             "expression": e.expr, "qualifier": e.qualifier, "text": e.text,
             "article_id": e.article_id, "entities": e.entities}
            for e in events
        ])
        return 0
    out = console()
    for e in events:
        out.print(text((f"{e.value or 'undated':<10}", "bold"), f" {e.text}  ", (f"({e.expr}; {e.article_id})", "dim")))
    return 0
