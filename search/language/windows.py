"""Long texts cut into bounded windows at paragraph, sentence or word ends (no Kiwi here)."""

from __future__ import annotations

import re
import unicodedata



# Analysis (Kiwi, entities, dates) reads a long body in windows of at most this many
# characters, so an article of N MB costs about N times what ordinary articles cost per MB and
# its working memory stays that of one window group. Ordinary articles are one window (the
# bench's average ~2,300 characters, the seeds' longest ~4,000): their analysis is unchanged.
# Kiwi alone is linear up to ~16,000 characters of one paragraph (7.3 -> 7.7 us per character,
# 10.1 at 64,000); entity and date rules have steps that grow with the mentions in a text.
WINDOW_CHARS = 8000
_PARAGRAPH_END = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?\u3002\u2026][\"'\u201d\u2019\u300d\u300f)\]]*\s+|\n\s*")
_SPACE_RUN = re.compile(r"\s+")


def text_windows(text: str, limit: int = WINDOW_CHARS) -> list[tuple[int, str]]:
    """``text`` cut into (offset, window) pieces of at most ``limit`` characters that cover it
    exactly: each cut falls after a paragraph break if there is one in the second half of the
    window, else after a sentence end, else at a space; a run with none of these (a blob
    without spaces) is cut at the limit, never inside a combining sequence. A text within the
    limit is one window."""
    n = len(text)
    if n <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < n:
        end = n if n - start <= limit else _window_end(text, start, start + limit)
        out.append((start, text[start:end]))
        start = end
    return out


def _window_end(text: str, start: int, hard: int) -> int:
    low = start + (hard - start) // 2
    for pattern in (_PARAGRAPH_END, _SENTENCE_END, _SPACE_RUN):
        last = None
        for last in pattern.finditer(text, low, hard):
            pass
        if last is not None and last.end() <= hard:
            return last.end()
    end = hard
    while end > low and _continues(text[end]):
        end -= 1
    return end



# windows analysed per Kiwi call when a long body is analysed alone (body_terms)
WINDOW_GROUP = 16


def _continues(ch: str) -> bool:
    """True for a character that belongs to the one before it (a combining mark, a Hangul
    medial or final jamo, a low surrogate, a zero-width joiner)."""
    return bool(unicodedata.combining(ch)) or "\u1160" <= ch <= "\u11ff" or "\udc00" <= ch <= "\udfff" \
        or ch in "\u200d\ufe0f"
