"""The entity finder holds its own state: an analysed text passed in is what it reads, two
gazetteers or two settings in one process do not leak into each other, and a text gets the
same mentions alone, in a batch or inside a longer text."""

from __future__ import annotations

import pytest

from briefing.search.config import GazetteerEntry, load_config
from briefing.search.entities import finder as finder_module
from briefing.search.entities.finder import EntityFinder, KiwiLines
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.mentions import extract_mentions, extract_mentions_many
from briefing.search.entities.tagged_spans import TaggerSettings
from briefing.search.language.analysed import AnalysedText

TEXT = ("이재용 삼성전자 회장은 12일 서울 서초구에서 기자들과 만났다.\n"
        "이 회장은 미래에셋증권과의 협력을 언급했다.\n\n"
        "손정의 소프트뱅크 회장도 이날 도쿄에서 같은 뜻을 밝혔다.")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)


class Recording:
    """A line analyser that records the lines it is asked for (Kiwi does the work)."""

    def __init__(self, gazetteer: Gazetteer):
        self.kiwi = KiwiLines(gazetteer)
        self.calls: list[list[str]] = []

    def morphemes_many(self, lines):
        self.calls.append(list(lines))
        return self.kiwi.morphemes_many(lines)


class Refusing:
    """A line analyser that must not be asked: everything is analysed already."""

    def morphemes_many(self, lines):
        raise AssertionError(f"analysed again: {lines!r}")


def test_an_analysed_text_is_read_instead_of_analysing_again(gaz):
    expected = extract_mentions(TEXT, gaz)
    assert expected  # the text has entities
    recording = Recording(gaz)
    analysed = AnalysedText(TEXT, recording)
    assert extract_mentions(TEXT, gaz, analysed=analysed) == expected
    assert sorted(line for call in recording.calls for line in call) == sorted(set(TEXT.split("\n")))
    # analysed once: the same value read again (another analyser on it) asks nothing more
    again = AnalysedText(TEXT, Refusing(), dict(analysed.lines))
    assert extract_mentions(TEXT, gaz, analysed=again) == expected


def test_a_batch_of_analysed_texts_is_analysed_in_one_call(gaz):
    texts = TEXT.split("\n\n") + ["", "   "]
    recording = Recording(gaz)
    found = extract_mentions_many(texts, gaz, analysed=[AnalysedText(t, recording) for t in texts])
    assert found == extract_mentions_many(texts, gaz)
    assert found == [extract_mentions(t, gaz) for t in texts]
    assert len(recording.calls) == 1


def test_a_line_gets_the_same_mentions_inside_a_longer_analysed_text(gaz):
    finder = EntityFinder(gaz)
    whole = finder.analyse(TEXT)
    in_text = finder.find(TEXT, whole)
    offset = TEXT.index("손정의")
    line = TEXT[offset:]
    alone = finder.find(line, AnalysedText(line, Refusing(), dict(whole.lines)))  # same morphemes
    assert alone == finder.find(line)
    assert [(m.start + offset, m.end + offset, m.type, m.name) for m in alone] == \
        [(m.start, m.end, m.type, m.name) for m in in_text if m.start >= offset]


def _entry(name: str, type_: str = "company", aliases: tuple[str, ...] = ()) -> GazetteerEntry:
    return GazetteerEntry(name=name, type=type_, aliases=aliases)


def test_two_gazetteers_do_not_leak_into_each_other():
    text = "라온누리는 이날 바로모아와 손잡았다."  # names the rules alone would not find
    first = Gazetteer([_entry("라온누리")])
    second = Gazetteer([_entry("바로모아", "org")])
    a, b = (extract_mentions(text, g, use_model=False) for g in (first, second))
    assert [(m.text, m.type) for m in a] == [("라온누리", "company")]
    assert [(m.text, m.type) for m in b] == [("바로모아", "org")]
    assert extract_mentions(text, first, use_model=False) == a  # the second one changed nothing


def test_each_finder_registers_its_gazetteer_names(monkeypatch):
    """No memo of registered gazetteers (it was keyed by id(), which a new gazetteer can reuse)."""
    registered: list[str] = []
    monkeypatch.setattr(finder_module, "add_user_words", lambda words: registered.extend(w for w, _ in words))
    for name in ("가나다라전자", "마바사아전자"):
        extract_mentions(f"{name}가 발표했다.", Gazetteer([_entry(name)]))
    assert registered == ["가나다라전자", "마바사아전자"]


def test_settings_belong_to_their_finder(gaz):
    from training.klue import read_klue

    from .conftest import ROOT

    sentences = [s for s, _ in read_klue(ROOT / "tests" / "data" / "klue-ner" / "wikitree-sample.tsv")][:40]
    default = EntityFinder(gaz).find_many(sentences)
    recall = EntityFinder(gaz, settings=TaggerSettings(min_margin=dict.fromkeys(("PS", "LC", "OG"), 0.0),
                                                       needs_proper=False)).find_many(sentences)
    assert recall != default
    assert sum(map(len, recall)) > sum(map(len, default))
    assert EntityFinder(gaz).find_many(sentences) == default
    assert EntityFinder(gaz, use_model=False).find_many(sentences) == \
        extract_mentions_many(sentences, gaz, use_model=False)
