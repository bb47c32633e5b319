"""briefing show ID: one article with its metadata, entities, related articles and events."""

from __future__ import annotations

import argparse

from briefing.tui.commands._output import console, date_text, print_json, text
from briefing.tui.commands.list_cmd import ensure_index
from briefing.search.feeds.state import fetch_details

NAME = "show"
HELP = "show one article (ID or a unique prefix of it)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="article id or a unique prefix (e.g. 001)")
    p.add_argument("--json", action="store_true", help="JSON output")


def article_payload(engine, article_id: str) -> dict:
    """Everything `show --json` prints for one article."""
    article = engine.article(article_id)
    data = article.to_dict()
    if article.id in engine.missing_ids():
        data["source_missing"] = True
    data.update(fetch_details(engine.data_dir, article.source_path, article.url))  # search/feeds
    data["entities"] = {
        t: [{"name": e.name, "count": e.count} for e in items]
        for t, items in engine.article_entities(article.id).items()
    }
    data["mentions"] = [
        {"text": m.text, "type": m.type, "name": m.name, "start": m.start, "end": m.end, "role": m.role}
        for m in engine.mentions(article.id)
    ]
    data["related"] = [
        {"id": r.id, "title": r.title, "published": r.published.isoformat() if r.published else None,
         "shared": r.shared, "score": r.score}
        for r in engine.related(article.id)
    ]
    data["events"] = [
        {"date": e.value, "precision": e.precision, "expression": e.expr, "text": e.text,
         "article_id": e.article_id, "entities": e.entities}
        for e in engine.events([article.id])
    ]
    return data


def run(args: argparse.Namespace, ctx) -> int:
    engine = ctx.engine
    ensure_index(engine)
    data = article_payload(engine, args.id)
    if args.json:
        print_json(data)
        return 0
    out = console()
    article = engine.article(data["id"])
    out.print(text((article.title, "bold")))
    out.print(text(
        f"{article.publisher or 'publisher unknown'} · "
        f"{date_text(article.published.value)} (confidence {article.published.confidence:.2f}: "
        f"{article.published.evidence})"
    ))
    if article.byline:
        out.print(text("by " + ", ".join(article.byline)))
    missing = "  (source missing)" if data.get("source_missing") else ""
    out.print(text((article.source_path + missing, "dim"), "\n"))
    for para in article.paragraphs:
        out.print(text((para + "\n", "body")))
    for etype, items in data["entities"].items():
        if items:
            out.print(text((etype, "bold"), ": " + ", ".join(f"{e['name']} ({e['count']})" for e in items)))
    if data["related"]:
        out.print(text("\n", ("related", "bold")))
        for r in data["related"]:
            out.print(text(f"  {r['id']}  {r['title']}  ", (f"(shares {', '.join(r['shared'])})", "dim")))
    return 0
