"""A fixture news site for the feed tests, served on 127.0.0.1 by pytest-httpserver.

Two fictional outlets: 한빛경제 (RSS 2.0, UTF-8 pages) and 동해일보 (Atom, EUC-KR pages), each
carrying the same 연합뉴스 wire story, plus the pages every failure needs: a redirect, a 404, a
slow page, an enormous page, a PDF, a page robots.txt forbids, a page with no text (the feed
item's text is used), the same story at two URLs, a malformed feed and a dead feed.
All text is written for these tests (no real article is copied).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

WIRE_PARAS = [
    "정부가 반도체 소재·부품·장비 특화단지 다섯 곳에 내년부터 3년간 1조2천억원을 추가로 지원한다.",
    "산업통상자원부는 12일 정부서울청사에서 열린 산업경쟁력강화 관계장관회의에서 이 같은 내용의 "
    "'소부장 특화단지 고도화 방안'을 확정했다고 밝혔다. 지원금은 용수·전력 같은 기반시설과 공동 연구시설 "
    "구축에 주로 쓰인다.",
    "특화단지는 용인·평택의 반도체 클러스터와 청주의 이차전지, 천안·아산의 디스플레이, 구미의 전자부품 "
    "단지다. 정부는 단지마다 입주 기업이 함께 쓰는 시험·인증 센터를 세우고, 중소 장비 기업이 대기업 "
    "양산 라인에서 제품을 검증할 수 있도록 테스트베드를 연다.",
    "산업부 관계자는 \"일본의 수출 규제 이후 국산화율이 높아졌지만 핵심 장비의 해외 의존도는 여전히 "
    "70%를 넘는다\"며 \"특화단지를 중심으로 공급망을 더 촘촘하게 만들겠다\"고 말했다.",
    "업계는 환영하면서도 전력망 확충이 늦어지면 지원 효과가 반감될 수 있다고 지적했다. 한국반도체산업협회는 "
    "송전선로 건설 인허가 기간을 줄이는 특별법을 연내 처리해 달라고 국회에 요청했다.",
]


def _page(*, title: str, paras: list[str], site: str | None = None, date: str | None = None,
          author: str | None = None, canonical: str | None = None, charset: str | None = "utf-8",
          extra_head: str = "", chrome: str = "") -> str:
    head = []
    if charset:
        head.append(f'<meta charset="{charset}">')
    head.append(f"<title>{title}{' | ' + site if site else ''}</title>")
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
        head.append(f'<meta property="og:title" content="{title}">')
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    if author:
        head.append(f'<meta name="author" content="{author}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        "<!DOCTYPE html><html lang=\"ko\"><head>" + "".join(head) + extra_head + "</head><body>"
        "<header><nav><a href=\"/\">홈</a> <a href=\"/economy\">경제</a> <a href=\"/industry\">산업</a></nav></header>"
        f"<main><article><h1>{title}</h1><div class=\"article-body\">{body}</div></article></main>"
        f"{chrome}<footer><p>Copyright ⓒ {site or '언론사'}. 무단 전재 및 재배포 금지.</p></footer></body></html>"
    )


HANBIT = "한빛경제"
DONGHAE = "동해일보"

A_PAGES = {
    "/a/news/1001": dict(
        title="삼성전자, 평택 4라인에 HBM4 전용 설비 들인다",
        site=HANBIT, date="2025-03-04T09:12:00+09:00", author="김서연 기자", canonical="/a/news/1001",
        paras=[
            "삼성전자가 경기 평택캠퍼스 4라인(P4)에 6세대 고대역폭메모리(HBM4) 전용 생산 설비를 들이기로 했다.",
            "업계에 따르면 삼성전자는 이달 말부터 P4 2단계 공간에 HBM4용 실리콘관통전극(TSV) 공정 장비를 순차적으로 "
            "반입한다. 양산 목표 시점은 내년 상반기다.",
            "HBM4는 엔비디아의 차세대 인공지능 가속기에 들어갈 메모리로, SK하이닉스가 먼저 샘플을 공급하며 앞서가고 있다. "
            "삼성전자는 파운드리 4나노 공정으로 만든 로직 다이를 붙여 성능 격차를 줄인다는 계획이다.",
            "증권가는 설비 반입이 예정대로 진행되면 삼성전자의 HBM 생산능력이 연말까지 월 17만 장 수준으로 늘어날 것으로 본다.",
        ]),
    "/a/news/1002": dict(
        title="LG에너지솔루션, 미국 애리조나 공장 가동 앞당겨",
        site=HANBIT, date="2025-03-05T07:30:00+09:00", author="박준호 기자", canonical="/a/news/1002",
        paras=[
            "LG에너지솔루션이 미국 애리조나주 퀸크리크에 짓는 원통형 배터리 공장의 가동 시점을 내년 초로 석 달 앞당긴다.",
            "회사는 현지 전기차 업체와 에너지저장장치(ESS) 고객의 주문이 늘어 조기 가동을 결정했다고 설명했다. "
            "공장의 연간 생산능력은 36기가와트시(GWh)다.",
            "미국 인플레이션감축법(IRA)의 첨단제조 세액공제를 받으려면 현지 생산 비중을 높여야 한다는 점도 고려됐다.",
            "LG에너지솔루션은 애리조나 공장에서 46시리즈 원통형 전지를 주력으로 생산할 계획이다.",
        ]),
    "/a/news/1003": dict(
        title="현대차, 울산 전기차 전용공장 내년 1분기 준공",
        site=HANBIT, date="2025-03-05T11:05:00+09:00", author="이도윤 기자", canonical="/a/news/1003",
        paras=[
            "현대자동차가 울산공장 안에 짓고 있는 전기차 전용 공장을 내년 1분기 준공한다고 5일 밝혔다.",
            "새 공장은 연간 20만 대를 생산할 수 있으며, 제네시스 브랜드의 대형 전기 SUV를 처음 만든다.",
            "현대차는 이 공장에 사람과 로봇이 함께 일하는 셀 방식 생산 시스템을 일부 도입해 차종 전환 시간을 줄인다.",
            "울산시는 공장 준공에 맞춰 부품 협력사 전용 물류단지를 조성하기로 했다.",
        ]),
    "/a/news/1004": dict(
        title="정부, 소부장 특화단지에 1조2천억원 추가 지원",
        site=HANBIT, date="2025-03-12T10:40:00+09:00", author="연합뉴스", canonical="/a/news/1004",
        paras=["(서울=연합뉴스) 정다은 기자 = " + WIRE_PARAS[0], *WIRE_PARAS[1:],
               "danee@yna.co.kr"],
        chrome="<aside><h3>많이 본 뉴스</h3><ul><li>코스피 2,600선 회복</li><li>원·달러 환율 1,450원 돌파</li></ul></aside>"),
    "/a/news/1005": dict(  # a page with no article text: the feed item's description is used
        title="", site=None, paras=[]),
    "/a/private/9001": dict(
        title="내부 전용 기사", site=HANBIT, paras=["로봇 배제 표준이 막은 페이지입니다. " * 5]),
}

B_PAGES = {
    "/b/article/2001": dict(  # EUC-KR, declared only in <meta charset>
        title="포스코, 광양에 리튬 정제공장 2단계 착공",
        site=DONGHAE, date="2025-03-06T14:20:00+09:00", author="최민재 기자", canonical="/b/article/2001",
        charset="euc-kr",
        paras=[
            "포스코홀딩스가 전남 광양 율촌산업단지에서 수산화리튬 정제공장 2단계 착공식을 열었다.",
            "2단계 공장이 완공되면 광양의 수산화리튬 생산능력은 연 4만3천 톤에서 8만6천 톤으로 두 배가 된다. "
            "이는 전기차 약 200만 대에 들어가는 양이다.",
            "포스코홀딩스는 아르헨티나 염호에서 뽑은 원료를 광양으로 들여와 정제한다. 회사는 중국산 원료 의존도를 "
            "낮춰 미국 시장 요건을 맞출 수 있다고 설명했다.",
            "착공식에는 전남도지사와 광양시장, 협력사 대표 등 200여 명이 참석했다.",
        ]),
    "/b/article/2002": dict(  # EUC-KR, charset only in the HTTP header, no metadata at all
        title="", site=None, charset=None,
        paras=[
            "부산항만공사는 신항 서측 컨테이너부두의 완전 자동화 터미널이 다음 달 시범 운영에 들어간다고 밝혔다.",
            "자동화 터미널에서는 원격으로 조종하는 안벽 크레인과 무인 이송 장비가 컨테이너를 옮긴다. "
            "하역 생산성이 기존 부두보다 20% 이상 높아질 것으로 공사는 기대한다.",
            "공사는 시범 운영 기간 선사와 운영사의 의견을 들어 시스템을 보완한 뒤 하반기 정식 개장할 예정이다.",
            "항만 노조는 자동화로 일자리가 줄지 않도록 재교육과 전환 배치 계획을 먼저 내놓으라고 요구했다.",
        ]),
    "/b/article/2003": dict(  # the same 연합뉴스 copy as /a/news/1004, another outlet's page
        title="소부장 특화단지 5곳에 3년간 1조2천억 더 투입",
        site=DONGHAE, date="2025-03-12T11:02:00+09:00", author="연합뉴스", canonical="/b/article/2003",
        charset="euc-kr",
        paras=["(서울=연합뉴스) 정다은 기자 = " + WIRE_PARAS[0], *WIRE_PARAS[1:],
               "<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>"],
        chrome="<aside><h3>동해일보 추천 기사</h3><ul><li>강릉 해변 관광객 역대 최다</li></ul></aside>"),
}

A_ITEMS = [  # (link, title, description, pubDate)
    ("/a/news/1001", A_PAGES["/a/news/1001"]["title"], "삼성전자가 평택 P4에 HBM4 설비를 들인다.",
     "Tue, 04 Mar 2025 09:12:00 +0900"),
    ("/a/news/1002?utm_source=rss&utm_medium=feed", A_PAGES["/a/news/1002"]["title"],
     "LG에너지솔루션이 애리조나 공장 가동을 앞당긴다.", "Wed, 05 Mar 2025 07:30:00 +0900"),
    ("/a/amp/1002", "[모바일] " + A_PAGES["/a/news/1002"]["title"], "같은 기사의 AMP 주소.",
     "Wed, 05 Mar 2025 07:31:00 +0900"),
    ("/a/old/1003", A_PAGES["/a/news/1003"]["title"], "현대차 울산 전기차 공장.", "Wed, 05 Mar 2025 11:05:00 +0900"),
    ("/a/news/1004", A_PAGES["/a/news/1004"]["title"], "소부장 특화단지 지원.", "Wed, 12 Mar 2025 10:40:00 +0900"),
    ("/a/news/1005", "SK하이닉스, 청주 M15X 팹에 20조원 투자 확정",
     "<p>SK하이닉스가 충북 청주의 신규 팹 M15X에 모두 20조원을 투자하기로 확정했다고 7일 공시했다.</p>"
     "<p>M15X는 HBM 생산 거점으로, 내년 11월 준공해 2026년부터 본격 양산에 들어간다. 회사는 용인 반도체 클러스터 "
     "첫 팹과 함께 HBM 공급 부족에 대응한다는 계획이다.</p>", "Fri, 07 Mar 2025 16:00:00 +0900"),
    ("/a/news/missing", "삭제된 기사", "없는 페이지.", "Thu, 06 Mar 2025 08:00:00 +0900"),
    ("/a/news/slow", "느린 서버의 기사", "응답이 늦는 페이지.", "Thu, 06 Mar 2025 09:00:00 +0900"),
    ("/a/news/huge", "거대한 페이지", "크기 제한을 넘는 페이지.", "Thu, 06 Mar 2025 10:00:00 +0900"),
    ("/a/files/report.pdf", "보고서 PDF", "HTML이 아닌 응답.", "Thu, 06 Mar 2025 11:00:00 +0900"),
    ("/a/private/9001", "내부 전용 기사", "robots.txt가 막은 페이지.", "Thu, 06 Mar 2025 12:00:00 +0900"),
]

B_ENTRIES = [  # (link, title, summary, updated)
    ("/b/article/2001", B_PAGES["/b/article/2001"]["title"], "포스코 광양 리튬 공장.", "2025-03-06T14:20:00+09:00"),
    ("/b/article/2002", "부산항 신항 완전 자동화 터미널 다음 달 시범 운영", "부산항 자동화 터미널.",
     "2025-03-07T08:15:00+09:00"),
    ("/b/article/2003", B_PAGES["/b/article/2003"]["title"], "소부장 특화단지 지원.", "2025-03-12T11:02:00+09:00"),
]


def rss_feed(base: str) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>{base}{link}</link><guid isPermaLink=\"false\">hanbit-{i}</guid>"
        f"<description><![CDATA[{d}]]></description><pubDate>{p}</pubDate></item>"
        for i, (link, t, d, p) in enumerate(A_ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{HANBIT} 산업</title><link>{base}/a/</link><description>{HANBIT} 산업면 기사</description>"
        f"<language>ko</language>{items}</channel></rss>"
    )


def atom_feed(base: str) -> str:
    entries = "".join(
        f"<entry><title>{t}</title><link href=\"{base}{link}\"/><id>tag:donghae,2025:{link}</id>"
        f"<updated>{u}</updated><summary>{s}</summary></entry>"
        for link, t, s, u in B_ENTRIES
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{DONGHAE}</title><link href=\"{base}/b/\"/><id>tag:donghae,2025:feed</id>"
        f"<updated>2025-03-12T11:02:00+09:00</updated>{entries}</feed>"
    )


@dataclass
class Seen:
    path: str
    headers: dict


@dataclass
class FeedSite:
    """Routes of the fixture site; every request is recorded in ``requests``."""

    base: str
    slow_s: float = 1.0
    huge_mb: float = 3.0
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(Seen(request.full_path.rstrip("?"), dict(request.headers)))
        path = request.path
        if path == "/robots.txt":
            return Response("User-agent: *\nDisallow: /a/private/\n", content_type="text/plain")
        if path == "/a/rss.xml":
            return self._conditional(request, rss_feed(self.base).encode("utf-8"), "application/rss+xml; charset=utf-8")
        if path == "/b/atom.xml":
            return self._conditional(request, atom_feed(self.base).encode("utf-8"), "application/atom+xml")
        if path == "/c/broken.xml":
            return Response("<rss><channel><title>깨진 피드<item><title>닫히지 않은", content_type="application/xml")
        if path == "/a/old/1003":
            return Response("", status=301, headers={"Location": "/a/news/1003"})
        if path == "/a/amp/1002":
            spec = dict(A_PAGES["/a/news/1002"])
            return self._html(spec | {"canonical": self.base + "/a/news/1002"}, "utf-8")
        if path == "/a/news/slow":
            time.sleep(self.slow_s)
            return Response(_page(title="늦은 기사", paras=["늦게 도착한 본문입니다."] * 5), content_type="text/html")
        if path == "/a/news/huge":
            para = "<p>" + "대용량 페이지를 채우는 문장입니다. " * 40 + "</p>"
            body = para * int(self.huge_mb * 2**20 / len(para.encode()) + 1)
            return Response(_page(title="거대한 페이지", paras=[]).replace("</main>", body + "</main>"),
                            content_type="text/html; charset=utf-8")
        if path == "/a/news/stream":  # no Content-Length: the limit must hold while reading
            chunk = ("<p>" + "끝없이 이어지는 본문입니다. " * 200 + "</p>").encode("utf-8")
            return Response((chunk for _ in range(int(self.huge_mb * 2**20 / len(chunk)) + 1)),
                            content_type="text/html; charset=utf-8", direct_passthrough=True)
        if path == "/a/files/report.pdf":
            return Response(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf")
        if path in A_PAGES:
            return self._html(A_PAGES[path], "utf-8")
        if path in B_PAGES:
            spec = B_PAGES[path]
            header = "text/html; charset=euc-kr" if spec.get("charset") is None else "text/html"
            return self._html(spec, "euc-kr", content_type=header)
        return Response("<html><body><h1>404 페이지를 찾을 수 없습니다</h1></body></html>", status=404,
                        content_type="text/html; charset=utf-8")

    def _html(self, spec: dict, encoding: str, content_type: str | None = None) -> Response:
        spec = dict(spec)
        if spec.get("canonical", "").startswith("/"):
            spec["canonical"] = self.base + spec["canonical"]
        spec.setdefault("charset", "utf-8")
        html = _page(**spec)
        return Response(html.encode(encoding), content_type=content_type or "text/html; charset=utf-8")

    def _conditional(self, request: Request, data: bytes, content_type: str) -> Response:
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        modified = "Wed, 12 Mar 2025 02:02:00 GMT"
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == modified:
            return Response(status=304, headers={"ETag": etag, "Last-Modified": modified})
        return Response(data, content_type=content_type, headers={"ETag": etag, "Last-Modified": modified})


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)
