"""A small learned named-entity tagger over Kiwi morphemes (greedy averaged perceptron).

It labels morphemes B-/I-/O for PS (person), LC (place) and OG (organisation), using the
morpheme, its tag, its neighbours, spacing and the gazetteer/rule hints of
:mod:`search.entities` as features. Training is pure Python; tagging adds up a text's feature
weights with numpy (installed with kiwipiepy), bit for bit as the pure-Python
:meth:`NerTagger.predict_reference` does. The weights ship gzipped in
``search/models_data/`` (trained on part of KLUE-NER, CC BY-SA 4.0: see the licence file
there). Nothing is downloaded at run time.

Train (reads the KLUE files given on the command line, writes the model file):

    python -m search.ner_model train /work/shared/eval/klue-ner/wikitree-dev-a.tsv
"""

from __future__ import annotations

import bisect
import gzip
import heapq
import json
import operator
import random
import threading
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # numpy is imported when the fast scorer is first built
    import numpy as np

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


def hint_labels(morphs: Sequence[Morph], hints: Sequence[Hint], starts: Sequence[int]):
    """(morpheme index, ``B:label``/``I:label``) for the morphemes inside each hint span;
    ``starts`` are the morphemes' start offsets."""
    n = len(morphs)
    for a, b, label in hints:
        first = True
        for i in range(bisect.bisect_left(starts, a), n):
            s, e = morphs[i][2], morphs[i][3]
            if s >= b:
                break
            if s >= a and e <= b:
                yield i, ("B:" if first else "I:") + label
                first = False


def token_features(text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                   active: Sequence[bool] | None = None) -> list[list[str]]:
    """The static features of every morpheme (without the previous-label features); morphemes
    whose ``active`` flag is false get none."""
    n = len(morphs)
    hint_at: list[str] = ["-"] * n
    for i, hint in hint_labels(morphs, hints, [m[2] for m in morphs]):
        hint_at[i] = hint
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
        self._fast: _FastScorer | None = None

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
        ``active`` flag is false are labelled O without scoring (a caller's speed-up).

        Same labels and margins, bit for bit, as :meth:`predict_reference`, about ten times
        faster (see :class:`_FastScorer`)."""
        if self._fast is None or self._fast.weights is not self.weights:
            self._fast = _FastScorer(self.weights)
        return self._fast.predict(text, morphs, hints, active)

    def predict_reference(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                          active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """:meth:`predict` spelled out over the feature strings of :func:`token_features`."""
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


# --- fast inference ---------------------------------------------------------------------------
_PAD_BEFORE = ("<s>", "BOS")
_PAD_AFTER = ("</s>", "EOS")
_B_COLUMNS = tuple(i for i, label in enumerate(LABELS) if label == "O" or label.startswith("B-"))
_EP_NAMES = ("only", "first", "last", "mid")
_SECOND, _THIRD, _FOURTH = operator.itemgetter(1), operator.itemgetter(2), operator.itemgetter(3)
# str.isspace() is false above U+3000 (IDEOGRAPHIC SPACE); tests/test_entities_speed_equivalence.py checks
_MAX_SPACE = 0x3000


class _FastScorer:
    """:meth:`NerTagger.predict_reference` with the same floating-point sums in the same order.

    A morpheme's score for a label is a left-to-right sum over its features: 34 static ones,
    then three about the previous labels. Here every feature string has a row in a dense weight
    matrix (an absent label adds 0.0, which changes no sum). Morphemes are interned as
    (form, tag) ids whose per-template feature ids are computed once, so a text's feature ids
    come from numpy lookups instead of string building; the static sums of all scored
    morphemes are added column by column with numpy (elementwise, in the same order); and the
    common case of two preceding O labels is decided for all morphemes at once. Morphemes
    after an entity label are finished one by one in Python.
    """

    def __init__(self, weights: dict[str, dict[str, float]]):
        import numpy as np

        self.np = np
        self.weights = weights
        self.lock = threading.Lock()
        index = {label: i for i, label in enumerate(LABELS)}
        self.fid: dict[str, int] = {f: i for i, f in enumerate(weights, start=1)}  # 0: no weights
        cells = [(i, index[label], value) for i, row in enumerate(weights.values(), start=1)
                 for label, value in row.items() if label in index]
        matrix = np.zeros((len(weights) + 1, len(LABELS)), dtype=np.float64)
        if cells:
            r, c, v = zip(*cells)
            matrix[list(r), list(c)] = v
        self.matrix = matrix
        self._rows: list[list[float]] | None = None  # matrix as Python floats, made on first use
        # form pairs ("-1w|w=", "+1w|+2w="): (form id << 32 | form id) -> feature id, under every
        # split at a "|" (forms may contain one; a pair of forms gives one string either way)
        self.form_id: dict[str, int] = {}
        pairs: dict[str, dict[int, int]] = {"-1w|w": {}, "+1w|+2w": {}}
        for f, i in self.fid.items():
            if f[:1] not in ("-", "+"):
                continue
            name, _, value = f.partition("=")
            if name in pairs:
                for j, ch in enumerate(value):
                    if ch == "|":
                        pairs[name][self._form(value[:j]) << 32 | self._form(value[j + 1:])] = i
        self.pair_keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, table in pairs.items():
            keys = np.array(sorted(table), dtype=np.int64)
            ids = np.array([table[key] for key in keys.tolist()], dtype=np.intp)
            self.pair_keys[name] = (np.append(keys, np.iinfo(np.int64).max), np.append(ids, 0))
        fid = self.fid.get
        self.ep_id = np.array([fid("ep=" + name, 0) for name in _EP_NAMES], dtype=np.intp)
        self.sb_id = np.array([fid("sb=False", 0), fid("sb=True", 0)], dtype=np.intp)
        self.sa_id = np.array([fid("sa=False", 0), fid("sa=True", 0)], dtype=np.intp)
        self.pl_o, self.pl2_oo = fid("pl=O", 0), fid("pl2=O|O", 0)
        space = np.zeros(_MAX_SPACE + 2, dtype=bool)
        space[[c for c in range(_MAX_SPACE + 1) if chr(c).isspace()]] = True
        self.space = space
        # interned morphemes: (form, tag) -> k, with per-k feature ids
        self.morph_id: dict[tuple[str, str], int] = {}
        self.forms: list[str] = []
        self.cap = 0
        self.per_morph: dict[str, np.ndarray] = {}
        self.lex_sum = np.zeros((0, len(LABELS)))
        # small vocabularies with 2-D tables: tags, hints
        self.tag_id: dict[str, int] = {}
        self.tags: list[str] = []
        self.hint_id: dict[str, int] = {}
        self.hints: list[str] = []
        self.tables: dict[str, np.ndarray] = {}
        self._grow_small(16, 16)
        for h in ("-", "<s>", "</s>"):
            self._hint(h)
        self.pad_before = self._morph(*_PAD_BEFORE)
        self.pad_after = self._morph(*_PAD_AFTER)

    # -- vocabularies ---------------------------------------------------------------------------
    _MORPH_COLUMNS = ("-1w", "+1w", "ne", "pe", "-1t", "+1t", "-2t", "+2t", "pet", "tag", "skip", "form")

    def _form(self, form: str) -> int:
        return self.form_id.setdefault(form, len(self.form_id))

    def _morph(self, form: str, tag: str) -> int:
        np = self.np
        k = len(self.forms)
        if k >= self.cap:
            cap = max(1024, 2 * self.cap)
            for name in self._MORPH_COLUMNS:
                old = self.per_morph.get(name)
                new = np.zeros(cap, dtype=bool if name == "skip" else np.int64 if name == "form" else np.intp)
                if old is not None:
                    new[: len(old)] = old
                self.per_morph[name] = new
            lex = np.zeros((cap, len(LABELS)))
            lex[: len(self.lex_sum)] = self.lex_sum
            self.lex_sum = lex
            self.cap = cap
        fid = self.fid.get
        col = self.per_morph
        for name in ("-1w", "+1w", "ne", "pe"):
            col[name][k] = fid(name + "=" + form, 0)
        for name in ("-1t", "+1t", "-2t", "+2t", "pet"):
            col[name][k] = fid(name + "=" + tag, 0)
        col["tag"][k] = self._tag(tag)
        col["skip"][k] = tag in SKIP_TAGS
        col["form"][k] = self._form(form)
        # the ten features of the morpheme alone, summed left to right (accumulate is sequential)
        ids = [fid(f, 0) for f in (
            "b", "w=" + form, "t=" + tag, "wt=" + form + "|" + tag, "p1=" + form[:1], "p2=" + form[:2],
            "s1=" + form[-1:], "s2=" + form[-2:], "len=" + str(min(len(form), 6)), "sh=" + _shape(form))]
        self.lex_sum[k] = np.add.accumulate(self.matrix[ids], axis=0)[-1]
        self.forms.append(form)
        self.morph_id[(form, tag)] = k
        return k

    def _grow_small(self, n_tags: int, n_hints: int) -> None:
        np = self.np
        shapes = {"-1t|t": (n_tags, n_tags), "t|+1t": (n_tags, n_tags), "sb|t": (2, n_tags),
                  "sa|+1t": (2, n_tags), "pl|t=O": (n_tags,), "rest|t=-": (n_tags,), "h": (n_hints,), "-1h": (n_hints,),
                  "+1h": (n_hints,), "h|t": (n_hints, n_tags)}
        for name, shape in shapes.items():
            new = np.zeros(shape, dtype=np.intp)
            old = self.tables.get(name)
            if old is not None:
                new[tuple(slice(0, s) for s in old.shape)] = old
            self.tables[name] = new

    def _tag(self, tag: str) -> int:
        t = self.tag_id.get(tag)
        if t is not None:
            return t
        t = len(self.tags)
        if t >= self.tables["pl|t=O"].shape[0]:
            self._grow_small(2 * t, self.tables["h"].shape[0])
        self.tags.append(tag)
        self.tag_id[tag] = t
        fid, tb = self.fid.get, self.tables
        for u, other in enumerate(self.tags):
            tb["-1t|t"][u, t] = fid("-1t|t=" + other + "|" + tag, 0)
            tb["-1t|t"][t, u] = fid("-1t|t=" + tag + "|" + other, 0)
            tb["t|+1t"][u, t] = fid("t|+1t=" + other + "|" + tag, 0)
            tb["t|+1t"][t, u] = fid("t|+1t=" + tag + "|" + other, 0)
        for flag in (False, True):
            tb["sb|t"][int(flag), t] = fid("sb|t=" + str(flag) + tag, 0)
            tb["sa|+1t"][int(flag), t] = fid("sa|+1t=" + str(flag) + tag, 0)
        tb["pl|t=O"][t] = fid("pl|t=O|" + tag, 0)
        tb["rest|t=-"][t] = fid("rest|t=-|" + tag, 0)
        for h, hint in enumerate(self.hints):
            tb["h|t"][h, t] = fid("h|t=" + hint + "|" + tag, 0)
        return t

    def _hint(self, hint: str) -> int:
        h = self.hint_id.get(hint)
        if h is not None:
            return h
        h = len(self.hints)
        if h >= self.tables["h"].shape[0]:
            self._grow_small(self.tables["pl|t=O"].shape[0], 2 * h)
        self.hints.append(hint)
        self.hint_id[hint] = h
        fid, tb = self.fid.get, self.tables
        for name in ("h", "-1h", "+1h"):
            tb[name][h] = fid(name + "=" + hint, 0)
        for t, tag in enumerate(self.tags):
            tb["h|t"][h, t] = fid("h|t=" + hint + "|" + tag, 0)
        return h

    def _pair(self, name: str, wanted: np.ndarray) -> np.ndarray:
        """Feature ids of form pairs (0 for pairs without weights)."""
        keys, ids = self.pair_keys[name]
        at = keys.searchsorted(wanted)
        return self.np.where(keys[at] == wanted, ids[at], 0)

    # -- one text ---------------------------------------------------------------------------------
    def predict(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                active: Sequence[bool] | None) -> tuple[list[str], list[float]]:
        with self.lock:  # the vocabularies grow as texts come in
            return self._predict(text, morphs, hints, active)

    def _predict(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                 active: Sequence[bool] | None) -> tuple[list[str], list[float]]:
        np = self.np
        n = len(morphs)
        labels = ["O"] * n
        margins = [0.0] * n
        if n == 0:
            return labels, margins
        morph_id = self.morph_id
        ks = [morph_id.get((m[0], m[1])) for m in morphs]
        if None in ks:
            ks = [k if k is not None else self._morph(m[0], m[1]) for k, m in zip(ks, morphs)]
        col, tb, matrix = self.per_morph, self.tables, self.matrix
        karr = np.array(ks, dtype=np.intp)
        keep = ~col["skip"][karr]
        if active is not None:
            keep &= np.array(active, dtype=bool)
        scored = np.flatnonzero(keep)
        if len(scored) == 0:
            return labels, margins
        # morpheme ids with two pads on each side: padded[i + 2] is morpheme i
        padded = np.concatenate(([self.pad_before] * 2, karr, [self.pad_after] * 2))
        starts_list = list(map(_THIRD, morphs))
        starts = np.array(starts_list, dtype=np.intp)
        ends = np.fromiter(map(_FOURTH, morphs), dtype=np.intp, count=n)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        space = np.append(self.space[np.minimum(codes, _MAX_SPACE + 1)], True)  # one past the end
        space_before = (starts == 0) | ((starts > 0) & space[np.maximum(starts - 1, 0)])
        space_after = (ends >= len(text)) | space[np.minimum(ends, len(text))]
        new_word = space_before.copy()
        new_word[0] = True
        idx = np.arange(n)
        e_first = np.maximum.accumulate(np.where(new_word, idx, 0))
        word_starts = np.flatnonzero(new_word)
        e_last = np.append(word_starts[1:], n)[np.cumsum(new_word) - 1] - 1
        # hints, as token_features places them
        hint_ids = np.zeros(n + 2, dtype=np.intp)  # hint_ids[i + 1] is morpheme i's; "-" is 0
        hint_ids[0], hint_ids[n + 1] = self.hint_id["<s>"], self.hint_id["</s>"]
        for i, hint in hint_labels(morphs, hints, starts_list):
            hint_ids[i + 1] = self._hint(hint)
        k = karr[scored]
        p2, p1, n1, n2 = padded[scored], padded[scored + 1], padded[scored + 3], padded[scored + 4]
        tag_of = col["tag"]
        t0, tp1, tn1 = tag_of[k], tag_of[p1], tag_of[n1]
        sb = space_before[scored].astype(np.intp)
        sa = space_after[scored].astype(np.intp)
        h = hint_ids[scored + 1]
        first, last = e_first[scored], e_last[scored]
        size, pos = last - first + 1, scored - first
        ep = np.where(size == 1, 0, np.where(pos == 0, 1, np.where(pos == size - 1, 2, 3)))
        next_word, prev_word = padded[last + 3], padded[first + 1]
        form = col["form"]
        pair_next = self._pair("+1w|+2w", form[n1] << 32 | form[n2])
        pair_prev = self._pair("-1w|w", form[p1] << 32 | form[k])
        # the rest of the word's tags ("-" at a word's end): strings inside words only
        rest_ids = np.full(len(scored), self.fid.get("rest=-", 0), dtype=np.intp)
        rest_tag_ids = tb["rest|t=-"][t0]
        inside = np.flatnonzero(last > scored)
        if len(inside):
            get = self.fid.get
            tags = list(map(_SECOND, morphs))
            for r, i, j in zip(inside.tolist(), scored[inside].tolist(), last[inside].tolist()):
                rest = "|".join(tags[i + 1:j + 1]) or "-"
                rest_ids[r] = get("rest=" + rest, 0)
                rest_tag_ids[r] = get("rest|t=" + rest + "|" + tags[i], 0)
        columns = (
            self.sb_id[sb], self.sa_id[sa], col["-1w"][p1], col["-1t"][p1], col["+1w"][n1],
            col["+1t"][n1], col["-2t"][p2], col["+2t"][n2], tb["-1t|t"][tp1, t0], tb["t|+1t"][t0, tn1],
            pair_next, pair_prev, tb["sb|t"][sb, t0], tb["sa|+1t"][sa, tn1], tb["h"][h], tb["h|t"][h, t0],
            tb["-1h"][hint_ids[scored]], tb["+1h"][hint_ids[scored + 2]], self.ep_id[ep],
            rest_ids, rest_tag_ids,
            col["ne"][next_word], col["pe"][prev_word], col["pet"][prev_word],
        )
        static = self.lex_sum[k]  # fancy indexing copies
        for ids in columns:
            static += matrix[ids]  # elementwise, the same order as a left-to-right sum
        # previous two labels O: the dynamic features are known, decide every morpheme at once
        after_o = static + matrix[self.pl_o]
        after_o += matrix[tb["pl|t=O"][t0]]
        after_o += matrix[self.pl2_oo]
        b_columns = np.array(_B_COLUMNS)
        best_o = b_columns[after_o[:, b_columns].argmax(axis=1)]  # first maximum: ties go to O
        margin_o = (after_o[np.arange(len(scored)), best_o] - after_o[:, 0]).tolist()
        # Only some morphemes need a look: those the O,O case labels as an entity, the first
        # two (after "<s>") and the two after any entity label (their state is not O,O). The
        # others are O with margin 0.0 (a score minus itself), the defaults.
        row_at = [-1] * n
        for r, i in enumerate(scored.tolist()):
            row_at[i] = r
        todo = [r for r in (row_at[0], row_at[1] if n > 1 else -1) if r >= 0]
        todo += np.flatnonzero(best_o).tolist()
        heapq.heapify(todo)
        best_o = best_o.tolist()
        scored_list = scored.tolist()
        static_rows = None
        fid_get = self.fid.get
        rows = self._rows
        last_done = -1
        while todo:
            r = heapq.heappop(todo)
            if r <= last_done:
                continue
            last_done = r
            i = scored_list[r]
            prev = labels[i - 1] if i >= 1 else "<s>"
            prev2 = labels[i - 2] if i >= 2 else "<s>"
            if prev == "O" and prev2 == "O":
                best, margin = best_o[r], margin_o[r]
            else:
                if static_rows is None:
                    static_rows = static.tolist()
                    if rows is None:
                        rows = self._rows = self.matrix.tolist()
                scores = static_rows[r]
                tag = morphs[i][1]
                for f in ("pl=" + prev, "pl|t=" + prev + "|" + tag, "pl2=" + prev2 + "|" + prev):
                    scores = [a + b for a, b in zip(scores, rows[fid_get(f, 0)])]
                best = _best_index(scores, prev)
                margin = scores[best] - scores[0]
            labels[i] = LABELS[best]
            margins[i] = margin
            if best:
                for j in (i + 1, i + 2):
                    if j < n and row_at[j] >= 0:
                        heapq.heappush(todo, row_at[j])
        return labels, margins


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
