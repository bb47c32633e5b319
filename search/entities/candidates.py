"""The candidate mentions of one text, and what the finders of :mod:`briefing.search.entities.finder`
share while reading it: its tokens, words and boundaries, bylines and reporters.

Each finder adds candidates with a priority (3: gazetteer or definition, 2: a person by a title,
1: a name discovered by its suffix or repeated, 0: the learned tagger); :meth:`Candidates.select`
keeps the strongest, then the longest, without overlaps.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from briefing.search.entities.boundaries import Boundaries
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.lexicon import NeLexicon
from briefing.search.entities.names import strip_particle
from briefing.search.entities.tokens import HANGUL_RE, NOUN_TAGS, Token, Word, words_of
from briefing.search.language.lexicon import TITLE_FIRST_CHARS, TITLES, TITLES_BY_FIRST

# the source of a candidate by its priority, as the learned tagger's hints name it
SOURCE = {0: "model", 1: "suffix", 2: "title", 3: "gaz"}


@dataclass
class Candidate:
    """A span that may be a mention: its type and canonical name, and how strong its source is."""

    start: int
    end: int
    type: str
    name: str
    priority: int
    role: str = "story"
    media: bool = False


class Candidates:
    """One text being read: its tokens and words, and the candidates found in it so far."""

    def __init__(self, text: str, tokens: list[Token], gazetteer: Gazetteer, lexicon: NeLexicon):
        self.text = text
        self.gaz = gazetteer
        self.lexicon = lexicon
        self.tokens = tokens
        bounds = Boundaries(text, tokens, gazetteer)
        self.left_ok, self.right_ok = bounds.left_ok, bounds.right_ok
        self.token_start_list = bounds.token_start_list
        self.token_starts = bounds.token_starts
        self.token_ends = bounds.token_ends
        self.words = words_of(text, tokens, self.token_start_list)
        self.word_starts = [w.start for w in self.words]
        self.candidates: list[Candidate] = []
        self.by_span: dict[tuple[int, int], Candidate] = {}
        self.blocked: list[tuple[int, int]] = []  # byline brackets: nothing inside is an entity
        self.reporters: set[str] = set()
        self.hints: list[tuple[int, int, str]] = []  # for the learned tagger: (start, end, source:type)
        self._title_lens: dict[int, int] = {}  # word start -> title_len

    def add(self, start: int, end: int, type_: str, name: str, priority: int, media: bool = False) -> None:
        """A candidate (none inside a byline bracket; a glued particle is cut off a person's name)."""
        if start >= end or self.blocked and any(a <= start < b for a, b in self.blocked):
            return
        if type_ == "person" and priority < 3 and name == self.text[start:end]:
            name = strip_particle(name)
            end = start + len(name)
        cand = Candidate(start, end, type_, name, priority, media=media)
        self.candidates.append(cand)
        self.by_span.setdefault((start, end), cand)

    def select(self) -> list[Candidate]:
        """Strongest candidates first, then longest; drop overlaps and reporters."""
        chosen: list[Candidate] = []
        # taken spans never overlap, so sorted by start they are sorted by end too: a new span
        # overlaps one of them iff it overlaps the last one starting before its end
        taken_starts: list[int] = []
        taken_ends: list[int] = []
        for c in sorted(self.candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
            k = bisect.bisect_left(taken_starts, c.end)
            if k and taken_ends[k - 1] > c.start:
                continue
            if c.type == "person" and c.name in self.reporters:
                continue
            chosen.append(c)
            taken_starts.insert(k, c.start)
            taken_ends.insert(k, c.end)
        return chosen

    def covered_exact(self, word: Word) -> Candidate | None:
        """The first candidate spanning exactly ``word``."""
        return self.by_span.get((word.start, word.end))

    def persons(self) -> list[Candidate]:
        """The person candidates, by start."""
        return sorted((c for c in self.candidates if c.type == "person"), key=lambda c: c.start)

    def title_len(self, word: Word) -> int:
        """Length of the title the word starts with (0 if none); computed once per word."""
        if word.text[:1] not in TITLE_FIRST_CHARS:
            return 0
        found = self._title_lens.get(word.start)
        if found is not None:
            return found
        found = 0
        for title in TITLES_BY_FIRST.get(word.text[:1], ()):
            if word.text.startswith(title):
                end = word.start + len(title)
                if end == word.end or not HANGUL_RE.match(word.text[len(title)]) or end in self.token_ends:
                    found = len(title)
                    break
        self._title_lens[word.start] = found
        return found

    def title_follows(self, pos: int) -> bool:
        """A title or honorific right after ``pos`` (same word or the next one)."""
        rest = self.text[pos:pos + 12].lstrip(" ")
        return rest.startswith(TITLES)

    def one_line(self, start: int, end: int) -> bool:
        """No line break between ``start`` and ``end``."""
        return "\n" not in self.text[start:end]

    def stem(self, word: Word) -> str:
        """The word without the particles and punctuation Kiwi found at its end."""
        end = word.start
        for t in word.tokens:
            if t.tag in NOUN_TAGS or t.tag == "XSN":
                end = t.end
            else:
                break
        return self.text[word.start:end]
