"""Helpers the benchmarks share: peak RSS, a timer, percentiles, the fixed query mix, tables.

Import as ``from bench.common import ...`` with the repository root on ``sys.path``
(the bench scripts put it there themselves).
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]


# --- memory --------------------------------------------------------------------------------


def _maxrss_to_mb(maxrss: int) -> float:
    # Linux reports KiB, macOS bytes.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size in MiB of this process, or of its waited-for children."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return _maxrss_to_mb(resource.getrusage(who).ru_maxrss)


def current_rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()


# --- time ----------------------------------------------------------------------------------


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) of every process, read from /proc ({} without it)."""
    out: dict[int, tuple[int, int]] = {}
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        out[int(stat.parent.name)] = (int(fields[1]), int(fields[21]) * page)
    return out


class Timer:
    """Wall-clock timer: ``with Timer() as t: ...`` then ``t.seconds`` / ``t.ms``."""

    def __init__(self) -> None:
        self._start: float | None = None
        self._end: float | None = None

    def __enter__(self) -> "Timer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._start, self._end = time.perf_counter(), None

    def stop(self) -> float:
        self._end = time.perf_counter()
        return self.seconds

    @property
    def seconds(self) -> float:
        if self._start is None:
            return 0.0
        end = self._end if self._end is not None else time.perf_counter()
        return end - self._start

    @property
    def ms(self) -> float:
        return self.seconds * 1000.0


# --- statistics ----------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation; NaN for no values."""
    data = sorted(values)
    if not data:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    pos = (len(data) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values: Iterable[float]) -> float:
    return percentile(values, 50)


def p95(values: Iterable[float]) -> float:
    return percentile(values, 95)


@dataclass(frozen=True)
class LatencyStats:
    """Summary of a list of latencies in milliseconds."""

    count: int
    median_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def from_ms(cls, values: Sequence[float]) -> "LatencyStats":
        vals = list(values)
        if not vals:
            return cls(0, math.nan, math.nan, math.nan, math.nan)
        return cls(len(vals), median(vals), p95(vals), float(max(vals)), sum(vals) / len(vals))


# --- the query mix -------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query as a user would type it, with the feature it exercises."""

    text: str
    kind: str  # noun, particle, english, and, phrase, field, date, exclude, mixed


QUERIES: tuple[BenchQuery, ...] = (
    # single Korean nouns
    BenchQuery("삼성전자", "noun"),
    BenchQuery("반도체", "noun"),
    BenchQuery("인공지능", "noun"),
    BenchQuery("스타게이트", "noun"),
    BenchQuery("패키징", "noun"),
    BenchQuery("데이터센터", "noun"),
    BenchQuery("소프트뱅크", "noun"),
    BenchQuery("키옥시아", "noun"),
    BenchQuery("라피더스", "noun"),
    BenchQuery("보조금", "noun"),
    BenchQuery("동맹국", "noun"),
    BenchQuery("투자", "noun"),
    # particles attached
    BenchQuery("삼성전자가", "particle"),
    BenchQuery("소프트뱅크는", "particle"),
    BenchQuery("일본과", "particle"),
    BenchQuery("반도체를", "particle"),
    BenchQuery("오픈AI와", "particle"),
    BenchQuery("엔비디아의", "particle"),
    # English aliases and Latin terms
    BenchQuery("SoftBank", "english"),
    BenchQuery("OpenAI", "english"),
    BenchQuery("Rapidus", "english"),
    BenchQuery("Samsung", "english"),
    BenchQuery("HBM", "english"),
    BenchQuery("Arm", "english"),
    # two-word ANDs
    BenchQuery("최태원 회장", "and"),
    BenchQuery("반도체 패키징", "and"),
    BenchQuery("AI 데이터센터", "and"),
    BenchQuery("일본 투자", "and"),
    BenchQuery("이재용 손정의", "and"),
    BenchQuery("미국 수출", "and"),
    # phrases
    BenchQuery('"AI 수출 프로그램"', "phrase"),
    BenchQuery('"첨단 패키징"', "phrase"),
    BenchQuery('"스타게이트 프로젝트"', "phrase"),
    # field filters
    BenchQuery("company:소프트뱅크", "field"),
    BenchQuery("company:SK하이닉스", "field"),
    BenchQuery("person:손정의", "field"),
    BenchQuery("date:2025", "date"),
    BenchQuery("date:2023", "date"),
    # exclusion
    BenchQuery("반도체 -삼성전자", "exclude"),
    BenchQuery("AI -오픈AI", "exclude"),
    # mixed
    BenchQuery("company:삼성전자 반도체", "mixed"),
    BenchQuery("소프트뱅크 date:2025", "mixed"),
)

QUERY_MIX: tuple[str, ...] = tuple(q.text for q in QUERIES)


# --- output --------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _width(text: str) -> int:
    """Terminal width of ``text``: East Asian wide characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table; numbers right-aligned, text left-aligned."""
    raw_rows = [list(r) + [""] * (len(headers) - len(r)) for r in rows]
    cells = [[_cell(v) for v in row] for row in raw_rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, text in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _width(text))

    def line(values: Sequence[str], raw: Sequence[object] | None) -> str:
        out = []
        for i, text in enumerate(values[: len(widths)]):
            pad = " " * (widths[i] - _width(text))
            is_num = raw is not None and isinstance(raw[i], (int, float)) and not isinstance(raw[i], bool)
            out.append(pad + text if is_num else text + pad)
        return "  ".join(out).rstrip()

    lines = [line(list(headers), None), "  ".join("-" * w for w in widths)]
    lines += [line(c, r) for c, r in zip(cells, raw_rows)]
    return "\n".join(lines)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str | None = None) -> None:
    """Print :func:`format_table`, with an optional title line."""
    if title:
        print(title)
    print(format_table(headers, list(rows)))


def dir_size_bytes(path: Path | str) -> int:
    """Total size of the regular files under ``path`` (or of ``path`` itself if a file)."""
    p = Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def mb(n_bytes: float) -> float:
    """Bytes to MiB."""
    return n_bytes / (1024 * 1024)
