"""Known-item search: every article's own title, pasted as a query, should find that article.

    python bench/known_item.py [CORPUS_DIR ...] [--data-dir DIR] [--show-misses N]

Builds (or updates) an index of the given folders (default: the bundled seeds) in a temporary
data dir, searches each article's title as written (punctuation, brackets and quotes kept) and
prints success@1 and MRR. An article counts as found first when it ranks first among the
articles sharing its exact title (generated corpora repeat titles).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.search.errors import QueryError

DEPTH = 10  # a title not found in the first DEPTH results adds 0 to the MRR


@dataclass
class KnownItemReport:
    """success@1, MRR and the titles that missed (rank None: not in the first DEPTH)."""

    queries: int = 0
    success_at_1: float = 0.0
    mrr: float = 0.0
    most: int = 0  # queries answered by the "most words" fallback
    misses: list[tuple[str, str, int | None]] = field(default_factory=list)  # (id, title, rank)


def known_item(engine, ids: list[str] | None = None) -> KnownItemReport:
    """Search every article's title (of ``ids``, default all) with ``engine``; see module doc."""
    summaries = engine.list_articles()
    by_title: dict[str, set[str]] = {}
    for s in summaries:
        by_title.setdefault(s.title, set()).add(s.id)
    wanted = set(ids) if ids is not None else None
    report = KnownItemReport()
    hits1 = 0
    rr = 0.0
    for s in summaries:
        if wanted is not None and s.id not in wanted:
            continue
        if not s.title.strip():
            continue
        report.queries += 1
        same = by_title[s.title]
        try:
            result = engine.search(s.title, limit=DEPTH + len(same))
        except QueryError:
            report.misses.append((s.id, s.title, None))
            continue
        if getattr(result, "matched", "all") == "most":
            report.most += 1
        rank = None
        position = 0
        for h in result.hits:
            if h.id in same and h.id != s.id:
                continue  # an article with the same title: a tie, not a miss
            position += 1
            if h.id == s.id:
                rank = position
                break
            if position >= DEPTH:
                break
        if rank == 1:
            hits1 += 1
        else:
            report.misses.append((s.id, s.title, rank))
        if rank:
            rr += 1.0 / rank
    if report.queries:
        report.success_at_1 = hits1 / report.queries
        report.mrr = rr / report.queries
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*", type=Path, help="folders to index (default: the bundled seeds)")
    parser.add_argument("--data-dir", type=Path, help="data dir to use (default: a temporary one)")
    parser.add_argument("--show-misses", type=int, default=10, metavar="N", help="print up to N misses")
    args = parser.parse_args(argv)
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    with tempfile.TemporaryDirectory(prefix="known-item-") as tmp:
        data = args.data_dir or Path(tmp)
        engine = Engine(load_config(use_user_file=False), data)
        if args.corpus:
            engine.set_corpus(args.corpus)
        engine.update()
        report = known_item(engine)
        engine.close()
    print(f"known-item titles: {report.queries} queries, success@1 {report.success_at_1:.3f}, "
          f"MRR {report.mrr:.3f}, answered by 'most words' {report.most}")
    for aid, title, rank in report.misses[: args.show_misses]:
        print(f"  miss (rank {rank or '>' + str(DEPTH)}): {aid}  {title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
