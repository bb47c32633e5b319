"""The issue's acceptance, through the ``briefing`` command: follow the fixture feed in a fresh
data dir, fetch (articles listed with titles, dates, publishers), fetch again (0 new, the server
saw conditional requests), OPML round trip, show --json provenance, feed list --json log."""

from __future__ import annotations

import json

import pytest

from briefing.tui.cli import main


@pytest.fixture
def run(tmp_path, capsys):
    config = tmp_path / "config.yaml"
    config.write_text("fetch: {delay_s: 0, timeout_s: 0.5, retries: 0, max_page_mb: 1}\n", encoding="utf-8")

    def run(*argv: str, data: str = "data") -> tuple[int, str]:
        code = main(["--config", str(config), "--data-dir", str(tmp_path / data), *argv])
        out = capsys.readouterr()
        return code, out.out + out.err

    return run


@pytest.mark.slow
def test_follow_fetch_refetch_show_and_list(site, run):
    code, out = run("feed", "add", site.base + "/a/rss.xml")
    assert code == 0 and "following 한빛경제 산업" in out
    assert run("feed", "add", site.base + "/b/atom.xml", "--name", "동해")[0] == 0

    code, out = run("fetch")
    assert code == 0, out
    assert "한빛경제 산업: 5 new of 11 items (1 already had), 5 failed" in out
    assert "동해: 3 new of 3 items" in out
    assert "2025-03-04    한빛경제  ·  삼성전자, 평택 4라인에 HBM4 전용 설비 들인다" in out
    assert "2025-03-06    동해일보  ·  포스코, 광양에 리튬 정제공장 2단계 착공" in out
    assert out.count("failed: ") == 5
    assert "8 new articles, 5 failures; corpus 8 articles" in out

    code, out = run("list", "--json")
    listed = json.loads(out[out.index("["):])
    assert len(listed) == 7  # fetched news only (the bundled demo seeds give way); the wire copy shown once
    (wire,) = [a for a in listed if a["copies"]]
    assert {wire["publisher"], wire["copies"][0]["publisher"]} == {"한빛경제", "동해일보"}
    code, out = run("list", "--json", "--all-copies")
    assert len(json.loads(out[out.index("["):])) == 8
    assert all(a["id"].startswith("127-") and "~" not in a["id"] for a in listed)  # the record's own id
    by_title = {a["title"]: a for a in listed}
    assert by_title["삼성전자, 평택 4라인에 HBM4 전용 설비 들인다"]["publisher"] == "한빛경제"

    feed_hits = len(site.hits("/a/rss.xml")) + len(site.hits("/b/atom.xml"))
    code, out = run("fetch", "--json")
    report = json.loads(out)
    assert report["new"] == [] and {f["status"] for f in report["feeds"]} == {"not modified"}
    conditional = site.requests[-2:]
    assert all(r.headers.get("If-None-Match") for r in conditional if r.path != "/robots.txt")
    assert len(site.hits("/a/rss.xml")) + len(site.hits("/b/atom.xml")) == feed_hits + 2

    code, out = run("list", "--all-copies")
    assert "2 copies: " in out
    aid = by_title["포스코, 광양에 리튬 정제공장 2단계 착공"]["id"]
    code, out = run("show", aid, "--json")
    shown = json.loads(out)
    assert shown["feed"] == "동해" and shown["fetched_at"]
    assert shown["source_url"] == site.base + "/b/article/2001" == shown["url"]
    assert shown["raw_path"].endswith(".html")

    code, out = run("feed", "list", "--json")
    feeds = json.loads(out)
    hanbit = feeds[0]
    assert (hanbit["status"], hanbit["new_items"], hanbit["articles"]) == ("not modified", 0, 5)
    assert [e["status"] for e in hanbit["log"]] == ["not modified", "ok"]
    assert len(hanbit["log"][1]["errors"]) == 5


def test_opml_round_trip(site, run, tmp_path):
    run("feed", "add", site.base + "/a/rss.xml")
    run("feed", "add", site.base + "/b/atom.xml", "--name", "동해 일보 & 경제")
    opml = tmp_path / "feeds.opml"
    assert run("feed", "export", "-o", str(opml))[0] == 0
    text = opml.read_text(encoding="utf-8")
    assert 'version="2.0"' in text and 'xmlUrl="' + site.base + '/a/rss.xml"' in text
    code, out = run("feed", "import", str(opml), data="other")
    assert code == 0 and "imported 2 feeds" in out
    _, first = run("feed", "list", "--json")
    _, second = run("feed", "list", "--json", data="other")
    def pick(out: str) -> list[tuple[str, str]]:
        return [(f["name"], f["url"]) for f in json.loads(out)]

    assert pick(first) == pick(second)
    code, out = run("feed", "import", str(opml), data="other")
    assert "imported 0 feeds from" in out and "(2 already followed)" in out


def test_feed_remove_and_errors(site, run):
    run("feed", "add", site.base + "/a/rss.xml", "--name", "hanbit")
    code, out = run("feed", "remove", "nope")
    assert code == 1 and "no feed named" in out
    code, out = run("feed", "remove", site.base + "/a/rss.xml")
    assert code == 0 and "stopped following hanbit" in out
    code, out = run("fetch")
    assert code == 1 and "no feeds followed yet" in out
