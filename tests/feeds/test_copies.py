"""Duplicate wire copies: MinHash over shingles groups the same agency story carried by two
outlets, never two outlets' own stories on the same event."""

from __future__ import annotations

from datetime import date

from briefing.search.feeds.copies import group_copies, signature, wire_copies

from .site import A_PAGES, WIRE_PARAS

WIRE_A = "(서울=연합뉴스) 정다은 기자 = " + "\n\n".join(WIRE_PARAS) + "\n\ndanee@yna.co.kr"
# another outlet's copy: its own lead-in, one paragraph cut, its own sign-off
WIRE_B = ("[동해일보] " + "\n\n".join(WIRE_PARAS[:2] + WIRE_PARAS[3:])
          + "\n\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>")
# the same event, written by a reporter of its own: must not count as a copy
OWN_STORY = "\n\n".join([
    "소재·부품·장비 특화단지에 대한 정부의 추가 지원 규모가 1조2천억원으로 정해졌다.",
    "12일 관계장관회의에서 확정된 고도화 방안을 보면, 돈의 대부분은 단지 안의 전력과 용수 설비, 그리고 "
    "기업들이 같이 쓰는 연구 장비에 들어간다. 용인과 평택, 청주, 천안·아산, 구미가 대상이다.",
    "현장의 반응은 엇갈린다. 장비 업체 대표 A씨는 \"테스트베드가 생기면 납품 실적을 쌓기 쉬워진다\"면서도 "
    "\"결국 전기가 제때 들어오느냐가 관건\"이라고 했다.",
    "전문가들은 송전망 특별법 처리가 늦어질 경우 단지 조성 일정 전체가 밀릴 수 있다고 본다.",
])


def test_copies_grouped_and_independent_story_kept_apart():
    sigs = {"a": signature(WIRE_A), "b": signature(WIRE_B), "own": signature(OWN_STORY),
            "other": signature("\n\n".join(A_PAGES["/a/news/1001"]["paras"])), "short": signature("속보: 지원 확정")}
    assert sigs["short"] is None
    assert sigs["a"].jaccard(sigs["b"]) >= 0.6 > sigs["a"].jaccard(sigs["own"])
    copies = group_copies(sigs, {"a": date(2025, 3, 12), "b": date(2025, 3, 11)}, {"a": "한빛경제", "b": "동해일보"})
    (group,) = copies.groups
    assert group.ids == ("b", "a")  # the earlier copy is the one to cite
    assert copies.others("a") == [("b", "동해일보")]
    assert copies.others("own") == []
    assert copies.collapse(["own", "a", "other", "b"]) == [("own", []), ("a", ["b"]), ("other", [])]
    assert copies.cite(["a", "b", "own"]) == ["a", "own"]


def test_a_cut_of_a_copy_is_a_copy_a_shared_paragraph_is_not():
    full = signature(WIRE_A)
    cut = signature("(서울=연합뉴스) " + "\n\n".join(WIRE_PARAS[:3]))  # an outlet ran the first three paragraphs
    assert full.jaccard(cut) < 0.75 and full.is_copy(cut)
    quoting = signature(OWN_STORY + "\n\n" + WIRE_PARAS[3])  # its own story quoting one wire paragraph
    assert not full.is_copy(quoting)


def test_fetched_copies_collapse_in_list_search_and_brief(site, quick, tmp_path):
    from briefing.search.config import load_config
    from briefing.search.engine import Engine
    from briefing.search.feeds.fetch import fetch_feeds, follow

    follow(tmp_path, site.base + "/a/rss.xml", settings=quick)
    follow(tmp_path, site.base + "/b/atom.xml", settings=quick)
    fetch_feeds(tmp_path, quick)
    engine = Engine(load_config(use_user_file=False), tmp_path)
    engine.update()
    rows = {r.title: r.id for r in engine.list_articles()}
    a = rows["정부, 소부장 특화단지에 1조2천억원 추가 지원"]
    b = rows["소부장 특화단지 5곳에 3년간 1조2천억 더 투입"]
    copies = engine.copies()
    assert [g.ids for g in copies.groups] == [tuple(sorted((a, b)))]  # same date: smaller id first
    assert copies.others(a) == [(b, "동해일보")]

    plan = engine.plan_brief([a, b, rows["포스코, 광양에 리튬 정제공장 2단계 착공"]])
    assert plan.article_ids[0] == a and b not in plan.article_ids  # one copy cited
    from briefing.search.brief.render import render_brief

    text = render_brief(engine, plan)
    assert f"- Also carried by: 동해일보 ({b})" in text
    engine.close()


def test_signatures_are_cached(site, quick, tmp_path, monkeypatch):
    from briefing.search.config import load_config
    from briefing.search.engine import Engine
    from briefing.search.feeds.fetch import fetch_feeds, follow

    follow(tmp_path, site.base + "/b/atom.xml", settings=quick)
    fetch_feeds(tmp_path, quick)
    engine = Engine(load_config(use_user_file=False), tmp_path)
    engine.update()
    wire_copies(engine)
    loaded = []
    real = engine.store.article
    monkeypatch.setattr(engine.store, "article", lambda i: loaded.append(i) or real(i))
    wire_copies(engine)
    assert loaded == []  # every signature came from copies.sqlite
    engine.close()
