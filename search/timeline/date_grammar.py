"""The grammar of Korean date expressions in news prose (see timeline.dates, which resolves
what it matches): word tables and one regular expression for the written-out forms, one for
numeric dates."""

from __future__ import annotations

import re

YEAR_WORDS = {
    "재작년": -2, "지지난해": -2, "지난해": -1, "작년": -1, "전년": -1,
    "올해": 0, "금년": 0, "올": 0, "내년": 1, "명년": 1,
}
CONTEXT_YEAR_WORDS = {"같은해": 0, "그해": 0, "이듬해": 1, "다음해": 1}
MONTH_WORDS = {
    "이달": 0, "이번달": 0, "금월": 0, "지난달": -1, "전월": -1,
    "다음달": 1, "내달": 1, "익월": 1,
}
# day words relative to the publication date
PUB_DAY_WORDS = {"오늘": 0, "금일": 0, "어제": -1, "그제": -2, "그저께": -2, "내일": 1, "모레": 2}
# day words relative to the day the story is about (the last day mentioned before)
ANCHOR_DAY_WORDS = {
    "이날": 0, "당일": 0, "같은날": 0, "그날": 0, "전날": -1, "전일": -1,
    "다음날": 1, "이튿날": 1, "익일": 1, "그다음날": 1,
}
HOLIDAYS = {  # fixed-date (solar) holidays and memorial days
    "신정": (1, 1), "삼일절": (3, 1), "식목일": (4, 5), "어린이날": (5, 5), "어버이날": (5, 8),
    "현충일": (6, 6), "제헌절": (7, 17), "광복절": (8, 15), "국군의 날": (10, 1), "개천절": (10, 3),
    "한글날": (10, 9), "성탄절": (12, 25), "크리스마스": (12, 25),
}
MONTH_PARTS = {
    "초": "early", "초순": "early", "상순": "early",
    "중순": "mid",
    "말": "late", "하순": "late", "말경": "late",
}
YEAR_PARTS = {"초": (1, 3), "말": (10, 12), "상반기": (1, 6), "하반기": (7, 12)}
QUALIFIERS = {
    "현지시간": "local-time", "께": "approx", "경": "approx", "쯤": "approx", "무렵": "approx",
    "즈음": "approx", "까지": "until", "부터": "since", "이후": "since", "이래": "since",
}


def _alt(words) -> str:
    """Regex alternation of words, longest first; a space inside a word may be left out."""
    keys = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(k).replace("\\ ", r"[ \t]?") for k in keys)


_S = r"[ \t]?"  # one optional space inside an expression (never a line break)
_END = r"(?=$|[^가-힣]|에|의|은|는|이|가|을|를|도|만|부터|까지|께|경|쯤|로|으로|엔|과|와|보다|처럼|무렵|즈음)"

MAIN = re.compile(
    r"(?<![가-힣A-Za-z0-9.,~∼\-])(?!\s)"
    rf"(?:(?P<dir>지난|오는|다가오는){_S}(?=\d))?"
    r"(?:"
    rf"(?P<yabs>(?:1[89]|2[01])\d{{2}})(?:{_S}[~∼\-]{_S}(?P<y2>(?:1[89]|2[01])\d{{2}}))?{_S}년(?:도)?(?!간|대|생|여|째|차|{_S}동안)"
    r"|(?P<yctx>" + _alt({"같은 해", "그해", "그 해", "이듬해", "다음 해"}) + r")"
    r"|(?P<yw>" + _alt(YEAR_WORDS) + r")"
    r")?"
    r"(?:"
    rf"{_S}(?P<yq>(?P<yq_n>[1-4]){_S}분기|상반기|하반기)"
    r")?"
    r"(?:"
    rf"{_S}(?P<mabs>1[0-2]|0?[1-9])(?:{_S}[~∼\-]{_S}(?P<m2>1[0-2]|0?[1-9]))?{_S}월(?!간|분|요일)"
    r"|" + _S + r"(?P<mctx>" + _alt({"같은 달", "그달"}) + r")"
    r"|" + _S + r"(?P<mw>" + _alt({"이달", "이번 달", "금월", "지난달", "지난 달", "전월",
                                     "다음달", "다음 달", "내달", "익월"}) + r")"
    r")?"
    rf"(?:{_S}(?P<d>3[01]|[12]\d|0?[1-9])(?:{_S}[~∼\-]{_S}(?P<d2>3[01]|[12]\d|0?[1-9]))?{_S}일"
    r"(?:자)?(?!간|째|치|분|본|부(?!터)|반|환|원|대|정|선|까지\s?\d)"
    rf"(?!{_S}(?:동안|만에|이내))"
    rf"(?:{_S}\((?:월|화|수|목|금|토|일)\)|{_S}(?:월|화|수|목|금|토|일)요일)?)?"
    r"(?:" + _S + r"(?P<hol>" + _alt(HOLIDAYS) + r"))?"
    r"(?:"
    r"(?P<dw>" + _alt(set(PUB_DAY_WORDS) | {"이 날", "당일", "같은 날", "그날", "전날", "전일",
                                            "다음 날", "이튿날", "익일", "그 다음 날"}) + r")(?!날)"
    r")?"
    r"(?:" + _S + r"(?P<part>초순|상순|중순|하순|말경|초|말|상반기|하반기))?"
    r"(?P<qual>"
    rf"{_S}\({_S}현지{_S}시간{_S}\)"
    r"|(?:까지|부터|께|쯤|무렵|즈음|경(?![가-힣]))"
    rf"|{_S}(?:이후|이래)"
    r")?"
    + _END
)

NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s?(?P<sep>[.\-/])\s?(?P<m>1[0-2]|0?[1-9])\s?(?P=sep)\s?"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)\.?"
)


def has_core(m: re.Match) -> bool:
    """A match of MAIN that names a date (not only qualifiers or a lone direction word)."""
    if not any(m[g] for g in ("yabs", "yctx", "yw", "mabs", "mctx", "mw", "d", "dw", "hol")):
        return False
    if m["hol"] and any(m[g] for g in ("mabs", "mctx", "mw", "d", "dw")):
        return False
    if m["yw"] == "올" and not any(m[g] for g in ("mabs", "mw", "d", "part", "yq")):
        return False
    if m["dw"] and any(m[g] for g in ("yabs", "yctx", "yw", "mabs", "mctx", "mw", "d")):
        return False
    if m["dir"] and not any(m[g] for g in ("yabs", "mabs", "d")):
        return False
    return True
