"""A small learned named-entity tagger over Kiwi morphemes (greedy averaged perceptron).

It labels morphemes B-/I-/O for PS (person), LC (place) and OG (organisation), using the
morpheme, its tag, its neighbours, spacing and the gazetteer/rule hints of
:mod:`search.entities` as features. Pure Python, no numpy; the weights ship gzipped in
``search/models_data/`` (trained on part of KLUE-NER, CC BY-SA 4.0: see the licence file
there). Nothing is downloaded at run time.

Train (reads the KLUE files given on the command line, writes the model file):

    python -m search.ner_model train /work/shared/eval/klue-ner/wikitree-dev-a.tsv
"""

from __future__ import annotations

import bisect
import gzip
import json
import random
import threading
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

MODEL_PATH = Path(__file__).resolve().parent / "models_data" / "ner_perceptron.json.gz"
TYPES = ("PS", "LC", "OG")
# Morphemes with these tags are never inside a name in practice: labelled O without scoring
# (the same in training and tagging), which halves the work.
SKIP_TAGS = frozenset({
    "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC", "EP", "EF", "EC", "ETN", "ETM",
    "VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA", "MAG", "MAJ", "SF", "SP", "SE", "SSO", "SSC",
})
LABELS = ("O",) + tuple(f"{p}-{t}" for t in TYPES for p in ("B", "I"))

# A morpheme as the tagger sees it: (form, POS tag, start, end).
Morph = tuple[str, str, int, int]
# A hint: (start, end, label) from the gazetteer or the rules, e.g. "gaz:company".
Hint = tuple[int, int, str]


def _shape(form: str) -> str:
    kinds = []
    for ch in form[:6]:
        if "가" <= ch <= "힣":
            k = "h"
        elif ch.isascii() and ch.isalpha():
            k = "A" if ch.isupper() else "a"
        elif ch.isdigit():
            k = "d"
        elif "\u3400" <= ch <= "\u9fff":
            k = "c"
        else:
            k = "x"
        if not kinds or kinds[-1] != k:
            kinds.append(k)
    return "".join(kinds)


def token_features(text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                   active: Sequence[bool] | None = None) -> list[list[str]]:
    """The static features of every morpheme (without the previous-label features); morphemes
    whose ``active`` flag is false get none."""
    n = len(morphs)
    hint_at: list[str] = ["-"] * n
    starts = [m[2] for m in morphs]
    for a, b, label in hints:
        first = True
        for i in range(bisect.bisect_left(starts, a), n):
            s, e = morphs[i][2], morphs[i][3]
            if s >= b:
                break
            if s >= a and e <= b:
                hint_at[i] = ("B:" if first else "I:") + label
                first = False
    # eojeol (space-separated word) of every morpheme
    eoj: list[int] = []
    for i, (_, _, start, _) in enumerate(morphs):
        new = i == 0 or start == 0 or text[start - 1].isspace()
        eoj.append((eoj[-1] + 1 if eoj else 0) if new else eoj[-1])
    members: dict[int, list[int]] = defaultdict(list)
    for i, e in enumerate(eoj):
        members[e].append(i)
    pad = ("<s>", "BOS", -1, -1)
    padded = [pad, pad, *morphs, ("</s>", "EOS", -1, -1), ("</s>", "EOS", -1, -1)]
    feats = []
    for i, (form, tag, start, end) in enumerate(morphs):
        if tag in SKIP_TAGS or (active is not None and not active[i]):
            feats.append([])
            continue
        p2, p1, n1, n2 = padded[i], padded[i + 1], padded[i + 3], padded[i + 4]
        space_before = start == 0 or (start > 0 and text[start - 1].isspace())
        space_after = end >= len(text) or text[end].isspace()
        hint = hint_at[i]
        f = [
            "b", "w=" + form, "t=" + tag, "wt=" + form + "|" + tag,
            "p1=" + form[:1], "p2=" + form[:2], "s1=" + form[-1:], "s2=" + form[-2:],
            "len=" + str(min(len(form), 6)), "sh=" + _shape(form),
            "sb=" + str(space_before), "sa=" + str(space_after),
            "-1w=" + p1[0], "-1t=" + p1[1], "+1w=" + n1[0], "+1t=" + n1[1],
            "-2t=" + p2[1], "+2t=" + n2[1], "-1t|t=" + p1[1] + "|" + tag, "t|+1t=" + tag + "|" + n1[1],
            "+1w|+2w=" + n1[0] + "|" + n2[0], "-1w|w=" + p1[0] + "|" + form,
            "sb|t=" + str(space_before) + tag, "sa|+1t=" + str(space_after) + n1[1],
            "h=" + hint, "h|t=" + hint + "|" + tag, "-1h=" + (hint_at[i - 1] if i else "<s>"),
            "+1h=" + (hint_at[i + 1] if i + 1 < n else "</s>"),
        ]
        group = members[eoj[i]]
        pos = group.index(i)
        rest = "|".join(morphs[j][1] for j in group[pos + 1:]) or "-"
        nxt = members.get(eoj[i] + 1)
        prv = members.get(eoj[i] - 1)
        f += [
            "ep=" + ("only" if len(group) == 1 else "first" if pos == 0 else "last" if pos == len(group) - 1 else "mid"),
            "rest=" + rest, "rest|t=" + rest + "|" + tag,
            "ne=" + (morphs[nxt[0]][0] if nxt else "</s>"),
            "pe=" + (morphs[prv[-1]][0] if prv else "<s>"),
            "pet=" + (morphs[prv[-1]][1] if prv else "BOS"),
        ]
        feats.append(f)
    return feats


class NerTagger:
    """Averaged-perceptron morpheme tagger; ``weights[feature][label] -> float``."""

    def __init__(self, weights: dict[str, dict[str, float]] | None = None):
        self.weights: dict[str, dict[str, float]] = weights if weights is not None else {}
        self._rows: dict[str, tuple[tuple[int, float], ...]] | None = None

    def _compiled(self) -> dict[str, tuple[tuple[int, float], ...]]:
        """Weights as feature -> ((label index, value), ...): twice as fast to sum."""
        if self._rows is None:
            index = {label: i for i, label in enumerate(LABELS)}
            self._rows = {
                f: tuple((index[label], v) for label, v in row.items() if label in index)
                for f, row in self.weights.items()
            }
        return self._rows

    def _score_vector(self, feats: Iterable[str]) -> list[float]:
        scores = [0.0] * len(LABELS)
        rows = self._compiled()
        for f in feats:
            row = rows.get(f)
            if row:
                for i, value in row:
                    scores[i] += value
        return scores

    # -- inference --------------------------------------------------------------------------------
    def _scores(self, feats: Iterable[str]) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        w = self.weights
        for f in feats:
            row = w.get(f)
            if row:
                for label, value in row.items():
                    scores[label] += value
        return scores

    @staticmethod
    def _dynamic(prev: str, prev2: str, morph: Morph) -> list[str]:
        return ["pl=" + prev, "pl|t=" + prev + "|" + morph[1], "pl2=" + prev2 + "|" + prev]

    def predict(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """Labels and, per morpheme, how far the label's score is above O's; morphemes whose
        ``active`` flag is false are labelled O without scoring (a caller's speed-up)."""
        static = token_features(text, morphs, hints, active)
        labels: list[str] = []
        margins: list[float] = []
        prev, prev2 = "<s>", "<s>"
        for i, feats in enumerate(static):
            if morphs[i][1] in SKIP_TAGS or (active is not None and not active[i]):
                labels.append("O")
                margins.append(0.0)
                prev2, prev = prev, "O"
                continue
            scores = self._score_vector(feats + self._dynamic(prev, prev2, morphs[i]))
            best = _best_index(scores, prev)
            label = LABELS[best]
            labels.append(label)
            margins.append(scores[best] - scores[0])
            prev2, prev = prev, label
        return labels, margins

    def predict_labels(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint]) -> list[str]:
        return self.predict(text, morphs, hints)[0]

    def scored_spans(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                     active: Sequence[bool] | None = None) -> list[tuple[int, int, str, float]]:
        """Entity spans ``(start, end, PS|LC|OG, margin)``; margin = weakest morpheme's lead over O."""
        labels, margins = self.predict(text, morphs, hints, active)
        out = []
        cur: list | None = None  # [start, end, type, margin]
        for morph, label, margin in zip(morphs, labels, margins):
            if label.startswith("I-") and cur is not None and cur[2] == label[2:]:
                cur[1], cur[3] = morph[3], min(cur[3], margin)
                continue
            if cur is not None:
                out.append(tuple(cur))
                cur = None
            if label != "O":
                cur = [morph[2], morph[3], label[2:], margin]
        if cur is not None:
            out.append(tuple(cur))
        return out

    def spans(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
              min_margin: float = 0.0) -> list[tuple[int, int, str]]:
        """Entity spans ``(start, end, PS|LC|OG)`` whose weakest morpheme clears ``min_margin``."""
        return [(a, b, t) for a, b, t, m in self.scored_spans(text, morphs, hints) if m >= min_margin]

    # -- training -------------------------------------------------------------------------------
    @classmethod
    def train(cls, data: Sequence[tuple[str, list[Morph], list[Hint], list[str]]],
              epochs: int = 12, seed: int = 13) -> "NerTagger":
        """Greedy averaged-perceptron training on (text, morphs, hints, gold labels)."""
        weights: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        totals: dict[tuple[str, str], float] = defaultdict(float)
        stamps: dict[tuple[str, str], int] = defaultdict(int)
        step = 0
        model = cls(weights)  # type: ignore[arg-type]
        order = list(range(len(data)))
        rng = random.Random(seed)
        static_cache = [token_features(t, m, h) for t, m, h, _ in data]
        for _ in range(epochs):
            rng.shuffle(order)
            for idx in order:
                _, morphs, _, gold = data[idx]
                prev, prev2 = "<s>", "<s>"
                for i, feats in enumerate(static_cache[idx]):
                    if morphs[i][1] in SKIP_TAGS:
                        prev2, prev = prev, "O"
                        continue
                    step += 1
                    full = feats + cls._dynamic(prev, prev2, morphs[i])
                    guess = _best(model._scores(full), prev)
                    truth = gold[i]
                    if guess != truth:
                        for f in full:
                            for label, delta in ((truth, 1.0), (guess, -1.0)):
                                key = (f, label)
                                totals[key] += (step - stamps[key]) * weights[f][label]
                                stamps[key] = step
                                weights[f][label] += delta
                    prev2, prev = prev, guess
        averaged: dict[str, dict[str, float]] = {}
        for (f, label), total in list(totals.items()):
            total += (step - stamps[(f, label)]) * weights[f][label]
            value = round(total / step, 3)
            if value:
                averaged.setdefault(f, {})[label] = value
        return cls(averaged)

    # -- persistence ---------------------------------------------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": "briefing-ner-perceptron/1", "labels": LABELS, "weights": self.weights}
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "NerTagger":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            payload = json.load(fh)
        return cls(payload["weights"])


def _best(scores: dict[str, float], prev: str) -> str:
    """Highest-scoring label that keeps the B/I sequence valid (ties go to O)."""
    best, best_score = "O", scores.get("O", 0.0)
    for label in LABELS[1:]:
        if label.startswith("I-") and prev[2:] != label[2:]:
            continue
        value = scores.get(label, 0.0)
        if value > best_score:
            best, best_score = label, value
    return best


def _best_index(scores: list[float], prev: str) -> int:
    """:func:`_best` over a score vector indexed like :data:`LABELS`."""
    best, best_score = 0, scores[0]
    prev_type = prev[2:]
    for i in range(1, len(LABELS)):
        if scores[i] > best_score and (LABELS[i][0] == "B" or LABELS[i][2:] == prev_type):
            best, best_score = i, scores[i]
    return best


def labels_to_spans(morphs: Sequence[Morph], labels: Sequence[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    cur: list | None = None
    for morph, label in zip(morphs, labels):
        if label.startswith("I-") and cur is not None and cur[2] == label[2:]:
            cur[1] = morph[3]
            continue
        if cur is not None:
            spans.append(tuple(cur))  # type: ignore[arg-type]
            cur = None
        if label != "O":
            cur = [morph[2], morph[3], label[2:]]
    if cur is not None:
        spans.append(tuple(cur))  # type: ignore[arg-type]
    return spans


def spans_to_labels(morphs: Sequence[Morph], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Gold char spans to morpheme labels (a morpheme starting inside a span belongs to it)."""
    labels = ["O"] * len(morphs)
    for a, b, t in spans:
        if t not in TYPES:
            continue
        first = True
        for i, (_, _, s, _) in enumerate(morphs):
            if a <= s < b:
                labels[i] = ("B-" if first else "I-") + t
                first = False
    return labels


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


def _main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    ap = argparse.ArgumentParser(prog="python -m search.ner_model")
    sub = ap.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", help="train on KLUE-NER files (tuning part: sentence index % 5 != 4)")
    tr.add_argument("files", nargs="+", type=Path)
    tr.add_argument("--epochs", type=int, default=12)
    tr.add_argument("--all", action="store_true", help="use every sentence (no held-out part)")
    tr.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)

    from .config import load_config
    from .entities import model_inputs
    from .gazetteer import Gazetteer

    sys_path_bench = Path(__file__).resolve().parents[1]
    import sys

    sys.path.insert(0, str(sys_path_bench))
    from bench.eval_entities import klue_split

    gaz = Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)
    sentences = []
    for path in args.files:
        sents = read_klue(path)
        sentences += sents if args.all else klue_split(sents, "tune")
    t0 = time.perf_counter()
    inputs = model_inputs([s for s, _ in sentences], gaz)
    data = []
    for (text, gold), (morphs, hints) in zip(sentences, inputs):
        data.append((text, morphs, hints, spans_to_labels(morphs, gold)))
    print(f"features for {len(data)} sentences in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    tagger = NerTagger.train(data, epochs=args.epochs)
    print(f"trained in {time.perf_counter() - t0:.1f} s; {len(tagger.weights)} features")
    tagger.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())


# --- KLUE-NER files -----------------------------------------------------------------------------
def read_klue(path: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Sentences of a KLUE-NER char-per-line file: (text, {(start, end, TYPE)})."""
    sentences = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if chars:
            spans, start, cur = set(), None, None
            for i, tag in enumerate(tags + ["O"]):
                if start is not None and not tag.startswith("I-"):
                    spans.add((start, i, cur))
                    start = None
                if tag.startswith("B-"):
                    start, cur = i, tag[2:]
            sentences.append(("".join(chars), spans))
        chars.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8").split("\n"):
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
