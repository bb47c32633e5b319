"""The morphemes and words entity finding reads, and the Kiwi tag sets it judges them by.

A :class:`Token` is a Kiwi morpheme with its end offset (the learned tagger reads the same
tuples); a :class:`Word` is a whitespace-separated chunk (eojeol) with the tokens starting in it.
:func:`tokens_of` turns the morphemes of each line of a text into tokens of the whole text.
"""

from __future__ import annotations

import bisect
import operator
import re
from itertools import compress, repeat
from typing import Iterable, NamedTuple, Sequence

from briefing.search.language.kiwi import Morph

NOUN_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XPN", "XR"}
CONTINUATION_TAGS = {"NNG", "NNP", "NR", "SL", "SH", "SN", "XPN", "XR"}
NAME_TAGS = {"NNP", "NNG"}

WORD_CHAR_RE = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3400-\u9fff\uf900-\ufaff]")
HANGUL_RE = re.compile(r"[가-힣]+")
LATIN_RE = re.compile(r"[A-Za-z]")
LATIN_DIGIT_RE = re.compile(r"[A-Za-z0-9]")
SPACE_RUN_RE = re.compile(r"\s+")
_NON_SPACE_RE = re.compile(r"\S+")
_START, _END = operator.itemgetter(2), operator.itemgetter(3)  # of a Token
_SPAN = re.Match.span


class Token(NamedTuple):
    """A Kiwi morpheme as the tagger sees it too: (form, tag, start, end)."""

    form: str
    tag: str
    start: int
    end: int


class Word(NamedTuple):
    """A whitespace-separated chunk (eojeol) and its Kiwi tokens."""

    start: int
    end: int
    text: str
    tokens: list[Token]

    @property
    def bare(self) -> bool:
        """Only noun-like tokens (no particle, ending or punctuation)."""
        return bool(self.tokens) and all(t.tag in NOUN_TAGS for t in self.tokens)


def token_starts(tokens: Sequence[Token]) -> list[int]:
    """The start offsets of ``tokens``, in order."""
    return list(map(_START, tokens))


def token_ends(tokens: Sequence[Token]) -> set[int]:
    """The end offsets of ``tokens``."""
    return set(map(_END, tokens))


def tokens_of(text: str, line_morphemes: Sequence[Sequence[Morph]]) -> list[Token]:
    """The tokens of ``text`` from the morphemes of each of its lines (``text.split("\\n")``,
    offsets relative to the line), without zero-length morphemes (an inserted copula 이) and
    clipped to the text."""
    morphs: list[Morph] = []
    offset = 0
    new = tuple.__new__
    for line, found in zip(text.split("\n"), line_morphemes):
        if offset:
            morphs += [new(Morph, (m[0], m[1], m[2] + offset, m[3])) for m in found]
        else:
            morphs += found
        offset += len(line) + 1
    return _tokens(text, morphs)


def _tokens(text: str, toks: list[Morph]) -> list[Token]:
    n = len(text)
    new = tuple.__new__
    if toks:
        forms, tags, starts, lengths = zip(*toks)
        ends = list(map(operator.add, starts, lengths))
        if min(starts) >= 0 and max(starts) < n and max(ends) <= n:
            # nothing out of range to drop or clip (the usual case): build the tuples in C,
            # without Kiwi's zero-length morphemes (an inserted copula 이)
            rows: Iterable[tuple[str, str, int, int]] = zip(forms, tags, starts, ends)
            if min(lengths) <= 0:
                rows = compress(rows, map(operator.gt, lengths, repeat(0)))
            return list(map(new, repeat(Token), rows))
    return [
        new(Token, (t[0], t[1], t[2], t[2] + t[3] if t[2] + t[3] <= n else n))
        for t in toks
        if 0 <= t[2] < n and t[3] > 0
    ]


def words_of(text: str, tokens: list[Token], tok_starts: list[int]) -> list[Word]:
    """The words of ``text``, each with the tokens starting inside it (``tok_starts``: the
    tokens' start offsets)."""
    if tok_starts != sorted(tok_starts):  # Kiwi's order is by start; be safe anyway
        words = [Word(m.start(), m.end(), m.group(), []) for m in _NON_SPACE_RE.finditer(text)]
        word_starts = [w.start for w in words]
        for tok in tokens:
            i = bisect.bisect_right(word_starts, tok.start) - 1
            if i >= 0 and tok.start < words[i].end:
                words[i].tokens.append(tok)
        return words
    # a word's tokens are those starting inside it, in order: one slice of the token list
    spans = list(map(_SPAN, _NON_SPACE_RE.finditer(text)))
    if not spans:
        return []
    starts, ends = zip(*spans)
    texts: list[str] = text.split()  # the same chunks as \S+ (both split on str.isspace)
    if len(texts) != len(spans):
        texts = [text[a:b] for a, b in spans]
    find = bisect.bisect_left
    slices = map(slice, map(find, repeat(tok_starts), starts), map(find, repeat(tok_starts), ends))
    token_lists = map(tokens.__getitem__, slices)
    return list(map(tuple.__new__, repeat(Word), zip(starts, ends, texts, token_lists)))
