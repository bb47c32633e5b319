"""Train the entity tagger of :mod:`briefing.search.entities.tagger` (structured perceptron, Viterbi decoding).

    python -m training.ner_train /work/shared/eval/klue-ner/wikitree-dev-a.tsv

trains on the tuning part of each KLUE-NER file (see :mod:`training.klue` for the fixed split;
``--all`` uses every sentence, ``--part train`` only the cross-validation training fold) and
writes ``search/entities/models_data/ner_perceptron.json.gz`` (or ``--out``). The features are those the
extractor gives the tagger at run time: Kiwi morphemes, the gazetteer/rule hints of
:func:`briefing.search.entities.mentions.model_inputs`, and the shipped konec lexicon.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon
from briefing.search.entities.tagger import MODEL_PATH, NerTagger
from briefing.search.entities.tagger_features import LABELS, SKIP_TAGS, TYPES, Hint, token_features
from briefing.search.entities.tokens import Token
from briefing.search.entities.viterbi import Transitions, viterbi
from training.klue import klue_split, read_klue

Example = tuple[str, list[Token], list[Hint], list[str]]


def spans_to_labels(morphs: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Gold char spans to morpheme labels (a morpheme starting inside a span belongs to it);
    morphemes the tagger never labels (:data:`SKIP_TAGS`) are O, and a span cut by one goes on
    with a B- label."""
    labels = ["O"] * len(morphs)
    for a, b, t in spans:
        if t not in TYPES:
            continue
        first = True
        for i, (_, _, s, _) in enumerate(morphs):
            if a <= s < b:
                labels[i] = ("B-" if first else "I-") + t
                first = False
    prev = "O"
    for i, morph in enumerate(morphs):
        if morph[1] in SKIP_TAGS:
            labels[i] = "O"
        elif labels[i].startswith("I-") and prev[2:] != labels[i][2:]:
            labels[i] = "B-" + labels[i][2:]
        prev = labels[i]
    return labels


class _Averaged:
    """Perceptron weights as feature -> per-label list, with lazily updated running totals."""

    def __init__(self) -> None:
        self.w: dict[str, list[float]] = {}
        self.total: dict[str, list[float]] = {}
        self.stamp: dict[str, list[int]] = {}
        self.step = 0
        self.zero = [0.0] * len(LABELS)

    def update(self, f: str, y: int, delta: float) -> None:
        w = self.w.get(f)
        if w is None:
            w = self.w[f] = [0.0] * len(LABELS)
            self.total[f] = [0.0] * len(LABELS)
            self.stamp[f] = [0] * len(LABELS)
        self.total[f][y] += (self.step - self.stamp[f][y]) * w[y]
        self.stamp[f][y] = self.step
        w[y] += delta

    def scores(self, feats: Sequence[str]) -> list[float]:
        out = [0.0] * len(LABELS)
        for f in feats:
            row = self.w.get(f)
            if row is not None:
                out = [a + b for a, b in zip(out, row)]
        return out

    def transitions(self) -> Transitions:
        """The current transition weights (a fresh memo: the weights change after updates)."""
        return Transitions(lambda f: self.w.get(f, self.zero))

    def averaged(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for f, w in self.w.items():
            for y, value in enumerate(w):
                total = self.total[f][y] + (self.step - self.stamp[f][y]) * value
                mean = round(total / max(1, self.step), 3)
                if mean:
                    out.setdefault(f, {})[LABELS[y]] = mean
        return out


def train(data: Sequence[Example], epochs: int = 10, seed: int = 13,
          lexicon: NeLexicon | None = None) -> NerTagger:
    """Averaged structured perceptron: decode each sentence with Viterbi, move the weights
    towards the gold sequence where the decoded one differs."""
    lexicon = lexicon if lexicon is not None else shipped_lexicon()
    index = {label: i for i, label in enumerate(LABELS)}
    static = [token_features(text, morphs, hints, None, lexicon) for text, morphs, hints, _ in data]
    model = _Averaged()
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for idx in order:
            _, morphs, _, gold = data[idx]
            model.step += 1
            tags = [m[1] for m in morphs]
            rows = [None if tag in SKIP_TAGS else model.scores(f) for tag, f in zip(tags, static[idx])]
            guess, _ = viterbi(rows, tags, model.transitions())
            if guess == gold:
                continue
            gold_prev = guess_prev = "<s>"
            for i, feats in enumerate(static[idx]):
                if rows[i] is None:
                    gold_prev = guess_prev = "O"
                    continue
                g, p = gold[i], guess[i]
                if g != p:
                    for f in feats:
                        model.update(f, index[g], 1.0)
                        model.update(f, index[p], -1.0)
                if g != p or gold_prev != guess_prev:
                    for f in ("pl=" + gold_prev, "pl|t=" + gold_prev + "|" + tags[i]):
                        model.update(f, index[g], 1.0)
                    for f in ("pl=" + guess_prev, "pl|t=" + guess_prev + "|" + tags[i]):
                        model.update(f, index[p], -1.0)
                gold_prev, guess_prev = g, p
    return NerTagger(model.averaged(), lexicon)


def examples(sentences: Sequence[tuple[str, set[tuple[int, int, str]]]], gazetteer) -> list[Example]:
    """(text, morphemes, hints, gold labels) of KLUE sentences, as the extractor feeds the tagger."""
    from briefing.search.entities.mentions import model_inputs

    inputs = model_inputs([s for s, _ in sentences], gazetteer)
    return [(text, morphs, hints, spans_to_labels(morphs, gold))
            for (text, gold), (morphs, hints) in zip(sentences, inputs)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.ner_train", description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="KLUE-NER char-per-line files")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--part", choices=("tune", "train", "all"), default="tune",
                    help="tune: every sentence but the held-out ones (default); train: the "
                         "cross-validation training fold of the tuning part; all: everything")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)

    from briefing.search.config import load_config
    from briefing.search.entities.gazetteer import Gazetteer

    gaz = Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)
    sentences = []
    for path in args.files:
        sentences += klue_split(read_klue(path), args.part)
    t0 = time.perf_counter()
    data = examples(sentences, gaz)
    print(f"features for {len(data)} sentences in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    tagger = train(data, epochs=args.epochs)
    print(f"trained in {time.perf_counter() - t0:.1f} s; {len(tagger.weights)} features")
    tagger.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
