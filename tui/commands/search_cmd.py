"""briefing search QUERY: full-text search with Korean analysis."""

from __future__ import annotations

import argparse

from briefing.tui.commands._output import clean, console, date_text, print_json, say, text
from briefing.tui.commands import copies_view
from briefing.tui.commands.list_cmd import ensure_index

NAME = "search"
HELP = ("search the corpus: words (AND), OR, -word, \"phrases\", field:value "
        "(company: person: place: org: publisher: title: byline:), date:2025-02..2025-04")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="+", help="the query (quote it in the shell)")
    p.add_argument("--json", action="store_true",
                   help="JSON output: matched (\"all\": every word matched; \"most\": few articles had every word, "
                        "those with most of them are listed), and per result id, title, publisher, published, "
                        "score (BM25F; 0 when sorted by date), snippet, highlights ([start, end) character ranges "
                        "of the matched terms in the snippet)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance", help="result order")
    copies_view.add_argument(p)


def run(args: argparse.Namespace, ctx) -> int:
    if args.limit < 1:
        say("briefing: --limit must be at least 1")
        return 2
    engine = ctx.engine
    ensure_index(engine)
    query = " ".join(args.query)
    from briefing.search.language.kiwi import warm_up

    warm_up()  # the analyser's load is not part of the search: elapsed_ms times the search alone
    result = engine.search(query, limit=args.limit, sort=args.sort)
    shown = copies_view.collapse(engine, result.hits, args.all_copies)  # wire copies once, noted
    if args.json:
        print_json({
            "query": query, "sort": args.sort, "total": result.total, "matched": result.matched,
            "elapsed_ms": round(result.elapsed_ms, 2),
            "results": [
                {"id": h.id, "title": h.title, "publisher": h.publisher,
                 "published": h.published.isoformat() if h.published else None,
                 "score": round(h.score, 4), "snippet": h.snippet,
                 "highlights": [list(span) for span in h.snippet_spans], "copies": copies_view.as_json(others)}
                for h, others in shown
            ],
        })
        return 0
    out = console()
    most = ", few articles have every word: those with most of them" if result.matched == "most" else ""
    out.print(text((f"{result.total} result(s) for", "dim"), f" {query} ",
                   (f"({result.elapsed_ms:.1f} ms, by {args.sort}{most})", "dim")))
    from rich.text import Text

    for h, others in shown:
        out.print(text((h.id, "bold"), f"  {date_text(h.published, h.published_confidence)}  ",
                       h.publisher or "—", "  ", (h.title, "bold")))
        if others:
            out.print(text((f"    {copies_view.note(h, others)} ({', '.join(i for i, _ in others)})", "dim")))
        # spans are offsets in the snippet: controls are blanked (same length), not removed
        snippet = Text("".join(" " if c != clean(c) else c for c in h.snippet))
        for start, end in h.snippet_spans:
            snippet.stylize("bold yellow", start, end)
        out.print(Text("    ") + snippet)
    return 0
