"""The numpy query evaluator agrees with Whoosh's own matching and BM25F scores; phrase pairs;
snippets."""

from __future__ import annotations

import pytest

from briefing.search.language import analysis
from briefing.search.index.evaluate import Evaluator
from briefing.search.index.article_index import ArticleIndex, IndexDoc
from briefing.search.index.query import parse_query
from briefing.search.index.snippet import make_snippet, term_hits
from tests.test_index import ANALYSER, config, seed_docs, seeds_index  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

QUERIES = [
    "삼성전자", "소프트뱅크", "SoftBank", "반도체 투자", "손정의 OR 이재용", "반도체 -삼성전자",
    '"AI 수출 프로그램"', '"첨단 패키징"', "company:소프트뱅크", "person:손정의 오픈AI",
    "date:2025", "date:..2024", "소프트뱅크 date:2025-01..2025-12", "title:삼성전자", 'title:"AI 수출"',
    "-소프트뱅크", "데이터센터", "publisher:매일경제",
]


@pytest.fixture(scope="module")
def multi_segment_index(tmp_path_factory, seeds_dir, config):
    """The seeds in three segments, one document replaced and one deleted: deletions and
    document-number offsets both matter."""
    docs = seed_docs(seeds_dir, config.gazetteer)
    ix = ArticleIndex.create(tmp_path_factory.mktemp("multi"), analyser=ANALYSER)
    ix.update(docs[:2])
    ix.update(docs[2:4])
    ix.update(docs[4:] + [docs[0]], remove_ids=[docs[1].id])
    return ix


def _whoosh_scores(ix: ArticleIndex, q) -> dict[int, float]:
    results = ix._s().search(q, limit=None)
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("which", ["seeds_index", "multi_segment_index"])
def test_matches_and_scores_equal_whoosh(request, text, which):
    ix = request.getfixturevalue(which)
    s = ix._s()
    parsed = parse_query(text, ix._resolve, reader=s.reader(), analyser=ANALYSER)
    ids, scores = Evaluator(s, s.weighting).matches(parsed.query)
    mine = dict(zip(ids.tolist(), scores.tolist()))
    theirs = _whoosh_scores(ix, parsed.query)
    assert set(mine) == set(theirs)
    for docnum, score in theirs.items():
        assert mine[docnum] == pytest.approx(score, rel=1e-9, abs=1e-9)


def test_multi_segment_index_has_several_segments_and_a_deletion(multi_segment_index):
    reader = multi_segment_index._s().reader()
    assert len(reader.leaf_readers()) >= 2
    assert any(r.has_deletions() for r, _base in reader.leaf_readers())
    assert multi_segment_index.doc_count() == 4


def test_top_orders_by_score_then_date(seeds_index):
    s = seeds_index._s()
    ev = Evaluator(s, s.weighting)
    q = parse_query("반도체", analyser=ANALYSER).query
    by_score, total = ev.top(q, None, by_date=False)
    assert total == len(by_score) and total > 1
    scores = [sc for _d, sc in by_score]
    assert scores == sorted(scores, reverse=True)
    by_date, _ = ev.top(q, 2, by_date=True)
    assert len(by_date) == 2
    ords = ev.published_ords(__import__("numpy").array([d for d, _ in by_date]))
    assert ords[0] >= ords[1] or ords[1] == 0


# --- phrase pairs ------------------------------------------------------------------------


def _doc(i: int, body: str) -> IndexDoc:
    return IndexDoc(id=f"d{i}", title=f"문서 {i}", body=body, content_hash=str(i))


def test_two_word_phrase_is_exact_and_particles_do_not_break_it(tmp_path, config):
    ix = ArticleIndex.create(tmp_path, analyser=ANALYSER)
    ix.update([
        _doc(1, "정부는 첨단 패키징 기술을 지원한다."),
        _doc(2, "정부는 첨단의 패키징을 지원한다."),  # particle between: still adjacent terms
        _doc(3, "패키징 기술은 첨단 산업이다."),  # both words, not adjacent
    ])
    hits = {h.id for h in ix.search('"첨단 패키징"').hits}
    assert hits == {"d1", "d2"}


def test_pair_terms_pair_words_and_aliases_not_parts(config):
    pairs = ANALYSER.pair_terms("삼성전자 반도체를 OpenAI 데이터센터")
    assert "삼성전자 반도체" in pairs
    assert "반도체 openai" in pairs and "반도체 오픈ai" in pairs  # the alias pairs too
    assert not any(p.startswith("전자 ") for p in pairs)  # no pair starts with a part
    assert all(p.count(analysis.PAIR_SEPARATOR) == 1 for p in pairs)


def test_phrase_needs_the_words_adjacent(tmp_path, config):
    ix = ArticleIndex.create(tmp_path, analyser=ANALYSER)
    ix.update([_doc(1, "새 데이터 센터를 짓는다."), _doc(2, "옛 센터와 데이터를 옮긴다.")])
    assert {h.id for h in ix.search('"데이터 센터"').hits} == {"d1"}
    assert {h.id for h in ix.search("데이터 센터").hits} == {"d1", "d2"}


def test_phrase_pairs_of_alternatives():
    assert analysis.phrase_pairs([["a"], ["b", "c"], ["d"]]) == [["a b", "a c"], ["b d", "c d"]]


# --- snippets ----------------------------------------------------------------------------


def test_snippet_marks_terms_where_they_cluster():
    body = "서론 " * 100 + "소프트뱅크와 오픈AI가 합작했다. " + "결론 " * 100
    text, spans = make_snippet(body, ["소프트뱅크", "오픈ai"])
    assert [text[s:e] for s, e in spans] == ["소프트뱅크", "오픈AI"]
    assert len(text) < 300


def test_snippet_prefers_the_passage_with_every_term():
    body = "AI AI AI 이야기. " + "중간 " * 80 + "AI 수출 프로그램에 참여한다."
    text, spans = make_snippet(body, ["ai", "수출", "프로그램"])
    assert {text[s:e] for s, e in spans} == {"AI", "수출", "프로그램"}


def test_snippet_without_a_match_is_the_lead():
    text, spans = make_snippet("첫 문장이다.\n둘째 문장이다.", ["없는말"])
    assert text.startswith("첫 문장이다. 둘째") and spans == []


def test_one_syllable_hangul_terms_are_not_marked():
    assert term_hits("하늘을 보고 하하 웃었다", ["하"]) == []
    assert term_hits("AI와 ai", ["ai"]) == [(0, 2), (4, 6)]


@pytest.mark.parametrize("subset", [False, True])
def test_facets_equal_counting_the_stored_entity_fields(multi_segment_index, subset):
    ix = multi_segment_index
    s = ix._s()
    stored = [s.stored_fields(n) for n in s.reader().all_doc_ids()]
    wanted = [d["id"] for d in stored][: 2 if subset else None]
    facets = ix.facets(wanted if subset else None)
    for etype in ("company", "person", "place", "org"):
        expected: dict[str, int] = {}
        for d in stored:
            if d["id"] in wanted:
                for name in filter(None, d.get(etype, "").split(",")):
                    expected[name] = expected.get(name, 0) + 1
        assert dict(facets[etype]) == expected
    assert any(facets[t] for t in facets)


def test_columns_read_in_one_go_equal_reading_them_document_by_document(multi_segment_index):
    """Field lengths, dates and ids are read per segment as whole arrays (whoosh_private); the
    values are those Whoosh's readers give one document at a time, deleted documents left out."""
    from briefing.search.index.whoosh_private import column_list, column_values, field_length_column

    s = multi_segment_index._s()
    ev = Evaluator(s, s.weighting)
    for leaf, _base in ev.leaves:
        n = leaf.doc_count_all
        col = field_length_column(leaf.reader, "body")
        assert column_values(col, n).tolist() == [col[d] for d in range(n)]
        dates = leaf.reader.column_reader("published_ord")
        assert column_values(dates, n).tolist() == [dates[d] for d in range(n)]
        ids = leaf.reader.column_reader("id")
        assert column_list(ids, n) == [ids[d] for d in range(n)]
    reader = s.reader()
    ids = reader.column_reader("id")
    assert ev.column("id") == {d: ids[d] for d in reader.all_doc_ids()}


def test_posting_blocks_decode_as_whoosh_does(multi_segment_index):
    """Every term's blocks, read two reads a block (whoosh_private.posting_blocks), equal what
    Whoosh's own matcher decodes."""
    from briefing.search.index.whoosh_private import posting_blocks

    def whoosh_blocks(m):
        out = []
        while m.is_active():
            out.append((m.id(), m.weight()))
            m.next()
        return out

    reader = multi_segment_index._s().reader()
    compared = 0
    for leaf, _base in reader.leaf_readers():
        for fieldname in ("body", "title", "entities", "grams"):
            for bterm in leaf.lexicon(fieldname):
                blocks = posting_blocks(leaf.postings(fieldname, bterm))
                if blocks is None:
                    continue
                mine = []
                for deltas, weights in blocks:
                    docnum = 0  # each block's ids are deltas from 0 (see evaluate._read_postings)
                    for delta, weight in zip(deltas, weights):
                        docnum += delta
                        mine.append((docnum, weight))
                assert mine == whoosh_blocks(leaf.postings(fieldname, bterm)), (fieldname, bterm)
                compared += 1
    assert compared > 1000
