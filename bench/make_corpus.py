"""Build a synthetic benchmark corpus of raw Korean news pages from the bundled seeds.

    python bench/make_corpus.py N OUTDIR [--seed S] [--manifest PATH]

Real sentences from the seed pages are recombined into N new pages. Company and person
names are swapped within a pool (gazetteer entries of ``config.yaml``, names found in the
seeds, and generated Korean names), particles after a swapped name are fixed to agree with
it, and years, months and days are shifted. Each page gets the raw shape of a scraped news
page: a title line, page furniture (menus, comment widgets, a byline, a copyright notice),
a date line and 8-25 body paragraphs, about 5-8 KB in total.

Output is deterministic for a given ``--seed``; files are named ``b00001_<hash>.txt``.
Previously generated ``b*_<hash>.txt`` files in OUTDIR are removed first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Timer, mb  # noqa: E402
from briefing.search.config import GazetteerEntry, load_config  # noqa: E402
from briefing.search.ingest.furniture import aggregator_row  # noqa: E402

DEFAULT_SEEDS_DIR = ROOT / "seeds"
OUTPUT_NAME_RE = re.compile(r"^b\d{5,}_[0-9a-f]{16}\.txt$")

# --- recognising seed text -----------------------------------------------------------------

FURNITURE_RE = re.compile(
    r"댓글|로그인|닫기|바로가기|건너뛰기|Skip to|주소복사|클릭하시면|무단|재배포|저작권|[ⓒ©]|"
    r"Copyright|카테고리|구독|콘텐츠|추천|Member for|Real name|^Position$|^Bio$|^Picture$|"
    r"^수정$|^\s*•|기자\]$|특파원|^번호 제목|사진=|/사진|^주:|^조회\s|_PC$"
)
SENTENCE_END_RE = re.compile(r"[다요까죠][.?!][\"'”’]?(?=\s|$)")
HANGUL_RE = re.compile(r"[가-힣]")

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉경"
GIVEN_SYLLABLES = "민서준우현지예도하윤은수영진호성태재경혜연승훈동상희주원석철용정규민환범찬유나아"
TITLES = r"(?:회장|부회장|사장|대표|기자|특파원|대통령|권한대행|CEO|의원|장관|총리|교수|연구원)"

# Particles that may follow a name; pairs are (after a final consonant, after a vowel).
PARTICLE_PAIRS = (
    ("이라는", "라는"), ("이라고", "라고"), ("과의", "와의"), ("으로", "로"), ("이다", "다"),
    ("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"),
)
OTHER_PARTICLES = ("에서", "에게", "에는", "에도", "까지", "부터", "처럼", "보다", "에", "의", "도", "만")
_ALL_PARTICLES = sorted({p for pair in PARTICLE_PAIRS for p in pair} | set(OTHER_PARTICLES), key=len, reverse=True)
PARTICLE_ALT = "|".join(_ALL_PARTICLES)
_PARTICLE_FORMS = {p: pair for pair in PARTICLE_PAIRS for p in pair}

PERSON_IN_CONTEXT_RE = re.compile(
    rf"(?<![가-힣A-Za-z0-9])([{SURNAMES}][가-힣]{{2}})"
    rf"(?= (?:[가-힣A-Za-z0-9]+ )?{TITLES}(?:{PARTICLE_ALT})?(?![가-힣]))"
)

YEAR_RE = r"(?<![\d,.])(?P<year>19[5-9]\d|20[0-4]\d)(?=년|[\s.'’)」]|$)"
MONTH_RE = r"(?<![\d.])(?P<month>1[0-2]|0?[1-9])월"
DAY_RE = r"(?<![\d.,~])(?P<day>[12]\d|3[01]|0?[1-9])일(?=[\s(,.에은의까부]|$)"
ABBR_RE = rf"(?<![가-힣A-Za-z0-9])(?P<abbr>[{SURNAMES}]) (?={TITLES}(?:{PARTICLE_ALT})?(?![가-힣]))"

SEED_BASE_YEAR = 2025  # years in the seed text are shifted by (published year - this)
WEEKDAYS = "월화수목금토일"


@dataclass(frozen=True)
class Slot:
    """A variable part of a sentence template: a name, an abbreviated name or a date part."""

    kind: str  # entity, abbr, year, month, day
    key: str = ""  # entity key, or the surname for abbr
    surface: str = ""  # the text as found in the seed
    particle: str = ""
    value: int = 0


Template = tuple["str | Slot", ...]


@dataclass
class Entity:
    """A swappable name: its group (company, media, person_ko, person_foreign) and spellings."""

    key: str
    group: str
    variants: tuple[str, ...]


@dataclass
class Material:
    """Everything extracted from the seeds once, before generating articles."""

    seed_sentences: list[list[Template]]
    titles: list[Template]
    entities: dict[str, Entity]
    pools: dict[str, list[str]]
    media: list[GazetteerEntry]


@dataclass
class ArticleMeta:
    """What was generated for one file (for tests and for an optional manifest)."""

    file: str
    title: str
    published: str
    publisher: str | None  # None when the page does not name its outlet
    layout: str
    paragraphs: int
    size_bytes: int


@dataclass
class CorpusStats:
    count: int
    total_bytes: int
    seconds: float
    articles: list[ArticleMeta] = field(default_factory=list)


# --- seed extraction -----------------------------------------------------------------------


def is_furniture(line: str) -> bool:
    """True for obvious page furniture: menus, widgets, bylines, copyright, captions."""
    return bool(FURNITURE_RE.search(line.strip()))


def _quotes_balanced(text: str) -> bool:
    return text.count("“") <= text.count("”") and text.count('"') % 2 == 0


def split_sentences(line: str) -> list[str]:
    """Sentences of a body line that end like Korean prose (…다. …요? …까?), never inside quotes.

    Text after the last such ending (a caption, a credit) is dropped.
    """
    sentences: list[str] = []
    start = 0
    for m in SENTENCE_END_RE.finditer(line):
        candidate = line[start : m.end()]
        if _quotes_balanced(candidate):
            sentences.append(candidate.strip())
            start = m.end()
    return [s for s in sentences if len(s) >= 15]


def _looks_like_headline(line: str) -> bool:
    text = line.strip().strip("◆").strip()
    return (
        12 <= len(text) <= 70
        and HANGUL_RE.search(text) is not None
        and text.count(" ") >= 2
        and not text.endswith(("다.", "다", "?", "요", "는", "은", "한", "기자", "뉴스"))
        and not text.startswith(("(", "<", "»"))
        and ". " not in text
        and not is_furniture(text)
    )


def read_seed_texts(seeds_dir: Path) -> tuple[list[list[str]], list[str]]:
    """Per seed file its body sentences, plus headline-like lines from all seeds."""
    sentences: list[list[str]] = []
    headlines: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        found: list[str] = []
        after_bio = False
        for line in lines:
            stripped = line.strip()
            row = aggregator_row(stripped)  # a related-headline row: its title is a headline
            if row:
                headlines.append(row.group("title").strip())
            elif after_bio or is_furniture(stripped):
                pass
            elif _looks_like_headline(stripped):
                headlines.append(stripped.strip("◆").strip())
            elif len(stripped) >= 40:
                found.extend(split_sentences(stripped))
            after_bio = stripped == "Bio"
        if found:
            sentences.append(found)
    return sentences, list(dict.fromkeys(headlines))


def _is_korean_full_name(name: str) -> bool:
    return len(name) == 3 and all("가" <= ch <= "힣" for ch in name) and name[0] in SURNAMES


def _usable_variant(name: str) -> bool:
    if len(name) < 2 or re.fullmatch(rf"[가-힣] {TITLES}", name):  # "암", "손 회장"
        return False
    return not re.search(r"[^\w\s.&-]", name)  # skip "日", "美"-style and odd punctuation


def build_entities(gazetteer: Sequence[GazetteerEntry], seed_people: Sequence[str]) -> dict[str, Entity]:
    """Swappable names from the gazetteer (companies, media, people) and people found in seeds."""
    entities: dict[str, Entity] = {}
    for e in gazetteer:
        if e.type == "company":
            group = "media" if e.media else "company"
        elif e.type == "person":
            group = "person_ko" if _is_korean_full_name(e.name) else "person_foreign"
        else:
            continue
        variants = tuple(v for v in dict.fromkeys((e.name, *e.aliases)) if _usable_variant(v))
        entities[e.name] = Entity(e.name, group, variants or (e.name,))
    known = {v for ent in entities.values() for v in ent.variants}
    for name in seed_people:
        if not any(name in v for v in known):
            entities[name] = Entity(name, "person_ko", (name,))
    return entities


def generated_korean_names(count: int, rng: random.Random, taken: set[str]) -> list[str]:
    """``count`` distinct plausible Korean full names (surname + two given-name syllables)."""
    common = SURNAMES[:20]
    names: list[str] = []
    seen = set(taken)
    while len(names) < count:
        name = rng.choice(common) + rng.choice(GIVEN_SYLLABLES) + rng.choice(GIVEN_SYLLABLES)
        if name[1] != name[2] and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _template_regex(entities: dict[str, Entity]) -> re.Pattern[str]:
    surfaces = sorted({v for e in entities.values() for v in e.variants}, key=len, reverse=True)
    names = "|".join(re.escape(s) for s in surfaces)
    entity = (
        rf"(?<![가-힣A-Za-z0-9])(?P<name>{names})(?![A-Za-z0-9])"
        rf"(?P<particle>{PARTICLE_ALT})?(?![가-힣A-Za-z0-9])"
    )
    return re.compile("|".join((entity, ABBR_RE, YEAR_RE, MONTH_RE, DAY_RE)))


def to_template(text: str, pattern: re.Pattern[str], surface_key: dict[str, str]) -> Template:
    """Split ``text`` into literal strings and :class:`Slot` s (names, date parts)."""
    parts: list[str | Slot] = []
    pos = 0
    for m in pattern.finditer(text):
        parts.append(text[pos : m.start()])
        if m.group("name"):
            name, particle = m.group("name"), m.group("particle") or ""
            parts.append(Slot("entity", surface_key[name], name, particle))
        elif m.group("abbr"):
            parts.append(Slot("abbr", m.group("abbr"), m.group("abbr")))
            parts.append(" ")
        elif m.group("year"):
            parts.append(Slot("year", value=int(m.group("year"))))
        elif m.group("month"):
            parts.append(Slot("month", value=int(m.group("month"))))
            parts.append("월")
        else:
            parts.append(Slot("day", value=int(m.group("day"))))
            parts.append("일")
        pos = m.end()
    parts.append(text[pos:])
    return tuple(p for p in parts if p != "")


def load_material(seeds_dir: Path = DEFAULT_SEEDS_DIR, gazetteer: Sequence[GazetteerEntry] | None = None,
                  name_seed: int = 0) -> Material:
    """Extract sentence/title templates and name pools from the seed pages and the gazetteer."""
    if gazetteer is None:
        gazetteer = load_config(use_user_file=False).gazetteer
    sentences, headlines = read_seed_texts(seeds_dir)
    if not sentences:
        raise ValueError(f"no usable sentences in {seeds_dir}")
    seed_people = sorted({m for s in (*sum(sentences, []), *headlines) for m in PERSON_IN_CONTEXT_RE.findall(s)})
    entities = build_entities(gazetteer, seed_people)
    surface_key = {v: e.key for e in entities.values() for v in e.variants}
    pattern = _template_regex(entities)
    pools: dict[str, list[str]] = {}
    for e in entities.values():
        pools.setdefault(e.group, []).append(e.key)
    taken = {v for e in entities.values() for v in e.variants}
    for name in generated_korean_names(300, random.Random(f"{name_seed}:names"), taken):
        entities[name] = Entity(name, "person_ko", (name,))
        pools["person_ko"].append(name)
    return Material(
        seed_sentences=[[to_template(s, pattern, surface_key) for s in group] for group in sentences],
        titles=[to_template(h, pattern, surface_key) for h in headlines],
        entities=entities,
        pools=pools,
        media=[e for e in gazetteer if e.type == "company" and e.media],
    )


# --- rendering -----------------------------------------------------------------------------


def has_final_consonant(text: str) -> bool:
    """Whether ``text`` is read with a final consonant (batchim), deciding 은/는, 이/가, ..."""
    ch = text.rstrip()[-1:]
    if not ch:
        return False
    if "가" <= ch <= "힣":
        return (ord(ch) - 0xAC00) % 28 != 0
    if ch.isdigit():
        return ch in "013678"  # 영 일 삼 육 칠 팔
    if ch.isupper():
        return ch in "LMNR"  # 엘 엠 엔 알
    return ch.lower() in "lmnkgpbtd"


def _final_is_rieul(text: str) -> bool:
    ch = text.rstrip()[-1:]
    return bool(ch) and "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 == 8


def agree_particle(word: str, particle: str) -> str:
    """The form of ``particle`` that agrees with the end of ``word`` (삼성전자는 / SK그룹은)."""
    pair = _PARTICLE_FORMS.get(particle)
    if not pair:
        return particle
    if pair[0] == "으로":
        return "로" if not has_final_consonant(word) or _final_is_rieul(word) else "으로"
    return pair[0] if has_final_consonant(word) else pair[1]


def _shape(surface: str) -> tuple[bool, bool]:
    return (bool(HANGUL_RE.match(surface)), " " in surface)


class Renderer:
    """Fills templates for one article with consistent name swaps and shifted dates."""

    def __init__(self, material: Material, rng: random.Random, published: date, keep_prob: float = 0.35):
        self.material, self.rng, self.keep_prob = material, rng, keep_prob
        self.year_delta = published.year - SEED_BASE_YEAR
        self.month_delta = rng.randrange(12)
        self.day_delta = rng.randrange(28)
        self.entity_map: dict[str, str] = {}
        self.surname_map: dict[str, str] = {}

    def _target(self, key: str) -> Entity:
        ents = self.material.entities
        if key not in self.entity_map:
            source = ents[key]
            pool = self.material.pools.get(source.group, [key])
            choice = key if self.rng.random() < self.keep_prob else self.rng.choice(pool)
            self.entity_map[key] = choice
            if source.group == "person_ko" and _is_korean_full_name(key):
                self.surname_map.setdefault(key[0], ents[choice].key[0])
        return ents[self.entity_map[key]]

    def _entity_text(self, slot: Slot) -> str:
        target = self._target(slot.key)
        want = _shape(slot.surface)
        surface = next((v for v in target.variants if _shape(v) == want), target.variants[0])
        if slot.surface == self.material.entities[slot.key].variants[0]:
            surface = target.variants[0]  # canonical stays canonical
        return surface + agree_particle(surface, slot.particle)

    def render(self, template: Template) -> str:
        out: list[str] = []
        for part in template:
            if isinstance(part, str):
                out.append(part)
            elif part.kind == "entity":
                out.append(self._entity_text(part))
            elif part.kind == "abbr":
                out.append(self.surname_map.get(part.key, part.key))
            elif part.kind == "year":
                out.append(str(part.value + self.year_delta))
            elif part.kind == "month":
                out.append(str((part.value - 1 + self.month_delta) % 12 + 1))
            else:
                out.append(str((part.value - 1 + self.day_delta) % 28 + 1))
        return "".join(out)


# --- page layouts --------------------------------------------------------------------------


@dataclass
class Page:
    """The pieces a layout arranges into a raw page."""

    title: str
    published: datetime
    publisher: GazetteerEntry
    reporter: str
    colleague: str
    headlines: list[str]
    rng: random.Random


def _dotted(d: datetime) -> str:
    return f"{d.year}. {d.month}. {d.day}."


def _stamp(d: datetime) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d} {d.hour:02d}:{d.minute:02d}"


def _domain(pub: GazetteerEntry) -> str | None:
    return next((a for a in pub.aliases if "." in a), None)


def _copyright(p: Page) -> str:
    name, domain = p.publisher.name, _domain(p.publisher)
    options = [
        f"ⓒ {name}, 무단전재 및 재배포 금지",
        f"Copyright ⓒ {name}. All rights reserved.",
        f"©{name}. 무단전재·재배포 금지",
    ]
    if domain:
        options.append(f"[ⓒ {name} & {domain}, 무단 전재, 재배포 및 AI학습 이용 금지]")
    return p.rng.choice(options)


def _byline(p: Page) -> str:
    city = p.rng.choice(["도쿄", "워싱턴", "베이징", "뉴욕", "실리콘밸리"])
    return p.rng.choice([
        f"{p.reporter} 기자",
        f"[{p.reporter} 기자]",
        f"[{city} {p.colleague} 특파원 / 서울 {p.reporter} 기자]",
        f"{p.reporter} 기자 reporter{p.rng.randrange(100, 1000)}@example.com",
    ])


def layout_portal(p: Page, body: Callable[[int], list[str]]) -> list[str]:
    crawl = p.published + timedelta(days=p.rng.randrange(1, 400))
    head = [
        "컨텐츠 바로가기", "", f"{crawl.month:02d}.{crawl.day:02d} ({WEEKDAYS[crawl.weekday()]})", "",
        p.title, "", f"입력 {_stamp(p.published)}", "댓글 첫 댓글을 작성해보세요", "주소복사가 완료되었습니다",
        "", p.publisher.name, "",
    ]
    tail = ["", _byline(p), "", _copyright(p), "기사가 속한 카테고리는 언론사가 분류합니다.",
            "언론사는 한 기사를 두 개 이상의 카테고리로 분류할 수 있습니다."]
    paras = body(_bytes(head + tail))
    if len(paras) > 4 and p.rng.random() < 0.6:
        paras.insert(len(paras) // 2, "<이미지를 클릭하시면 크게 보실 수 있습니다>")
    return head + _with_blank_lines(paras) + tail


def layout_wire(p: Page, body: Callable[[int], list[str]]) -> list[str]:
    subs = p.rng.sample(p.headlines, k=min(2, len(p.headlines)))
    head = [p.title, ""] + [x for s in subs for x in (f"  • {s}", "")] + [f"입력 {_stamp(p.published)}"]
    tail = ["", _copyright(p), "", "댓글0", "0 / 300", "", "댓글을 삭제 하시겠습니까?", "", "닫기", "",
            "로그인 후 댓글작성이 가능합니다.", "로그인 하시겠습니까?", "", "닫기"]
    return head + _with_blank_lines(body(_bytes(head + tail))) + tail


def layout_channel(p: Page, body: Callable[[int], list[str]]) -> list[str]:
    head = [p.title, "", f"조회 {p.rng.randrange(10, 9000)}{_dotted(p.published)}"]
    tail = ["", f"{p.reporter} 기자", "", "이 콘텐츠가 마음에 드셨다면?", "이런 콘텐츠는 어때요?", "",
            "최근에 본 콘텐츠와 구독한", "채널을 분석하여 관련있는", "콘텐츠를 추천합니다."]
    return head + _with_blank_lines(body(_bytes(head + tail))) + tail


def layout_aggregator(p: Page, body: Callable[[int], list[str]]) -> list[str]:
    row_date = f"{p.published.year}.{p.published.month:02d}.{p.published.day:02d}"
    first = p.rng.randrange(10000, 90000)
    rows = [f"{first - i} {h} 랭크뉴스 {row_date}" for i, h in enumerate(p.rng.sample(p.headlines, k=min(9, len(p.headlines))))]
    rows.insert(p.rng.randrange(len(rows) + 1), f"» »»»»» {p.title} 랭크뉴스 {row_date}")
    head = ["메뉴 건너뛰기", "", p.title, f"입력 {_stamp(p.published)}", ""]
    tail = ["", p.publisher.name, "", "번호 제목 글쓴이 날짜", *rows]
    return head + _with_blank_lines(body(_bytes(head + tail))) + tail


def layout_research(p: Page, body: Callable[[int], list[str]]) -> list[str]:
    section = p.rng.choice(["딥테크", "산업", "정책", "글로벌"])
    author = ["Picture", "", "Member for", "", f"{p.rng.randrange(1, 12)} months {p.rng.randrange(1, 4)} week",
              "Real name", p.reporter, "Position", p.rng.choice(["연구원", "기자"]), "Bio",
              "산업과 기술 정책을 담당하고 있습니다. 글로벌 시장의 흐름을 쉽게 전달하고자 합니다.", ""]
    subs = p.rng.sample(p.headlines, k=min(3, len(p.headlines)))
    head = ["Skip to main content", "  • Home", f"  • {section}", f"  • [{section}] {p.title}",
            f"[{section}] {p.title}", _dotted(p.published), *author, "수정", "", *subs, ""]
    tail = ["", _copyright(p), "", *author]
    return head + _with_blank_lines(body(_bytes(head + tail))) + tail


LAYOUTS: dict[str, Callable[[Page, Callable[[int], list[str]]], list[str]]] = {
    "portal": layout_portal,
    "wire": layout_wire,
    "channel": layout_channel,
    "aggregator": layout_aggregator,
    "research": layout_research,
}
UNCREDITED_LAYOUTS = frozenset({"channel"})  # pages that never name the outlet


def _bytes(lines: Sequence[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _with_blank_lines(paragraphs: Sequence[str]) -> list[str]:
    out: list[str] = []
    for para in paragraphs:
        out += [para, ""]
    return out[:-1]


# --- one article ---------------------------------------------------------------------------

DATE_START = date(2019, 1, 1)
DATE_SPAN_DAYS = (date(2025, 12, 31) - DATE_START).days


def _pick_sentences(material: Material, rng: random.Random) -> Callable[[], Template]:
    """A source of sentence templates: mostly consecutive ones from one seed, some from others."""
    groups = material.seed_sentences
    primary = rng.choices(groups, weights=[len(g) for g in groups])[0]
    cursor = rng.randrange(len(primary))

    def next_sentence() -> Template:
        nonlocal cursor
        if rng.random() < 0.75:
            cursor = (cursor + 1) % len(primary)
            return primary[cursor]
        return rng.choice(rng.choice(groups))

    return next_sentence


def build_body(renderer: Renderer, next_sentence: Callable[[], Template], rng: random.Random,
               budget_bytes: int) -> list[str]:
    """8-25 paragraphs of 1+ sentences whose total size is close to ``budget_bytes``."""
    n_paragraphs = min(rng.randint(8, 25), max(8, budget_bytes // 260))
    target = budget_bytes / n_paragraphs
    paragraphs = []
    for _ in range(n_paragraphs):
        sentences: list[str] = []
        size = 0
        while True:
            s = renderer.render(next_sentence())
            n = len(s.encode("utf-8")) + 1
            if sentences and size + n / 2 > target:
                break
            sentences.append(s)
            size += n
            if size >= target:
                break
        paragraphs.append(" ".join(sentences))
    return paragraphs


def generate_article(material: Material, seed: int, index: int) -> tuple[str, ArticleMeta]:
    """The raw text of article ``index`` (1-based) and its metadata; depends only on the arguments."""
    rng = random.Random(f"{seed}:{index}")
    day = DATE_START + timedelta(days=rng.randrange(DATE_SPAN_DAYS + 1))
    published = datetime(day.year, day.month, day.day, rng.randrange(6, 23), rng.randrange(60))
    renderer = Renderer(material, rng, day)
    next_sentence = _pick_sentences(material, rng)
    title_template = rng.choice(material.titles)
    others = [t for t in material.titles if t is not title_template]
    title = renderer.render(title_template)
    if rng.random() < 0.2:
        title = rng.choice(["[종합] ", "[단독] ", "[인터뷰] ", "[분석] "]) + title
    people = material.pools["person_ko"]
    page = Page(
        title=title,
        published=published,
        publisher=rng.choice(material.media),
        reporter=rng.choice(people[-300:]),
        colleague=rng.choice(people[-300:]),
        headlines=[renderer.render(t) for t in rng.sample(others, k=min(10, len(others)))],
        rng=rng,
    )
    layout_name = rng.choice(sorted(LAYOUTS))
    credited = layout_name not in UNCREDITED_LAYOUTS
    target_bytes = rng.randint(5000, 8000)
    n_paragraphs = 0

    def body(furniture_bytes: int) -> list[str]:
        nonlocal n_paragraphs
        paras = build_body(renderer, next_sentence, rng, max(2000, target_bytes - furniture_bytes))
        n_paragraphs = len(paras)
        return paras

    text = "\n".join(LAYOUTS[layout_name](page, body)) + "\n"
    meta = ArticleMeta("", title, published.isoformat(timespec="minutes"), page.publisher.name if credited else None,
                       layout_name, n_paragraphs, len(text.encode("utf-8")))
    return text, meta


# --- the corpus ----------------------------------------------------------------------------


def output_name(index: int, text: str, width: int = 5) -> str:
    """``b00001_<16 hex digits of the content hash>.txt``."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return f"b{index:0{width}d}_{digest}.txt"


def make_corpus(n: int, outdir: Path | str, seed: int = 0, seeds_dir: Path | str = DEFAULT_SEEDS_DIR,
                gazetteer: Sequence[GazetteerEntry] | None = None) -> CorpusStats:
    """Write ``n`` generated articles into ``outdir`` and return count, bytes, time, metadata."""
    if n < 0:
        raise ValueError("n must be >= 0")
    out = Path(outdir)
    with Timer() as timer:
        out.mkdir(parents=True, exist_ok=True)
        for old in out.iterdir():
            if OUTPUT_NAME_RE.match(old.name):
                old.unlink()
        material = load_material(Path(seeds_dir), gazetteer, name_seed=seed)
        width = max(5, len(str(n)))
        total = 0
        metas: list[ArticleMeta] = []
        for i in range(1, n + 1):
            text, meta = generate_article(material, seed, i)
            meta.file = output_name(i, text, width)
            (out / meta.file).write_bytes(text.encode("utf-8"))
            total += meta.size_bytes
            metas.append(meta)
    return CorpusStats(n, total, timer.seconds, metas)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles (1000 and 10000 are the usual sizes)")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0, help="random seed (output is deterministic for it)")
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR, help="raw seed pages to recombine")
    parser.add_argument("--manifest", type=Path, help="also write one JSON line of metadata per article here")
    args = parser.parse_args(argv)
    stats = make_corpus(args.n, args.outdir, args.seed, args.seeds_dir)
    if args.manifest:
        with args.manifest.open("w", encoding="utf-8") as fh:
            for meta in stats.articles:
                fh.write(json.dumps(meta.__dict__, ensure_ascii=False) + "\n")
    print(f"articles: {stats.count}")
    print(f"total: {mb(stats.total_bytes):.2f} MB ({stats.total_bytes / max(1, stats.count) / 1024:.1f} KB/article)")
    print(f"elapsed: {stats.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
