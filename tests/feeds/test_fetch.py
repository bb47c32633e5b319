"""Fetching feeds and pages into records: one test per failure the issue names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.search.feeds.fetch import fetch_feeds, fetch_pages, follow
from briefing.search.feeds.folders import articles_dir, raw_dir
from briefing.search.feeds.state import FeedState


def records(data_dir: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(articles_dir(data_dir).glob("*.jsonl")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        out[rec["url"].split("127.0.0.1:", 1)[1].split("/", 1)[1]] = rec
    return out


def test_rss_feed_fetch_keeps_articles_and_reports_each_failure(site, quick, tmp_path):
    follow(tmp_path, site.base + "/a/rss.xml", settings=quick)
    report = fetch_feeds(tmp_path, quick)
    recs = records(tmp_path)
    # one record per canonical URL: the tracking-parameter link and the AMP copy are one article
    assert sorted(recs) == ["a/news/1001", "a/news/1002", "a/news/1003", "a/news/1004", "a/news/1005"]
    first = recs["a/news/1001"]
    assert first["title"] == "삼성전자, 평택 4라인에 HBM4 전용 설비 들인다"
    assert first["published"] == "2025-03-04"
    assert first["publisher"] == "한빛경제"
    assert "김서연" in first["author"]
    assert "HBM4" in first["body"] and "Copyright" not in first["body"]
    assert first["feed"] == "한빛경제 산업" and first["fetched_at"]
    # the redirect was followed; the source URL is the feed's link
    assert recs["a/news/1003"]["source_url"].endswith("/a/old/1003")
    # a page without text falls back to the feed item's own text
    assert recs["a/news/1005"]["body_from"] == "feed item"
    assert "M15X" in recs["a/news/1005"]["body"]
    assert recs["a/news/1005"]["title"] == "SK하이닉스, 청주 M15X 팹에 20조원 투자 확정"
    # every failure is one line naming the URL and why
    fails = report.failures
    assert len(fails) == 5, fails
    assert any("/a/news/missing" in f and "404" in f for f in fails)
    assert any("/a/news/slow" in f and "timed out" in f for f in fails)
    assert any("/a/news/huge" in f and "limit" in f for f in fails)
    assert any("report.pdf" in f and "not an HTML page" in f for f in fails)
    assert any("/a/private/9001" in f and "robots.txt" in f for f in fails)
    assert not site.hits("/a/private/9001"), "robots.txt must be respected"
    assert all("\n" not in f for f in fails)
    (feed,) = report.feeds
    assert (feed.status, feed.new, feed.items, feed.duplicates) == ("ok", 5, 11, 1)
    # the raw page is kept for re-extraction
    assert len(list(raw_dir(tmp_path).glob("*.html"))) == 5


def test_second_fetch_is_a_conditional_get_with_nothing_new(site, quick, tmp_path):
    follow(tmp_path, site.base + "/a/rss.xml", settings=quick)
    fetch_feeds(tmp_path, quick)
    pages_before = len([r for r in site.requests if r.path != "/robots.txt"])
    report = fetch_feeds(tmp_path, quick)
    assert report.new == [] and report.feeds[0].status == "not modified"
    last = site.hits("/a/rss.xml")[-1]
    assert last.headers.get("If-None-Match") and last.headers.get("If-Modified-Since")
    after = [r for r in site.requests if r.path != "/robots.txt"]
    assert len(after) == pages_before + 1  # only the feed, answered 304
    state = FeedState(tmp_path)
    log = state.history("한빛경제 산업")
    assert [e.status for e in log] == ["not modified", "ok"]
    assert log[1].new == 5 and len(log[1].errors) == 5


def test_atom_feed_with_euc_kr_pages(site, quick, tmp_path):
    follow(tmp_path, site.base + "/b/atom.xml", settings=quick)
    report = fetch_feeds(tmp_path, quick)
    assert report.failures == []
    recs = records(tmp_path)
    meta_charset = recs["b/article/2001"]
    assert meta_charset["title"] == "포스코, 광양에 리튬 정제공장 2단계 착공"
    assert "수산화리튬" in meta_charset["body"] and "\ufffd" not in meta_charset["body"]
    assert meta_charset["publisher"] == "동해일보"
    header_only = recs["b/article/2002"]  # charset in the HTTP header, no metadata on the page
    assert "부산항만공사" in header_only["body"]
    assert header_only["published"] == "2025-03-07"  # from the feed
    assert header_only["publisher"] == "동해일보"  # from the feed
    assert header_only["title"] == "부산항 신항 완전 자동화 터미널 다음 달 시범 운영"
    state = FeedState(tmp_path)
    charsets = {a.charset for a in (state.article_by_url(r["url"]) for r in recs.values())}
    assert charsets == {"cp949"}


def test_malformed_and_dead_feeds_fail_alone(site, quick, tmp_path):
    follow(tmp_path, site.base + "/a/rss.xml", settings=quick)
    follow(tmp_path, site.base + "/c/broken.xml", name="broken", settings=quick, check=False)
    follow(tmp_path, site.base + "/d/gone.xml", name="gone", settings=quick, check=False)
    report = fetch_feeds(tmp_path, quick)
    status = {f.name: f.status for f in report.feeds}
    assert status == {"한빛경제 산업": "ok", "broken": "failed", "gone": "failed"}
    assert any(f.startswith("feed broken: not a readable RSS/Atom feed") for f in report.failures)
    assert any(f.startswith("feed gone: HTTP 404") for f in report.failures)
    assert len(report.new) == 5


def test_follow_checks_the_feed(site, quick, tmp_path):
    from briefing.search.errors import BriefingError

    with pytest.raises(BriefingError, match="cannot follow"):
        follow(tmp_path, site.base + "/c/broken.xml", settings=quick)
    feed = follow(tmp_path, site.base + "/b/atom.xml", settings=quick)
    assert feed.name == "동해일보"
    with pytest.raises(BriefingError, match="already following"):
        follow(tmp_path, site.base + "/b/atom.xml", name="again", settings=quick, check=False)


def test_add_single_pages(site, quick, tmp_path):
    report = fetch_pages(tmp_path, [site.base + "/a/news/1001?utm_source=kakao", site.base + "/a/news/missing"],
                         quick)
    assert [a.title for a in report.new] == ["삼성전자, 평택 4라인에 HBM4 전용 설비 들인다"]
    assert len(report.failures) == 1 and "404" in report.failures[0]
    again = fetch_pages(tmp_path, [site.base + "/a/news/1001"], quick)
    assert again.new == [] and len(again.already) == 1


def test_per_host_delay_spaces_requests(site, tmp_path):
    import time

    from briefing.search.feeds.client import Fetcher, FetchSettings

    settings = FetchSettings(timeout_s=2, retries=0, delay_s=0.3, concurrency=4, robots=False)
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda p: fetcher.get(site.base + p), ["/a/news/1001", "/a/news/1002", "/a/news/1003"]))
        assert time.monotonic() - started >= 0.6 - 0.05


def test_retries_with_back_off_then_one_line(site, tmp_path):
    from briefing.search.feeds.client import Fetcher, FetchError, FetchSettings

    settings = FetchSettings(timeout_s=0.3, retries=2, backoff_s=0.01, delay_s=0, robots=False)
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match=r"timed out .*after 3 tries"):
        fetcher.get(site.base + "/a/news/slow")
    assert len(site.hits("/a/news/slow")) == 3


def test_size_limit_holds_without_content_length(site, quick):
    from briefing.search.feeds.client import Fetcher, FetchError

    with Fetcher(quick) as fetcher, pytest.raises(FetchError, match=r"^over the page limit of 1 MB"):
        fetcher.get(site.base + "/a/news/stream")
    assert site.hits("/a/news/stream")
