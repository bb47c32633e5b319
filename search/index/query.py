"""The search query language, parsed into Whoosh query objects.

Syntax: words (all must match), ``a OR b``, ``-word`` (exclude), ``"exact phrase"``,
``field:value`` / ``field:"two words"`` for company, person, place, org, publisher, title,
body, byline, and dates: ``date:2025``, ``date:2025-02``, ``date:2025-02-04``,
``date:2025-02..2025-04``, ``date:..2024``, ``date:2024-06..``.

Words go through the Korean analyser (``삼성전자가`` searches ``삼성전자``); aliases of the
gazetteer expand (``SoftBank`` also searches ``소프트뱅크``, ``Samsung Electronics`` also
``삼성전자``). A hand-written lexer is used instead of Whoosh's QueryParser so that the
several terms Kiwi produces for one word can be combined by position (alternatives at one
position are ORed, successive positions ANDed). Anything malformed raises
:class:`briefing.search.errors.QueryError` with a one-line message saying how to write it.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from whoosh import query as wq

from briefing.search.language.analysis import TextAnalyser, phrase_pairs
from briefing.search.language.normalize import normalize_text
from briefing.search.language.surface import gram_terms, title_keys
from briefing.search.errors import QueryError
from briefing.search.index.query_syntax import ENTITY_FIELDS, FIELDS, QueryItem, group_or, lex, words_of

TEXT_FIELDS = ("title", "body", "entities")  # searched by plain words
POSITIONAL_FIELDS = ("title", "body")  # fields phrases search
PAIR_FIELDS = {"body": "body_pairs"}  # phrases in these fields match adjacent-term pairs
MAX_QUERY_CHARS = 1000
GRAM_FIELD = "grams"  # character bigrams (surface.gram_terms)
TITLE_KEY_FIELD = "title_key"  # "=" whole-title key, "~" without kickers (surface.title_keys)
RARE_DOCS = 2  # a query morpheme in fewer articles may be a word split another way: bigrams too
MOST_OF = 2 / 3  # the forgiving query needs this share of the query's words
# A query that is an article's title, punctuation and kickers aside, puts that article first
# (a known-item search: a pasted headline); the score is added to the BM25F score.
TITLE_EXACT_BOOST = 1000.0
TITLE_CORE_BOOST = 500.0

EntityResolver = Callable[[str, str], "str | None"]

_DATE_HELP = "write date:2025, date:2025-02, date:2025-02-04, date:2025-02..2025-04 or date:..2024"
_PERIOD = re.compile(r"^(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?$")


@dataclass
class ParsedQuery:
    """A parsed query: the Whoosh query, the analysed terms to highlight, and emptiness."""

    query: wq.Query
    terms: list[str] = field(default_factory=list)
    empty: bool = False
    relaxed: wq.Query | None = None  # most of the words (see parse_query); None: same as query
    title: wq.Query | None = None  # articles whose title is the query: a score to add (ranked())
    words: int = 0  # plain words and phrases of the query (a single word is forgiven only when it finds nothing)

    def ranked(self, q: wq.Query) -> wq.Query:
        """``q`` (``query`` or ``relaxed``) with the title match adding to the score."""
        return q if self.title is None else wq.AndMaybe(q, self.title)




# --- building Whoosh queries -------------------------------------------------------------


def _or(qs: list[wq.Query]) -> wq.Query | None:
    qs = [q for q in qs if q is not None]
    if not qs:
        return None
    return qs[0] if len(qs) == 1 else wq.Or(qs)


def _and(qs: list[wq.Query]) -> wq.Query | None:
    qs = [q for q in qs if q is not None]
    if not qs:
        return None
    return qs[0] if len(qs) == 1 else wq.And(qs)


class _Builder:
    def __init__(self, analyser: TextAnalyser, resolve_entity: EntityResolver | None, reader=None):
        self.analyser = analyser
        self.reader = reader
        self.resolve_entity = resolve_entity
        self.terms: list[str] = []

    def _indexed(self, fname: str, term: str) -> bool:
        """The compound is in the index as a whole: its split form adds little and a phrase
        query over common parts costs much (only checked when a reader is given)."""
        return self.reader is not None and self.reader.doc_frequency(fname, term) > 0

    def _note(self, terms) -> None:
        self.terms.extend(t for t in terms if t not in self.terms)

    def _alt_query(self, fname: str, alt: tuple[str, ...]) -> wq.Query:
        return _and([wq.Term(fname, t) for t in alt])

    def words(self, text: str, fields=TEXT_FIELDS, collect: bool = True, base=None) -> wq.Query | None:
        """All analysed positions of ``text`` must match, in one of ``fields`` (``base``: the
        morphemes of ``text`` analysed in the context of the query)."""
        groups = self.analyser.query_groups(text, base)
        if not groups:
            return None
        if collect:
            for g in groups:
                self._note(t for alt in g for t in alt)
        per_field = []
        for fname in fields:
            conj = []
            for g in groups:
                alts = [self._alt_query(fname, alt) for alt in g]
                if fname in POSITIONAL_FIELDS and len(g[0]) == 1 and not self._indexed(fname, g[0][0]):
                    parts = self.analyser.decompose(g[0][0])
                    if parts:  # the same compound analysed as separate nouns elsewhere
                        alts.append(self._phrase_query(fname, [[p] for p, _s, _e in parts]))
                conj.append(_or(alts))
            per_field.append(_and(conj))
        return _or(per_field)

    def _rare(self, term: str) -> bool:
        """Found in fewer than RARE_DOCS articles' titles and bodies (with a reader only)."""
        if self.reader is None:
            return False
        return sum(self.reader.doc_frequency(f, term) for f in POSITIONAL_FIELDS) < RARE_DOCS

    def word_unit(self, item: QueryItem, morphemes) -> tuple[wq.Query | None, wq.Query | None]:
        """(strict, forgiving) queries of one plain query word. Strict: its morphemes, or its
        character bigrams when a morpheme is missing or rare in the index; forgiving: either."""
        strict = self.words(item.text, collect=True, base=morphemes)
        if strict is None or not morphemes:
            return strict, strict
        surface = item.text[morphemes[0][2] - item.start : morphemes[-1][3] - item.start]
        grams = list(dict.fromkeys(gram_terms(surface)))
        if not grams:
            return strict, strict
        by_grams = _and([wq.Term(GRAM_FIELD, g) for g in grams])
        either = _or([strict, by_grams])
        if len(surface) == 1 or any(self._rare(m[0].lower()) for m in morphemes):
            # a one-syllable word (뇌, 새) also where it stands alone but Kiwi read it otherwise
            return either, either
        return strict, either

    def phrase(self, text: str, fields=POSITIONAL_FIELDS, collect: bool = True, base=None) -> wq.Query | None:
        """The analysed terms of ``text`` in this order, adjacent (positions)."""
        groups = self.analyser.query_groups(text, base)
        if len(groups) <= 1:
            return self.words(text, tuple(f for f in fields if f != "entities") or fields, collect, base)
        singles = [[alt[0] for alt in g if len(alt) == 1] for g in groups]
        if collect:
            for g in singles:
                self._note(g)
        return _or([self._phrase_query(fname, singles) for fname in fields])

    @staticmethod
    def _phrase_query(fname: str, groups: list[list[str]]) -> wq.Query | None:
        """Terms in this order at adjacent positions (alternatives per position). In a pair
        field every adjacent pair must occur: exact for two words, for longer phrases each
        adjacent pair of the phrase occurs somewhere in the article."""
        pair_field = PAIR_FIELDS.get(fname)
        if pair_field:
            return _and([_or([wq.Term(pair_field, p) for p in alts]) for alts in phrase_pairs(groups)])
        if all(len(g) == 1 for g in groups):
            return wq.Phrase(fname, [g[0] for g in groups])
        return wq.Sequence([_or([wq.Term(fname, t) for t in g]) for g in groups])

    def field(self, item: QueryItem) -> wq.Query | None:
        name, value = item.field, item.text
        if name == "date":
            return _date_query(value)
        if name in ("title", "body"):
            if " " in value:
                return self.phrase(value, (name,), collect=not item.negated)
            return self.words(value, (name,), collect=not item.negated)
        if name in ENTITY_FIELDS:
            resolved = self.resolve_entity(value, name) if self.resolve_entity else None
            return wq.Term(name, resolved or value)
        if name == "publisher":
            names = {value.lower()}
            resolved = self.resolve_entity(value, "company") if self.resolve_entity else None
            if resolved:
                names.add(resolved.lower())
            return _or([wq.Term("publisher", n) for n in sorted(names)])
        if name == "byline":
            return wq.Term("byline", value.lower())
        raise QueryError(f"unknown field '{name}:' — fields are: {', '.join(FIELDS)}")

    def item(self, item: QueryItem) -> wq.Query | None:
        collect = not item.negated
        if item.kind == "word":
            return self.words(item.text, collect=collect)
        if item.kind == "phrase":
            return self.phrase(item.text, collect=collect)
        if item.kind == "alias":
            return _or([self.phrase(item.text, collect=collect), self.words(item.canonical or "", collect=collect)])
        return self.field(item)


def _period(text: str, end: bool) -> datetime:
    m = _PERIOD.match(text)
    if not m:
        raise QueryError(f"bad date {text!r}: {_DATE_HELP}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not 1900 <= year <= 2200:
        raise QueryError(f"bad year {year} in date:{text}: {_DATE_HELP}")
    try:
        if month is None:
            return datetime(year, 12, 31, 23, 59, 59) if end else datetime(year, 1, 1)
        mon = int(month)
        if day is None:
            last = calendar.monthrange(year, mon)[1] if 1 <= mon <= 12 else 0
            return datetime(year, mon, last, 23, 59, 59) if end else datetime(year, mon, 1)
        d = datetime(year, mon, int(day))
        return d.replace(hour=23, minute=59, second=59) if end else d
    except ValueError:
        raise QueryError(f"bad date {text!r} (no such month or day): {_DATE_HELP}") from None


def _date_query(value: str) -> wq.Query:
    """date:P, date:P..Q, date:..Q, date:P.. as an inclusive DateRange on ``published``."""
    if ".." in value:
        lo, _, hi = value.partition("..")
        if not lo and not hi:
            raise QueryError(f"empty date range 'date:..': {_DATE_HELP}")
        start = _period(lo, end=False) if lo else None
        stop = _period(hi, end=True) if hi else None
        if start and stop and start > stop:
            raise QueryError(f"date range {value!r} ends before it starts: {_DATE_HELP}")
    else:
        start, stop = _period(value, end=False), _period(value, end=True)
    return wq.DateRange("published", start, stop)




def parse_query(text: str, resolve_entity: EntityResolver | None = None, reader=None, *,
                analyser: TextAnalyser) -> ParsedQuery:
    """Parse a user query into a Whoosh query over the article index schema, its words analysed
    by ``analyser`` (the one that analysed the indexed text).

    ``resolve_entity(name, type)`` maps what the user typed after ``company:`` etc. to the
    canonical name stored in the index (e.g. via the gazetteer); None keeps it as typed.
    An empty query matches every article (``ParsedQuery.empty`` is True). With an index
    ``reader``, a compound found whole in the index is not also searched as a phrase of its parts.
    """
    if text is None:
        text = ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long ({len(text)} characters, at most {MAX_QUERY_CHARS}): search for a few key words"
        )
    if not text.strip():
        return ParsedQuery(wq.Every(), [], empty=True)
    text = normalize_text(text)  # the same form as the indexed text (briefing.search.language.normalize)
    builder = _Builder(analyser, resolve_entity, reader)
    items = lex(text, analyser.multiword_aliases())
    parts = _collect(builder, items, _morphemes_in_context(analyser, text, items))
    if not parts.words and not parts.phrase_words:  # a query of kicker words alone needs them
        parts.words, parts.kicker_words = parts.kicker_words, []
    if not parts.positives and not parts.negatives and not parts.words:
        raise QueryError(
            f"nothing to search for in {text[:40]!r}: particles and punctuation alone are not searchable"
        )
    return _assemble(parts, builder.terms, _title_query(text))


Pair = tuple[wq.Query, wq.Query]  # (strict, forgiving) queries of one plain word


@dataclass
class _Parts:
    """The queries of a query's units, by the role they play in the strict and forgiving queries."""

    positives: list[wq.Query] = field(default_factory=list)
    negatives: list[wq.Query] = field(default_factory=list)
    others: list[wq.Query] = field(default_factory=list)  # required in the forgiving query too (fields, OR groups)
    required: list[wq.Query] = field(default_factory=list)  # phrases
    words: list[Pair] = field(default_factory=list)  # per plain word
    kicker_words: list[Pair] = field(default_factory=list)
    phrase_words: list[Pair] = field(default_factory=list)  # the words of phrases, for the forgiving query


def _collect(builder: _Builder, items: list[QueryItem], in_context: dict[int, list]) -> _Parts:
    """The queries of each unit of ``items`` (see group_or), sorted into :class:`_Parts`."""
    parts = _Parts()
    for unit in group_or(items):
        it = unit[0]
        if len(unit) == 1 and it.kind == "word" and not it.negated:
            strict, forgiving = builder.word_unit(it, in_context.get(id(it), []))
            if strict is not None:
                (parts.kicker_words if it.optional else parts.words).append((strict, forgiving))
            continue
        if len(unit) == 1 and it.kind == "phrase" and not it.negated:
            q = builder.phrase(it.text, base=in_context.get(id(it)))
            if q is not None:
                parts.positives.append(q)
                parts.required.append(q)
            for word in words_of(it):  # a pasted headline's quoted words count one by one
                strict, forgiving = builder.word_unit(word, in_context.get(id(word), []))
                if forgiving is not None:
                    parts.phrase_words.append((strict, forgiving))
            continue
        q = _or([builder.item(x) for x in unit])
        if q is None:
            continue
        if not it.negated:
            parts.others.append(q)
        (parts.negatives if it.negated else parts.positives).append(q)
    return parts


def _assemble(parts: _Parts, terms: list[str], title: wq.Query | None) -> ParsedQuery:
    """The strict query (every word) and the forgiving one (most of the words) of ``parts``."""
    strict = _and(parts.positives + [q for q, _f in parts.words]) or wq.Every()
    if parts.kicker_words:
        strict = wq.AndMaybe(strict, _or([q for q, _f in parts.kicker_words]))
    relaxed = None
    # a query that is phrases alone means them; beside other words (a pasted headline with a
    # quotation) the phrases' words count one by one in the forgiving query
    counted = parts.words + parts.phrase_words if parts.words else []
    if counted:
        pool = [f for _q, f in counted + parts.kicker_words]
        need = max(1, math.ceil(MOST_OF * len(counted)))
        relaxed = _and(parts.others + ([] if parts.phrase_words else parts.required)
                       + [wq.Or(pool, minmatch=need) if len(pool) > 1 else pool[0]])
    if parts.negatives:
        strict = wq.AndNot(strict, _or(parts.negatives))
        relaxed = wq.AndNot(relaxed, _or(parts.negatives)) if relaxed is not None else None
    return ParsedQuery(strict, terms, empty=False, relaxed=relaxed, title=title,
                       words=len(counted) + len(parts.required))


def _morphemes_in_context(analyser: TextAnalyser, text: str, items: list[QueryItem]) -> dict[int, list]:
    """The morphemes of each plain word and phrase item and of each word of a phrase (by id),
    from one analysis of the query with its field values and ORs blanked out (offsets kept)."""
    plain = [it for it in items if it.kind in ("word", "phrase")]
    if not plain:
        return {}
    chars = list(text)  # the query as typed (a pasted headline: as the title was analysed)
    for it in items:
        if it.kind in ("field", "or"):
            chars[it.start : it.end] = " " * (it.end - it.start)
    spans = [(it.start, it.start + len(it.text), id(it)) for it in plain]
    spans += [(w.start, w.start + len(w.text), id(w)) for it in plain if it.kind == "phrase" for w in words_of(it)]
    out: dict[int, list] = {key: [] for _s, _e, key in spans}
    for morpheme in analyser.query_morphemes("".join(chars)):
        for start, end, key in spans:
            if start <= morpheme[2] < end and morpheme[3] <= end:
                out[key].append(morpheme)
    return out


def _title_query(text: str) -> wq.Query | None:
    """Articles whose title is the query, punctuation aside (whole, or without kickers)."""
    whole, core = title_keys(text)
    if not whole:
        return None
    return wq.Or([wq.Term(TITLE_KEY_FIELD, f"={whole}", boost=TITLE_EXACT_BOOST),
                  wq.Term(TITLE_KEY_FIELD, f"~{core}", boost=TITLE_CORE_BOOST)])
