"""The Whoosh schema of the article index and the fields of one document (see article_index).

A document's analysed fields come as arguments: the title as an AnalysedValue (its terms), the
body's terms and pairs, the entity names' terms and the character bigrams as lists of terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from briefing.search.index.query import ENTITY_FIELDS
from briefing.search.index.tokenizers import AnalysedValue, PairTokenizer, korean_analyzer
from briefing.search.language.analysis import Term, TextAnalyser
from briefing.search.language.surface import gram_terms, title_keys

VERSION = 3  # bump when the schema or the analyser changes what is indexed (3: normalised text,
# other scripts, the "grams" and "title_key" fields)
INDEX_VERSION = VERSION
META_FILE = "briefing-index.json"
INDEX_NAME = "MAIN"


@dataclass
class IndexDoc:
    """What the index needs to know about one article."""

    id: str
    title: str
    body: str
    publisher: str | None = None
    published: date | None = None
    published_confidence: float = 0.0
    byline: list[str] = field(default_factory=list)
    content_hash: str = ""
    source_path: str = ""
    entities: dict[str, list[str]] = field(default_factory=dict)  # type -> canonical names

    @classmethod
    def from_article(cls, article, entities: dict[str, list[str]] | None = None) -> "IndexDoc":
        """The IndexDoc of a :class:`briefing.search.model.Article` (entities: type -> canonical names)."""
        return cls(
            id=article.id,
            title=article.title,
            body=article.body,
            publisher=article.publisher,
            published=article.published.value,
            published_confidence=article.published.confidence,
            byline=list(article.byline),
            content_hash=article.content_hash,
            source_path=article.source_path,
            entities=dict(entities or {}),
        )


def build_schema() -> Schema:
    """The Whoosh schema of the article index (see module doc and VERSION)."""
    ana = korean_analyzer()
    entity = dict(commas=True, scorable=True, stored=True)
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=ana, field_boost=2.5, stored=True, chars=True),
        body=TEXT(analyzer=ana, stored=True, phrase=False),  # no positions: read fast
        body_pairs=TEXT(analyzer=PairTokenizer(), phrase=False),  # phrases (see analysis.pairs_of)
        entities=TEXT(analyzer=ana, phrase=False),  # canonical names, for plain-word search
        grams=TEXT(analyzer=ana, phrase=False),  # character bigrams of title and body (surface.gram_terms)
        title_key=KEYWORD(commas=True),  # "=" whole title key, "~" without kickers (surface.title_keys)
        publisher=KEYWORD(commas=True, lowercase=True, stored=True),  # one value, spaces kept
        published=DATETIME(stored=True),
        published_ord=NUMERIC(int, bits=32, sortable=True),  # date ordinal, 0 = unknown
        published_confidence=STORED(),
        byline=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        company=KEYWORD(**entity),
        person=KEYWORD(**entity),
        place=KEYWORD(**entity),
        org=KEYWORD(**entity),
        content_hash=ID(stored=True, sortable=True),
        source_path=STORED(),
    )


def clean_list(values: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(v.replace(",", " ").strip() for v in values if v and v.strip()))


def entity_terms(doc: IndexDoc, analyser: TextAnalyser) -> list[str]:
    """The ``entities`` field: the index terms of every canonical entity name of ``doc``, each
    name analysed alone (TextAnalyser.name_terms, remembered: names recur from article to article).
    Whoosh indexes a list of terms as given, without calling the field's analyzer."""
    names = dict.fromkeys(n for t in ENTITY_FIELDS for n in doc.entities.get(t, []))
    return [term for name in names for term in analyser.name_terms(name)]


def fields_of(doc: IndexDoc, analyser: TextAnalyser, title: list[Term]) -> dict:
    """The fields of ``doc`` for Whoosh; ``title``: its title's index-mode terms (the title
    field gets them as an AnalysedValue, its text stored as given)."""
    f = dict(
        id=doc.id,
        title=AnalysedValue(doc.title or "", title),
        _stored_title=doc.title or "",
        body=doc.body or "",
        body_pairs=doc.body or "",
        entities=entity_terms(doc, analyser),
        grams=gram_terms(doc.title or "") + gram_terms(doc.body or ""),
        title_key=",".join(f"{mark}{key}" for mark, key in zip("=~", title_keys(doc.title or ""))
                           if key),
        published_ord=doc.published.toordinal() if doc.published else 0,
        published_confidence=float(doc.published_confidence),
        byline=clean_list(doc.byline),
        content_hash=doc.content_hash,
        source_path=doc.source_path,
    )
    if not f["title_key"]:
        del f["title_key"]
    if doc.publisher:
        f["publisher"] = doc.publisher.replace(",", " ")
    if doc.published:
        f["published"] = datetime(doc.published.year, doc.published.month, doc.published.day)
    for t in ENTITY_FIELDS:
        value = clean_list(doc.entities.get(t, []))
        if value:
            f[t] = value
    return f
