"""A small in-memory engine for app tests (satisfies briefing.tui.engine_protocol.AppEngine): five
articles, entity mentions found by name, word search with the real result types. Keys, focus and
flow tests run on it in milliseconds; tests of what the real engine finds keep the real one."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

from briefing.search.engine import EntityCount, Hit, SearchResult
from briefing.search.errors import QueryError
from briefing.search.feeds.copies import WireCopies
from briefing.search.model import Article, PublishedDate
from briefing.search.model import Mention as StoredMention

NAMES = {"소프트뱅크": "company", "삼성전자": "company", "손정의": "person", "서울": "place"}
TEXTS = [
    ("소프트뱅크, 반도체 투자 확대", "소프트뱅크의 손정의 회장은 2025년 3월 반도체 투자를 늘린다고 밝혔다."),
    ("삼성전자 새 공장 착공", "삼성전자는 서울에서 새 공장 계획을 발표했다."),
    ("손정의 회장 방한", "손정의 회장이 서울을 찾아 소프트뱅크의 계획을 설명했다."),
    ("반도체 수출 증가", "반도체 수출이 지난달 늘었다."),
    ("서울 전기차 보조금", "서울시는 전기차 보조금을 올린다."),
]


class FakeEngine:
    """The engine calls of the app over five in-memory articles (no index, no analyser; no
    export: without plan_brief the app says export is not available)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.articles = {
            f"{n:03d}": Article(f"{n:03d}", title, [body], f"/fake/{n:03d}.txt", str(n), "동해일보",
                                PublishedDate(date(2025, n, 1), 1.0, "fake"))
            for n, (title, body) in enumerate(TEXTS, start=1)
        }

    @property
    def corpus_size(self) -> int:
        return len(self.articles)

    def needs_update(self) -> bool:
        return False

    def update(self, progress=None, *, wait: bool = False):
        return None

    def warm(self) -> None:
        pass

    def list_articles(self) -> list[Hit]:
        return [self._hit(a) for a in self.articles.values()]

    def _hit(self, article: Article) -> Hit:
        return Hit(article.id, article.title, article.publisher, article.published.value, 1.0)

    def search(self, query: str, limit: int = 200, sort: str = "relevance",
               snippets: bool = True) -> SearchResult:
        started = time.perf_counter()
        if query.count('"') % 2 or re.search(r"\w+:(\s|$)", query):
            raise QueryError(f"cannot read the query {query!r}")
        words = query.split()
        found = [a for a in self.articles.values()
                 if all((w[1:] not in a.title + a.body) if w.startswith("-") else (w in a.title + a.body)
                        for w in words)]
        if sort == "date":
            found.sort(key=lambda a: a.published.value, reverse=True)
        hits = [self._hit(a) for a in found[:limit]]
        return SearchResult(query, sort, hits, len(found), (time.perf_counter() - started) * 1000,
                            terms=[w for w in words if not w.startswith("-")])

    def mentions(self, article_id: str) -> list[StoredMention]:
        body = self.articles[article_id].body
        return sorted((StoredMention(m.start(), m.end(), name, kind, name)
                       for name, kind in NAMES.items() for m in re.finditer(name, body)),
                      key=lambda m: m.start)

    def _counts(self, counter: Counter) -> dict[str, list[EntityCount]]:
        out: dict[str, list[EntityCount]] = {}
        for (name, kind), count in counter.most_common():
            out.setdefault(kind, []).append(EntityCount(name, kind, count))
        return out

    def article_entities(self, article_id: str) -> dict[str, list[EntityCount]]:
        return self._counts(Counter((m.name, m.type) for m in self.mentions(article_id)))

    def facets(self, ids: list[str] | None) -> dict[str, list[EntityCount]]:
        ids = list(self.articles) if ids is None else ids
        return self._counts(Counter(named for i in ids
                                    for named in {(m.name, m.type) for m in self.mentions(i)}))

    def entities(self, type: str | None = None) -> list[EntityCount]:
        return [c for counts in self.facets(None).values() for c in counts if type in (None, c.type)]

    def events(self, ids: list[str] | None = None) -> list:
        return []

    def month_counts(self, ids: list[str] | None = None) -> list[tuple[str, int]]:
        ids = list(self.articles) if ids is None else ids
        months = Counter(self.articles[i].published.value.strftime("%Y-%m") for i in ids)
        return sorted(months.items())

    def article(self, article_id: str) -> Article:
        return self.articles[article_id]

    def highlight_spans(self, article_id: str, query: str) -> list[tuple[int, int]]:
        body = self.articles[article_id].body
        return [(m.start(), m.end()) for w in query.split() if not w.startswith("-")
                for m in re.finditer(re.escape(w), body)]

    def related(self, article_id: str, limit: int = 10) -> list:
        return []

    def adjacent(self, entity_name: str, article_id: str, step: int = 1) -> str | None:
        ids = [i for i in sorted(self.articles) if entity_name in self.articles[i].body]
        at = ids.index(article_id) + step if article_id in ids else -1
        return ids[at] if 0 <= at < len(ids) else None

    def copies(self) -> WireCopies:
        return WireCopies()
