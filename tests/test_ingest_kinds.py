"""Each input kind (text, Markdown, HTML, JSON Lines) and each bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from briefing.search.ingest.decode import Undecodable
from briefing.search.ingest.sources import discover, ingest_file

from .conftest import TODAY

PAGE = """메뉴 건너뛰기
삼성전자, 평택에 새 반도체 공장 착공
입력 2025.03.02 10:21
삼성전자가 1일 평택에서 새 반도체 공장을 착공했다고 밝혔다. 이 공장은 2027년 가동을 목표로 한다.
회사는 이번 투자로 고대역폭메모리 생산을 늘릴 계획이다. 업계는 이번 결정을 환영했다.
홍길동 기자
ⓒ 한국경제 무단전재 및 재배포 금지
많이 본 뉴스
"""


def test_text_page(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text(PAGE, encoding="utf-8")
    [a] = ingest_file(p, today=TODAY)
    assert a.id == "page" and a.kind == "text"
    assert a.title == "삼성전자, 평택에 새 반도체 공장 착공"
    assert a.publisher == "한국경제"
    assert a.byline == ["홍길동"]
    assert a.published.value == date(2025, 3, 2) and a.published.confidence >= 0.9
    assert len(a.paragraphs) == 2 and "메뉴" not in a.body and "많이 본" not in a.body


def test_cp949_page_gives_the_same_article(tmp_path):
    utf8, cp949 = tmp_path / "u.txt", tmp_path / "c.txt"
    utf8.write_text(PAGE, encoding="utf-8")
    cp949.write_bytes(PAGE.encode("cp949"))
    a, b = ingest_file(utf8, today=TODAY)[0], ingest_file(cp949, today=TODAY)[0]
    assert (a.title, a.paragraphs, a.publisher) == (b.title, b.paragraphs, b.publisher)


def test_bom_page(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + PAGE.encode("utf-8"))
    assert ingest_file(p, today=TODAY)[0].title.startswith("삼성전자")


def test_markdown_with_front_matter(tmp_path):
    p = tmp_path / "note.md"
    p.write_text(
        "---\ntitle: 라피더스, 2나노 시제품 공개\npublished: 2025-07-18\npublisher: 니혼게이자이신문\n"
        "url: https://example.com/a\n---\n# 라피더스, 2나노 시제품 공개\n\n"
        "라피더스가 **2나노** 시제품을 [공개](https://example.com)했다.\n줄이 이어진다.\n\n- 첫째 항목\n- 둘째 항목\n",
        encoding="utf-8",
    )
    [a] = ingest_file(p, today=TODAY)
    assert a.kind == "markdown" and a.title == "라피더스, 2나노 시제품 공개"
    assert a.published.value == date(2025, 7, 18) and a.publisher == "니혼게이자이신문"
    assert a.url == "https://example.com/a"
    assert a.paragraphs[0] == "라피더스가 2나노 시제품을 공개했다. 줄이 이어진다."
    assert "첫째 항목" in a.paragraphs[1] and "**" not in a.body and "#" not in a.body


def test_html_through_trafilatura(tmp_path):
    p = tmp_path / "story.html"
    p.write_text(
        "<html><head><title>SK하이닉스, HBM4 양산</title>"
        '<meta property="article:published_time" content="2025-09-12T09:00:00+09:00"></head><body>'
        "<nav><a href='/'>홈</a> <a href='/it'>IT</a></nav><article><h1>SK하이닉스, HBM4 양산</h1>"
        "<p>SK하이닉스가 12일 6세대 고대역폭메모리 HBM4 양산 체제를 갖췄다고 밝혔다. 회사는 엔비디아에 공급한다.</p>"
        "<p>업계에서는 이번 양산으로 메모리 시장 주도권이 더 강해질 것으로 본다. 경쟁사들도 대응에 나섰다.</p>"
        "</article><footer>Copyright 전자신문. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    [a] = ingest_file(p, today=TODAY)
    assert a.kind == "html" and a.title == "SK하이닉스, HBM4 양산"
    assert a.published.value == date(2025, 9, 12)
    assert any("HBM4 양산 체제" in para for para in a.paragraphs)
    assert "홈" not in a.paragraphs and "<p>" not in a.body


def test_jsonl_records_and_bad_lines(tmp_path):
    p = tmp_path / "feed.jsonl"
    records = [
        {"id": "n1", "title": "오픈AI, 서울 사무소 개소", "body": "오픈AI가 서울에 사무소를 열었다.\n\n올트먼 CEO가 방한했다.",
         "published": "2025-09-10T08:00:00+09:00", "url": "https://e.com/1", "publisher": "연합뉴스"},
        {"title": "두 번째 기사", "body": "본문이 있다."},
    ]
    lines = [json.dumps(records[0], ensure_ascii=False), "{not json", "", json.dumps(records[1], ensure_ascii=False), "[1, 2]"]
    p.write_text("\n".join(lines), encoding="utf-8")
    arts = ingest_file(p, today=TODAY)
    assert [a.id for a in arts] == ["n1", "feed-4"]
    a = arts[0]
    assert (a.title, a.publisher, a.url, a.published.value) == (
        "오픈AI, 서울 사무소 개소", "연합뉴스", "https://e.com/1", date(2025, 9, 10))
    assert a.paragraphs == ["오픈AI가 서울에 사무소를 열었다.", "올트먼 CEO가 방한했다."]
    assert any("line 2" in w for w in a.warnings) and any("line 5" in w for w in a.warnings)
    assert arts[1].published.value is None


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        (b"\x00\x01\x02" * 400, "binary"),
    ],
)
def test_bad_files_raise_undecodable_with_reason(tmp_path, content, needle):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(Undecodable, match=needle):
        ingest_file(p, today=TODAY)


def test_nul_bytes_inside_text_are_dropped(tmp_path):
    p = tmp_path / "nul.txt"
    p.write_bytes(PAGE.encode("utf-8").replace("착공했다".encode(), "착공\x00했다".encode()))
    [a] = ingest_file(p, today=TODAY)
    assert "착공했다" in a.body and any("NUL" in w for w in a.warnings)


def test_very_large_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: no memory or disk spent
    with pytest.raises(Undecodable, match="over the limit"):
        ingest_file(p, max_bytes=1024 * 1024)


def test_large_text_file_under_the_limit_is_ingested(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("긴 기사 제목\n" + ("삼성전자가 투자를 늘렸다고 밝혔다. " * 40 + "\n") * 2000, encoding="utf-8")
    [a] = ingest_file(p, today=TODAY)
    assert a.title == "긴 기사 제목" and len(a.paragraphs) == 2000


def test_discover_filters_extensions_and_reports_missing(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.bin").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("y")
    (tmp_path / ".hidden.txt").write_text("z")
    files, skipped = discover([tmp_path, tmp_path / "nope"], [".txt", ".md"])
    assert sorted(f.path.name for f in files) == ["a.txt", "c.md"]
    assert skipped and "no such" in skipped[0].reason
