"""briefing search QUERY: full-text search with Korean analysis."""

from __future__ import annotations

import argparse

from ._output import console, date_text, print_json
from .list_cmd import ensure_index

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


def run(args: argparse.Namespace, ctx) -> int:
    if args.limit < 1:
        console(stderr=True).print("briefing: --limit must be at least 1")
        return 2
    engine = ctx.engine
    ensure_index(engine)
    query = " ".join(args.query)
    result = engine.search(query, limit=args.limit, sort=args.sort)
    if args.json:
        print_json({
            "query": query, "sort": args.sort, "total": result.total, "matched": result.matched,
            "elapsed_ms": round(result.elapsed_ms, 2),
            "results": [
                {"id": h.id, "title": h.title, "publisher": h.publisher,
                 "published": h.published.isoformat() if h.published else None,
                 "score": round(h.score, 4), "snippet": h.snippet,
                 "highlights": [list(span) for span in h.snippet_spans]}
                for h in result.hits
            ],
        })
        return 0
    out = console()
    most = ", few articles have every word: those with most of them" if result.matched == "most" else ""
    out.print(f"[dim]{result.total} result(s) for[/] {query} [dim]({result.elapsed_ms:.1f} ms, by {args.sort}{most})[/]")
    from rich.text import Text

    for h in result.hits:
        out.print(f"[bold]{h.id}[/]  {date_text(h.published, h.published_confidence)}  "
                  f"{h.publisher or '—'}  [bold]{h.title}[/]")
        snippet = Text(h.snippet)
        for start, end in h.snippet_spans:
            snippet.stylize("bold yellow", start, end)
        out.print(Text("    ") + snippet)
    return 0
