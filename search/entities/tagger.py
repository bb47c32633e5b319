"""A small learned named-entity tagger over Kiwi morphemes (structured perceptron, Viterbi).

It labels morphemes B-/I-/O for PS (person), LC (place) and OG (organisation), using the
morpheme, its tag, its neighbours, spacing, the gazetteer/rule hints of :mod:`briefing.search.entities.mentions`
and the konec lexicon groups of the morpheme and of its word (:mod:`briefing.search.entities.lexicon`) as
features, and decodes a whole sentence at once: Viterbi over the static scores plus
label-transition weights (first order), so a later morpheme can change an earlier label.
Tagging adds up a text's feature weights with numpy (installed with kiwipiepy), bit for bit
as the pure-Python :meth:`NerTagger.predict_reference` does. The weights ship gzipped in
``search/models_data/`` (trained on part of KLUE-NER, CC BY-SA 4.0: see the licence file
there). Nothing is downloaded at run time. Training lives outside the package:

    python -m training.ner_train /work/shared/eval/klue-ner/wikitree-dev-a.tsv
"""

from __future__ import annotations

import bisect
import gzip
import json
import operator
import threading
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon

if TYPE_CHECKING:  # numpy is imported when the fast scorer is first built
    import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "models_data" / "ner_perceptron.json.gz"
TYPES = ("PS", "LC", "OG")
# Morphemes with these tags are never inside a name in practice: labelled O without scoring
# (the same in training and tagging), which halves the work.
SKIP_TAGS = frozenset({
    "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC", "EP", "EF", "EC", "ETN", "ETM",
    "VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA", "MAG", "MAJ", "SF", "SP", "SE", "SSO", "SSC",
})
LABELS = ("O",) + tuple(f"{p}-{t}" for t in TYPES for p in ("B", "I"))
PREVIOUS = ("<s>",) + LABELS  # what the label before a morpheme can be
# a word's leading run of these tags is its stem, looked up whole in the lexicon
STEM_TAGS = frozenset({"NNP", "NNG", "SL", "SH", "SN", "XPN", "XSN", "NR"})

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


def stem_features(text: str, morphs: Sequence[Morph], lexicon: NeLexicon,
                  wanted: Sequence[int] | None = None) -> list[str]:
    """Per morpheme, the lexicon feature of its word's stem (the leading run of noun-like
    morphemes of the space-separated word) with B/I for its place in it; ``-`` outside stems.
    With ``wanted`` (sorted morpheme indices), only the stems holding those are looked up."""
    n = len(morphs)
    out = ["-"] * n
    if wanted is not None:
        for i in wanted:
            if out[i] != "-" or morphs[i][1] not in STEM_TAGS:
                continue
            j = i  # back to the stem's first morpheme: a word start, through stem morphemes
            while j > 0 and morphs[j][2] > 0 and not text[morphs[j][2] - 1].isspace() and \
                    morphs[j - 1][1] in STEM_TAGS and morphs[j - 1][3] == morphs[j][2]:
                j -= 1
            start = morphs[j][2]
            if start > 0 and not text[start - 1].isspace() and j > 0:
                continue  # the run does not start the word: no stem
            _stem_at(text, morphs, lexicon, j, out)
        return out
    i = 0
    while i < n:
        start = morphs[i][2]
        if not (i == 0 or start == 0 or text[start - 1].isspace()) or morphs[i][1] not in STEM_TAGS:
            i += 1
            continue
        i = _stem_at(text, morphs, lexicon, i, out) + 1
    return out


def _stem_at(text: str, morphs: Sequence[Morph], lexicon: NeLexicon, i: int, out: list[str]) -> int:
    """Label the stem starting at morpheme ``i`` in ``out``; returns its last index."""
    j = i
    n = len(morphs)
    while j + 1 < n and morphs[j + 1][1] in STEM_TAGS and morphs[j + 1][2] == morphs[j][3]:
        j += 1
    value = lexicon.feature(text[morphs[i][2]:morphs[j][3]])
    out[i] = value + "B"
    for k in range(i + 1, j + 1):
        out[k] = value + "I"
    return j


def token_features(text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                   active: Sequence[bool] | None = None,
                   lexicon: NeLexicon | None = None) -> list[list[str]]:
    """The static features of every morpheme (without the previous-label features); morphemes
    whose ``active`` flag is false get none."""
    lexicon = lexicon if lexicon is not None else shipped_lexicon()
    stems = stem_features(text, morphs, lexicon)
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
        lex = lexicon.feature(form)
        f += ["lx=" + lex, "lxt=" + lex + "|" + tag, "lxw=" + stems[i]]
        feats.append(f)
    return feats


class NerTagger:
    """Structured-perceptron morpheme tagger; ``weights[feature][label] -> float``."""

    def __init__(self, weights: dict[str, dict[str, float]] | None = None,
                 lexicon: NeLexicon | None = None):
        self.weights: dict[str, dict[str, float]] = weights if weights is not None else {}
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
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
    def predict(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """Labels (the best sequence) and, per morpheme, how far its label's score is above O's
        (given the previous label); morphemes whose ``active`` flag is false, or with a
        :data:`SKIP_TAGS` tag, are labelled O without scoring.

        Same labels and margins, bit for bit, as :meth:`predict_reference`, about ten times
        faster (see :class:`_FastScorer`)."""
        if self._fast is None or self._fast.weights is not self.weights:
            self._fast = _FastScorer(self.weights, self.lexicon)
        return self._fast.predict(text, morphs, hints, active)

    def predict_reference(self, text: str, morphs: Sequence[Morph], hints: Sequence[Hint],
                          active: Sequence[bool] | None = None) -> tuple[list[str], list[float]]:
        """:meth:`predict` spelled out over the feature strings of :func:`token_features`, line
        by line (each line of ``text`` is a sentence of its own)."""
        starts = [m[2] for m in morphs]
        line_starts = _line_starts(text, starts)
        rows: list[list[float] | None] = []
        bounds = [0, *line_starts, len(morphs)]
        for lo, hi in pairwise(bounds):
            offset = text.rfind("\n", 0, morphs[lo][2]) + 1 if lo < len(morphs) else 0
            end = text.find("\n", offset)
            line = text[offset:] if end < 0 else text[offset:end]
            shifted = [(m[0], m[1], m[2] - offset, m[3] - offset) for m in morphs[lo:hi]]
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


FORMAT = "briefing-ner-perceptron/2"  # /2: first-order transitions, Viterbi, lexicon features
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


def _line_starts(text: str, starts: Sequence[int]) -> list[int]:
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


# --- fast inference ---------------------------------------------------------------------------
_PAD_BEFORE = ("<s>", "BOS")
_PAD_AFTER = ("</s>", "EOS")
_EP_NAMES = ("only", "first", "last", "mid")
_SECOND, _THIRD, _FOURTH = operator.itemgetter(1), operator.itemgetter(2), operator.itemgetter(3)
# str.isspace() is false above U+3000 (IDEOGRAPHIC SPACE); tests/test_entities_speed_equivalence.py checks
_MAX_SPACE = 0x3000


class _FastScorer:
    """:meth:`NerTagger.predict_reference` with the same floating-point sums in the same order.

    A morpheme's score for a label is a left-to-right sum over its features: 37 static ones,
    then two about the previous label. Here every feature string has a row in a dense weight
    matrix (an absent label adds 0.0, which changes no sum). Morphemes are interned as
    (form, tag) ids whose per-template feature ids are computed once, so a text's feature ids
    come from numpy lookups instead of string building; the static sums of all scored
    morphemes are added column by column with numpy (elementwise, in the same order); the
    shared :func:`viterbi` then decodes them with the transition rows.
    """

    def __init__(self, weights: dict[str, dict[str, float]], lexicon: NeLexicon):
        import numpy as np

        self.np = np
        self.weights = weights
        self.lexicon = lexicon
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
        self.transitions = Transitions(self._weight_row)
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
    _MORPH_COLUMNS = ("-1w", "+1w", "ne", "pe", "-1t", "+1t", "-2t", "+2t", "pet", "tag", "skip", "form",
                      "lx", "lxt")

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
        lex = self.lexicon.feature(form)
        col["lx"][k] = fid("lx=" + lex, 0)
        col["lxt"][k] = fid("lxt=" + lex + "|" + tag, 0)
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
                  "sa|+1t": (2, n_tags), "rest|t=-": (n_tags,), "h": (n_hints,), "-1h": (n_hints,),
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
        if t >= self.tables["rest|t=-"].shape[0]:
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
            self._grow_small(self.tables["rest|t=-"].shape[0], 2 * h)
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
        before_hint, after_hint = hint_ids[scored], hint_ids[scored + 2]
        first, last = e_first[scored], e_last[scored]
        next_word, prev_word = padded[last + 3], padded[first + 1]
        line_starts = _line_starts(text, starts_list)
        if line_starts:  # each line is a sentence of its own: no neighbour across a line break
            marks = np.zeros(n, dtype=np.intp)
            marks[line_starts] = 1
            line_of = np.cumsum(marks)
            lp = np.concatenate(([-1, -1], line_of, [-2, -2]))  # lp[i + 2]: morpheme i's line
            here = line_of[scored]
            before, after = self.pad_before, self.pad_after
            p2 = np.where(lp[scored] == here, p2, before)
            p1 = np.where(lp[scored + 1] == here, p1, before)
            n1 = np.where(lp[scored + 3] == here, n1, after)
            n2 = np.where(lp[scored + 4] == here, n2, after)
            before_hint = np.where(lp[scored + 1] == here, before_hint, self.hint_id["<s>"])
            after_hint = np.where(lp[scored + 3] == here, after_hint, self.hint_id["</s>"])
            next_word = np.where(lp[last + 3] == here, next_word, after)
            prev_word = np.where(lp[first + 1] == here, prev_word, before)
        tag_of = col["tag"]
        t0, tp1, tn1 = tag_of[k], tag_of[p1], tag_of[n1]
        sb = space_before[scored].astype(np.intp)
        sa = space_after[scored].astype(np.intp)
        h = hint_ids[scored + 1]
        size, pos = last - first + 1, scored - first
        ep = np.where(size == 1, 0, np.where(pos == 0, 1, np.where(pos == size - 1, 2, 3)))
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
        scored_list = scored.tolist()
        stems = stem_features(text, morphs, self.lexicon, scored_list)
        stem_ids = [self.fid.get("lxw=" + stems[i], 0) for i in scored_list]
        columns = (
            self.sb_id[sb], self.sa_id[sa], col["-1w"][p1], col["-1t"][p1], col["+1w"][n1],
            col["+1t"][n1], col["-2t"][p2], col["+2t"][n2], tb["-1t|t"][tp1, t0], tb["t|+1t"][t0, tn1],
            pair_next, pair_prev, tb["sb|t"][sb, t0], tb["sa|+1t"][sa, tn1], tb["h"][h], tb["h|t"][h, t0],
            tb["-1h"][before_hint], tb["+1h"][after_hint], self.ep_id[ep],
            rest_ids, rest_tag_ids,
            col["ne"][next_word], col["pe"][prev_word], col["pet"][prev_word],
            col["lx"][k], col["lxt"][k], np.array(stem_ids, dtype=np.intp),
        )
        static = self.lex_sum[k]  # fancy indexing copies
        for ids in columns:
            static += matrix[ids]  # elementwise, the same order as a left-to-right sum
        rows: list[list[float] | None] = [None] * n
        for i, row in zip(scored.tolist(), static.tolist()):
            rows[i] = row
        return viterbi(rows, list(map(_SECOND, morphs)), self.transitions, line_starts)

    def _weight_row(self, feature: str) -> list[float]:
        if self._rows is None:
            self._rows = self.matrix.tolist()
        return self._rows[self.fid.get(feature, 0)]


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
