"""Whoosh tokenizers of the article index on the Korean analysis (briefing.search.language)."""

from __future__ import annotations

from typing import Iterator

from whoosh.analysis import Token, Tokenizer

from briefing.search.language.analysis import analyze, pair_terms

class KoreanTokenizer(Tokenizer):
    """Whoosh tokenizer on Kiwi (see module doc). Stateless and picklable."""

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

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
        for term in analyze(value, "query" if mode == "query" else "index"):
            t.text = term.text  # one Token object reused, as Whoosh's own tokenizers do
            if keeporiginal:
                t.original = value[term.start : term.end]
            if positions:
                t.pos = start_pos + term.pos
            if chars:
                t.startchar, t.endchar = start_char + term.start, start_char + term.end
            yield t


def korean_analyzer() -> KoreanTokenizer:
    """The analyzer for Korean text fields: the tokenizer alone (it already lowercases)."""
    return KoreanTokenizer()



class PairTokenizer(Tokenizer):
    """Whoosh tokenizer emitting :func:`pair_terms` (index side of phrase search)."""

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost, t.stopped = 1.0, False
        for n, pair in enumerate(pair_terms(value) if tokenize else [value]):
            t.text = pair
            if positions:
                t.pos = start_pos + n
            yield t

