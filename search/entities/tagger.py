"""A small learned named-entity tagger over Kiwi morphemes (structured perceptron, Viterbi).

It labels morphemes B-/I-/O for PS (person), LC (place) and OG (organisation), using the
morpheme, its tag, its neighbours, spacing, the gazetteer/rule hints of :mod:`briefing.search.entities.mentions`
and the konec lexicon groups of the morpheme and of its word (:mod:`briefing.search.entities.lexicon`) as
features, and decodes a whole sentence at once: Viterbi over the static scores plus
label-transition weights (first order), so a later morpheme can change an earlier label.
Tagging adds up a text's feature weights with numpy (installed with kiwipiepy), bit for bit
as the pure-Python :meth:`NerTagger.predict_reference` does. The weights ship gzipped in
``search/entities/models_data/`` (trained on part of KLUE-NER, CC BY-SA 4.0: see the licence file
there). Nothing is downloaded at run time. Training lives outside the package:

    python -m training.ner_train /work/shared/eval/klue-ner/wikitree-dev-a.tsv
"""

from __future__ import annotations

import gzip
import json
import threading
from itertools import pairwise
from pathlib import Path
from typing import Iterable, Sequence

from briefing.search.entities.fast_scorer import FastScorer
from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon
from briefing.search.entities.tagger_features import LABELS, SKIP_TAGS, Hint, token_features
from briefing.search.entities.tokens import Token
from briefing.search.entities.viterbi import Transitions, line_start_indices, viterbi

MODEL_PATH = Path(__file__).resolve().parent / "models_data" / "ner_perceptron.json.gz"
FORMAT = "briefing-ner-perceptron/2"  # /2: first-order transitions, Viterbi, lexicon features


class NerTagger:
    """Structured-perceptron morpheme tagger; ``weights[feature][label] -> float``."""

    def __init__(self, weights: dict[str, dict[str, float]] | None = None,
                 lexicon: NeLexicon | None = None):
        self.weights: dict[str, dict[str, float]] = weights if weights is not None else {}
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
        self._rows: dict[str, tuple[tuple[int, float], ...]] | None = None
        self._fast: FastScorer | None = None

    def _compiled(self) -> dict[str, tuple[tuple[int, float], ...]]:
        """Weights as feature -> ((label index, value), ...): twice as fast to sum."""
        if self._rows is None:
            index = {label: i for i, label in enumerate(LABELS)}
            self._rows = {
                f: tuple((index[label], v) for label, v in row.items() if label in index)
                for f, row in self.weights.items()
            }
        return self._rows

    def score_vector(self, feats: Iterable[str]) -> list[float]:
        """The summed weights of ``feats`` per label (indexed like :data:`LABELS`)."""
        scores = [0.0] * len(LABELS)
        rows = self._compiled()
        for f in feats:
            row = rows.get(f)
            if row:
                for i, value in row:
                    scores[i] += value
        return scores

    def transitions(self) -> Transitions:
        """The label-transition weights of this tagger."""
        return Transitions(lambda f: self.score_vector((f,)))

    # -- inference --------------------------------------------------------------------------------
    def predict(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint],
                active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """Labels (the best sequence) and, per morpheme, how far its label's score is above O's
        (given the previous label); morphemes whose ``active`` flag is false, or with a
        :data:`SKIP_TAGS` tag, are labelled O without scoring.

        Same labels and margins, bit for bit, as :meth:`predict_reference`, about ten times
        faster (see :class:`FastScorer`)."""
        if self._fast is None or self._fast.weights is not self.weights:
            self._fast = FastScorer(self.weights, self.lexicon)
        return self._fast.predict(text, morphs, hints, active)

    def predict_reference(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint],
                          active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """:meth:`predict` spelled out over the feature strings of :func:`token_features`, line
        by line (each line of ``text`` is a sentence of its own)."""
        starts = [m[2] for m in morphs]
        line_starts = line_start_indices(text, starts)
        rows: list[list[float] | None] = []
        bounds = [0, *line_starts, len(morphs)]
        for lo, hi in pairwise(bounds):
            offset = text.rfind("\n", 0, morphs[lo][2]) + 1 if lo < len(morphs) else 0
            end = text.find("\n", offset)
            line = text[offset:] if end < 0 else text[offset:end]
            shifted = [Token(m[0], m[1], m[2] - offset, m[3] - offset) for m in morphs[lo:hi]]
            line_hints = [(a - offset, b - offset, h) for a, b, h in hints
                          if offset <= a and b <= offset + len(line)]
            static = token_features(line, shifted, line_hints, None if active is None else active[lo:hi],
                                    self.lexicon)
            for i, feats in zip(range(lo, hi), static):
                if morphs[i][1] in SKIP_TAGS or (active is not None and not active[i]):
                    rows.append(None)
                else:
                    rows.append(self.score_vector(feats))
        return viterbi(rows, [m[1] for m in morphs], self.transitions(), line_starts)

    def scored_spans(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint],
                     active: Sequence[bool] | None = None) -> list[tuple[int, int, str, float]]:
        """Entity spans ``(start, end, PS|LC|OG, margin)``; margin = weakest morpheme's lead over O."""
        labels, margins = self.predict(text, morphs, hints, active)
        out = []
        cur: list | None = None  # [start, end, type, margin], ending at morpheme `last`
        last = -2
        for i in [i for i, label in enumerate(labels) if label != "O"]:  # an O only ends a span
            label, morph, margin = labels[i], morphs[i], margins[i]
            if label.startswith("I-") and cur is not None and last == i - 1 and cur[2] == label[2:]:
                cur[1], cur[3] = morph[3], min(cur[3], margin)
            else:
                if cur is not None:
                    out.append(tuple(cur))
                cur = [morph[2], morph[3], label[2:], margin]
            last = i
        if cur is not None:
            out.append(tuple(cur))
        return out

    # -- persistence ---------------------------------------------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": FORMAT, "labels": LABELS, "weights": self.weights}
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path = MODEL_PATH, lexicon: NeLexicon | None = None) -> "NerTagger":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            payload = json.load(fh)
        if payload.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} model")
        return cls(payload["weights"], lexicon)


_lock = threading.Lock()
_cached: dict[str, NerTagger | None] = {}


def shipped_tagger() -> NerTagger | None:
    """The model shipped in the package, loaded once; None if the file is absent or unreadable."""
    key = str(MODEL_PATH)
    if key not in _cached:
        with _lock:
            if key not in _cached:
                try:
                    _cached[key] = NerTagger.load(MODEL_PATH)
                except (OSError, ValueError, KeyError):
                    _cached[key] = None
    return _cached[key]
