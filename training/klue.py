"""KLUE-NER files: the reader and the fixed tuning / held-out split.

The split rule (fixed before any tuning, and the one the first shipped model used): in
``wikitree-dev-a.tsv``, sentence ``i`` (0-based, in file order) is **held out** when
``i % 5 == 4`` (253 sentences) and belongs to the **tuning** part otherwise (1,014). Models are
trained and thresholds tuned on the tuning part only; inside it, ``j % 4 == 3`` (``j`` the index
within the tuning part) is the development fold of ``bench/eval_entities.py --cv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Sentence = tuple[str, set[tuple[int, int, str]]]


def read_klue(path: Path) -> list[Sentence]:
    """Sentences of a KLUE-NER char-per-line file: (text, {(start, end, TYPE)})."""
    sentences: list[Sentence] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if chars:
            spans: set[tuple[int, int, str]] = set()
            start: int | None = None
            cur = ""
            for i, tag in enumerate(tags + ["O"]):
                if start is not None and not tag.startswith("I-"):
                    spans.add((start, i, cur))
                    start = None
                if tag.startswith("B-"):
                    start, cur = i, tag[2:]
            sentences.append(("".join(chars), spans))
        chars.clear()
        tags.clear()

    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if line.startswith("##"):
            continue
        if not line:
            flush()
            continue
        ch, _, tag = line.rpartition("\t")
        chars.append(ch if ch else " ")
        tags.append(tag.strip() or "O")
    flush()
    return sentences


def klue_split(sentences: Sequence[T], part: str) -> list[T]:
    """``tune`` (index % 5 != 4), ``heldout`` (index % 5 == 4), ``dev``/``train`` (the folds of
    the tuning part used for cross-validation), or every sentence."""
    if part == "tune":
        return [s for i, s in enumerate(sentences) if i % 5 != 4]
    if part == "heldout":
        return [s for i, s in enumerate(sentences) if i % 5 == 4]
    if part in ("train", "dev"):
        tune = klue_split(sentences, "tune")
        return [s for j, s in enumerate(tune) if (j % 4 == 3) == (part == "dev")]
    return list(sentences)
