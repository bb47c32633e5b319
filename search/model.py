"""Plain data types shared across the engine, one per concept: an article and its date, what
the engine returns (summaries, hits, entity counts, related articles, an update's report) and
timeline events. Articles and events convert themselves to and from the rows the store keeps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Callable, Literal, Sequence, get_args

Progress = Callable[[int, int, str], None]  # (done, total, label) of a long run


@dataclass
class PublishedDate:
    """A publication date with the evidence that produced it.

    ``value`` is None when the text does not allow a date ("unknown"); ``confidence``
    is 0..1; ``evidence`` quotes or names what the date came from.
    """

    value: date | None
    confidence: float
    evidence: str
    source: str = "none"  # byline-line, copyright, aggregator, body-context, widget, jsonl, filename, mtime, none


@dataclass
class Article:
    """One ingested news article: metadata plus the clean body as paragraphs."""

    id: str
    title: str
    paragraphs: list[str]
    source_path: str
    content_hash: str
    publisher: str | None = None
    published: PublishedDate = field(
        default_factory=lambda: PublishedDate(None, 0.0, "no date in the text")
    )
    byline: list[str] = field(default_factory=list)
    url: str | None = None
    kind: str = "text"
    warnings: list[str] = field(default_factory=list)
    # every line ingestion removed as page furniture, with the reason: {"line": ..., "reason": ...}
    removed: list[dict] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # who the photos are credited to
    captions: list[str] = field(default_factory=list)  # paragraphs that are photo captions
    original_id: str | None = None  # the id given by the source when it had to be made safe

    @property
    def body(self) -> str:
        """The clean body: paragraphs joined by blank lines (entity offsets index into this)."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        """JSON-ready dict with the fields ``briefing show --json`` promises."""
        d = asdict(self)
        pub = d.pop("published")
        d["published"] = pub["value"].isoformat() if pub["value"] else None
        d["published_confidence"] = pub["confidence"]
        d["published_evidence"] = pub["evidence"]
        d["published_source"] = pub["source"]
        d["body"] = self.body
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        """Inverse of :meth:`to_dict` (used by the article store)."""
        pub = PublishedDate(
            date.fromisoformat(d["published"]) if d.get("published") else None,
            float(d.get("published_confidence", 0.0)),
            d.get("published_evidence", ""),
            d.get("published_source", "none"),
        )
        return cls(
            id=d["id"],
            title=d["title"],
            paragraphs=list(d["paragraphs"]),
            source_path=d["source_path"],
            content_hash=d["content_hash"],
            publisher=d.get("publisher"),
            published=pub,
            byline=list(d.get("byline", [])),
            url=d.get("url"),
            kind=d.get("kind", "text"),
            warnings=list(d.get("warnings", [])),
            removed=[dict(r) for r in d.get("removed", [])],
            credits=list(d.get("credits", [])),
            captions=list(d.get("captions", [])),
            original_id=d.get("original_id"),
        )


# --- entity mentions ------------------------------------------------------------------------
EntityType = Literal["company", "person", "place", "org"]
ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)  # in the order panes and listings show them

@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in an article's text (``text == body[start:end]``), as found
    by :mod:`briefing.search.entities` and as kept in the article store."""

    start: int
    end: int
    text: str
    type: str  # one of ENTITY_TYPES
    name: str  # canonical name
    role: str = "story"  # "story" | "source" (a media outlet only credited as a source)

    def to_row(self) -> tuple[int, int, str, str, str, str]:
        """The stored row: (start, end, text, type, name, role)."""
        return (self.start, self.end, self.text, self.type, self.name, self.role)

    @classmethod
    def from_row(cls, row: Sequence) -> "Mention":
        """Inverse of :meth:`to_row` (a row without a role is a story mention)."""
        return cls(*row)


@dataclass(slots=True)
class ArticleSummary:
    """An article as a list shows it (slots: the engine keeps one per article, 100k at scale)."""

    id: str
    title: str
    publisher: str | None
    published: date | None
    published_confidence: float


@dataclass(slots=True)
class Hit(ArticleSummary):
    """A search result: the article, its score and a snippet."""

    score: float = 0.0
    snippet: str = ""
    snippet_spans: list[tuple[int, int]] = field(default_factory=list)  # highlighted ranges in snippet


@dataclass
class SearchResult:
    """The hits of one query, best first (or newest first), with the total."""

    query: str
    sort: str
    hits: list[Hit]
    total: int
    elapsed_ms: float
    terms: list[str] = field(default_factory=list)  # analysed query terms, for highlighting
    matched: str = "all"  # "all": every query word matched; "most": too few did, most of them


@dataclass
class EntityCount:
    """A canonical entity name with a count."""

    name: str
    type: str
    count: int  # mentions in an article, or articles in a corpus/result set


@dataclass
class Related:
    """An article sharing companies with another one."""

    id: str
    title: str
    published: date | None
    shared: list[str]
    score: float


@dataclass
class UpdateReport:
    """What an update run did (ids added, changed and removed; files skipped and why)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


@dataclass
class Event:
    """A dated statement from one article (found by briefing.search.timeline.events)."""

    article_id: str
    value: str | None
    precision: str
    date_from: date | None
    date_to: date | None
    expr: str
    qualifier: str | None
    text: str  # the sentence or clause around the date, trimmed
    start: int  # offsets of ``text`` in article.body
    end: int
    entities: list[str] = field(default_factory=list)  # canonical names mentioned in ``text``
    expr_start: int = -1  # offsets of the date expression in article.body
    expr_end: int = -1
    relative: bool = False

    @property
    def resolved(self) -> bool:
        return self.value is not None

    def moved(self, offset: int) -> "Event":
        """The event with its offsets moved by ``offset`` (found in a window of the body)."""
        return replace(self, start=self.start + offset, end=self.end + offset,
                       expr_start=self.expr_start + offset if self.expr_start >= 0 else self.expr_start,
                       expr_end=self.expr_end + offset if self.expr_end >= 0 else self.expr_end)

    def to_row(self) -> dict:
        """The event as stored (JSON-ready, dates in ISO form, with its sort key); the article
        id is the row's, not the event's."""
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "article_id"}
        row["date_from"] = self.date_from.isoformat() if self.date_from else None
        row["date_to"] = self.date_to.isoformat() if self.date_to else None
        row["entities"] = list(self.entities)
        row["sort_key"] = row["date_from"] or self.value or "9999"
        return row

    @classmethod
    def from_row(cls, row: dict) -> "Event":
        """Inverse of :meth:`to_row` for a row the store gives back (with its ``article_id``)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in known}
        for key in ("date_from", "date_to"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)
