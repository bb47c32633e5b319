"""Recognise page furniture in scraped news text: navigation, comment and share widgets,
image hints, copyright lines, bylines, author-profile blocks and lists of other headlines.

Each test is a small named function over one stripped line, so the cleaner can say why a
line was dropped (``briefing show --json`` lists every removed line with its reason). Story
prose is protected (:func:`is_story_paragraph`); photo captions, credits and rows of a headline
list are recognised so that the timeline and the brief can leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# Lines that are whole UI strings or start with one (navigation, comments, sharing, widgets).
_UI_PATTERNS = [
    r"(본문|컨텐츠|콘텐츠|메뉴|주메뉴|메인메뉴)\s*(바로\s*가기|건너\s*뛰기)",
    r"skip (to|navigation)",
    r"(전체\s*)?메뉴(\s*(열기|닫기|보기))?$",
    r"댓글",
    r"로그인",
    r"회원가입",
    r"(닫기|취소|확인|수정|삭제|더보기|더 보기|이전|다음|목록|맨위로|top|home|menu|picture)$",
    r"주소\s*복사",
    r"(url|링크)\s*(이|가)?\s*복사",
    r"(공유|스크랩|인쇄|프린트|글자\s*크기|글씨\s*크기|폰트\s*크기|구독|좋아요|북마크|저장)(하기)?$",
    r"(페이스북|트위터|카카오톡|카카오스토리|네이버\s*밴드|라인|텔레그램|이메일)(으로)?\s*(공유|보내기)?$",
    r"<?\s*이미지를\s*클릭",
    r"사진\s*(확대|크게\s*보기)",
    r"기사가\s*속한\s*카테고리",
    r"언론사는\s*한\s*기사를",
    r"이\s*콘텐츠가\s*마음에",
    r"이런\s*콘텐츠는\s*어때요",
    r"더\s*많은\s*콘텐츠를",
    r"콘텐츠를\s*추천",
    r"추천드려요",
    r"채널을\s*분석",
    r"최근에\s*본\s*콘텐츠",
    r"(관련|인기|추천|많이\s*본|오늘의|최신)\s*(기사|뉴스)$",
    r"이미\s*참여",
    r"(기사\s*)?(제보|문의)\s*[:：]",
    r"번호\s+제목\s+글쓴이\s+날짜",
    r"\d+\s*/\s*\d+$",
    r"(조회수?|추천수?|공감)\s*\d+$",
    r"member for$",
    r"\d+\s+(years?|months?|weeks?|days?)(\s+\d+\s+(years?|months?|weeks?|days?))*$",
    r"[\w.]+_(pc|mobile|mo|m)$",  # ad-slot names such as "컴패션_PC"
    r"(무단\s*전재|무단전재|재배포\s*금지|all rights reserved)",
]
_UI_RE = re.compile(r"^[\s<\[(▶▷►☞■□◆◇]*(?:" + "|".join(_UI_PATTERNS) + ")", re.IGNORECASE)

# A copyright notice: a symbol or the word, or the footer's phrases ("무단전재 및 재배포 금지",
# "<저작권자 ...>"), not the words alone inside prose ("저작권자의 허락 없이 ... 무단 전재라는")
_COPYRIGHT_RE = re.compile(
    r"(ⓒ|©|\(c\)|copyright|all rights reserved|[<\[(]\s*저작권자|저작권자\s*[ⓒ©(:：]"
    r"|무단\s*전재.{0,12}(?:금지|금함|불허)|재배포\s*(?:금지|불허))",
    re.IGNORECASE,
)
# "... 기자", "[도쿄 이승훈 특파원 / 서울 정승환 기자]", "홍길동 기자 hong@x.com"
_REPORTER_TITLES = r"(?:기자|특파원|선임기자|객원기자|논설위원|전문위원|통신원|인턴기자|에디터|PD)"
_BYLINE_LINE_RE = re.compile(
    rf"^[\[(（]?\s*(?:[가-힣]{{2,6}}\s*=\s*)?(?:[가-힣]{{2,4}}\s+)?[가-힣]{{2,4}}\s*{_REPORTER_TITLES}"
    rf"(?:\s*[/·,]\s*(?:[가-힣]{{2,4}}\s+)?[가-힣]{{2,4}}\s*{_REPORTER_TITLES})*"
    rf"\s*(?:[\w.+-]+@[\w.-]+)?\s*[\])）]?$"
)
_BYLINE_NAME_RE = re.compile(rf"([가-힣]{{2,4}})\s*{_REPORTER_TITLES}")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A photo credit at the end of a caption: "... 사장. NEC", "... 회장. 박해리 기자",
# "... [사진=연합뉴스]", "... /사진 제공=총리실", "(사진=뉴스1)".
_CREDIT_TAIL_RE = re.compile(
    r"(?:\s*[\[(]\s*(?:사진|자료|그래픽|영상)\s*(?:제공)?\s*[=:]\s*[^\])]{1,30}[\])]"
    r"|\s*[\[(]\s*[^\[\]()]{1,30}?\s*제공\s*[\])]"
    r"|\s*/\s*(?:사진|자료|그래픽)\s*(?:제공)?\s*[=:]\s*\S.{0,30}"
    r"|\s*/\s*[^/\s][^/]{0,30}?\s*제공"
    r"|\s+(?:사진|자료)\s*제공\s*[=:]?\s*\S.{0,30})\s*$"
)
_PHOTO_CREDIT_LINE_RE = re.compile(
    r"^(?:(?:사진|자료|그래픽|영상|출처)\s*(?:제공)?\s*[=:]\s*\S.{0,40}"
    r"|[\[(]\s*(?:사진|자료|그래픽|영상)\s*(?:제공)?\s*[=:]\s*[^\])]{1,40}[\])]"
    r"|/\s*[^\s/][^/]{0,30}?\s*(?:사진\s*)?제공|[^\s/,]{2,20}\s+(?:사진\s*)?제공)$"
)
_CREDIT_WORDS_RE = re.compile(r"^[\s/\[(]*(?:(?:사진|자료|그래픽|영상|출처)\s*(?:제공)?\s*[=:]\s*)?|"
                              r"\s*(?:사진\s*)?제공\s*[\])]?\s*$|[\])]\s*$")
# A story sentence ends with a predicate and a full stop ("...밝혔다.", "...예정이다.")
_PROSE_SENTENCE_RE = re.compile(r"(?:다|요|죠|까)[.?!][\"'”’)\]]*(?=\s|$)")
_POSITION_RE = re.compile(r"\((?:사진\s*)?(?:왼쪽|오른쪽|가운데|앞줄|뒷줄|위|아래)[^()]{0,10}\)|왼쪽부터|오른쪽부터")
_LIST_MARK_RE = re.compile(r"^(?:[▶▷►☞→⇒]|\[\s*관련\s*기사\s*\])\s*")
_SENTENCE_END_RE = re.compile(r"(다|요|죠|까|음|임|함|됨)[.?!]?[\"'”’)\]]*$|[.?!][\"'”’)\]]*$")
_AGGREGATOR_ROW_RE = re.compile(
    r"^(?P<mark>\d{1,8}|»[»\s]*)\s+(?P<title>.+?)\s+(?P<site>\S+)\s+"
    r"(?P<date>(?:19|20)\d{2}[.\-/]\d{1,2}[.\-/]\d{1,2})\.?$"
)
_PROFILE_LABELS = {"picture", "member for", "real name", "position", "bio", "biography", "about"}


def is_ui_line(line: str) -> bool:
    """Navigation, comment, share, recommendation and counter widgets."""
    return len(line) < 80 and bool(_UI_RE.match(line))


_CRUMB = r"[^>›»<?!…\"'“”‘’,]{1,12}"
_BREADCRUMB_RE = re.compile(rf"^{_CRUMB}(?:\s*[>›»]\s*{_CRUMB}){{1,5}}$")


def is_breadcrumb(line: str) -> bool:
    """A site's section path ("홈 > 경제 > IT·과학", "국제 › 일본"): short parts between arrows."""
    return len(line) <= 60 and bool(_BREADCRUMB_RE.match(line.strip())) and not is_sentence(line)


def is_copyright_line(line: str) -> bool:
    return bool(_COPYRIGHT_RE.search(line)) and len(line) < 200


def byline_names(line: str) -> list[str] | None:
    """Reporter names if ``line`` is a byline ("권용삼 기자", "[도쿄 이승훈 특파원 / 서울 정승환 기자]")."""
    candidate = _EMAIL_RE.sub("", line).strip()
    if len(candidate) > 60 or not _BYLINE_LINE_RE.match(candidate):
        return None
    return _BYLINE_NAME_RE.findall(candidate)


def split_credit(line: str) -> tuple[str, str | None, bool]:
    """Split a trailing photo credit off a caption: (caption, credit or None, explicit).

    Explicit credits are written as such ("[사진=연합뉴스]", "/사진 제공=총리실"); a short
    unpunctuated tail after the last sentence ("... 사장. NEC") is only a candidate, which the
    caller accepts when it is a reporter, an outlet or the line is an image caption.
    """
    m = _CREDIT_TAIL_RE.search(line)
    if m and m.start() > 0:
        return line[: m.start()].rstrip(), m.group(0).strip(" /[]()"), True
    head, sep, tail = line.rpartition(". ")
    if sep and head and 0 < len(tail) <= 12 and len(tail.split()) <= 2 and not is_sentence(tail):
        return head + ".", tail, False
    return line, None, False


def is_photo_credit_line(line: str) -> bool:
    return bool(_PHOTO_CREDIT_LINE_RE.match(line))


def is_sentence(line: str) -> bool:
    """Looks like prose: ends like a Korean or English sentence."""
    return bool(_SENTENCE_END_RE.search(line))


def aggregator_row(line: str) -> re.Match | None:
    """A row of another site's headline list: number (or » for the current story), title, site, date."""
    return _AGGREGATOR_ROW_RE.match(line)


def is_profile_label(line: str) -> bool:
    return line.strip().lower() in _PROFILE_LABELS


def credit_source(credit: str) -> str:
    """Who a photo credit names: "/한국전자통신연구원 제공" -> "한국전자통신연구원"."""
    return _CREDIT_WORDS_RE.sub("", credit.strip()).strip(" /=:") or credit.strip()


def is_story_paragraph(line: str) -> bool:
    """Prose no furniture rule may remove: two or more sentences ending with a predicate and a
    full stop ("...밝혔다. ...했다.") in 60 characters or more, or one long one, and no copyright
    notice."""
    if _COPYRIGHT_RE.search(line):  # "... 저작권은 ○○에 있습니다. 무단 전재 및 재배포를 금지합니다."
        return False
    ends = len(_PROSE_SENTENCE_RE.findall(line))
    return (ends >= 2 and len(line) >= 60) or (ends >= 1 and len(line) >= 100)


def is_caption(line: str) -> bool:
    """A photo caption: a single sentence (or a noun phrase) with a photo credit ("… /○○ 제공",
    "[사진=…]") or a position mark ("(왼쪽)", "왼쪽부터")."""
    credit = _CREDIT_TAIL_RE.search(line) or re.search(r"[\[(]\s*사진\s*[=:][^\])]*[\])]", line)
    sentences = len(_PROSE_SENTENCE_RE.findall(line[: credit.start()] if credit else line))
    if credit:
        return sentences <= 1  # "...밝혔다. 공장은 ...한다. [사진=○○]": a story paragraph with its photo's credit
    return bool(_POSITION_RE.search(line)) and sentences <= 1


def is_headline_list_row(line: str) -> bool:
    """A row of a list of other articles' headlines: "▶ 삼성SDI, 22일 헝가리 공장 착공"."""
    return bool(_LIST_MARK_RE.match(line)) and len(line) <= 120 and not _PROSE_SENTENCE_RE.search(line)


def is_outside_story(line: str, captions: Collection[str] = ()) -> bool:
    """A photo caption (one of ``captions``, as ingestion marked them, or one by its look), a
    photo credit or a row of a headline list: on the page, but not the story's own text."""
    line = line.strip()
    return line in captions or is_caption(line) or is_headline_list_row(line) \
        or is_photo_credit_line(line)
