"""One article's text analysed once, passed along as a value.

An :class:`AnalysedText` holds the Kiwi morphemes of the lines of one text. Entities, dates
(tense) and events receive it as an argument and read the morphemes of the lines they look at;
a line missing from it is analysed through the object's analyser and kept on the object (not in
a module-level cache), so a text gives the same morphemes alone or inside a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from briefing.search.language.kiwi import Morph


class LineAnalyser(Protocol):
    """What an :class:`AnalysedText` needs from the analyser: morphemes of lines, in order."""

    def morphemes_many(self, lines: Sequence[str]) -> list[list[Morph]]: ...


@dataclass
class AnalysedText:
    """The analysed lines of one text (each line analysed alone, at most once)."""

    text: str
    analyser: LineAnalyser
    lines: dict[str, list[Morph]] = field(default_factory=dict)

    def morphemes(self, line: str) -> list[Morph]:
        """The morphemes of ``line`` (offsets relative to the line)."""
        return self.morphemes_many([line])[0]

    def morphemes_many(self, lines: Sequence[str]) -> list[list[Morph]]:
        """The morphemes of each of ``lines``; the missing ones are analysed in one batch."""
        missing = list(dict.fromkeys(line for line in lines if line not in self.lines))
        if missing:
            self.lines.update(zip(missing, self.analyser.morphemes_many(missing)))
        return [self.lines[line] for line in lines]

    def text_morphemes(self, text: str) -> list[Morph]:
        """The morphemes of ``text`` (any number of lines), offsets into ``text``."""
        return self.text_morphemes_many([text])[0]

    def text_morphemes_many(self, texts: Sequence[str]) -> list[list[Morph]]:
        """:meth:`text_morphemes` of each text; their missing lines are analysed in one batch."""
        split = [t.split("\n") for t in texts]
        self.morphemes_many([line for lines in split for line in lines])
        out: list[list[Morph]] = []
        new = tuple.__new__  # skips the named tuple's Python-level __new__ (half the cost)
        for lines in split:
            morphs: list[Morph] = []
            offset = 0
            for line in lines:
                found = self.lines[line]
                morphs += [new(Morph, (m[0], m[1], m[2] + offset, m[3])) for m in found] if offset else found
                offset += len(line) + 1
            out.append(morphs)
        return out
