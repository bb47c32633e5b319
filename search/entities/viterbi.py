"""First-order Viterbi decoding of the tagger's labels, line by line.

A morpheme's score for a label is its static score plus the transition row from the previous
label (:class:`Transitions`); an I- label only follows a B- or I- label of its type, and each
line of a text is a sentence of its own.
"""

from __future__ import annotations

import bisect
from typing import Callable, Sequence

from briefing.search.entities.tagger_features import LABELS, PREVIOUS

_ALLOWED = [[label[0] != "I" or prev[2:] == label[2:] for label in LABELS] for prev in PREVIOUS]
_PREV_INDEX = {prev: i for i, prev in enumerate(PREVIOUS)}


def viterbi(static: Sequence[list[float] | None], tags: Sequence[str], transitions: Transitions,
            line_starts: Sequence[int] = ()) -> tuple[list[str], list[float]]:
    """The best label sequence under static scores plus transition rows.

    ``static[i]`` is a morpheme's score per label, or None for a morpheme forced to O;
    ``transitions.row(prev, tag)`` is added when the previous label is ``prev``. An I- label only follows a B- or I- label of its type. The morphemes at
    ``line_starts`` begin new sentences. Returns the labels and, per morpheme, its label's score
    minus O's given the chosen previous label (0.0 when forced)."""
    n = len(static)
    labels = ["O"] * n
    margins = [0.0] * n
    new_line = set(line_starts)
    new_line.add(0)
    i = 0
    while i < n:
        if static[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < n and static[j + 1] is not None and j + 1 not in new_line:
            j += 1
        _decode_run(static, tags, transitions, i, j + 1, "<s>" if i in new_line else "O", labels, margins)
        i = j + 1
    return labels, margins


def line_start_indices(text: str, starts: Sequence[int]) -> list[int]:
    """Indices of the morphemes that begin a line after the first (none for one-line text)."""
    if "\n" not in text:
        return []
    out: list[int] = []
    pos = text.find("\n")
    while pos >= 0:
        i = bisect.bisect_right(starts, pos)
        if i < len(starts) and (not out or out[-1] != i) and i > 0:
            out.append(i)
        pos = text.find("\n", pos + 1)
    return out


def _decode_run(static, tags, transitions, lo: int, hi: int, first_prev: str,
                labels: list[str], margins: list[float]) -> None:
    """Viterbi over morphemes lo..hi-1 (all scored), entered from ``first_prev``: a label's
    score at a morpheme is its static score plus the transition row from the previous label."""
    neg = float("-inf")
    enter = transitions.row(first_prev, tags[lo])
    allowed_first = _ALLOWED[_PREV_INDEX[first_prev]]
    best = [r + t if ok else neg for r, t, ok in zip(static[lo], enter, allowed_first)]
    back: list[list[int]] = []
    for i in range(lo + 1, hi):
        new = []
        ptr = []
        for value, column in zip(static[i], transitions.columns(tags[i])):
            top, arg = neg, 0
            for p, t in column:
                v = best[p] + t
                if v > top:
                    top, arg = v, p
            new.append(top + value)
            ptr.append(arg)
        back.append(ptr)
        best = new
    top = max(best)
    y = best.index(top)  # ties go to the lower index (O first)
    path = [y]
    for ptr in reversed(back):
        y = ptr[y]
        path.append(y)
    path.reverse()
    prev = first_prev
    for i, y in zip(range(lo, hi), path):
        row, trans = static[i], transitions.row(prev, tags[i])
        labels[i] = LABELS[y]
        margins[i] = (row[y] + trans[y]) - (row[0] + trans[0])
        prev = LABELS[y]


class Transitions:
    """Label-transition weights: for a previous label and a morpheme tag, the rows of the
    features ``pl=prev`` and ``pl|t=prev|tag`` added together (memoised; build a new one when
    the weights change)."""

    def __init__(self, weight_row: Callable[[str], list[float]]):
        self.weight_row = weight_row
        self._rows: dict[tuple[str, str], list[float]] = {}
        self._columns: dict[str, list[list[tuple[int, float]]]] = {}

    def row(self, prev: str, tag: str) -> list[float]:
        found = self._rows.get((prev, tag))
        if found is None:
            pl, plt = self.weight_row("pl=" + prev), self.weight_row("pl|t=" + prev + "|" + tag)
            found = self._rows[(prev, tag)] = [a + b for a, b in zip(pl, plt)]
        return found

    def columns(self, tag: str) -> list[list[tuple[int, float]]]:
        """Per label, the (previous label index, transition weight) pairs allowed before it."""
        found = self._columns.get(tag)
        if found is None:
            rows = [self.row(prev, tag) for prev in LABELS]
            found = self._columns[tag] = [
                [(p, rows[p][y]) for p in range(len(LABELS)) if _ALLOWED[p + 1][y]]
                for y in range(len(LABELS))]
        return found
