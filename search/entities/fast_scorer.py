"""The tagger's fast scorer: the reference scores, bit for bit, from numpy lookups."""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from briefing.search.entities.lexicon import NeLexicon
from briefing.search.entities.tagger_features import (
    LABELS,
    SKIP_TAGS,
    Hint,
    form_shape,
    hint_labels,
    stem_features,
)
from briefing.search.entities.tokens import Token
from briefing.search.entities.viterbi import Transitions, line_start_indices, viterbi

if TYPE_CHECKING:  # numpy is imported when the fast scorer is first built
    import numpy as np

_PAD_BEFORE = ("<s>", "BOS")
_PAD_AFTER = ("</s>", "EOS")
_EP_NAMES = ("only", "first", "last", "mid")
_SECOND, _THIRD, _FOURTH = operator.itemgetter(1), operator.itemgetter(2), operator.itemgetter(3)
# str.isspace() is false above U+3000 (IDEOGRAPHIC SPACE); tests/test_entities_speed_equivalence.py checks
MAX_SPACE = 0x3000


@dataclass
class _Surroundings:
    """Per scored morpheme (arrays aligned with ``scored``): its id ``k``, the ids of the
    morphemes two and one before (``p2``, ``p1``) and after (``n1``, ``n2``), the hint ids
    before / on / after it, its word's first and last morpheme indices, the last morpheme of the
    word before and the first of the word after, spaces before / after (0/1); and the indices of
    the morphemes that begin a line."""

    scored: np.ndarray
    k: np.ndarray
    p2: np.ndarray
    p1: np.ndarray
    n1: np.ndarray
    n2: np.ndarray
    before_hint: np.ndarray
    hint: np.ndarray
    after_hint: np.ndarray
    first: np.ndarray
    last: np.ndarray
    next_word: np.ndarray
    prev_word: np.ndarray
    sb: np.ndarray
    sa: np.ndarray
    line_starts: list[int]


def _word_bounds(np, space_before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per morpheme, the index of the first and of the last morpheme of its word."""
    n = len(space_before)
    new_word = space_before.copy()
    new_word[0] = True
    idx = np.arange(n)
    e_first = np.maximum.accumulate(np.where(new_word, idx, 0))
    word_starts = np.flatnonzero(new_word)
    e_last = np.append(word_starts[1:], n)[np.cumsum(new_word) - 1] - 1
    return e_first, e_last


class FastScorer:
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
        space = np.zeros(MAX_SPACE + 2, dtype=bool)
        space[[c for c in range(MAX_SPACE + 1) if chr(c).isspace()]] = True
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
            "s1=" + form[-1:], "s2=" + form[-2:], "len=" + str(min(len(form), 6)), "sh=" + form_shape(form))]
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
    def predict(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint],
                active: Sequence[bool] | None) -> tuple[list[str], list[float]]:
        with self.lock:  # the vocabularies grow as texts come in
            return self._predict(text, morphs, hints, active)

    def _predict(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint],
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
        karr = np.array(ks, dtype=np.intp)
        keep = ~self.per_morph["skip"][karr]
        if active is not None:
            keep &= np.array(active, dtype=bool)
        scored = np.flatnonzero(keep)
        if len(scored) == 0:
            return labels, margins
        at = self._surroundings(text, morphs, hints, karr, scored)
        static = self.lex_sum[at.k]  # fancy indexing copies
        for ids in self._columns(text, morphs, at):
            static += self.matrix[ids]  # elementwise, the same order as a left-to-right sum
        rows: list[list[float] | None] = [None] * n
        for i, row in zip(scored.tolist(), static.tolist()):
            rows[i] = row
        return viterbi(rows, list(map(_SECOND, morphs)), self.transitions, at.line_starts)

    def _surroundings(self, text: str, morphs: Sequence[Token], hints: Sequence[Hint], karr: np.ndarray,
                      scored: np.ndarray) -> _Surroundings:
        """What the features of the scored morphemes look at: neighbours, spacing, words, hints."""
        np = self.np
        n = len(morphs)
        # morpheme ids with two pads on each side: padded[i + 2] is morpheme i
        padded = np.concatenate(([self.pad_before] * 2, karr, [self.pad_after] * 2))
        starts_list = list(map(_THIRD, morphs))
        space_before, space_after = self._spacing(text, morphs, starts_list)
        e_first, e_last = _word_bounds(np, space_before)
        # hints, as token_features places them
        hint_ids = np.zeros(n + 2, dtype=np.intp)  # hint_ids[i + 1] is morpheme i's; "-" is 0
        hint_ids[0], hint_ids[n + 1] = self.hint_id["<s>"], self.hint_id["</s>"]
        for i, hint in hint_labels(morphs, hints, starts_list):
            hint_ids[i + 1] = self._hint(hint)
        first, last = e_first[scored], e_last[scored]
        at = _Surroundings(
            scored=scored, k=karr[scored], p2=padded[scored], p1=padded[scored + 1], n1=padded[scored + 3],
            n2=padded[scored + 4], before_hint=hint_ids[scored], hint=hint_ids[scored + 1],
            after_hint=hint_ids[scored + 2], first=first, last=last, next_word=padded[last + 3],
            prev_word=padded[first + 1], sb=space_before[scored].astype(np.intp),
            sa=space_after[scored].astype(np.intp), line_starts=line_start_indices(text, starts_list))
        if at.line_starts:  # each line is a sentence of its own: no neighbour across a line break
            self._cut_at_lines(at, n)
        return at

    def _spacing(self, text: str, morphs: Sequence[Token], starts_list: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Whether whitespace (or the text's edge) comes before / after each morpheme."""
        np = self.np
        starts = np.array(starts_list, dtype=np.intp)
        ends = np.fromiter(map(_FOURTH, morphs), dtype=np.intp, count=len(morphs))
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        space = np.append(self.space[np.minimum(codes, MAX_SPACE + 1)], True)  # one past the end
        space_before = (starts == 0) | ((starts > 0) & space[np.maximum(starts - 1, 0)])
        space_after = (ends >= len(text)) | space[np.minimum(ends, len(text))]
        return space_before, space_after

    def _cut_at_lines(self, at: _Surroundings, n: int) -> None:
        """Neighbours, hints and words on another line than a morpheme become pads."""
        np = self.np
        marks = np.zeros(n, dtype=np.intp)
        marks[at.line_starts] = 1
        line_of = np.cumsum(marks)
        lp = np.concatenate(([-1, -1], line_of, [-2, -2]))  # lp[i + 2]: morpheme i's line
        scored = at.scored
        here = line_of[scored]
        before, after = self.pad_before, self.pad_after
        at.p2 = np.where(lp[scored] == here, at.p2, before)
        at.p1 = np.where(lp[scored + 1] == here, at.p1, before)
        at.n1 = np.where(lp[scored + 3] == here, at.n1, after)
        at.n2 = np.where(lp[scored + 4] == here, at.n2, after)
        at.before_hint = np.where(lp[scored + 1] == here, at.before_hint, self.hint_id["<s>"])
        at.after_hint = np.where(lp[scored + 3] == here, at.after_hint, self.hint_id["</s>"])
        at.next_word = np.where(lp[at.last + 3] == here, at.next_word, after)
        at.prev_word = np.where(lp[at.first + 1] == here, at.prev_word, before)

    def _columns(self, text: str, morphs: Sequence[Token], at: _Surroundings) -> tuple[np.ndarray, ...]:
        """The feature ids of the scored morphemes, one array per feature template, in the order
        of :func:`token_features` (after the ten of the morpheme alone)."""
        np = self.np
        col, tb = self.per_morph, self.tables
        k, p1, p2, n1, n2, sb, sa, h = at.k, at.p1, at.p2, at.n1, at.n2, at.sb, at.sa, at.hint
        tag_of = col["tag"]
        t0, tp1, tn1 = tag_of[k], tag_of[p1], tag_of[n1]
        size, pos = at.last - at.first + 1, at.scored - at.first
        ep = np.where(size == 1, 0, np.where(pos == 0, 1, np.where(pos == size - 1, 2, 3)))
        form = col["form"]
        pair_next = self._pair("+1w|+2w", form[n1] << 32 | form[n2])
        pair_prev = self._pair("-1w|w", form[p1] << 32 | form[k])
        rest_ids, rest_tag_ids = self._rest_ids(morphs, at, tb["rest|t=-"][t0])
        scored_list = at.scored.tolist()
        stems = stem_features(text, morphs, self.lexicon, scored_list)
        stem_ids = [self.fid.get("lxw=" + stems[i], 0) for i in scored_list]
        return (
            self.sb_id[sb], self.sa_id[sa], col["-1w"][p1], col["-1t"][p1], col["+1w"][n1],
            col["+1t"][n1], col["-2t"][p2], col["+2t"][n2], tb["-1t|t"][tp1, t0], tb["t|+1t"][t0, tn1],
            pair_next, pair_prev, tb["sb|t"][sb, t0], tb["sa|+1t"][sa, tn1], tb["h"][h], tb["h|t"][h, t0],
            tb["-1h"][at.before_hint], tb["+1h"][at.after_hint], self.ep_id[ep],
            rest_ids, rest_tag_ids,
            col["ne"][at.next_word], col["pe"][at.prev_word], col["pet"][at.prev_word],
            col["lx"][k], col["lxt"][k], np.array(stem_ids, dtype=np.intp),
        )

    def _rest_ids(self, morphs: Sequence[Token], at: _Surroundings,
                  rest_tag_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids of the rest of the word's tags ("-" at a word's end), alone and with the
        morpheme's tag: strings built inside words only."""
        scored, last = at.scored, at.last
        rest_ids = self.np.full(len(scored), self.fid.get("rest=-", 0), dtype=self.np.intp)
        inside = self.np.flatnonzero(last > scored)
        if len(inside):
            get = self.fid.get
            tags = list(map(_SECOND, morphs))
            for r, i, j in zip(inside.tolist(), scored[inside].tolist(), last[inside].tolist()):
                rest = "|".join(tags[i + 1:j + 1]) or "-"
                rest_ids[r] = get("rest=" + rest, 0)
                rest_tag_ids[r] = get("rest|t=" + rest + "|" + tags[i], 0)
        return rest_ids, rest_tag_ids

    def _weight_row(self, feature: str) -> list[float]:
        if self._rows is None:
            self._rows = self.matrix.tolist()
        return self._rows[self.fid.get(feature, 0)]
