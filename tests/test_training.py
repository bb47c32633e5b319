"""The tagger's training code (training/, not shipped in the wheel) runs as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.search.entities.tagger import NerTagger
from training import ner_train
from training.klue import klue_split, read_klue

from .conftest import ROOT

SAMPLE = ROOT / "tests" / "data" / "klue-ner" / "wikitree-sample.tsv"


def test_klue_reader_and_fixed_split():
    sentences = read_klue(SAMPLE)
    assert len(sentences) == 120
    text, spans = sentences[0]
    assert all(0 <= a < b <= len(text) for a, b, _ in spans)
    held = klue_split(sentences, "heldout")
    assert held == sentences[4::5]
    assert len(klue_split(sentences, "tune")) + len(held) == len(sentences)
    assert len(klue_split(sentences, "train")) + len(klue_split(sentences, "dev")) == 96


def test_gold_labels_follow_the_tagger_rules():
    morphs = [("삼성", "NNP", 0, 2), ("전자", "NNG", 2, 4), ("가", "JKS", 4, 5), ("뉴욕", "NNP", 6, 8)]
    assert ner_train.spans_to_labels(morphs, {(0, 4, "OG"), (6, 8, "LC"), (0, 1, "DT")}) == \
        ["B-OG", "I-OG", "O", "B-LC"]


@pytest.mark.slow
def test_trains_on_a_few_sentences_from_the_command_line(tmp_path: Path):
    small = tmp_path / "small.tsv"
    blocks = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    small.write_text("\n\n".join(blocks[:16]) + "\n", encoding="utf-8")
    out = tmp_path / "model.json.gz"
    assert ner_train.main([str(small), "--part", "all", "--epochs", "3", "--out", str(out)]) == 0
    tagger = NerTagger.load(out)
    assert tagger.weights and any(f.startswith("lx") for f in tagger.weights)  # lexicon features
    # it learnt its own training sentences, decoded as whole sentences
    from briefing.search.config import load_config
    from briefing.search.entities.gazetteer import Gazetteer

    gaz = Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)
    data = ner_train.examples(read_klue(small), gaz)
    right = sum(tagger.predict(text, morphs, hints)[0] == gold for text, morphs, hints, gold in data)
    assert right >= len(data) // 2


def test_search_does_not_import_bench_or_training():
    for path in (ROOT / "search").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(?:from|import)\s+(?:bench|training)\b", source, re.MULTILINE), path
