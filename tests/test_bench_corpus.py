"""The benchmark corpus generator (bench/make_corpus.py) and shared bench helpers."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, relpath: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / relpath)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


mc = _load("bench_make_corpus", "bench/make_corpus.py")
common = _load("bench_common", "bench/common.py")

N = 20
DATE_LINE = re.compile(r"(?:입력 |조회 \d+?)?(?P<y>20\d\d)(?:\.(?P<m>\d\d)\.(?P<d>\d\d) \d\d:\d\d|\. (?P<m2>\d{1,2})\. (?P<d2>\d{1,2})\.)$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    stats = mc.make_corpus(N, out, seed=3)
    return out, stats


def _dates_in(text: str) -> set[tuple[int, int, int]]:
    found = set()
    for line in text.splitlines():
        m = DATE_LINE.search(line.strip())
        if m:
            month, day = m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
            found.add((int(m.group("y")), int(month), int(day)))
    return found


def test_writes_n_files_named_by_index_and_hash(corpus):
    out, stats = corpus
    files = sorted(out.iterdir())
    assert stats.count == N and len(files) == N
    for i, path in enumerate(files, 1):
        assert re.fullmatch(rf"b{i:05d}_[0-9a-f]{{16}}\.txt", path.name)
    assert stats.total_bytes == sum(p.stat().st_size for p in files)


def test_deterministic_for_a_seed(tmp_path):
    a = mc.make_corpus(8, tmp_path / "a", seed=11)
    b = mc.make_corpus(8, tmp_path / "b", seed=11)
    c = mc.make_corpus(8, tmp_path / "c", seed=12)
    names_a = [m.file for m in a.articles]
    assert names_a == [m.file for m in b.articles]
    for name in names_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert set(names_a).isdisjoint(m.file for m in c.articles)


def test_each_file_has_its_title_line_and_a_prose_body(corpus):
    out, stats = corpus
    for meta in stats.articles:
        lines = (out / meta.file).read_text(encoding="utf-8").splitlines()
        assert meta.title.strip() and any(line.endswith(meta.title) for line in lines[:6]), meta.file
        prose = [ln for ln in lines if len(ln) >= 40 and re.search(r"[다요까죠][.?!][\"'”’]?$", ln)]
        assert 8 <= meta.paragraphs <= 25
        assert len(prose) >= 8, meta.file


def test_pages_carry_furniture_like_the_seeds(corpus):
    out, _ = corpus
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir()]
    furniture = re.compile(r"댓글|ⓒ|©|기자|바로가기|건너뛰기|Skip to main content|콘텐츠")
    assert all(furniture.search(t) for t in texts)
    assert any("기자" in t for t in texts) and any(re.search(r"[ⓒ©]", t) for t in texts)


def test_dates_vary_and_match_the_metadata(corpus):
    out, stats = corpus
    published = set()
    for meta in stats.articles:
        dates = _dates_in((out / meta.file).read_text(encoding="utf-8"))
        y, m, d = (int(x) for x in meta.published[:10].split("-"))
        assert (y, m, d) in dates, meta.file
        published.add((y, m, d))
    assert len(published) >= N // 2
    assert len({y for y, _, _ in published}) >= 3


def test_body_dates_are_shifted_not_copied(corpus):
    out, _ = corpus
    years = set()
    for path in out.iterdir():
        years |= {int(y) for y in re.findall(r"(?<!\d)(20[0-3]\d)년", path.read_text(encoding="utf-8"))}
    # the seeds mention only a handful of years; shifting spreads them out
    assert len(years) >= 8


def test_sizes_are_like_the_seeds(corpus):
    out, _ = corpus
    sizes = [p.stat().st_size for p in out.iterdir()]
    assert all(3500 <= s <= 10_000 for s in sizes), sizes
    assert 5000 <= statistics.median(sizes) <= 8000


def test_rerun_replaces_only_generated_files(tmp_path):
    mc.make_corpus(6, tmp_path, seed=1)
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    mc.make_corpus(2, tmp_path, seed=1)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and "notes.txt" in names


def test_names_are_swapped_with_agreeing_particles():
    material = mc.load_material()
    sentence = "삼성전자는 반도체를 만든다."
    pattern = mc._template_regex(material.entities)
    surface_key = {v: e.key for e in material.entities.values() for v in e.variants}
    template = mc.to_template(sentence, pattern, surface_key)
    import random

    outputs = set()
    for i in range(15):
        renderer = mc.Renderer(material, random.Random(i), mc.date(2024, 5, 1), keep_prob=0.0)
        text = renderer.render(template)
        name = renderer.entity_map["삼성전자"]
        assert text.startswith(name + mc.agree_particle(name, "는") + " 반도체를"), text
        outputs.add(text)
    assert len(outputs) >= 5


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [("SK그룹", "는", "은"), ("카카오", "은", "는"), ("NEC", "이", "가"), ("Arm", "는", "은"),
     ("서울", "으로", "로"), ("삼성전자", "으로", "로"), ("LG그룹", "로", "으로"), ("오픈AI", "과", "와"),
     ("소프트뱅크", "의", "의")],
)
def test_agree_particle(word, particle, expected):
    assert mc.agree_particle(word, particle) == expected


def test_sentences_are_not_split_inside_quotes():
    line = '그는 “아직 알 수 없다. 이제 논의를 해봐야 한다”라고 말했다. 회동은 1시간 가량 진행됐다.'
    assert mc.split_sentences(line) == [
        "그는 “아직 알 수 없다. 이제 논의를 해봐야 한다”라고 말했다.",
        "회동은 1시간 가량 진행됐다.",
    ]


def test_cli_prints_count_size_and_time(tmp_path, capsys):
    assert mc.main(["3", str(tmp_path / "out"), "--seed", "5", "--manifest", str(tmp_path / "m.jsonl")]) == 0
    printed = capsys.readouterr().out
    assert "articles: 3" in printed and " MB" in printed and "elapsed:" in printed
    assert len((tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_percentiles_and_query_mix():
    assert common.percentile([1, 2, 3, 4], 50) == 2.5
    assert common.p95(range(101)) == 95
    assert 30 <= len(common.QUERY_MIX) <= 50
    kinds = {q.kind for q in common.QUERIES}
    assert {"noun", "particle", "english", "and", "phrase", "field", "date", "exclude"} <= kinds


# --- the FTS5 baseline (no Kiwi: tokens are given) -------------------------------------------

fts = _load("bench_fts5_baseline", "bench/fts5_baseline.py")


def _split_analyzer(text: str):
    aliases = {"softbank": "소프트뱅크"}
    groups = []
    for word in text.lower().split():
        alts = [(word,)] + ([(aliases[word],)] if word in aliases else [])
        groups.append(alts)
    return groups


def test_fts5_match_translates_the_query_syntax():
    assert fts.fts5_match("반도체 -삼성전자", _split_analyzer) == '("반도체") NOT ("삼성전자")'
    assert fts.fts5_match('"AI 수출"', _split_analyzer) == '"ai 수출"'
    assert fts.fts5_match("SoftBank", _split_analyzer) == '(("softbank") OR ("소프트뱅크"))'
    assert fts.fts5_match("company:소프트뱅크", _split_analyzer) == '"소프트뱅크"'
    assert fts.fts5_match("date:2025", _split_analyzer) is None
    assert fts.fts5_match("-삼성전자", _split_analyzer) is None


def test_fts5_build_and_query_with_given_tokens(tmp_path):
    docs = [
        ("d1", ["삼성전자"], ["삼성전자", "반도체", "sk하이닉스"]),
        ("d2", ["패키징"], ["반도체", "패키징"]),
        ("d3", ["수출"], ["ai", "수출", "프로그램", "소프트뱅크", "wi-fi"]),
    ]
    db = tmp_path / "fts.sqlite"
    build = fts.build_fts5(db, docs)
    assert build.docs == 3 and build.tokens == 13 and build.size_bytes > 0
    queries = [
        fts.fts5_match("반도체", _split_analyzer),
        fts.fts5_match("반도체 -삼성전자", _split_analyzer),
        fts.fts5_match('"AI 수출"', _split_analyzer),
        fts.fts5_match('"수출 AI"', _split_analyzer),
        fts.fts5_match("SoftBank", _split_analyzer),
        ["반도체", "패키징"],
        ["SK하이닉스"],
        ["wi-fi"],
        ["wi"],  # tokens are kept as given: "wi-fi" is one token
        None,
    ]
    stats = fts.query_fts5(db, queries, repeat=2)
    assert stats.hits == [2, 1, 1, 0, 1, 1, 1, 1, 0]
    assert stats.queries == 9 and stats.skipped == 1 and stats.latency.count == 18
    assert stats.median_ms >= 0
