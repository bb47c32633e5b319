"""One text normalisation for the index and for queries, with offsets back into the original.

Before analysis every text (article title and body, query) is brought to one form:

- Unicode NFKC: full-width Latin and digits to ASCII (``ＳａｍＳｕｎｇ`` -> ``SamSung``), half-width
  katakana to full-width, decomposed Hangul (NFD, as macOS writes file names and some pages
  their text) to syllables, compatibility characters to their plain form;
- Hangul compatibility jamo typed as a word (``ㅅㅏㅁㅅㅓㅇ``) composed into syllables, as an
  input method would (NFKC alone maps them to loose conjoining jamo);
- format characters removed: soft hyphens, zero-width spaces and joiners, bidi marks and
  embeddings, byte-order marks (Unicode category Cf), which split words invisibly.

:func:`normalize` returns the normalised text and, when it differs from the input, where each
of its characters came from, so analysed terms keep offsets into the text as displayed
(highlights and snippets). Most texts are already normal: they are returned as they are, at
the cost of one C-level check.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Format characters (Unicode category Cf) that occur in text: soft hyphen, Arabic and Syriac
# marks, Mongolian vowel separator, zero-width space/non-joiner/joiner, LRM/RLM, bidi
# embeddings and isolates, word joiner and invisible operators, BOM, interlinear annotation,
# tag characters.
_FORMAT_CLASS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_FORMAT = re.compile(f"[{_FORMAT_CLASS}]")
_COMPAT_JAMO = "\u3131-\u318e"
_JAMO_WORD = re.compile(f"[{_COMPAT_JAMO}]*[\u314f-\u3163][{_COMPAT_JAMO}]*")  # a run with a vowel

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
         "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
_JONG_INDEX = {c: i for i, c in enumerate(_JONG) if c}


class Normalized(NamedTuple):
    """A normalised text; ``starts[k]``/``ends[k]``: the span of the original text that gave
    its character ``k`` (both None when the text was already normal)."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind ``text[start:end]`` (``end > start``)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def is_normal(text: str) -> bool:
    """True if :func:`normalize` leaves ``text`` as it is."""
    return (unicodedata.is_normalized("NFKC", text) and not _FORMAT.search(text)
            and not _JAMO_WORD.search(text))


def normalize(text: str) -> Normalized:
    """``text`` in the one form analysis uses (see module doc), with offsets to the original.

    Only the words (whitespace-separated) holding a character that normalisation may change
    are rewritten character by character; the rest is copied, so a long body with one ``…``
    costs little more than a normal one."""
    if is_normal(text):
        return Normalized(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end in _changed_words(text):
        if start > pos:
            out.append(text[pos:start])
            starts.extend(range(pos, start))
            ends.extend(range(pos + 1, start + 1))
        _normalize_span(text, start, end, out, starts, ends)
        pos = end
    if pos < len(text):
        out.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return Normalized("".join(out), starts, ends)


_changing: re.Pattern | None = None


def _changing_chars() -> re.Pattern:
    """Characters NFKC may change alone or with their neighbour, format characters and jamo
    (built on first use from the Unicode database: a few milliseconds)."""
    global _changing
    if _changing is None:
        bad = [c for c in map(chr, range(0x80, 0x10000))
               if not ("\ud800" <= c <= "\udfff")
               and (unicodedata.combining(c) or not unicodedata.is_normalized("NFKC", c))]
        ranges: list[str] = []
        for c in bad:
            if ranges and ord(ranges[-1][-1]) == ord(c) - 1:
                ranges[-1] = ranges[-1][0] + c
            else:
                ranges.append(c)
        parts = "".join(re.escape(r[0]) + ("-" + re.escape(r[-1]) if len(r) > 1 else "") for r in ranges)
        extra = "\U0001d400-\U0001d7ff\U0001f100-\U0001f2ff\U0002f800-\U0002fa1f"
        _changing = re.compile(f"[{parts}{extra}{_FORMAT_CLASS}\u1100-\u11ff\u3131-\u318e\ud7b0-\ud7ff]")
    return _changing


_SPACE = re.compile(r"\s")


def _changed_words(text: str):
    """Spans of the whitespace-separated words holding a character normalisation may change."""
    last_end = -1
    for m in _changing_chars().finditer(text):
        if m.start() < last_end:
            continue
        start = m.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        nxt = _SPACE.search(text, m.end())
        end = nxt.start() if nxt else len(text)
        last_end = end
        yield start, end


def _normalize_span(text: str, i: int, n: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    """Normalise ``text[i:n]`` character by character (see module doc), appending to ``out``."""
    while i < n:
        ch = text[i]
        if _FORMAT.match(ch):
            i += 1
            continue
        if "\u3131" <= ch <= "\u318e":
            m = _JAMO_WORD.match(text, i, n)
            if m:
                for c, s, e in _compose_jamo(m.group(), i):
                    out.append(c)
                    starts.append(s)
                    ends.append(e)
                i = m.end()
            else:  # a lone consonant (ㅋㅋ): kept as written
                out.append(ch)
                starts.append(i)
                ends.append(i + 1)
                i += 1
            continue
        # a starter and the characters that combine with it (marks, Hangul vowel/final jamo)
        parts, j, last = [ch], i + 1, i + 1
        while j < n:
            c = text[j]
            if _FORMAT.match(c):
                j += 1
            elif (unicodedata.combining(c) or "\u1160" <= c <= "\u11ff" or "\ud7b0" <= c <= "\ud7ff"
                  or c in "\uff9e\uff9f"):  # half-width (semi-)voiced marks join their kana
                parts.append(c)
                j += 1
                last = j
            else:
                break
        for c in unicodedata.normalize("NFKC", "".join(parts)):
            out.append(c)
            starts.append(i)
            ends.append(last)
        i = j


def normalize_text(text: str) -> str:
    """The normalised text alone (queries: their offsets refer to the normalised query)."""
    return normalize(text).text


def _compose_jamo(run: str, base: int) -> list[tuple[str, int, int]]:
    """Compatibility jamo composed into syllables (initial, vowel, final when no vowel
    follows it), each with its span; jamo that do not start a syllable stay as they are."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(run):
        c = run[i]
        if c in _CHO and i + 1 < len(run) and run[i + 1] in _JUNG:
            lead, vowel, tail, k = _CHO.index(c), _JUNG.index(run[i + 1]), 0, i + 2
            if k < len(run) and run[k] in _JONG_INDEX and not (k + 1 < len(run) and run[k + 1] in _JUNG):
                tail, k = _JONG_INDEX[run[k]], k + 1
            out.append((chr(0xAC00 + (lead * 21 + vowel) * 28 + tail), base + i, base + k))
            i = k
        else:
            out.append((c, base + i, base + i + 1))
            i += 1
    return out
