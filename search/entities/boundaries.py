"""Where a name may start and end in a text: at Kiwi morpheme boundaries, not inside a word.

``애플`` is no name inside ``애플리케이션``: a candidate span must start where a morpheme starts
(or after a non-word character) and end where one ends, before a particle or punctuation rather
than more noun. Latin letters and hanja have their own rules (``LG`` is not in ``LGD``; ``韓``
and ``美`` are country names even glued together).
"""

from __future__ import annotations

import re

from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.tokens import CONTINUATION_TAGS, WORD_CHAR_RE, Token, token_ends, token_starts

_LATIN_RE = re.compile(r"[A-Za-z]")
_LATIN_DIGIT_RE = re.compile(r"[A-Za-z0-9]")
_HANJA_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_char_class: dict[str, tuple[bool, bool, bool, bool]] = {}


def char_kind(ch: str) -> tuple[bool, bool, bool, bool]:
    """(word char, Latin letter, Latin letter or digit, hanja) for one character, as the regexes
    above say, memoised (a property of the character alone)."""
    kind = _char_class.get(ch)
    if kind is None:
        kind = (bool(WORD_CHAR_RE.match(ch)), bool(_LATIN_RE.match(ch)),
                bool(_LATIN_DIGIT_RE.match(ch)), bool(_HANJA_RE.match(ch)))
        if len(_char_class) < 100_000:
            _char_class[ch] = kind
    return kind


class Boundaries:
    """The morpheme boundaries of one text, and whether a span may start or end at an offset."""

    def __init__(self, text: str, tokens: list[Token], gazetteer: Gazetteer):
        self.text = text
        self.gaz = gazetteer
        self.token_start_list = token_starts(tokens)
        self.token_starts = dict(zip(self.token_start_list, tokens))  # a later token wins, as before
        self.token_ends = token_ends(tokens)

    def left_ok(self, start: int) -> bool:
        """A name may start at ``start``."""
        if start == 0:
            return True
        prev = self.text[start - 1]
        prev_kind = char_kind(prev)
        if not prev_kind[0]:
            return True
        here_kind = char_kind(self.text[start])
        if here_kind[1]:
            return not prev_kind[2]
        if here_kind[3]:
            return not prev_kind[3] or self._country_hanja(prev)
        if self.text[max(0, start - 2):start] == "사진":
            return True  # "사진연합뉴스": a glued photo credit
        return start in self.token_starts

    def right_ok(self, end: int) -> bool:
        """A name may end at ``end``."""
        if end >= len(self.text):
            return True
        last, nxt = self.text[end - 1], self.text[end]
        nxt_kind = char_kind(nxt)
        if not nxt_kind[0]:
            return True
        last_kind = char_kind(last)
        if last_kind[1] and nxt_kind[2]:
            return False
        if last_kind[3] and self._country_hanja(last):
            return not nxt_kind[3] or self._country_hanja(nxt)
        if end not in self.token_ends:
            return False
        follower = self.token_starts.get(end)
        if follower is None:
            return False
        return follower.tag not in CONTINUATION_TAGS

    def _country_hanja(self, ch: str) -> bool:
        entry = self.gaz.resolve(ch)
        return entry is not None and entry.type == "place"
