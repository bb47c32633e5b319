"""Named-entity forms with their fine labels (konec lexicon, from the KLUE-NER train split).

The file ``models_data/konec_lexicon.tsv.gz`` (built by ``python -m training.lexicon``, CC BY-SA
4.0: see the licence there) lists every form konec labels in the train split, with its NIKL
150-class labels and counts: ``인도`` is a country 31 times, ``투수`` a sports position 11
times. The extractor uses it as evidence of a name's type (a country is a place, a ministry an
organisation, ``OGG_ECONOMY`` a company), to tell common nouns from names, and the tagger uses
its coarse groups as features.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parent / "models_data" / "konec_lexicon.tsv.gz"

# fine label prefix -> coarse group used as a tagger feature (longest prefix first)
_GROUPS = (
    ("PS_", "PS"), ("LCP_", "LCP"), ("LCG_", "LCG"), ("LC_", "LC"), ("OGG_ECONOMY", "OGE"),
    ("OGG_SPORTS", "OGS"), ("OGG_", "OG"), ("AF_BUILDING", "AFB"), ("AF", "AF"), ("CV_", "CV"),
    ("EV_", "EV"),
)
# groups that name a person, a place, a company, an organisation
_TYPE_OF_GROUP = {"PS": "person", "LCP": "place", "LCG": "place", "LC": "place", "AFB": "place",
                  "OGE": "company", "OGS": "org", "OG": "org"}
# labels of common nouns: occupations, positions, relations, kinds of buildings, ...
_COMMON_PREFIXES = ("CV_", "TM", "AM_", "PT_", "MT_", "FD_", "DT_", "TI_", "QT_")


def group_of(label: str) -> str:
    """The coarse group of a fine NIKL label (``LCP_COUNTRY`` -> ``LCP``); ``X`` for the rest."""
    for prefix, group in _GROUPS:
        if label.startswith(prefix):
            return group
    return "X"


class NeLexicon:
    """Forms -> ((fine label, count), ...), most frequent first."""

    def __init__(self, rows: dict[str, tuple[tuple[str, int], ...]]):
        self.rows = rows
        self._feature: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> NeLexicon:
        rows: dict[str, tuple[tuple[str, int], ...]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                form, _, labels = line.rstrip("\n").partition("\t")
                pairs = []
                for item in labels.split(","):
                    label, _, count = item.rpartition(":")
                    pairs.append((label, int(count)))
                rows[form] = tuple(pairs)
        return cls(rows)

    def feature(self, form: str) -> str:
        """The tagger feature value of a form: its main group and a count bucket (``LCP3``),
        ``+`` when another group has a third of the counts or more; ``-`` if unknown."""
        found = self._feature.get(form)
        if found is not None:
            return found
        rows = self.rows.get(form)
        if not rows:
            value = "-"
        else:
            by_group: dict[str, int] = {}
            for label, count in rows:
                group = group_of(label)
                by_group[group] = by_group.get(group, 0) + count
            ranked = sorted(by_group.items(), key=lambda gc: (-gc[1], gc[0]))
            group, count = ranked[0]
            total = sum(by_group.values())
            value = group + ("1" if count == 1 else "2" if count <= 5 else "3")
            if len(ranked) > 1 and ranked[1][1] * 3 >= total:
                value += "+"
        if len(self._feature) < 200_000:
            self._feature[form] = value
        return value

    def entity_type(self, form: str, min_count: int = 2, min_share: float = 0.6) -> str | None:
        """company | person | place | org when the form's labels say so clearly (at least
        ``min_count`` times and ``min_share`` of its counts), else None."""
        rows = self.rows.get(form)
        if not rows:
            return None
        by_type: dict[str, int] = {}
        total = 0
        for label, count in rows:
            total += count
            type_ = _TYPE_OF_GROUP.get(group_of(label))
            if type_:
                by_type[type_] = by_type.get(type_, 0) + count
        if not by_type:
            return None
        type_, count = max(by_type.items(), key=lambda tc: tc[1])
        return type_ if count >= min_count and count >= min_share * total else None

    def common_noun(self, form: str) -> bool:
        """Labelled only (or mostly) as a common noun: an occupation, position, relation, ..."""
        rows = self.rows.get(form)
        if not rows:
            return False
        common = sum(c for label, c in rows if label.startswith(_COMMON_PREFIXES))
        return common * 2 > sum(c for _, c in rows)


_lock = threading.Lock()
_shipped: list[NeLexicon] = []


def shipped_lexicon() -> NeLexicon:
    """The lexicon shipped in the package, loaded once (empty if the file is missing)."""
    if not _shipped:
        with _lock:
            if not _shipped:
                try:
                    _shipped.append(NeLexicon.load())
                except (OSError, ValueError):
                    _shipped.append(NeLexicon({}))
    return _shipped[0]
