"""The entity tagger's features: what it sees of each Kiwi morpheme.

A morpheme's static features are its form, tag, shape, neighbours, spacing, its place in its
space-separated word, the gazetteer/rule hints covering it (see
:mod:`briefing.search.entities.finder`) and the konec lexicon groups of the morpheme and of
its word's stem (:mod:`briefing.search.entities.lexicon`). Training and the reference scorer
read them as strings; the fast scorer computes the same ids with numpy.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Sequence

from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon
from briefing.search.entities.tokens import Token

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

# A hint: (start, end, label) from the gazetteer or the rules, e.g. "gaz:company".
Hint = tuple[int, int, str]


def form_shape(form: str) -> str:
    kinds: list[str] = []
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


def hint_labels(morphs: Sequence[Token], hints: Sequence[Hint], starts: Sequence[int]):
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


def stem_features(text: str, morphs: Sequence[Token], lexicon: NeLexicon,
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


def _stem_at(text: str, morphs: Sequence[Token], lexicon: NeLexicon, i: int, out: list[str]) -> int:
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


def token_features(text: str, morphs: Sequence[Token], hints: Sequence[Hint],
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
    feats: list[list[str]] = []
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
            "len=" + str(min(len(form), 6)), "sh=" + form_shape(form),
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
