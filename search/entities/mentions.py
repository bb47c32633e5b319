"""Entity mentions in article text: gazetteer aliases, title/suffix discovery, short forms.

``extract_mentions(text, gazetteer)`` returns non-overlapping :class:`Mention` objects sorted by
start whose offsets slice ``text``. It works on one sentence or a whole article body and never
raises on odd input. Sources of mentions, strongest first:

1. gazetteer names and aliases (``삼성`` -> 삼성전자, ``MS`` -> 마이크로소프트), at Kiwi word
   boundaries;
2. names discovered from titles and suffixes: ``유영상 SK텔레콤 사장`` (person before a title,
   with an optional affiliation), ``LG전자``/``미래에셋증권`` (company suffixes), ``서초구``/
   ``아이치현`` (place suffixes), ``국방부``/``도쿄포럼`` (organisation suffixes);
3. sports teams with their city or sponsor (``삼성 라이온즈``, ``뉴욕 양키스``: organisations);
4. short forms ``최 회장``/``모리타 사장`` resolved to a person named in full in the same text,
   and later bare repeats of a discovered name;
5. (weakest, optional) confident spans of the learned tagger in :mod:`briefing.search.entities.tagger`, kept
   only where nothing above matched, with a proper-noun morpheme, above per-type margins, typed
   by evidence where there is some (the konec lexicon of :mod:`briefing.search.entities.lexicon`: ``인도`` is a
   country, so a place; suffixes: a university, a team) and never a person made of common nouns;
6. a short form defined in brackets after a name (``과학기술정보통신부(과기정통부)``,
   ``반도체산업협회(SIA)``) names the same entity for the rest of the text.

Kiwi analyses the text line by line and the tagger reads each line as a sentence, so a line gets
the same mentions alone or inside a longer text (short forms, bracketed aliases and repeats of
a name discovered elsewhere still link across lines), and no mention crosses a line break.
A gazetteer alias only matches at Kiwi morpheme boundaries (``애플`` is not in ``애플리케이션``).

Reporter names (``박해리 기자``) never become entities; media outlets that only credit a photo
or a report (``[사진=연합뉴스]``, ``닛케이에 따르면``) get ``role="source"``.
"""

from __future__ import annotations

import bisect
import gc
import operator
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Iterable, Iterator, NamedTuple, Sequence

from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.language.kiwi import add_user_words
from briefing.search.language.kiwi import tokenize as kiwi_tokenize
from briefing.search.language.kiwi import tokenize_many as kiwi_tokenize_many
from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon

# --- vocabulary ---------------------------------------------------------------------------
CORPORATE_TITLES = (
    "명예회장", "선대회장", "부회장", "회장", "부사장", "사장", "대표이사", "대표", "최고경영자",
    "최고재무책임자", "최고기술책임자", "창업자", "창업주", "의장", "이사장", "전무", "상무",
    "본부장", "사업부장", "CEO", "CFO", "CTO", "COO", "President",
)
PUBLIC_TITLES = (
    "대통령", "권한대행", "국무총리", "총리", "장관", "차관", "위원장", "의원", "총재", "주석",
    "총통", "국왕", "대사", "지사", "청장", "원장", "총장", "교수", "대변인", "비서실장", "실장",
    "수석", "당선인", "후보", "감독",
)
HONORIFICS = ("씨", "님", "여사", "선수", "박사", "변호사", "판사", "검사", "작가", "가수", "배우", "감독")
TITLES = tuple(sorted(set(CORPORATE_TITLES + PUBLIC_TITLES + HONORIFICS), key=len, reverse=True))
_TITLE_FIRST_CHARS = frozenset(t[0] for t in TITLES)
_TITLES_BY_FIRST = {c: tuple(t for t in TITLES if t[0] == c) for c in _TITLE_FIRST_CHARS}  # TITLES order
BYLINE_WORDS = ("기자", "특파원", "객원기자", "인턴기자", "통신원", "논설위원", "칼럼니스트")
_BYLINE_TUPLE = tuple(BYLINE_WORDS)
_BYLINE_WORD_RE = re.compile("|".join(sorted(BYLINE_WORDS, key=len, reverse=True)))
COMPANY_SUFFIXES = (
    "전자", "그룹", "텔레콤", "하이닉스", "자동차", "은행", "증권", "홀딩스", "중공업", "화학",
    "건설", "제약", "바이오", "생명", "화재", "카드", "물산", "통신", "반도체", "디스플레이",
    "모비스", "항공", "해운", "상사", "캐피탈", "보험", "게임즈", "엔터테인먼트", "제철",
    "정유", "에너지", "솔루션", "산업", "테크", "랩스", "컴퍼니", "뱅크", "증권사",
)
PLACE_SUFFIXES = ("특별시", "광역시", "시", "도", "현", "구", "군", "주")
ORG_SUFFIXES = (
    "상공회의소", "위원회", "연합회", "협의회", "협회", "재단", "연구소", "연구원", "대학교",
    "대학", "공사", "공단", "거래소", "포럼", "학회", "연맹", "조합", "기구", "법원", "검찰청",
    "경찰청", "행정부", "정부", "부", "처", "청", "실", "국회", "TF", "태스크포스", "대",
    "학과", "학부", "대학원", "리그",
)
# sports teams named by a city or a sponsor ("삼성 라이온즈", "뉴욕 양키스"): organisations
TEAM_WORDS = frozenset((
    "라이온즈", "트윈스", "타이거즈", "베어스", "이글스", "자이언츠", "히어로즈", "다이노스", "위즈",
    "랜더스", "와이번스", "양키스", "다저스", "레드삭스", "화이트삭스", "메츠", "컵스", "에인절스",
    "매리너스", "블루제이스", "레인저스", "애스트로스", "파드리스", "브레이브스", "필리스", "카디널스",
    "오리올스", "로열스", "타이거스", "가디언스", "파이리츠", "브루어스", "로키스", "말린스",
    "내셔널스", "애슬레틱스", "다이아몬드백스", "유나이티드", "스틸러스", "블루윙즈", "점보스",
    "스카이워커스", "라이온스", "호크스", "불스", "레이커스", "셀틱스", "워리어스", "닉스", "히트",
    "FC", "SC", "핫스퍼", "유벤투스",
))
_NON_PERSON_TYPES = frozenset(("place", "org", "company"))
_DERIVING_SUFFIXES = frozenset("산제계식풍인")  # 미국산, 일본제, 한국계, 한국식, 미국인
_LONG_TEAM_WORDS = tuple(t for t in TEAM_WORDS if len(t) > 2)
_TEAM_RE = re.compile("|".join(sorted(TEAM_WORDS, key=len, reverse=True)))
# particles Kiwi sometimes leaves glued to an unknown name ("히로시가"): after a vowel ...
_VOWEL_PARTICLES = ("가", "는", "를", "와", "랑")
# ... after a consonant; and after either
_CONSONANT_PARTICLES = ("이", "은", "을", "과", "이랑")
_ANY_PARTICLES = ("에게", "께서", "에서", "의")
GENERIC_ORG_WORDS = {"행정부", "입법부", "사법부", "집행부", "지도부", "수뇌부", "경영진부", "사령탑"}
SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄"
    "채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부"
    "가복태목형피두감음빈동온호범좌팽승간상갈시"
)
LATIN_NON_NAMES = {
    "AI", "IT", "PC", "TV", "HBM", "GPU", "CPU", "NPU", "DX", "SW", "HW", "EV", "IOT", "LCD", "OLED",
    "DS", "DRAM", "SSD", "ESG", "CEO", "CFO", "R&D", "LNG", "5G", "6G", "TF", "DB", "AR", "VR", "XR",
}
_COMPANY_ORG_SUFFIXES = COMPANY_SUFFIXES + ORG_SUFFIXES
_ALL_SUFFIXES = COMPANY_SUFFIXES + PLACE_SUFFIXES + ORG_SUFFIXES
_PLACE_SUFFIX_FORMS = frozenset(("현", "구", "시", "군", "주", "도"))
_RUN_START_TAGS = frozenset(("NNP", "NNG", "SL", "SH", "XPN", "NR", "SN"))
_RUN_NEXT_TAGS = frozenset(("NNP", "NNG", "SL", "XPN", "XSN", "SN"))
_PROPER_TAGS = frozenset(("NNP", "SL"))
NOUN_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XPN", "XR"}
CONTINUATION_TAGS = {"NNG", "NNP", "NR", "SL", "SH", "SN", "XPN", "XR"}
NAME_TAGS = {"NNP", "NNG"}
_WORD_CHAR_RE = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3400-\u9fff\uf900-\ufaff]")
_HANGUL_RE = re.compile(r"[가-힣]+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_HANJA_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CREDIT_BEFORE_RE = re.compile(r"(?:사진|자료|그래픽|영상|출처|제공)\s*(?:제공|출처)?\s*[=:/]?\s*$")
_REPORT_AFTER_RE = re.compile(r"^\s*(?:\([^)]{1,20}\)\s*)?(?:은|는|이|가)?\s*(?:[^.。\n]{0,80}?)(?:보도했|보도에 따르면|전했다|보도하)")
_ACCORDING_RE = re.compile(r"^\s*(?:\([^)]{1,20}\)\s*)?(?:의\s*보도)?에\s*따르면")
_BYLINE_BRACKET_RE = re.compile(r"[\[(【][^\])】\n]{0,60}(?:기자|특파원)[^\])】\n]{0,40}[\])】]")
_COPYRIGHT_LINE_RE = re.compile(r"^.*(?:ⓒ|©|Copyright|무단\s*전재|무단전재|재배포\s*금지).*$", re.M | re.I)
_COPYRIGHT_MARK_RE = re.compile(r"ⓒ|©|Copyright|무단\s*전재|무단전재|재배포\s*금지", re.I)
_CREDIT_WORDS = ("사진", "자료", "그래픽", "영상", "출처", "제공")
_COUNTRY_PAIR_RE = re.compile(r"[한미중일북러日美中韓·ㆍ]{2,5}")  # 한미, 한·미·일: relations, not names
_SPACE_RUN_RE = re.compile(r"\s+")
_NON_SPACE_RE = re.compile(r"\S+")
_LATIN_DIGIT_RE = re.compile(r"[A-Za-z0-9]")
_char_class: dict[str, tuple[bool, bool, bool, bool]] = {}
_START, _END = operator.itemgetter(2), operator.itemgetter(3)  # of a _Token
_SPAN = re.Match.span


def _char_kind(ch: str) -> tuple[bool, bool, bool, bool]:
    """(word char, Latin letter, Latin letter or digit, hanja) for one character, as the regexes
    above say, memoised."""
    kind = _char_class.get(ch)
    if kind is None:
        kind = (bool(_WORD_CHAR_RE.match(ch)), bool(_LATIN_RE.match(ch)),
                bool(_LATIN_DIGIT_RE.match(ch)), bool(_HANJA_RE.match(ch)))
        if len(_char_class) < 100_000:
            _char_class[ch] = kind
    return kind
_SOURCE = {0: "model", 1: "suffix", 2: "title", 3: "gaz"}
_MODEL_TYPE = {"PS": "person", "LC": "place", "OG": "org"}


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a text (``text == body[start:end]``)."""

    start: int
    end: int
    text: str
    type: str  # company | person | place | org
    name: str  # canonical name
    role: str = "story"  # "story" | "source" (a media outlet only credited as a source)


class _Token(NamedTuple):
    """A Kiwi morpheme as the tagger sees it too: (form, tag, start, end)."""

    form: str
    tag: str
    start: int
    end: int


class _Word(NamedTuple):
    """A whitespace-separated chunk (eojeol) and its Kiwi tokens."""

    start: int
    end: int
    text: str
    tokens: list[_Token]

    @property
    def bare(self) -> bool:
        """Only noun-like tokens (no particle, ending or punctuation)."""
        return bool(self.tokens) and all(t.tag in NOUN_TAGS for t in self.tokens)


@dataclass
class _Candidate:
    start: int
    end: int
    type: str
    name: str
    priority: int
    role: str = "story"
    media: bool = False


TITLE_WINDOW = 15  # characters after a full name searched for its title ("이재용 삼성전자 회장")


def _has_coda(syllable: str) -> bool:
    return "가" <= syllable <= "힣" and (ord(syllable) - 0xAC00) % 28 != 0


def strip_particle(name: str) -> str:
    """``name`` without a particle glued to its end ("다나카 히로시가" -> "다나카 히로시"), when
    the particle agrees with the syllable before it and a name of 2+ syllables remains; a
    three-syllable Korean name ("김정은") keeps its last syllable."""
    last_word = name.rsplit(" ", 1)[-1]
    if len(last_word) == 3 and last_word[0] in SURNAMES and " " not in name:
        return name
    for particles, coda in ((_ANY_PARTICLES, None), (_VOWEL_PARTICLES, False), (_CONSONANT_PARTICLES, True)):
        for p in particles:
            stem = last_word[: -len(p)]
            if last_word.endswith(p) and len(stem) >= 2 and _HANGUL_RE.fullmatch(stem) and \
                    (coda is None or _has_coda(stem[-1]) == coda):
                return name[: len(name) - len(p)]
    return name


def _determiner_like(word) -> bool:
    """One syllable Kiwi read as a determiner (MM): "이 회장" is "this chairman" or "Chairman
    Lee" (이/MM or 이/NNP, Kiwi's choice varies with its search width); a short form still has
    to match a person named in the same text."""
    return len(word.text) == 1 and len(word.tokens) == 1 and word.tokens[0].tag == "MM"


# --- public API -----------------------------------------------------------------------------
def extract_mentions(text: str, gazetteer: Gazetteer, *, use_model: bool | None = None) -> list[Mention]:
    """Entity mentions in ``text``: sorted by start, non-overlapping, offsets slicing ``text``.

    ``use_model`` (default :data:`USE_MODEL`) adds the learned tagger's spans where the
    gazetteer and the rules found nothing.
    """
    return extract_mentions_many([text], gazetteer, use_model=use_model)[0]


def extract_mentions_many(texts: Sequence[str], gazetteer: Gazetteer, *,
                          use_model: bool | None = None) -> list[list[Mention]]:
    """:func:`extract_mentions` for many texts, analysed by Kiwi in one batch."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    tagger = None
    if USE_MODEL if use_model is None else use_model:
        from briefing.search.entities.tagger import shipped_tagger

        tagger = shipped_tagger()
    out = []
    with _gc_paused():
        token_lists = _tokenize_many(texts, gazetteer)
        for text, tokens in zip(texts, token_lists):
            try:
                out.append(_Extractor(text, tokens, gazetteer, tagger).run())
            except Exception:  # noqa: BLE001 - extraction must never break indexing
                out.append(_gazetteer_only(text, gazetteer))
    return out


# Indexing workers raise the collector's thresholds instead (pipeline.WORKER_GC_THRESHOLDS)
# and turn this off: there, pausing made extraction slower (600 bench articles in one process:
# 38.0 / 36.2 ms per article with the pause, 35.9 / 34.7 without).
PAUSE_GC = True


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while extracting: a batch allocates hundreds of thousands
    of short-lived tuples (tokens, words) and creates no reference cycles, and the collector's
    passes over the whole heap that these allocations trigger cost about a quarter of the
    extraction time. Re-enabled afterwards (unless it was off already)."""
    if not PAUSE_GC:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def model_inputs(texts: Sequence[str], gazetteer: Gazetteer) -> list[tuple[list, list]]:
    """(morphemes, hints) per text as the learned tagger sees them (used to train it)."""
    out = []
    for text, tokens in zip(texts, _tokenize_many(list(texts), gazetteer)):
        ex = _Extractor(text, tokens, gazetteer, None)
        ex.run()
        out.append((ex.morphs(), ex.hints))
    return out


def entity_counts(mentions: Iterable[Mention]) -> dict[str, list[tuple[str, int]]]:
    """Story mentions counted per type: ``{type: [(name, count), ...]}`` by count, then name."""
    counts: dict[str, Counter] = {}
    for m in mentions:
        if m.role != "story":
            continue
        counts.setdefault(m.type, Counter())[m.name] += 1
    return {
        type_: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        for type_, counter in counts.items()
    }


def source_credits(mentions: Iterable[Mention]) -> list[tuple[str, int]]:
    """Media outlets credited only as a source (photo credit, "보도했다"), with counts."""
    story = {m.name for m in mentions if m.role == "story"}
    counter = Counter(m.name for m in mentions if m.role == "source" and m.name not in story)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


USE_MODEL = True  # add the shipped learned tagger's spans (see bench/eval_entities.py)
# weakest morpheme's score above O needed to keep a model span, per KLUE type (chosen by
# cross-validation inside the KLUE tuning part and on the seeds: bench/eval_entities.py --cv;
# margins of the Viterbi tagger, not comparable with the greedy one's)
MODEL_MIN_MARGIN: dict[str, float] = {"PS": 10.0, "LC": 20.0, "OG": 30.0}
MODEL_NEEDS_PROPER = True  # keep model spans only if they contain a proper-noun morpheme
MODEL_WINDOW = 4  # with MODEL_NEEDS_PROPER, the model scores only morphemes this near a name
MODEL_LATIN = True  # accept capitalised Latin words from the model
DROP_BARE_SURNAMES = True  # "김 씨" alone names nobody the reader can follow


# --- Kiwi -------------------------------------------------------------------------------------
_registered: set[int] = set()


def _tokenize_many(texts: list[str], gazetteer: Gazetteer) -> list[list[_Token]]:
    if id(gazetteer) not in _registered:
        add_user_words(gazetteer.kiwi_words())
        _registered.add(id(gazetteer))
    results: list[list[_Token]] = [[] for _ in texts]
    todo = [i for i, t in enumerate(texts) if t.strip()]
    try:
        analysed = kiwi_tokenize_many([texts[i] for i in todo])
    except Exception:  # noqa: BLE001 - fall back to one text at a time
        analysed = []
        for i in todo:
            try:
                analysed.append(kiwi_tokenize(texts[i]))
            except Exception:  # noqa: BLE001
                analysed.append([])
    new = tuple.__new__
    for i, toks in zip(todo, analysed):
        n = len(texts[i])
        if toks:
            forms, tags, starts, lengths = zip(*toks)
            ends = list(map(operator.add, starts, lengths))
            if min(starts) >= 0 and max(starts) < n and max(ends) <= n:
                # nothing out of range to drop or clip (the usual case): build the tuples in C,
                # without Kiwi's zero-length morphemes (an inserted copula 이)
                rows = zip(forms, tags, starts, ends)
                if min(lengths) <= 0:
                    rows = compress(rows, map(operator.gt, lengths, repeat(0)))
                results[i] = list(map(new, repeat(_Token), rows))
                continue
        results[i] = [
            new(_Token, (t[0], t[1], t[2], t[2] + t[3] if t[2] + t[3] <= n else n))
            for t in toks
            if 0 <= t[2] < n and t[3] > 0
        ]
    return results


# --- extraction -------------------------------------------------------------------------------
class _Extractor:
    """Extraction state for one text."""

    def __init__(self, text: str, tokens: list[_Token], gazetteer: Gazetteer, tagger=None,
                 lexicon: NeLexicon | None = None):
        self.text = text
        self.gaz = gazetteer
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
        self.tagger = tagger
        self.hints: list[tuple[int, int, str]] = []
        self.tokens = tokens
        self.token_start_list = list(map(_START, tokens))
        self.token_starts = dict(zip(self.token_start_list, tokens))  # a later token wins, as before
        self.token_ends = set(map(_END, tokens))
        self._title_lens: dict[int, int] = {}  # word start -> title_len
        self.words = self._words()
        self.word_starts = [w.start for w in self.words]
        self.candidates: list[_Candidate] = []
        self._by_span: dict[tuple[int, int], _Candidate] = {}
        self.blocked: list[tuple[int, int]] = []  # byline brackets: nothing inside is an entity
        self.reporters: set[str] = set()
        self._copyright_lines: dict[tuple[int, int], bool] = {}

    # -- words ----------------------------------------------------------------------------------
    def _words(self) -> list[_Word]:
        tokens = self.tokens
        tok_starts = self.token_start_list
        if tok_starts != sorted(tok_starts):  # Kiwi's order is by start; be safe anyway
            words = [_Word(m.start(), m.end(), m.group(), []) for m in _NON_SPACE_RE.finditer(self.text)]
            starts = [w.start for w in words]
            for tok in tokens:
                i = bisect.bisect_right(starts, tok.start) - 1
                if i >= 0 and tok.start < words[i].end:
                    words[i].tokens.append(tok)
            return words
        # a word's tokens are those starting inside it, in order: one slice of the token list
        spans = list(map(_SPAN, _NON_SPACE_RE.finditer(self.text)))
        if not spans:
            return []
        starts, ends = zip(*spans)
        texts = self.text.split()  # the same chunks as \S+ (both split on str.isspace)
        if len(texts) != len(spans):
            texts = [self.text[a:b] for a, b in spans]
        find = bisect.bisect_left
        slices = map(slice, map(find, repeat(tok_starts), starts), map(find, repeat(tok_starts), ends))
        token_lists = map(tokens.__getitem__, slices)
        return list(map(tuple.__new__, repeat(_Word), zip(starts, ends, texts, token_lists)))

    # -- boundaries -----------------------------------------------------------------------------
    def left_ok(self, start: int) -> bool:
        if start == 0:
            return True
        prev = self.text[start - 1]
        prev_kind = _char_kind(prev)
        if not prev_kind[0]:
            return True
        here_kind = _char_kind(self.text[start])
        if here_kind[1]:
            return not prev_kind[2]
        if here_kind[3]:
            return not prev_kind[3] or self._country_hanja(prev)
        if self.text[max(0, start - 2):start] == "사진":
            return True  # "사진연합뉴스": a glued photo credit
        return start in self.token_starts

    def right_ok(self, end: int) -> bool:
        if end >= len(self.text):
            return True
        last, nxt = self.text[end - 1], self.text[end]
        nxt_kind = _char_kind(nxt)
        if not nxt_kind[0]:
            return True
        last_kind = _char_kind(last)
        if last_kind[1] and nxt_kind[2]:
            return False
        if last_kind[3] and self._country_hanja(last):
            return not nxt_kind[3] or self._country_hanja(nxt)
        if end not in self.token_ends:
            return False
        follower = self.token_starts.get(end)
        if follower is None:
            return False
        return follower.tag not in CONTINUATION_TAGS

    def _country_hanja(self, ch: str) -> bool:
        entry = self.gaz.resolve(ch)
        return entry is not None and entry.type == "place"

    # -- main -------------------------------------------------------------------------------------
    def run(self) -> list[Mention]:
        self._find_blocked()
        self._gazetteer_candidates()
        self._suffix_candidates()
        self._team_candidates()
        self._title_candidates()
        self._short_forms()
        self._propagate()
        chosen = self._select()
        self.hints = [(c.start, c.end, f"{_SOURCE[c.priority]}:{c.type}") for c in chosen]
        if self.tagger is not None:
            self._model_candidates()
            chosen = self._select()
        if self._defined_aliases(chosen):
            chosen = self._select()
        return self._finish(chosen)

    # -- teams and definitions ----------------------------------------------------------------------
    def _team_candidates(self) -> None:
        """"삼성 라이온즈", "뉴욕 양키스", "LA 다저스": a team word, with the city or sponsor
        word before it on the same line, is one organisation."""
        found = {bisect.bisect_right(self.word_starts, m.start()) - 1 for m in _TEAM_RE.finditer(self.text)}
        for k in sorted(found):
            word = self.words[k]
            stem = self._stem(word)
            team = next((t for t in TEAM_WORDS if stem.endswith(t)), None)
            if team is None or (len(stem) > len(team) and not stem[: -len(team)].strip()):
                continue
            start = word.start
            if len(stem) == len(team) and k >= 1:
                prev = self.words[k - 1]
                if self.text[prev.end:word.start] == " " and prev.bare and \
                        any(t.tag in ("NNP", "SL", "SH") for t in prev.tokens) and not self._name_word(prev):
                    start = prev.start
                    if k >= 2:
                        first = self.words[k - 2]
                        if self.text[first.end:prev.start] == " " and first.bare and \
                                any(t.tag in ("NNP", "SL") for t in first.tokens) and \
                                self.gaz.resolve(prev.text) is None and \
                                self.lexicon.entity_type(prev.text) is None:
                            start = first.start  # "라쿠텐 골든 이글스"
                elif len(team) <= 2:
                    continue  # "FC", "히트" alone name no team
            elif len(team) <= 2 and len(stem) == len(team):
                continue
            end = word.start + len(stem)
            self.add(start, end, "org", _SPACE_RUN_RE.sub(" ", self.text[start:end]), 3)

    def _stem(self, word: _Word) -> str:
        """The word without the particles and punctuation Kiwi found at its end."""
        end = word.start
        for t in word.tokens:
            if t.tag in NOUN_TAGS or t.tag == "XSN":
                end = t.end
            else:
                break
        return self.text[word.start:end]

    def _defined_aliases(self, chosen: list[_Candidate]) -> bool:
        """"과학기술정보통신부(과기정통부)", "반도체산업협회(SIA)": the short form in brackets
        right after a name is an alias of it for the rest of the text. True if any was found."""
        found = False
        for c in list(chosen):
            if c.type == "person" or self.text[c.end:c.end + 1] != "(":
                continue
            close = self.text.find(")", c.end + 1, c.end + 16)
            if close < 0:
                continue
            short = self.text[c.end + 1:close]
            if not _is_abbreviation(short, self.text[c.start:c.end]):
                continue
            self.add(c.end + 1, close, c.type, c.name, 3, c.media)
            for m in re.finditer(re.escape(short), self.text[close:]):
                a, b = close + m.start(), close + m.end()
                if self.left_ok(a) and self.right_ok(b):
                    self.add(a, b, c.type, c.name, 3, c.media)
            found = True
        return found

    def morphs(self) -> list[tuple[str, str, int, int]]:
        return [(t.form, t.tag, t.start, t.end) for t in self.tokens]

    def _model_active(self) -> list[bool]:
        """Morphemes near a name-like one (NNP, SH, capitalised Latin): the only places where a
        span that passes _plausible_name can be, so the model scores nothing else."""
        n = len(self.tokens)
        active = [False] * n
        covered = 0  # active[:covered] is already set where it needs to be
        for i, t in enumerate(self.tokens):
            tag = t.tag
            if tag == "NNP" or tag == "SH" or (tag == "SL" and t.form[:1].isupper()):
                lo, hi = max(covered, i - MODEL_WINDOW), min(n, i + MODEL_WINDOW + 1)
                if lo < hi:
                    active[lo:hi] = [True] * (hi - lo)
                    covered = hi
        return active

    def _model_candidates(self) -> None:
        active = self._model_active() if MODEL_NEEDS_PROPER else None
        # the tagger reads each line as a sentence of its own
        for start, end, label, margin in self.tagger.scored_spans(self.text, self.tokens, self.hints, active):
            if margin < MODEL_MIN_MARGIN.get(label, 0.0):
                continue
            surface = self.text[start:end]
            if not surface.strip() or surface in self.reporters or not self._plausible_name(start, end):
                continue
            if _COUNTRY_PAIR_RE.fullmatch(surface):
                continue
            if label == "PS" and not _HANGUL_RE.search(surface) and not re.search(r"[A-Z][a-z]", surface):
                continue  # an acronym or number is not a person
            if label == "PS" and len(surface.strip()) == 1 and DROP_BARE_SURNAMES:
                continue  # a bare surname the rules could not resolve to a full name
            if end < len(self.text) and self.text[end].isdigit() or \
                    label == "PS" and end < len(self.text) and _LATIN_DIGIT_RE.match(self.text[end]):
                continue  # "코로나19", "GDDR7", "갤럭시S24": a product or a disease, not a name
            type_ = _MODEL_TYPE[label]
            entry = self.gaz.resolve(surface)
            if entry is not None:
                type_, name = entry.type, entry.name
            else:
                name = _SPACE_RUN_RE.sub(" ", surface)
                evidence = self._evidence_type(surface, type_)
                if evidence is None:
                    continue
                type_ = evidence
            self.add(start, end, type_, name, 0)

    def _evidence_type(self, surface: str, type_: str) -> str | None:
        """The type a discovered name's own evidence gives (None: not a name): the lexicon
        (a country is a place, a ministry an organisation), its suffix (a university, a team,
        a department), and never a person made of common nouns."""
        known = self.lexicon.entity_type(surface)
        if known is not None:
            return known
        if len(surface) >= 3 and surface[-1] in _DERIVING_SUFFIXES and self._place_stem(surface[:-1]):
            return None  # "미국산", "한국계", "일본식": a word derived from a place name
        words = surface.split()
        if type_ == "person" and any(self.lexicon.common_noun(w) for w in words):
            return None
        last = words[-1] if words else surface
        if last.endswith(_LONG_TEAM_WORDS):
            return "org"
        if type_ != "org" and len(last) >= 3 and last.endswith(("대학교", "대학", "학과", "학부", "위원회", "협회",
                                                                "재단", "연구원", "연구소", "부", "처", "청")):
            return "org"
        if type_ == "org" and surface.endswith(COMPANY_SUFFIXES):
            return "company"
        return type_

    def _place_stem(self, stem: str) -> bool:
        return self.gaz.resolve(stem, "place") is not None or self.lexicon.entity_type(stem) == "place"

    def _find_blocked(self) -> None:
        for m in _BYLINE_BRACKET_RE.finditer(self.text):
            self.blocked.append(m.span())
        # only words that contain a byline word can start or end with one
        with_byline = sorted({bisect.bisect_right(self.word_starts, m.start()) - 1
                              for m in _BYLINE_WORD_RE.finditer(self.text)})
        for i in with_byline:
            w = self.words[i]
            core = w.text.rstrip(".,)]」』")
            if core.startswith(_BYLINE_TUPLE) and \
                    any(core == b or core.startswith(b) and len(core) - len(b) <= 1 for b in BYLINE_WORDS):
                if i > 0 and self._hangul_name_like(self.words[i - 1].text):
                    self.reporters.add(self.words[i - 1].text)
            elif core.endswith(_BYLINE_TUPLE):
                for b in BYLINE_WORDS:
                    if core.endswith(b) and self._hangul_name_like(core[: -len(b)]):
                        self.reporters.add(core[: -len(b)])

    @staticmethod
    def _hangul_name_like(s: str) -> bool:
        return 2 <= len(s) <= 4 and bool(_HANGUL_RE.fullmatch(s)) and s[0] in SURNAMES

    def add(self, start: int, end: int, type_: str, name: str, priority: int, media: bool = False) -> None:
        if start >= end or self.blocked and any(a <= start < b for a, b in self.blocked):
            return
        if type_ == "person" and priority < 3 and name == self.text[start:end]:
            name = strip_particle(name)
            end = start + len(name)
        cand = _Candidate(start, end, type_, name, priority, media=media)
        self.candidates.append(cand)
        self._by_span.setdefault((start, end), cand)

    def _gazetteer_candidates(self) -> None:
        weak: list[tuple[int, int, object]] = []
        for hit in self.gaz.scan(self.text):
            if self._accept_hit(hit.start, hit.end, hit.surface):
                accepted = hit
            else:  # shorter surfaces at the same place (computed only when needed)
                accepted = next((option for option in self.gaz.surfaces_at(self.text, hit.start)[1:]
                                 if self._accept_hit(option.start, option.end, option.surface)), None)
            if accepted is not None:
                entry = accepted.entries[0]
                if len(accepted.surface) == 1 and _HANGUL_RE.fullmatch(accepted.surface):
                    weak.append((accepted.start, accepted.end, entry))
                else:
                    self.add(accepted.start, accepted.end, entry.type, entry.name, 3, entry.media)
        # a one-syllable Hangul alias ("암" for Arm) counts only next to a title or when the
        # entity is named otherwise in the same text
        named = {c.name for c in self.candidates}
        for start, end, entry in weak:
            if entry.name in named or self._title_follows(end):
                self.add(start, end, entry.type, entry.name, 3, entry.media)

    def _accept_hit(self, start: int, end: int, surface: str) -> bool:
        if not (self.left_ok(start) and self.right_ok(end)):
            return False
        if len(surface) == 1 and _HANGUL_RE.fullmatch(surface):
            tok = self.token_starts.get(start)
            return tok is not None and tok.tag == "NNP" and tok.end == end
        return True

    # -- persons before titles ---------------------------------------------------------------------
    def title_len(self, word: _Word) -> int:
        """Length of the title the word starts with (0 if none); computed once per word."""
        if word.text[:1] not in _TITLE_FIRST_CHARS:
            return 0
        found = self._title_lens.get(word.start)
        if found is not None:
            return found
        found = 0
        for title in _TITLES_BY_FIRST.get(word.text[:1], ()):
            if word.text.startswith(title):
                end = word.start + len(title)
                if end == word.end or not _HANGUL_RE.match(word.text[len(title)]) or end in self.token_ends:
                    found = len(title)
                    break
        self._title_lens[word.start] = found
        return found

    def _affiliation(self, word: _Word) -> bool:
        cand = self._covered_exact(word)
        if cand is not None:
            return cand.type in ("company", "org", "place")
        if not word.bare:
            return False
        if _ends_with_any(word.text, _COMPANY_ORG_SUFFIXES) and len(word.text) >= 3:
            return True
        if self.lexicon.entity_type(word.text) in _NON_PERSON_TYPES:
            return True  # "멜로니 이탈리아 총리": a country
        return any(t.tag in ("NNP", "SL") for t in word.tokens) and not self._name_word(word)

    def _not_a_name(self, text: str) -> bool:
        """Known as a place, an organisation, a company or a common noun (the lexicon)."""
        return self.lexicon.entity_type(text) in _NON_PERSON_TYPES or self.lexicon.common_noun(text)

    def _covered_exact(self, word: _Word) -> _Candidate | None:
        return self._by_span.get((word.start, word.end))

    def _name_word(self, word: _Word) -> bool:
        """A Korean personal name: 2-4 syllables, surname first, tagged as nouns by Kiwi."""
        if not self._hangul_name_like(word.text) or not word.bare or len(word.text) > 3 or \
                self._not_a_name(word.text):
            return False
        if _ends_with_any(word.text, _COMPANY_ORG_SUFFIXES) and len(word.text) > 2:
            return False
        if word.text in self.reporters or self.gaz.resolve(word.text) is not None:
            return False
        if len(word.text) == 2:
            return len(word.tokens) == 1 and word.tokens[0].tag == "NNP"
        return any(t.tag == "NNP" for t in word.tokens) and all(t.tag in NAME_TAGS for t in word.tokens)

    def _one_line(self, start: int, end: int) -> bool:
        return "\n" not in self.text[start:end]

    def _foreign_word(self, word: _Word) -> bool:
        return not self._not_a_name(word.text) and (
            word.bare and 2 <= len(word.text) <= 6 and bool(_HANGUL_RE.fullmatch(word.text))
            and self.gaz.resolve(word.text) is None and word.text not in self.reporters
            and not self.title_len(word) and not _ends_with_any(word.text, _COMPANY_ORG_SUFFIXES)
        )

    def _title_candidates(self) -> None:
        for j, word in enumerate(self.words):
            tlen = self.title_len(word) if word.text[0] in _TITLE_FIRST_CHARS else 0
            if tlen:
                self._person_before(j, word.text[:tlen])
            elif len(word.tokens) >= 2 and word.tokens[0].tag == "NNP":  # else nothing glued
                self._glued_title(word)

    def _person_before(self, j: int, title: str) -> None:
        """A name before a title, maybe with up to two affiliation words between them."""
        n_aff = 0
        while n_aff < 2 and j - 1 - n_aff >= 0 and self._affiliation(self.words[j - 1 - n_aff]):
            n_aff += 1
        for n in range(n_aff, -1, -1):  # fewer affiliations if an "affiliation" is the name
            k = j - 1 - n
            if k >= 0 and self._one_line(self.words[k].start, self.words[j].start) and \
                    self._name_at(k, title, self.words[k + 1:j]):
                return

    def _name_at(self, k: int, title: str, affiliations: list[_Word]) -> bool:
        name_word = self.words[k]
        existing = self._covered_exact(name_word)
        if existing is not None and existing.type == "person":
            self._discover_affiliations(affiliations, title)
            return True
        if existing is not None:
            return False
        if self._name_word(name_word):
            self.add(name_word.start, name_word.end, "person", name_word.text, 2)
            self._discover_affiliations(affiliations, title)
            return True
        if k >= 1 and self._foreign_word(name_word):
            first = self.words[k - 1]
            if self._foreign_word(first) and self.text[first.end:name_word.start] == " " and \
                    any(t.tag == "NNP" for t in first.tokens + name_word.tokens):
                name = f"{first.text} {name_word.text}"
                self.add(first.start, name_word.end, "person", name, 2)
                self._discover_affiliations(affiliations, title)
                return True
        if affiliations and title in PUBLIC_TITLES and self._foreign_word(name_word) and \
                any(t.tag == "NNP" for t in name_word.tokens):
            # "멜로니 이탈리아 총리": one foreign name before a country or body and a public title
            self.add(name_word.start, name_word.end, "person", name_word.text, 2)
            self._discover_affiliations(affiliations, title)
            return True
        return False

    def _discover_affiliations(self, words: list[_Word], title: str) -> None:
        if title not in CORPORATE_TITLES and title not in PUBLIC_TITLES:
            return
        type_ = "org" if title in PUBLIC_TITLES else "company"
        for w in words:
            if self._covered_exact(w) is None and any(t.tag in ("NNP", "SL") for t in w.tokens):
                if _LATIN_RE.search(w.text) or len(w.text) >= 2:
                    known = self.lexicon.entity_type(w.text)  # "이탈리아 총리": a country
                    self.add(w.start, w.end, known if known and known != "person" else type_, w.text, 1)

    def _glued_title(self, word: _Word) -> None:
        """"최태원회장": a name with the title written on."""
        toks = word.tokens
        if len(toks) < 2 or toks[0].tag != "NNP" or not self._hangul_name_like(toks[0].form):
            return
        rest = word.text[toks[0].end - word.start:]
        if rest.startswith(TITLES) and toks[0].form not in self.reporters \
                and self.gaz.resolve(toks[0].form) is None:
            self.add(toks[0].start, toks[0].end, "person", toks[0].form, 2)

    # -- suffix discovery ----------------------------------------------------------------------------
    def _suffix_candidates(self) -> None:
        for word in self.words:
            if word.end - word.start >= 3:  # shorter words hold no run of 3+ characters
                self._compound_in(word)

    def _compound_in(self, word: _Word) -> None:
        """Noun runs inside one word ending in a company, place or organisation suffix."""
        toks = word.tokens
        n = len(toks)
        i = 0
        while i < n:
            if toks[i].tag not in _RUN_START_TAGS:
                i += 1
                continue
            j = i
            while j + 1 < n and toks[j + 1].tag in _RUN_NEXT_TAGS and toks[j + 1].start == toks[j].end:
                j += 1
            if toks[j].end - toks[i].start >= 3:  # _classify_run skips shorter runs
                self._classify_run(toks[i:j + 1])
            i = j + 1

    def _classify_run(self, run: list[_Token]) -> None:
        start, end = run[0].start, run[-1].end
        if end - start < 3:
            return
        surface = self.text[start:end]
        if not surface.endswith(_ALL_SUFFIXES) and not (
                len(run) == 2 and run[0].tag == "NNP" and run[1].form in _PLACE_SUFFIX_FORMS):
            return  # _suffix_type finds no suffix: nothing to classify
        if not self.left_ok(start) or not self.right_ok(end):
            return
        has_proper = any(t.tag in ("NNP", "SL") for t in run)
        gaz = self.gaz.resolve(surface)
        if gaz is not None:
            return  # already a gazetteer hit
        type_ = self._suffix_type(surface, run, has_proper)
        if type_:
            self.add(start, end, type_, self._place_name(surface) if type_ == "place" else surface, 1)

    def _place_name(self, surface: str) -> str:
        """"부산시" -> 부산 when the stem is a known place."""
        for suffix in PLACE_SUFFIXES:
            if surface.endswith(suffix):
                entry = self.gaz.resolve(surface[: -len(suffix)], "place")
                if entry is not None:
                    return entry.name
        return surface

    def _suffix_type(self, surface: str, run: list[_Token], has_proper: bool) -> str | None:
        last = run[-1]
        stem_tokens = run[:-1]
        if has_proper:
            for suffix in COMPANY_SUFFIXES:
                if surface.endswith(suffix) and len(surface) > len(suffix) and self._stem_proper(surface, suffix, run):
                    return "company"
        if len(run) == 1 and last.tag == "NNP" and not self._title_follows(last.end):
            for suffix in PLACE_SUFFIXES:
                if surface.endswith(suffix) and len(surface) >= 3 and self._place_stem_ok(surface, suffix):
                    return "place"
        if len(run) == 2 and run[0].tag == "NNP" and run[1].form in ("현", "구", "시", "군", "주", "도"):
            return "place"
        if len(run) == 1 and last.tag == "NNG" and len(surface) >= 3 and surface[-1] in "부처청" \
                and surface not in GENERIC_ORG_WORDS:
            return "org"
        for suffix in ORG_SUFFIXES:
            if surface.endswith(suffix) and len(surface) > len(suffix) and self._suffix_aligned(last, suffix):
                if has_proper or (len(stem_tokens) >= 1 and suffix not in ("대", "실", "정부")) or \
                        (len(run) == 1 and last.tag == "NNP"):
                    if suffix == "대" and not (run[0].tag == "NNP" and len(run) == 2):
                        continue
                    if suffix == "정부" and not has_proper:
                        continue
                    return "org"
        return None

    def _place_stem_ok(self, surface: str, suffix: str) -> bool:
        """"구/현/군" make places at 3+ syllables; "시/도/주" (also name endings: "노부요시") need
        a stem or a whole word known as a place (gazetteer or lexicon)."""
        stem = self.gaz.resolve(surface[: -len(suffix)])
        if stem is not None:
            return stem.type == "place"
        if suffix in ("구", "현", "군", "특별시", "광역시"):
            return True
        return "place" in (self.lexicon.entity_type(surface[: -len(suffix)], min_count=1),
                           self.lexicon.entity_type(surface, min_count=1))

    def _title_follows(self, pos: int) -> bool:
        """A title or honorific right after ``pos`` (same word or the next one)."""
        rest = self.text[pos:pos + 12].lstrip(" ")
        return rest.startswith(TITLES)

    @staticmethod
    def _suffix_aligned(last: _Token, suffix: str) -> bool:
        """The suffix is the whole last morpheme, or ends a proper-noun (or long office) morpheme."""
        if last.form == suffix or (last.tag == "NNP" and last.form.endswith(suffix)):
            return True
        return suffix in ("부", "처", "청") and last.form.endswith(suffix) and len(last.form) >= 3 \
            and last.form not in GENERIC_ORG_WORDS

    def _stem_proper(self, surface: str, suffix: str, run: list[_Token]) -> bool:
        stem = surface[: -len(suffix)]
        if len(stem) < 2 or stem.upper() in LATIN_NON_NAMES:
            return False
        stem_end = run[0].start + len(stem)
        stem_tokens = [t for t in run if t.start < stem_end]
        return any(t.tag in ("NNP", "SL") and t.form.upper() not in LATIN_NON_NAMES for t in stem_tokens)

    # -- short forms and repeats --------------------------------------------------------------------
    def _persons(self) -> list[_Candidate]:
        return sorted((c for c in self.candidates if c.type == "person"), key=lambda c: c.start)

    def _short_forms(self) -> None:
        persons = self._persons()
        if not persons:
            return
        for j, word in enumerate(self.words[1:], start=1):
            if word.text[0] not in _TITLE_FIRST_CHARS:
                continue
            tlen = self.title_len(word)
            if not tlen:
                continue
            k = j - 1
            if self._affiliation(self.words[k]) and k >= 1 and self._covered_exact(self.words[k]) is not None:
                k -= 1  # "모리타 NEC 사장"
            prev = self.words[k]
            if self._covered_exact(prev) is not None or not (prev.bare or _determiner_like(prev)) or \
                    not self._one_line(prev.start, word.start):
                continue
            person = self._resolve_short(prev.text, prev.start, persons, word.text[:tlen])
            if person is None:
                continue
            end = word.start + tlen if k == j - 1 else prev.end
            self.add(prev.start, end, "person", person, 2)

    def _resolve_short(self, short: str, pos: int, persons: list[_Candidate], title: str = "") -> str | None:
        """The person a short form names (a surname, or a part of a foreign name): the nearest
        before (else the first after), preferring those named in full with the same ``title``
        ("이재용 삼성전자 회장" ... "이건희" ... "이 회장" is 이재용)."""
        def matches(name: str) -> bool:
            parts = name.split(" ")
            if len(short) == 1 and _HANGUL_RE.fullmatch(short):
                return len(parts) == 1 and name.startswith(short)
            return len(parts) > 1 and short in parts

        found = [p for p in persons if matches(p.name)]
        if title:
            same = re.compile(rf"(?<![\uac00-\ud7a3]){re.escape(title)}")
            titled = [p for p in found if same.search(self.text, p.end, p.end + TITLE_WINDOW)]
            found = titled or found
        before = [p for p in found if p.start < pos]
        if before:
            return before[-1].name
        return found[0].name if found else None

    def _propagate(self) -> None:
        """Bare repeats of discovered (non-gazetteer) names elsewhere in the text."""
        seen: dict[str, str] = {}
        for c in self.candidates:
            if c.priority in (1, 2) and c.name == self.text[c.start:c.end]:
                seen.setdefault(c.name, c.type)
        for name, type_ in seen.items():
            for m in re.finditer(re.escape(name), self.text):
                if self.left_ok(m.start()) and self.right_ok(m.end()):
                    self.add(m.start(), m.end(), type_, name, 1)

    # -- finish -------------------------------------------------------------------------------------
    def _select(self) -> list[_Candidate]:
        """Strongest candidates first, then longest; drop overlaps and reporters."""
        chosen: list[_Candidate] = []
        # taken spans never overlap, so sorted by start they are sorted by end too: a new span
        # overlaps one of them iff it overlaps the last one starting before its end
        taken_starts: list[int] = []
        taken_ends: list[int] = []
        for c in sorted(self.candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
            k = bisect.bisect_left(taken_starts, c.end)
            if k and taken_ends[k - 1] > c.start:
                continue
            if c.type == "person" and c.name in self.reporters:
                continue
            chosen.append(c)
            taken_starts.insert(k, c.start)
            taken_ends.insert(k, c.end)
        return chosen

    def _plausible_name(self, start: int, end: int) -> bool:
        """Model spans must hold a proper noun (or a capitalised Latin name, not an acronym like AI)."""
        inside = []
        for t in self.tokens[bisect.bisect_left(self.token_start_list, start):]:
            if t.start >= end:
                break
            if t.end <= end:
                inside.append(t)
        for t in inside:
            if t.tag == "NNP" or t.tag == "SH":
                return True
            if t.tag == "SL" and t.form[:1].isupper() and t.form.upper() not in LATIN_NON_NAMES:
                return MODEL_LATIN
        return not MODEL_NEEDS_PROPER

    def _finish(self, chosen: list[_Candidate]) -> list[Mention]:
        out = []
        for c in sorted(chosen, key=lambda c: c.start):
            credit = self._credit_position(c)
            if credit and not c.media:
                continue
            role = "source" if c.media and (credit or self._reported_by(c)) else "story"
            out.append(Mention(c.start, c.end, self.text[c.start:c.end], c.type, c.name, role))
        return out

    def _credit_position(self, c: _Candidate) -> bool:
        line_start = self.text.rfind("\n", 0, c.start) + 1
        line_end = self.text.find("\n", c.end)
        line_end = len(self.text) if line_end < 0 else line_end
        before = self.text[line_start:c.start]
        after = self.text[c.end:line_end]
        if _credit_before(before):
            return True
        if self._copyright_line(line_start, line_end):
            return True
        if not after.strip(" \t]）)") and (not before.strip() or re.search(r"[.!?。]\s+$|^\s*$", before)):
            return bool(re.search(r"[.!?。]\s+$", before)) or not before.strip() and c.media
        return False

    def _copyright_line(self, start: int, end: int) -> bool:
        """``_COPYRIGHT_LINE_RE.fullmatch`` of the line, once per line."""
        key = (start, end)
        found = self._copyright_lines.get(key)
        if found is None:
            line = self.text[start:end]
            if "\n" in line:  # a span across lines (rare): the regex itself
                found = bool(_COPYRIGHT_LINE_RE.fullmatch(line))
            else:  # on one line, "^.*(?:marks).*$" fullmatches exactly when a mark occurs
                found = _COPYRIGHT_MARK_RE.search(line) is not None
            self._copyright_lines[key] = found
        return found

    def _reported_by(self, c: _Candidate) -> bool:
        after = self.text[c.end:c.end + 120]
        return bool(_ACCORDING_RE.match(after) or _REPORT_AFTER_RE.match(after))


_ACRONYM_RE = re.compile(r"[A-Z][A-Za-z0-9&]{1,9}")


def _is_abbreviation(short: str, long: str) -> bool:
    """``short`` (the text in brackets after ``long``) reads as its short form: a Latin
    acronym, or a shorter Hangul word whose syllables occur in ``long`` in order ("과기정통부")."""
    if not short or short != short.strip() or " " in short:
        return False
    if _ACRONYM_RE.fullmatch(short):
        return short.upper() not in LATIN_NON_NAMES or len(long) > 6
    if not _HANGUL_RE.fullmatch(short) or not 2 <= len(short) < len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)  # a subsequence


def _credit_before(before: str) -> bool:
    """``_CREDIT_BEFORE_RE.search(before)`` for text without a newline, reading only its end:
    a credit word, then maybe whitespace, one of = : /, whitespace ("사진 제공=" ends in 제공,
    itself a credit word)."""
    if "\n" in before:
        return _CREDIT_BEFORE_RE.search(before) is not None
    tail = before.rstrip()
    if tail.endswith(("=", ":", "/")):
        tail = tail[:-1].rstrip()
    return tail.endswith(_CREDIT_WORDS)


def _ends_with_any(text: str, suffixes: Iterable[str]) -> bool:
    return text.endswith(suffixes if isinstance(suffixes, tuple) else tuple(suffixes))


_FALLBACK_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "으로", "만")


def _gazetteer_only(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Fallback when analysis fails: gazetteer hits at non-word boundaries only."""
    out: list[Mention] = []
    last_end = 0
    try:
        for hit in gazetteer.scan(text):
            if hit.start < last_end:
                continue
            before = text[hit.start - 1] if hit.start else " "
            after = text[hit.end] if hit.end < len(text) else " "
            if _WORD_CHAR_RE.match(before) or (_LATIN_RE.match(after) and _LATIN_RE.match(text[hit.end - 1])):
                continue
            if _HANGUL_RE.match(after) and _HANGUL_RE.match(text[hit.end - 1]) and \
                    not text.startswith(_FALLBACK_PARTICLES, hit.end):
                continue  # "애플리케이션": inside a longer word
            entry = hit.entries[0]
            out.append(Mention(hit.start, hit.end, text[hit.start:hit.end], entry.type, entry.name))
            last_end = hit.end
    except Exception:  # noqa: BLE001
        return []
    return out
