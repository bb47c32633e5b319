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
