"""Names of news outlets, used to read publishers off copyright lines and sign-offs.

The gazetteer's ``media: true`` entries are added to these at run time.
"""

from __future__ import annotations

import re

KNOWN_OUTLETS: tuple[str, ...] = (
    # Korean dailies, business papers, wires, broadcasters, online outlets
    "매일경제", "한국경제", "서울경제", "아주경제", "파이낸셜뉴스", "머니투데이", "이데일리", "헤럴드경제",
    "아시아경제", "전자신문", "디지털타임스", "조선비즈", "비즈니스포스트", "더벨", "뉴스핌", "뉴시스",
    "연합뉴스", "연합인포맥스", "뉴스1", "중앙일보", "조선일보", "동아일보", "한겨레", "경향신문",
    "한국일보", "국민일보", "세계일보", "문화일보", "서울신문", "내일신문", "KBS", "MBC", "SBS",
    "YTN", "JTBC", "MBN", "채널A", "TV조선", "연합뉴스TV", "한국경제TV", "SBS Biz", "블로터",
    "지디넷코리아", "ZDNet Korea", "디지털데일리", "더구루", "이코노미스트", "매경이코노미",
    "한경비즈니스", "중앙SUNDAY", "시사저널", "주간조선", "The Economy", "코리아헤럴드",
    "코리아타임스", "Korea Herald", "Korea Times", "Korea JoongAng Daily", "랭크뉴스",
    # Japanese and international outlets
    "니혼게이자이신문", "닛케이", "요미우리신문", "아사히신문", "마이니치신문", "산케이신문",
    "교도통신", "지지통신", "NHK", "로이터", "블룸버그", "AP", "AFP", "월스트리트저널",
    "뉴욕타임스", "파이낸셜타임스", "Reuters", "Bloomberg", "Nikkei", "The Wall Street Journal",
)


def outlet_pattern(outlets: tuple[str, ...] | list[str]) -> re.Pattern:
    """A regex that finds any outlet name (longest first)."""
    names = sorted(set(outlets), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))
