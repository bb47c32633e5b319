"""SQLite FTS5 baseline: index already-analysed tokens, run the query mix with bm25() ranking.

    python bench/fts5_baseline.py CORPUS_DIR [--db PATH] [--limit N] [--repeat R]

The tokens come from a Korean analyser outside this module, space-joined, so FTS5 only has to
split on spaces (``unicode61`` with ``_`` as a token character; every other non-word character
of a token is turned into ``_`` first, so a token is kept as given). Run alone, the script
analyses with the project's analyser (``briefing.search.language.analysis``) when it can be imported, else with
Kiwi nouns/foreign words as a stand-in, and prints build docs/s, size on disk and query
median/p95 latency.

What FTS5 cannot do here: ``date:`` filters (no date column) and queries made only of
exclusions; such queries are reported as skipped. ``company:X``/``person:X`` are searched as
the plain term X.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, Union

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import QUERY_MIX, LatencyStats, Timer, mb, peak_rss_mb, print_table  # noqa: E402

TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '_'"
BM25_WEIGHTS = (0.0, 2.0, 1.0)  # doc_id (unindexed), title, body
ENTITY_FIELDS = ("company", "person", "place", "org")
SKIPPED_FIELDS = ("date",)

# Query analysis result: per position the alternatives; an alternative is a tuple of tokens
# that must all occur (an alias whose canonical name has two words).
QueryGroups = list[list[tuple[str, ...]]]
IndexAnalyzer = Callable[[str], list[str]]
QueryAnalyzer = Callable[[str], QueryGroups]
QueryInput = Union[str, Sequence[str], None]

_NON_WORD = re.compile(r"[^\w]")
_QUERY_PART = re.compile(r'(?P<neg>-?)(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>\S+))')


# --- building ------------------------------------------------------------------------------


def fts_token(token: str) -> str:
    """``token`` in a form FTS5's tokenizer keeps whole: lowercase, non-word chars as ``_``."""
    return _NON_WORD.sub("_", token.lower())


def _quoted(token: str) -> str:
    return '"' + fts_token(token).replace('"', '""') + '"'


@dataclass
class Fts5BuildStats:
    docs: int
    tokens: int
    insert_seconds: float
    optimize_seconds: float
    size_bytes: int

    @property
    def seconds(self) -> float:
        return self.insert_seconds + self.optimize_seconds

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds > 0 else float("inf")


def _db_size(db_path: Path) -> int:
    return sum(p.stat().st_size for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")) if p.exists())


def build_fts5(db_path: Path | str, docs: Iterable[tuple[str, Sequence[str], Sequence[str]]],
               contentless: bool = False) -> Fts5BuildStats:
    """Load ``(id, title tokens, body tokens)`` into a fresh FTS5 table ``docs`` at ``db_path``.

    One transaction, WAL journal with synchronous=NORMAL (what an app would use), then the
    FTS5 ``optimize`` merge. Timing covers inserting and merging, not analysis (the tokens are
    given). ``contentless`` stores only the index, not the token text.
    """
    db_path = Path(db_path)
    for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        p.unlink(missing_ok=True)
    con = sqlite3.connect(db_path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        content = ", content=''" if contentless else ""
        con.execute(f"CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, body{content}, "
                    f"tokenize=\"{TOKENIZE}\")")
        n_docs = n_tokens = 0

        def rows() -> Iterator[tuple[str, str, str]]:
            nonlocal n_docs, n_tokens
            for doc_id, title, body in docs:
                n_docs += 1
                n_tokens += len(title) + len(body)
                yield str(doc_id), " ".join(map(fts_token, title)), " ".join(map(fts_token, body))

        with Timer() as insert:
            with con:
                con.executemany("INSERT INTO docs(doc_id, title, body) VALUES (?, ?, ?)", rows())
        with Timer() as optimize:
            with con:
                con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return Fts5BuildStats(n_docs, n_tokens, insert.seconds, optimize.seconds, _db_size(db_path))


# --- query translation ---------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """A user query split into its parts (the syntax of the app's search box)."""

    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)  # (field, value)


def parse_query(query: str) -> ParsedQuery:
    """Split ``query`` into terms, "quoted phrases", -exclusions and field:value filters."""
    parsed = ParsedQuery()
    for m in _QUERY_PART.finditer(query):
        text = m.group("phrase") if m.group("phrase") is not None else (m.group("word") or "")
        fld = (m.group("field") or "").lower()
        if not text.strip():
            continue
        if fld and fld not in ENTITY_FIELDS + SKIPPED_FIELDS:
            text, fld = f"{m.group('field')}:{text}", ""
        if m.group("neg"):
            parsed.excluded.append(text)
        elif fld:
            parsed.filters.append((fld, text))
        elif m.group("phrase") is not None:
            parsed.phrases.append(text)
        else:
            parsed.terms.append(text)
    return parsed


def _group_expr(groups: QueryGroups) -> str | None:
    """AND over positions, OR over the alternatives of a position."""
    parts = []
    for alternatives in groups:
        alts = [" AND ".join(_quoted(t) for t in alt) for alt in alternatives if alt]
        alts = list(dict.fromkeys(alts))
        if alts:
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(f"({a})" for a in alts) + ")")
    return " AND ".join(parts) if parts else None


def _phrase_expr(groups: QueryGroups) -> str | None:
    tokens = [fts_token(alts[0][0]) for alts in groups if alts and alts[0]]
    return '"' + " ".join(tokens) + '"' if tokens else None


def fts5_match(query: str, analyze: QueryAnalyzer) -> str | None:
    """``query`` as an FTS5 MATCH expression, or None when FTS5 has no equivalent."""
    parsed = parse_query(query)
    positive: list[str] = []
    for text in parsed.terms + [v for f, v in parsed.filters if f in ENTITY_FIELDS]:
        expr = _group_expr(analyze(text))
        if expr:
            positive.append(expr)
    for text in parsed.phrases:
        expr = _phrase_expr(analyze(text))
        if expr:
            positive.append(expr)
    if not positive:
        return None
    expr = " AND ".join(f"({p})" for p in positive) if len(positive) > 1 else positive[0]
    for text in parsed.excluded:
        neg = _group_expr(analyze(text))
        if neg:
            expr = f"({expr}) NOT ({neg})"
    return expr


# --- querying ------------------------------------------------------------------------------


@dataclass
class Fts5QueryStats:
    latency: LatencyStats
    queries: int
    skipped: int
    hits: list[int]  # total matches per query that ran (first pass)

    @property
    def median_ms(self) -> float:
        return self.latency.median_ms

    @property
    def p95_ms(self) -> float:
        return self.latency.p95_ms


def _as_match(item: QueryInput) -> str | None:
    if item is None:
        return None
    if isinstance(item, str):
        return item or None
    tokens = [t for t in item if t]
    return " AND ".join(_quoted(t) for t in dict.fromkeys(tokens)) if tokens else None


def query_fts5(db: sqlite3.Connection | Path | str, token_lists: Sequence[QueryInput], limit: int = 200,
               repeat: int = 3, warmup: bool = True) -> Fts5QueryStats:
    """Time each query (a MATCH string or a list of tokens to AND; None = skipped).

    One timed query = the top ``limit`` ids by ``bm25()`` (title weighted 2, body 1) plus the
    total number of matches, like the app's search. Every query runs ``repeat`` times after
    an untimed warm-up pass; latency percentiles are over all timed runs.
    """
    con = db if isinstance(db, sqlite3.Connection) else sqlite3.connect(db)
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    top_sql = f"SELECT doc_id, bm25(docs, {weights}) AS score FROM docs WHERE docs MATCH ? ORDER BY score LIMIT ?"
    count_sql = "SELECT count(*) FROM docs WHERE docs MATCH ?"
    matches = [_as_match(item) for item in token_lists]
    runnable = [m for m in matches if m]

    def run(match: str) -> int:
        con.execute(top_sql, (match, limit)).fetchall()
        return con.execute(count_sql, (match,)).fetchone()[0]

    try:
        hits = [run(m) for m in runnable] if warmup else []
        times: list[float] = []
        for _ in range(max(1, repeat)):
            for m in runnable:
                with Timer() as t:
                    n = run(m)
                times.append(t.ms)
                if not warmup and len(hits) < len(runnable):
                    hits.append(n)
    finally:
        if con is not db:
            con.close()
    return Fts5QueryStats(LatencyStats.from_ms(times), len(runnable), len(matches) - len(runnable), hits)


# --- analysers for the standalone run ------------------------------------------------------

STAND_IN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})


def _gazetteer():
    from briefing.search.config import load_config

    return load_config(use_user_file=False).gazetteer


def project_analyzers() -> tuple[IndexAnalyzer, QueryAnalyzer, Callable[[list[str]], object]]:
    """The project's analyser (``briefing.search.language.analysis``) configured with the shipped gazetteer."""
    from contextlib import contextmanager

    from briefing.search.language.analysis import TextAnalyser

    analyser = TextAnalyser.from_gazetteer(_gazetteer())
    batch: dict = {}  # text -> its AnalysedText, for the texts of the current batch

    @contextmanager
    def pretokenize(texts: list[str]):
        batch.update(zip(texts, analyser.analyse_many(texts)))  # one parallel Kiwi call
        try:
            yield
        finally:
            batch.clear()

    def index(text: str) -> list[str]:
        return [t.text for t in analyser.analyze(text, "index", batch.get(text))]

    def query(text: str) -> QueryGroups:
        return [[tuple(alt) for alt in alts] for alts in analyser.query_groups(text)]

    return index, query, pretokenize


def stand_in_analyzers() -> tuple[IndexAnalyzer, QueryAnalyzer, Callable[[list[str]], object]]:
    """Kiwi nouns and foreign words (lowercased), gazetteer names kept whole; no aliases."""
    from contextlib import contextmanager

    from briefing.search.language.kiwi import add_user_words, get_kiwi

    add_user_words((w, "NNP") for e in _gazetteer() for w in (e.name, *e.aliases)
                   if " " not in w and re.search(r"[가-힣]", w))
    cache: dict[str, list[str]] = {}

    def terms(tokens) -> list[str]:
        return [t.form.lower() for t in tokens if str(t.tag).split("-")[0] in STAND_IN_TAGS]

    def index(text: str) -> list[str]:
        cached = cache.get(text)
        return cached if cached is not None else terms(get_kiwi().tokenize(text))

    def query(text: str) -> QueryGroups:
        return [[(t,)] for t in index(text)]

    @contextmanager
    def pretokenize(texts: list[str]):
        fresh = [t for t in dict.fromkeys(texts) if t and t not in cache]
        for text, tokens in zip(fresh, get_kiwi().tokenize(fresh)):
            cache[text] = terms(tokens)
        try:
            yield len(fresh)
        finally:
            for text in fresh:
                cache.pop(text, None)

    return index, query, pretokenize


def pick_analyzers(which: str = "auto") -> tuple[str, IndexAnalyzer, QueryAnalyzer, Callable]:
    """``project`` / ``stand-in`` / ``auto`` (project if importable)."""
    if which in ("auto", "project"):
        try:
            return ("briefing.search.language.analysis", *project_analyzers())
        except ImportError:
            if which == "project":
                raise
    return ("kiwi nouns (stand-in)", *stand_in_analyzers())


# --- reading a corpus ----------------------------------------------------------------------


def _naive_article(path: Path) -> tuple[str, str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines = [ln for ln in lines if ln]
    return (lines[0] if lines else ""), "\n".join(lines[1:])


def read_corpus(corpus_dir: Path, use_project_reader: bool = True) -> tuple[str, list[tuple[str, str, str]]]:
    """``(reader name, [(id, title, body)])`` for the .txt files under ``corpus_dir``.

    Uses the project's page extraction (``briefing.search.ingest.sources.ingest_file``) when importable, so
    menus and widgets are not indexed; otherwise first line = title, the rest = body.
    """
    files = sorted(corpus_dir.rglob("*.txt"))
    ingest_file = None
    if use_project_reader:
        try:
            from briefing.search.ingest.sources import ingest_file
        except ImportError:
            ingest_file = None
    out: list[tuple[str, str, str]] = []
    for path in files:
        if ingest_file is not None:
            try:
                for art in ingest_file(path):
                    out.append((art.id, art.title, art.body))
                continue
            except Exception:  # noqa: BLE001 - a reader bug must not stop a benchmark
                pass
        title, body = _naive_article(path)
        out.append((path.stem, title, body))
    return ("briefing.search.ingest.sources" if ingest_file else "first line + rest"), out


def analyse_corpus(articles: Sequence[tuple[str, str, str]], index: IndexAnalyzer,
                   pretokenize: Callable, batch: int = 64) -> list[tuple[str, list[str], list[str]]]:
    """Analyse titles and bodies in batches (one parallel Kiwi call per batch)."""
    out = []
    for i in range(0, len(articles), batch):
        chunk = articles[i : i + batch]
        with pretokenize([t for _, t, _ in chunk] + [b for _, _, b in chunk]):
            out += [(doc_id, index(title), index(body)) for doc_id, title, body in chunk]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQLite FTS5 baseline over pre-analysed Korean tokens")
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary file, removed after)")
    parser.add_argument("--limit", type=int, default=200, help="top-k per query (default 200, like the app)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--analyzer", choices=("auto", "project", "stand-in"), default="auto")
    parser.add_argument("--raw", action="store_true", help="do not use the project's page extraction")
    parser.add_argument("--contentless", action="store_true", help="FTS5 content='' (index only)")
    parser.add_argument("--show-queries", action="store_true", help="print each query, its MATCH and hits")
    args = parser.parse_args(argv)

    reader, articles = read_corpus(args.corpus_dir, use_project_reader=not args.raw)
    if not articles:
        print(f"no .txt files under {args.corpus_dir}", file=sys.stderr)
        return 2
    name, index, query, pretokenize = pick_analyzers(args.analyzer)
    with Timer() as t_analyse:
        docs = analyse_corpus(articles, index, pretokenize)
    tmp = None
    db_path = args.db
    if db_path is None:
        tmp = tempfile.TemporaryDirectory(prefix="fts5-baseline-")
        db_path = Path(tmp.name) / "fts5.sqlite"
    try:
        build = build_fts5(db_path, docs, contentless=args.contentless)
        matches = [fts5_match(q, query) for q in QUERY_MIX]
        stats = query_fts5(db_path, matches, limit=args.limit, repeat=args.repeat)
    finally:
        if tmp is not None:
            tmp.cleanup()

    print(f"corpus: {args.corpus_dir} ({len(articles)} articles, reader: {reader})")
    print(f"analyser: {name}")
    rows = [
        ["analysis (not part of FTS5 build)", f"{t_analyse.seconds:.2f} s", f"{len(docs) / t_analyse.seconds:,.0f} docs/s"],
        ["FTS5 build: insert + optimize", f"{build.seconds:.2f} s", f"{build.docs_per_s:,.0f} docs/s"],
        ["  of which optimize", f"{build.optimize_seconds:.2f} s", ""],
        ["tokens indexed", f"{build.tokens:,}", f"{build.tokens / max(1, build.docs):,.0f} per doc"],
        ["size on disk", f"{mb(build.size_bytes):.2f} MB", "contentless" if args.contentless else "with token text"],
        ["queries run / skipped", f"{stats.queries} / {stats.skipped}", f"x{args.repeat} timed, top {args.limit} + count"],
        ["query latency median", f"{stats.median_ms:.3f} ms", ""],
        ["query latency p95", f"{stats.p95_ms:.3f} ms", f"max {stats.latency.max_ms:.3f} ms"],
        ["peak RSS", f"{peak_rss_mb():.0f} MB", "whole process incl. Kiwi"],
    ]
    print_table(["what", "value", "note"], rows)
    if args.show_queries:
        hits = iter(stats.hits)
        print()
        print_table(["query", "FTS5 MATCH", "hits"],
                    [[q, m or "(skipped)", next(hits) if m else "-"] for q, m in zip(QUERY_MIX, matches)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
