"""Search-result snippets: the passage of an article body where the query's terms cluster.

Terms are found by their surface form (case-insensitive) in the body, which is what the
analyser's nouns, names and Latin words are; that takes microseconds per hit, where
re-analysing the body with Kiwi would take tens of milliseconds. One-character Hangul terms
(verb stems such as 하) would light up everywhere and are not marked.
"""

from __future__ import annotations

import re
from typing import Iterable

from briefing.search.language.normalize import normalize

SNIPPET_CHARS = 220  # lead snippet length when the body has no match
SNIPPET_CONTEXT = 50  # characters of context around the matches
SNIPPET_MATCH_CHARS = 120  # at most this much text between the first and last match shown

_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")


def _flat(text: str) -> str:
    """Newlines and tabs to spaces, keeping every offset valid."""
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _markable(term: str) -> bool:
    return len(term) >= 2 or not _HANGUL_SYLLABLE.match(term)


def term_hits(body: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged, sorted character spans in ``body`` where any of ``terms`` occurs."""
    wanted = sorted({t.lower() for t in terms if t and _markable(t)}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    norm = normalize(body)  # terms are normalised (NFKC...); offsets go back to the body as shown
    merged: list[tuple[int, int]] = []
    for m in pattern.finditer(norm.text):
        s, e = norm.span(*m.span())
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _trim_start(body: str, start: int) -> int:
    """Move ``start`` back to the beginning of its word (at most 10 characters)."""
    lo = max(0, start - 10)
    cut = max(body.rfind(" ", lo, start), body.rfind("\n", lo, start))
    return cut + 1 if cut >= 0 else start


def _trim_end(body: str, end: int) -> int:
    """Move ``end`` forward to the end of its word (at most 10 characters)."""
    hi = min(len(body), end + 10)
    for i in range(end, hi):
        if body[i].isspace():
            return i
    return end


def make_snippet(body: str, terms: Iterable[str]) -> tuple[str, list[tuple[int, int]]]:
    """(passage, spans of the terms within it): the window of at most SNIPPET_MATCH_CHARS
    holding the most matches, with SNIPPET_CONTEXT characters around it; the body's start
    when no term occurs."""
    hits = term_hits(body, terms)
    if not hits:
        return _flat(body[:SNIPPET_CHARS]), []
    words = [body[s:e].lower() for s, e in hits]
    best, best_n, best_key = 0, 0, (0, 0, 0)
    for i, (s, _e) in enumerate(hits):
        # hits[i..k]: those ending within SNIPPET_MATCH_CHARS of hit i's start. The window with
        # the most different terms wins, then the one where they sit closest together (a
        # phrase's words), then the one with the most hits.
        seen, tight, k = {words[i]}, hits[i][1] - s, i
        while k + 1 < len(hits) and hits[k + 1][1] - s <= SNIPPET_MATCH_CHARS:
            k += 1
            if words[k] not in seen:
                seen.add(words[k])
                tight = hits[k][1] - s
        key = (len(seen), -tight, k - i + 1)
        if key > best_key:
            best, best_n, best_key = i, k - i + 1, key
    first, last = hits[best], hits[best + best_n - 1]
    start = _trim_start(body, max(0, first[0] - SNIPPET_CONTEXT))
    end = _trim_end(body, min(len(body), last[1] + SNIPPET_CONTEXT))
    spans = [(s - start, e - start) for s, e in hits[best : best + best_n]]
    return _flat(body[start:end]), spans
