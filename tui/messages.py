"""Typed messages the workers post back to the app (workers never touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from briefing.search.model import Article


class IndexProgress(Message):
    """Indexing advanced: ``done`` of ``total`` sources, ``label`` says which."""

    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class EngineReady(Message):
    """The index is open (and built or updated if needed): the app is searchable."""

    def __init__(self, corpus_size: int, summary: str = "",
                 known_ids: frozenset[str] | None = None) -> None:
        super().__init__()
        self.corpus_size, self.summary, self.known_ids = corpus_size, summary, known_ids


class AnalyserReady(Message):
    """The shared Kiwi finished loading in the background."""


class SearchDone(Message):
    """A search finished; ``seq`` orders it against newer searches."""

    def __init__(self, seq: int, result) -> None:
        super().__init__()
        self.seq, self.result = seq, result


class FacetsLoaded(Message):
    """Entity counts of the result set of search ``seq`` (computed after the hits are shown)."""

    def __init__(self, seq: int, facets: dict) -> None:
        super().__init__()
        self.seq, self.facets = seq, facets


class SearchFailed(Message):
    """A query could not be parsed; the status line shows ``error``, old results stay."""

    def __init__(self, seq: int, error: str) -> None:
        super().__init__()
        self.seq, self.error = seq, error


@dataclass
class ArticleView:
    """Everything the reader and the article-scoped panes need for one article."""

    article: Article
    spans: list[tuple[int, int]]
    mentions: list
    entities: dict
    events: list
    month_counts: list[tuple[str, int]]


class ArticleLoaded(Message):
    """An article and its analysis are ready to show."""

    def __init__(self, view: ArticleView, note: str = "") -> None:
        super().__init__()
        self.view, self.note = view, note


class RowsCompleted(Message):
    """The rest of the result list can be shown (the first rows were shown with SearchDone)."""

    def __init__(self, seq: int) -> None:
        super().__init__()
        self.seq = seq


class TimelineLoaded(Message):
    """Events and month counts of the current result set."""

    def __init__(self, seq: int, events: list, month_counts: list[tuple[str, int]]) -> None:
        super().__init__()
        self.seq, self.events, self.month_counts = seq, events, month_counts


class RelatedLoaded(Message):
    """The related articles of ``anchor_id``, then step ``delta`` through them."""

    def __init__(self, anchor_id: str, related: list, delta: int) -> None:
        super().__init__()
        self.anchor_id, self.related, self.delta = anchor_id, related, delta


class BriefWritten(Message):
    """The export finished; ``path`` is the written file, ``edit``: open it in $EDITOR."""

    def __init__(self, path, edit: bool = False) -> None:
        super().__init__()
        self.path, self.edit = path, edit
