"""briefing entities: corpus-wide canonical entities with article counts."""

from __future__ import annotations

import argparse

from briefing.search.model import ENTITY_TYPES
from briefing.tui.commands._output import console, print_json, text
from briefing.tui.commands.list_cmd import ensure_index

NAME = "entities"
HELP = "list the entities of the corpus (canonical names) with the number of articles mentioning each"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", choices=ENTITY_TYPES, help="only this type")
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    rows = engine.entities(args.type)
    if args.json:
        print_json([{"name": e.name, "type": e.type, "articles": e.count} for e in rows])
        return 0
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for col in ("type", "name", "articles"):
        table.add_column(col, justify="right" if col == "articles" else "left")
    for e in rows:
        table.add_row(e.type, text(e.name), str(e.count))
    console().print(table)
    return 0
