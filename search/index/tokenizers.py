"""Whoosh tokenizers of the article index on the Korean analysis (briefing.search.language).

The index writer passes each analysed field as an :class:`AnalysedValue`: the text with its
terms, which Whoosh hands to the field's tokenizer unchanged, so no tokenizer analyses what the
writer indexes and the tokenizers in the index's schema hold no analyser (the schema is pickled
with the index). A tokenizer made with a :class:`TextAnalyser` also analyses plain strings.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from whoosh.analysis import Token, Tokenizer

from briefing.search.language.analysis import Term, TextAnalyser, pairs_of


class AnalysedValue(str):
    """A field's text with its index-mode ``terms`` (Whoosh indexes a ``str`` through the
    field's tokenizer; store ``str(value)``, not this object)."""

    terms: Sequence[Term]

    def __new__(cls, text: str, terms: Sequence[Term]) -> "AnalysedValue":
        value = super().__new__(cls, text)
        value.terms = terms
        return value


class _AnalysingTokenizer(Tokenizer):
    """A tokenizer with an optional analyser for plain strings; equal to any of its type."""

    def __init__(self, analyser: TextAnalyser | None = None):
        self.analyser = analyser

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def _terms(self, value: str, mode: str) -> Sequence[Term]:
        if isinstance(value, AnalysedValue):
            return value.terms
        if self.analyser is None:
            raise TypeError(f"{type(self).__name__} without an analyser indexes AnalysedValues only")
        return self.analyser.analyze(value, "query" if mode == "query" else "index")


class KoreanTokenizer(_AnalysingTokenizer):
    """Whoosh tokenizer emitting the terms of the Korean analysis (see module doc)."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        if not tokenize:
            t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            t.text, t.boost, t.stopped = value.lower(), 1.0, False
            if keeporiginal:
                t.original = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost, t.stopped = 1.0, False
        for term in self._terms(value, mode):
            t.text = term.text  # one Token object reused, as Whoosh's own tokenizers do
            if keeporiginal:
                t.original = value[term.start : term.end]
            if positions:
                t.pos = start_pos + term.pos
            if chars:
                t.startchar, t.endchar = start_char + term.start, start_char + term.end
            yield t


def korean_analyzer(analyser: TextAnalyser | None = None) -> KoreanTokenizer:
    """The analyzer for Korean text fields: the tokenizer alone (it already lowercases);
    without ``analyser`` it takes AnalysedValues only (the index schema's)."""
    return KoreanTokenizer(analyser)


class PairTokenizer(_AnalysingTokenizer):
    """Whoosh tokenizer emitting adjacent-term pairs (analysis.pairs_of: the index side of
    phrase search)."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost, t.stopped = 1.0, False
        for n, pair in enumerate(pairs_of(self._terms(value, "index")) if tokenize else [value]):
            t.text = pair
            if positions:
                t.pos = start_pos + n
            yield t
