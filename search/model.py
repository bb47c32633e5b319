"""Plain data types shared across the engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal, Sequence, get_args


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
