"""The article index: seeds qrels, cross-process use, updates, versions, locks, sorting."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.search.language.analysis import TextAnalyser
from briefing.search.config import ENTITY_TYPES, load_config
from briefing.search.errors import IndexBusy, QueryError
from briefing.search.index.article_index import META_FILE, ArticleIndex, IndexCorrupt, IndexDoc, IndexVersionMismatch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


# --- helpers -----------------------------------------------------------------------------


def entities_by_alias(text: str, gazetteer) -> dict[str, list[str]]:
    """Crude entity fill for tests: a gazetteer name or alias occurring in the text."""
    found: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
    for e in gazetteer:
        for surface in (e.name, *e.aliases):
            if len(surface) < 2:
                continue
            if re.search(r"[A-Za-z]", surface):
                hit = re.search(rf"(?<![A-Za-z]){re.escape(surface)}(?![A-Za-z])", text)
            else:
                hit = surface in text
            if hit:
                found[e.type].append(e.name)
                break
    return {t: names for t, names in found.items() if names}


def seed_docs(seeds_dir: Path, gazetteer) -> list[IndexDoc]:
    """IndexDocs of the bundled seeds, through the real ingestion when it is available."""
    try:
        from briefing.search.ingest.sources import ingest_file
    except ImportError:  # pragma: no cover - crude fallback: the raw page is the body
        ingest_file = None
    docs = []
    for path in sorted(seeds_dir.glob("*.txt")):
        if ingest_file is not None:
            art = ingest_file(path)[0]
            doc = IndexDoc.from_article(art, entities_by_alias(f"{art.title}\n{art.body}", gazetteer))
        else:
            text = path.read_text(encoding="utf-8")
            doc = IndexDoc(id=path.stem, title=text.splitlines()[0], body=text, source_path=str(path),
                           content_hash=path.stem, entities=entities_by_alias(text, gazetteer))
        docs.append(doc)
    return docs


ANALYSER = TextAnalyser.from_gazetteer(load_config(use_user_file=False).gazetteer)


@pytest.fixture(scope="module")
def config():
    return load_config(use_user_file=False)


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory, seeds_dir, config):
    directory = tmp_path_factory.mktemp("seeds-index")
    ix = ArticleIndex.create(directory, analyser=ANALYSER)
    ix.update(seed_docs(seeds_dir, config.gazetteer))
    return ix


def small_index(directory: Path, docs: list[IndexDoc]) -> ArticleIndex:
    ix = ArticleIndex.create(directory, analyser=ANALYSER)
    ix.update(docs)
    return ix


def _doc(id: str, body: str, published: date | None = None, **kw) -> IndexDoc:
    return IndexDoc(id=id, title=kw.pop("title", id), body=body, published=published,
                    content_hash=kw.pop("content_hash", f"h-{id}"), **kw)


# --- relevance on the seeds ---------------------------------------------------------------


def test_qrels_on_the_seeds(seeds_index, qrels):
    """Every relevant seed is returned, and the expected first one ranks first.

    Run with ``-s`` to see the table (query, expected, got, first ok?).
    """
    failures = []
    print(f"\n{'query':28} {'expected':22} {'got (rank order)':26} first")
    for qr in qrels:
        got = [h.id for h in seeds_index.search(qr["q"]).hits]
        missing = [r for r in qr["relevant"] if not any(g.startswith(r) for g in got)]
        first = "-" if not qr.get("first") else ("ok" if got and got[0].startswith(qr["first"]) else "NO")
        print(f"{qr['q']:28} {','.join(qr['relevant']):22} {','.join(g[:3] for g in got):26} {first}")
        if missing:
            failures.append(f"{qr['q']!r}: missing {missing}, got {[g[:3] for g in got]}")
        if qr.get("first") and (not got or not got[0].startswith(qr["first"])):
            failures.append(f"{qr['q']!r}: first should be {qr['first']}, got {[g[:3] for g in got]}")
    assert not failures, "\n".join(failures)


def test_exclusion_removes_every_article_with_the_word(seeds_index):
    with_word = {h.id for h in seeds_index.search("삼성전자").hits}
    without = {h.id for h in seeds_index.search("반도체 -삼성전자").hits}
    assert with_word and without and not (with_word & without)


def test_entity_filter_is_exact_and_resolves_aliases(seeds_index):
    exact = {h.id[:3] for h in seeds_index.search("company:소프트뱅크").hits}
    english = {h.id[:3] for h in seeds_index.search("company:SoftBank").hits}
    assert exact == english and {"001", "003"} <= exact
    assert seeds_index.search("company:없는회사").total == 0


def test_per_call_resolver_and_query_terms(seeds_index):
    calls = []

    def resolve(name, etype):
        calls.append((name, etype))
        return "손정의" if name == "마사요시" else None

    hits = {h.id for h in seeds_index.search("person:마사요시", resolve_entity=resolve).hits}
    assert hits == {h.id for h in seeds_index.search("person:손정의").hits} and hits
    assert calls == [("마사요시", "person")]
    assert set(seeds_index.query_terms("SoftBank 반도체 -삼성전자")) == {"softbank", "소프트뱅크", "반도체"}


def test_entity_filter_tolerates_case_and_particles(seeds_index):
    expected = {h.id for h in seeds_index.search("company:소프트뱅크").hits}
    assert {h.id for h in seeds_index.search("company:소프트뱅크의").hits} == expected
    nec = {h.id for h in seeds_index.search("company:NEC").hits}
    assert nec and {h.id for h in seeds_index.search("company:nec").hits} == nec


def test_byline_filter(seeds_index):
    assert [h.id[:3] for h in seeds_index.search("byline:이승훈").hits] == ["000"]


def test_entity_names_are_searchable_as_plain_words(tmp_path, config):
    ix = small_index(tmp_path, [
        _doc("e", "손 회장이 도쿄를 찾았다", entities={"person": ["손정의"]}),
        _doc("n", "다른 기사"),
    ])
    assert [h.id for h in ix.search("손정의").hits] == ["e"]


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_snippet_spans_mark_query_terms(seeds_index, sort):
    res = seeds_index.search("SoftBank", sort=sort)
    assert res.hits and set(res.terms) >= {"softbank", "소프트뱅크"}
    for hit in res.hits:
        assert hit.snippet and hit.snippet_spans and "\n" not in hit.snippet
        for s, e in hit.snippet_spans:
            assert hit.snippet[s:e].lower() in {"softbank", "소프트뱅크"}


def test_snippet_of_a_title_only_match_is_the_lead_with_spans(tmp_path, config):
    ix = small_index(tmp_path, [_doc("t", "본문에는 다른 이야기만 있다", title="라피더스 특집")])
    hit = ix.search("라피더스").hits[0]
    assert hit.snippet.startswith("본문에는") and hit.snippet_spans == []


def test_facets_count_articles_per_entity(seeds_index):
    all_facets = seeds_index.facets()
    companies = dict(all_facets["company"])
    assert companies["삼성전자"] >= 4
    assert set(all_facets) == set(ENTITY_TYPES)
    some = seeds_index.facets([h.id for h in seeds_index.search("company:소프트뱅크").hits])
    assert dict(some["company"])["소프트뱅크"] == len(seeds_index.search("company:소프트뱅크").hits)
    assert dict(some["company"])["삼성전자"] <= companies["삼성전자"]


def test_publisher_filter(seeds_index):
    hits = seeds_index.search("publisher:매일경제").hits
    assert hits and all(h.publisher == "매일경제" for h in hits)
    spaced = {h.publisher for h in seeds_index.search('publisher:"the economy"').hits}
    assert spaced == {"The Economy"}


def test_bad_query_raises_query_error(seeds_index):
    with pytest.raises(QueryError):
        seeds_index.search('"unbalanced')


_QUERY_PARTS = st.sampled_from([
    "삼성전자", "SoftBank", "OR", "-", '"', "company:", "date:2025", "..", "title:", "소프트뱅크의",
    " ", "Samsung Electronics", "(", ")", "*", "AND", "NOT", "publisher:", "person:손정의", "📈",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_QUERY_PARTS, max_size=8).map("".join), st.sampled_from(["relevance", "date"]))
def test_any_query_returns_results_or_a_query_error(seeds_index, text, sort):
    try:
        res = seeds_index.search(text, sort=sort)
    except QueryError as exc:
        assert "\n" not in str(exc)
    else:
        assert res.total >= len(res.hits)
        for hit in res.hits:
            assert all(0 <= s < e <= len(hit.snippet) for s, e in hit.snippet_spans)


def test_index_built_here_is_searched_in_another_process(seeds_index):
    expected = [h.id for h in seeds_index.search("SoftBank").hits]
    code = textwrap.dedent(
        f"""
        import json
        from briefing.search.config import load_config
        from briefing.search.index.article_index import ArticleIndex
        from briefing.search.language.analysis import TextAnalyser
        analyser = TextAnalyser.from_gazetteer(load_config(use_user_file=False).gazetteer)
        ix = ArticleIndex({str(seeds_index.directory)!r}, analyser=analyser)
        print(json.dumps([h.id for h in ix.search("SoftBank").hits]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == expected
    assert expected


# --- updates ------------------------------------------------------------------------------


def test_update_and_remove_change_only_those_documents(tmp_path, config):
    docs = [_doc(f"d{i}", f"반도체 기사 {i}번 본문입니다") for i in range(4)]
    ix = small_index(tmp_path, docs)
    before = ix.stored_hashes()
    assert before == {d.id: d.content_hash for d in docs}
    ix.update([_doc("d1", "라피더스 특집 기사", content_hash="h-new")], remove_ids=["d3"])
    after = ix.stored_hashes()
    assert after == {"d0": "h-d0", "d1": "h-new", "d2": "h-d2"}
    assert ix.doc_count() == 3 and ix.doc_ids() == ["d0", "d1", "d2"]
    assert [h.id for h in ix.search("라피더스").hits] == ["d1"]
    assert {h.id for h in ix.search("반도체").hits} == {"d0", "d2"}


def test_progress_reports_every_document(tmp_path, config):
    calls = []
    ix = ArticleIndex.create(tmp_path, analyser=ANALYSER)
    docs = [_doc(f"p{i}", "협력 확대") for i in range(70)]  # more than one batch
    ix.update(docs, progress=lambda done, total, label: calls.append((done, total, label)))
    assert [c[0] for c in calls] == list(range(1, 71))
    assert calls[-1] == (70, 70, "p69")


def test_failed_update_leaves_the_previous_index(tmp_path, config):
    ix = small_index(tmp_path, [_doc("a", "첫 번째 기사")])

    def boom():
        yield _doc("b", "두 번째 기사")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        ix.update(boom())
    assert ArticleIndex(tmp_path, analyser=ANALYSER).doc_ids() == ["a"]


def test_killed_update_leaves_the_previous_index_usable(tmp_path, config):
    small_index(tmp_path, [_doc("a", "첫 번째 기사")])
    writer = textwrap.dedent(
        f"""
        import sys
        from briefing.search.index.article_index import ArticleIndex, IndexDoc
        from briefing.search.language.analysis import TextAnalyser
        ix = ArticleIndex({str(tmp_path)!r}, analyser=TextAnalyser())
        docs = (IndexDoc(id=f"k{{i}}", title="제목", body="반도체 협력 기사 " * 50) for i in range(10**6))
        def progress(done, total, label):
            if done % 64 == 0:
                print(done, flush=True)
        ix.update(docs, progress=progress)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert int(proc.stdout.readline()) > 0  # documents were being written
    finally:
        proc.kill()
        proc.wait(timeout=30)
    ix = ArticleIndex(tmp_path, analyser=ANALYSER)
    assert ix.doc_ids() == ["a"]
    ix.update([_doc("b", "두 번째 기사")])  # the dead writer's lock is gone
    assert ix.doc_ids() == ["a", "b"]


def test_busy_lock_raises_index_busy(tmp_path, config):
    ix = small_index(tmp_path, [_doc("a", "첫 번째 기사")])
    holder = textwrap.dedent(
        f"""
        import sys, time
        from whoosh import index
        ix = index.open_dir({str(tmp_path)!r}, indexname="MAIN")
        w = ix.writer()
        print("locked", flush=True)
        sys.stdin.readline()
        w.cancel()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusy):
            ix.update([_doc("b", "두 번째 기사")])
    finally:
        proc.communicate("done\n", timeout=30)
    ix.update([_doc("b", "두 번째 기사")])  # free again
    assert ix.doc_ids() == ["a", "b"]


def test_two_indexes_with_different_gazetteers_in_one_process(tmp_path):
    """Each index analyses its documents and queries with its own analyser: an alias of one
    gazetteer expands in its index only, whatever the other does meanwhile."""
    from briefing.search.config import GazetteerEntry

    with_alias = TextAnalyser.from_gazetteer([GazetteerEntry("소프트뱅크", "company", ("SoftBank",))])
    without = TextAnalyser.from_gazetteer([GazetteerEntry("오픈AI", "company", ("OpenAI",))])
    a = ArticleIndex.create(tmp_path / "a", analyser=with_alias)
    b = ArticleIndex.create(tmp_path / "b", analyser=without)
    docs = [_doc("en", "SoftBank invests in OpenAI", title="SoftBank"), _doc("ko", "소프트뱅크가 오픈AI에 투자", title="투자")]
    a.update(docs)
    b.update(docs)
    assert {h.id for h in a.search("소프트뱅크").hits} == {"en", "ko"}
    assert {h.id for h in b.search("소프트뱅크").hits} == {"ko"}
    assert {h.id for h in b.search("오픈AI").hits} == {"en", "ko"}
    assert {h.id for h in a.search("오픈AI").hits} == {"ko"}
    assert a.query_terms("SoftBank") == ["softbank", "소프트뱅크"] and b.query_terms("SoftBank") == ["softbank"]


# --- versions and corruption -------------------------------------------------------------


def test_version_mismatch_is_detected(tmp_path, config):
    small_index(tmp_path, [_doc("a", "기사")])
    meta = json.loads((tmp_path / META_FILE).read_text())
    (tmp_path / META_FILE).write_text(json.dumps({**meta, "version": meta["version"] + 1}))
    with pytest.raises(IndexVersionMismatch):
        ArticleIndex(tmp_path, analyser=ANALYSER)
    rebuilt = ArticleIndex.create(tmp_path, analyser=ANALYSER)  # the caller's remedy
    assert rebuilt.doc_count() == 0


def test_corrupt_index_raises_index_corrupt(tmp_path, config):
    small_index(tmp_path, [_doc("a", "기사")])
    for toc in tmp_path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(IndexCorrupt):
        ArticleIndex(tmp_path, analyser=ANALYSER)


def test_index_without_metadata_is_corrupt_and_can_be_recreated(tmp_path, config):
    small_index(tmp_path, [_doc("a", "기사")])
    (tmp_path / META_FILE).unlink()
    assert ArticleIndex.exists(tmp_path)
    with pytest.raises(IndexCorrupt):
        ArticleIndex(tmp_path, analyser=ANALYSER)
    assert ArticleIndex.create(tmp_path, analyser=ANALYSER).doc_count() == 0


def test_missing_directory_creates_an_empty_index(tmp_path, config):
    target = tmp_path / "new"
    assert not ArticleIndex.exists(target)
    ix = ArticleIndex(target, analyser=ANALYSER)
    assert ArticleIndex.exists(target) and ix.doc_count() == 0
    assert ix.search("").hits == [] and ix.search("반도체").total == 0
    assert ix.stored_hashes() == {} and ix.doc_ids() == []
    assert ix.facets() == {t: [] for t in ENTITY_TYPES} and ix.facets(["x"])["company"] == []


# --- phrases, dates, sorting --------------------------------------------------------------


def test_phrase_needs_the_sequence_words_do_not(tmp_path, config):
    ix = small_index(tmp_path, [
        _doc("in-order", "미국산 AI 수출 프로그램에 참여한다"),
        _doc("scattered", "프로그램 개발과 수출 확대, 그리고 AI 투자"),
    ])
    assert [h.id for h in ix.search('"AI 수출 프로그램"').hits] == ["in-order"]
    assert {h.id for h in ix.search("AI 수출 프로그램").hits} == {"in-order", "scattered"}


def test_phrase_with_an_alias_matches_either_spelling(tmp_path, config):
    ix = small_index(tmp_path, [
        _doc("en", "SoftBank 투자 확대"),
        _doc("ko", "소프트뱅크 투자 확대"),
        _doc("apart", "소프트뱅크의 대규모 신규 투자"),
    ])
    assert sorted(h.id for h in ix.search('"SoftBank 투자"').hits) == ["en", "ko"]


def test_compound_part_finds_the_compound(tmp_path, config):
    ix = small_index(tmp_path, [_doc("x", "삼성전자가 발표했다"), _doc("y", "전혀 다른 이야기")])
    assert [h.id for h in ix.search("삼성").hits] == ["x"]
    assert [h.id for h in ix.search("삼성전자는").hits] == ["x"]


def test_date_sort_puts_newest_first_and_unknown_last(tmp_path, config):
    ix = small_index(tmp_path, [
        _doc("old", "반도체 반도체 반도체 소식", date(2023, 5, 1)),
        _doc("unknown", "반도체 소식", None),
        _doc("new", "반도체 소식", date(2025, 2, 4)),
        _doc("mid", "반도체 소식", date(2024, 11, 21)),
    ])
    assert [h.id for h in ix.search("반도체", sort="date").hits] == ["new", "mid", "old", "unknown"]
    assert [h.id for h in ix.search("", sort="date").hits] == ["new", "mid", "old", "unknown"]
    assert ix.search("반도체").hits[0].id == "old"  # relevance: most occurrences
    hit = ix.search("반도체", sort="date").hits[0]
    assert hit.published == date(2025, 2, 4)


def test_date_filters(tmp_path, config):
    ix = small_index(tmp_path, [
        _doc("a", "소식", date(2024, 11, 21)),
        _doc("b", "소식", date(2025, 2, 4)),
        _doc("c", "소식", date(2025, 4, 2)),
        _doc("d", "소식", None),
    ])

    def ids(q):
        return sorted(h.id for h in ix.search(q).hits)

    assert ids("date:2025") == ["b", "c"]
    assert ids("date:2025-02") == ["b"]
    assert ids("date:2025-02-04") == ["b"]
    assert ids("date:2025-02..2025-04") == ["b", "c"]
    assert ids("date:..2024") == ["a"]
    assert ids("소식 -date:2025") == ["a", "d"]


def test_total_counts_every_match_beyond_the_limit(tmp_path, config):
    docs = [_doc(f"m{i:02d}", "반도체 " * (1 + i % 7) + "소식", date(2024, 1 + i % 12, 1)) for i in range(40)]
    docs += [_doc(f"o{i}", "다른 소식") for i in range(5)]
    ix = small_index(tmp_path, docs)
    for sort in ("relevance", "date"):
        res = ix.search("반도체 OR 없는말", limit=5, sort=sort)
        assert (res.total, len(res.hits)) == (40, 5)
    top = ix.search("반도체", limit=3).hits
    assert all(h.score >= x.score for h in top for x in ix.search("반도체", limit=40).hits[3:])


def test_empty_query_lists_everything(tmp_path, config):
    ix = small_index(tmp_path, [_doc(f"e{i}", "본문") for i in range(3)])
    res = ix.search("   ")
    assert res.total == 3 and sorted(h.id for h in res.hits) == ["e0", "e1", "e2"]
    assert all(h.snippet for h in res.hits)


def test_an_index_opens_whatever_module_its_pickled_tokenizers_name(tmp_path):
    """Whoosh pickles the schema (tokenizer classes by module path) into the index; an index
    written before a tokenizer class moved must still open, not be rebuilt."""
    ix = ArticleIndex.create(tmp_path / "ix", analyser=ANALYSER)
    ix.update([IndexDoc(id="a1", title="삼성전자 반도체", body="삼성전자가 반도체 공장을 짓는다.")])
    ix.close()
    (toc,) = (tmp_path / "ix").glob("_MAIN_*.toc")
    data = toc.read_bytes()
    moved = b"briefing.search.index.tokenizers"
    assert moved in data
    toc.write_bytes(data.replace(moved, b"briefing.search.index.gone_away"[: len(moved)].ljust(len(moved), b"x")))
    reopened = ArticleIndex(tmp_path / "ix", analyser=ANALYSER)
    assert [h.id for h in reopened.search("반도체").hits] == ["a1"]
