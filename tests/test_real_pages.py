"""Issue 16 on realistic pages (tests/data/dates-corpus): dates with honest evidence, events
that are events, key facts from the story, nothing dropped in silence.

The corpus (written for these tests; no real article copied):

| file | what it exercises |
| --- | --- |
| meta_published.html | `article:published_time`; a figure caption with `[사진=…]` |
| jsonld_published.html | JSON-LD `datePublished` inside `@graph`; a headline list |
| time_element.html | `<time datetime>` with a publication class |
| dateline_only.html | no metadata; an `입력 2024.06.12` date line |
| copyright_only.html | no date evidence: body date `2024년 3월 5일`, footer `Copyright 2024` |
| url_date.html | only the canonical URL carries a date |
| table_layout.html | a story paragraph inside a layout table (trafilatura leaves it out); a `/… 제공` caption |
| lab_photo_credit.txt | `/… 제공`, `[사진=…]` and `사진 제공=` credits; a story paragraph with `저작권자`, `무단 전재` |
| story_like_furniture.txt | a headline and story paragraphs containing furniture words (`저작권자`, `댓글`) |
| fiscal_year_habitual.txt | general statements (`회계연도가 3월 31일에 끝난다`, `매년 6월 하순`), a comparison baseline |
| headline_list.txt | a `▶` list of other headlines with dates; coordinated days `20일과 21일` |
"""

from __future__ import annotations

from datetime import date
from functools import cache
from itertools import pairwise

import pytest

from briefing.search.ingest import pubdate
from briefing.search.brief.key_facts import key_sentences, story_text
from briefing.search.ingest.sources import ingest_file
from briefing.search.model import Article, PublishedDate
from briefing.search.ingest.page import normalize_line
from briefing.search.timeline.events import article_events

from .conftest import DATA, TODAY

CORPUS = DATA / "dates-corpus"
FILES = sorted(p.name for p in CORPUS.iterdir())


@cache
def ingested(name: str) -> Article:
    [article] = ingest_file(CORPUS / name, today=TODAY)
    return article


def events(name: str):
    return article_events(ingested(name))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("name, expected, source, evidence", [
    ("meta_published.html", date(2024, 9, 10), "html-meta", "article:published_time"),
    ("jsonld_published.html", date(2024, 7, 1), "json-ld", "datePublished"),
    ("time_element.html", date(2024, 10, 24), "time-element", "<time datetime="),
    ("dateline_only.html", date(2024, 6, 12), "date-line", "입력 2024.06.12"),
    ("table_layout.html", date(2025, 4, 17), "html-meta", "article:published_time"),
])
def test_html_date_comes_from_the_page_with_its_evidence(name, expected, source, evidence):
    pub = ingested(name).published
    assert (pub.value, pub.source) == (expected, source)
    assert evidence in pub.evidence and pub.confidence >= 0.85


def test_copyright_year_is_not_a_publication_date():
    """The issue's page: no metadata, `2024년 3월 5일` in the body, `Copyright 2024` in the footer."""
    pub = ingested("copyright_only.html").published
    assert pub.value is None and pub.confidence == 0.0
    assert "copyright year 2024" in pub.evidence and "not used" in pub.evidence


def test_url_date_is_a_labelled_low_confidence_guess():
    pub = ingested("url_date.html").published
    assert pub.value == date(2024, 5, 21) and pub.source == "url"
    assert pub.confidence <= 0.5 and "guess" in pub.evidence and "/2024/05/21/" in pub.evidence


@pytest.mark.parametrize("url, expected", [
    ("https://www.yna.example/view/AKR20240305001200017", date(2024, 3, 5)),
    ("https://n.example.com/article/20241121/1234", date(2024, 11, 21)),
    ("https://e.example/2023-12-31/story", date(2023, 12, 31)),
    ("https://e.example/news/articleView.html?idxno=2024031", None),
    ("https://e.example/2024/03/", None),  # a month: no day to give
    ("https://e.example/20241399/x", None),
])
def test_url_dates(url, expected):
    found = pubdate.url_date(url)
    assert (found.value if found else None) == expected


def test_modified_time_alone_is_labelled_as_such():
    html = ('<html><head><meta property="article:modified_time" content="2024-02-03T10:00:00+09:00">'
            "</head><body><p>본문</p></body></html>")
    found = pubdate.html_published(html, PublishedDate(None, 0.0, "none"))
    assert found.value == date(2024, 2, 3) and found.confidence < 0.9 and "modified" in found.evidence


def test_several_time_elements_lower_the_confidence():
    html = ('<article><time datetime="2024-05-01">5월 1일</time><p>본문</p></article>'
            '<aside><time datetime="2023-01-09">다른 기사</time></aside>')
    found = pubdate.html_published(html, PublishedDate(None, 0.0, "none"))
    assert found.value == date(2024, 5, 1) and found.confidence < 0.85 and "first of 2" in found.evidence


@pytest.mark.parametrize("name", FILES)
def test_no_first_of_january_guess(name):
    pub = ingested(name).published
    if pub.value and (pub.value.month, pub.value.day) == (1, 1):
        assert pub.source in ("url", "filename") and pub.confidence <= 0.5


# --------------------------------------------------------------------------- nothing dropped in silence


def _accounted(line: str, article: Article) -> bool:
    removed = {r["line"] for r in article.removed}
    if line in removed or line == article.title:
        return True
    for p in article.paragraphs:
        if p == line or (line.startswith(p) and line[len(p):].strip() in removed):
            return True  # a caption whose credit was cut off and listed
    return False


@pytest.mark.parametrize("name", [n for n in FILES if n.endswith(".txt")])
def test_every_line_is_in_the_body_or_listed_as_removed(name):
    article = ingested(name)
    for raw in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        line = normalize_line(raw)
        if line:
            assert _accounted(line, article), line


def test_photo_credits_become_metadata_and_leave_the_body():
    a = ingested("lab_photo_credit.txt")
    assert {"line": "/한국전자통신연구원 제공", "reason": "photo credit"} in a.removed
    assert {"line": "[사진=한국전자통신연구원]", "reason": "photo credit"} in a.removed
    assert a.credits == ["한국전자통신연구원"]
    assert "제공" not in a.body and "[사진=" not in a.body
    assert a.title == "국내 연구진, 혈액 한 방울로 치매 진단하는 센서 개발"
    assert {"line": "과학·IT", "reason": "section label"} in a.removed


@pytest.mark.parametrize("name, paragraph_start", [
    ("lab_photo_credit.txt", "저작권자와 특허권자의 동의를 얻는 절차도 마무리됐다."),
    ("story_like_furniture.txt", "저작권자의 허락 없이 작품을 학습 데이터로"),
    ("story_like_furniture.txt", "댓글 조작과 별점 테러 피해도 함께 제기됐다."),
    ("table_layout.html", "압축기는 수소를 고압으로 눌러"),
])
def test_a_story_paragraph_is_never_removed(name, paragraph_start):
    article = ingested(name)
    assert any(p.startswith(paragraph_start) for p in article.paragraphs)
    assert not any(r["line"].startswith(paragraph_start) for r in article.removed)


def test_furniture_words_do_not_make_a_headline_furniture():
    a = ingested("story_like_furniture.txt")
    assert a.title == '웹툰 작가들, 생성형 AI 학습 금지 요구…"저작권자 동의 없는 학습은 도용"'
    assert len(a.paragraphs) == 4 and a.publisher == "컬처리포트"


def test_html_restores_a_left_out_paragraph_in_place_and_lists_the_rest():
    a = ingested("table_layout.html")
    assert [p.split()[0] for p in a.paragraphs] == ["한국기계연구원은", "압축기는", "연구원은", "정부는"]
    reasons = {r["line"][:12]: r["reason"] for r in a.removed}
    assert reasons["연구진이 대전 본원에서"] == "photo caption"
    assert a.credits == ["한국기계연구원"]
    assert any(r["reason"] == "copyright" for r in a.removed)
    assert a.publisher == "대전일보"  # from the copyright line the extractor left out


def test_removed_lines_are_in_page_order():
    lines = [r["line"] for r in ingested("lab_photo_credit.txt").removed]
    assert lines.index("/한국전자통신연구원 제공") < lines.index("[사진=한국전자통신연구원]") \
        < lines.index("사진 제공=한국전자통신연구원") < lines.index("많이 본 뉴스")


def test_headline_list_leaves_the_body():
    a = ingested("headline_list.txt")
    assert "▶" not in a.body and "헝가리" not in a.body
    rows = [r["line"] for r in a.removed if r["reason"] == "headline list of other articles"]
    assert len(rows) == 4 and rows[1] == "▶ 삼성SDI, 22일 헝가리 공장 증설 착공"


def test_dateline_byline_is_a_byline():
    a = ingested("fiscal_year_habitual.txt")
    assert a.byline == ["최윤정"] and "특파원" not in a.body and "국제" not in a.paragraphs


def test_removed_lines_survive_the_store(tmp_path):
    from briefing.search.store import Store

    a = ingested("lab_photo_credit.txt")
    store = Store(tmp_path / "s.sqlite")
    store.write(articles=[(a, [], [])], sources=[])
    back = store.article(a.id)
    assert back.removed == a.removed and back.credits == a.credits and back.captions == a.captions
    store.close()


def test_show_json_lists_removed_lines(seed_engine):
    from briefing.tui.commands.show_cmd import article_payload

    data = article_payload(seed_engine, seed_engine.resolve_id("000"))
    assert data["removed"] and all(set(r) == {"line", "reason"} for r in data["removed"])
    assert {"line": "컨텐츠 바로가기", "reason": "page widget"} in data["removed"]
    assert "credits" in data and "captions" in data


# --------------------------------------------------------------------------- events


def test_general_statements_are_not_events():
    evs = events("fiscal_year_habitual.txt")
    assert not any("회계연도" in e.text or "매년" in e.text for e in evs)
    assert ("2025-05-15", "오는 5월 15일") in [(e.value, e.expr) for e in evs]  # a scheduled event stays


def test_comparison_baseline_is_not_an_event():
    evs = events("fiscal_year_habitual.txt")
    assert [(e.value, e.expr) for e in evs if "같은 기간" in e.text] == [("2025-03-21", "21일까지")]


def test_captions_and_headline_rows_are_not_events():
    evs = events("lab_photo_credit.txt")
    assert not any("센서 칩을 들어" in e.text or "시험하고 있다" in e.text for e in evs)
    assert ("2025-03-18", "18일") in [(e.value, e.expr) for e in evs]
    raw = ingested("headline_list.txt")
    with_rows = Article(id="x", title="t", paragraphs=[*raw.paragraphs, "▶ 삼성SDI, 22일 헝가리 공장 증설 착공",
                                                       "▶ SK온, 다음달 3일 조지아 합작공장 준공식"],
                        source_path="x", content_hash="h", published=raw.published)
    assert not any("▶" in e.text for e in article_events(with_rows))


def test_coordinated_days_make_one_event():
    [ev] = [e for e in events("headline_list.txt") if "이틀간" in e.text]
    assert (ev.expr, ev.date_from, ev.date_to) == ("20일과 21일", date(2025, 1, 20), date(2025, 1, 21))


@pytest.mark.parametrize("name", FILES)
def test_one_event_per_sentence_and_date(name):
    by_text: dict[tuple[int, int], list] = {}
    for e in events(name):
        by_text.setdefault((e.start, e.end), []).append(e)
    for evs in by_text.values():
        resolved = sorted((e for e in evs if e.date_from), key=lambda e: e.date_from)
        for a, b in pairwise(resolved):
            assert (b.date_from - a.date_to).days > 1, (a.expr, b.expr, a.text)  # no adjacent or nested dates
        assert sum(e.value is None for e in evs) <= 1


@pytest.mark.parametrize("sentence, published, expected", [
    ("일본은 회계연도가 3월 31일에 끝난다.", date(2025, 3, 24), []),
    ("어린이날은 5월 5일로 정해져 있다. 5월 5일은 어린이날이다.", date(2025, 3, 24), []),
    ("이 행사는 매년 10월 열린다.", date(2025, 3, 24), []),
    ("삼성전자는 3월 31일 정기 주주총회를 연다.", date(2025, 3, 24), ["2025-03-31"]),
    ("최 회장은 22일 일본 도쿄를 방문한다.", date(2024, 11, 21), ["2024-11-22"]),
    ("회사는 2023년 3월 회계연도를 바꿨다.", date(2025, 3, 24), ["2023-03"]),
    ("통상 4월에 열리던 행사가 올해는 지난 22일 열렸다.", date(2025, 3, 24), ["2025-03-22"]),
    ("이 축제는 매년 5월 열렸지만 올해는 취소됐다.", date(2025, 3, 24), ["2025"]),  # the habit goes
    ("26일 전국은 고기압의 영향을 받아 대체로 맑겠다.", date(2025, 3, 24), ["2025-03-26"]),
    ("공연장에서는 28일부터 매주 금요일 영화를 상영한다.", date(2025, 3, 24), ["2025-03-28"]),
])
def test_general_statement_rule(sentence, published, expected):
    a = Article(id="x", title="t", paragraphs=[sentence], source_path="x", content_hash="h",
                published=PublishedDate(published, 1.0, "test"))
    assert [e.value for e in article_events(a)] == expected


# --------------------------------------------------------------------------- key facts


@pytest.mark.parametrize("name", ["lab_photo_credit.txt", "meta_published.html", "table_layout.html"])
def test_key_facts_come_from_the_story(name):
    a = ingested(name)
    story = story_text(a)
    for caption in a.captions:
        assert caption not in story
    facts = key_sentences(story)
    assert facts and all(f.endswith((".", '"', "”")) for f in facts)
    assert not any("들어 보이고 있다" in f or "시험하고 있다" in f for f in facts)


@pytest.mark.parametrize("line, story", [
    (("저작권자와 특허권자의 동의를 얻는 절차도 마무리됐다. 연구진은 지난달 국내 진단기기 업체에 기술을 "
      "이전하는 계약을 맺었다. 무단 전재를 막기 위해 센서 설계 도면은 공개하지 않기로 했다."), True),
    ("이 기사의 저작권은 한국경제신문에 있습니다. 무단 전재 및 재배포를 금지합니다.", False),
    ("기사 제보는 이메일로 보내주세요. 채택된 제보에는 원고료를 드립니다.", False),
    ("댓글 첫 댓글을 작성해보세요", False),
])
def test_story_paragraph_rule(line, story):
    from briefing.search.ingest.furniture import is_story_paragraph

    assert is_story_paragraph(line) is story


def test_comment_dates_below_the_story_are_not_its_date():
    html = ("<html><body><article><h1>제목이 있는 기사</h1>"
            "<p>회사는 새 공장을 짓기로 했다고 밝혔다. 공장은 내년에 완공된다.</p></article>"
            "<div class='comments'><p>독자1</p><p>등록 2023.01.09</p><p>좋은 기사네요</p>"
            "<p>독자2</p><p>등록 2023.01.10</p></div></body></html>")
    text = "회사는 새 공장을 짓기로 했다고 밝혔다. 공장은 내년에 완공된다."
    found = pubdate.html_published(html, PublishedDate(None, 0.0, "none"), None, text)
    assert found.value is None


def test_text_page_with_only_a_copyright_year_is_undated():
    from briefing.search.ingest.page import extract_page

    page = ("연구팀, 새 전해질 개발\n연구팀은 2024년 3월 5일 리튬금속전지의 수명을 늘리는 전해질을 개발했다고 밝혔다. "
            "결과는 학술지에 실렸다.\nCopyright 2024 ScienceOn. All rights reserved.\n")
    pub = extract_page(page, today=TODAY).published
    assert pub.value is None and "copyright year 2024" in pub.evidence


@pytest.mark.parametrize("line, caption", [
    ("연구진이 센서 성능을 시험하고 있다. /한국전자통신연구원 제공", True),
    ("이재용 회장(오른쪽 세 번째)이 2023년 2월 천안캠퍼스를 찾아 라인을 점검하고 있다.", True),
    ("삼성전자가 22일 평택에서 새 공장을 착공했다고 밝혔다. 공장은 2027년 가동한다. [사진=삼성전자]", False),
    ("삼성전자가 22일 평택에서 새 공장을 착공했다고 밝혔다.", False),
])
def test_caption_rule(line, caption):
    from briefing.search.ingest.furniture import is_caption

    assert is_caption(line) is caption


@pytest.mark.parametrize("line, credit", [
    ("/한국전자통신연구원 제공", True), ("한국전자통신연구원 제공", True), ("사진=연합뉴스", True),
    ("[사진=한국전자통신연구원]", True), ("정부, 청년에 월세 지원금 제공", False),
    ("청년 월세 지원금 제공", False),
])
def test_photo_credit_line_rule(line, credit):
    from briefing.search.ingest.furniture import is_photo_credit_line

    assert is_photo_credit_line(line) is credit
