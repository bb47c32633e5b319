"""Related articles: those sharing companies with an article, weighted by how rare each shared
company is in the corpus (IDF), then by closeness in date."""

from __future__ import annotations

import math

from briefing.search.model import ArticleSummary, Related


def related_articles(aid: str, by_article: dict[str, set[str]], summaries: list[ArticleSummary], *,
                     n_docs: int, limit: int = 10) -> list[Related]:
    """The articles related to ``aid``, best first: ``by_article`` maps every article id to
    the companies it names as a story entity; ``n_docs`` is the size of the corpus."""
    mine = by_article.get(aid, set())
    if not mine:
        return []
    n_docs = max(n_docs, 1)
    df: dict[str, int] = {}
    for names in by_article.values():
        for name in names:
            df[name] = df.get(name, 0) + 1
    idf = {name: math.log((1 + n_docs) / (1 + df[name])) + 1e-3 for name in df}
    by_id = {s.id: s for s in summaries}
    me = by_id.get(aid)
    scored = []
    for other, names in by_article.items():
        shared = mine & names
        if other == aid or not shared or other not in by_id:
            continue
        s = by_id[other]
        gap = (
            abs((s.published - me.published).days)
            if (s.published and me and me.published) else 10**6
        )
        score = round(sum(idf[n] for n in sorted(shared)), 6)  # rounded: ties stay ties
        ordered = sorted(shared, key=lambda n: (-idf[n], n))
        scored.append((-score, gap, other, Related(other, s.title, s.published, ordered, round(score, 4))))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:limit]]
