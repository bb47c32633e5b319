"""Evaluate the date extractor and the timeline.

1. Seeds: every gold event of ``seeds-gold.yaml`` as found / resolved-correctly / wrong, twice:
   with the publication date ingestion finds, and with the gold publication date (the resolver
   alone). Also counts past-tense events dated after publication and relative dates resolved in
   articles without a publication date (an invented year).
   A gold event written only in a photo caption is counted apart: since issue 16 a caption is
   never an event.
2. KLUE-NER (WIKITREE dev part): recall of the DT spans by the date extractor, exact and
   overlapping, overall and for the calendar-date part of DT (spans with 년/월/일 numbers or
   relative day/month/year words; durations, seasons and holidays are the rest); then the date
   mentions the timeline rules out as general statements or comparison baselines, listed.

Usage: python bench/eval_dates.py [--gold PATH] [--klue PATH] [--compare-korean-datetime]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from briefing.search.timeline.dates import clause_tense, find_dates  # noqa: E402
from briefing.search.ingest.furniture import is_caption  # noqa: E402
from briefing.search.model import Article, PublishedDate  # noqa: E402
from briefing.search.timeline.events import article_events  # noqa: E402

SHARED = Path("/work/shared/eval")


def _gold_path(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    for p in (SHARED / "seeds-gold.yaml", REPO / "tests" / "data" / "seeds-gold.yaml"):
        if p.exists():
            return p
    raise SystemExit("no seeds-gold.yaml found")


def _ingested(seed_id: str) -> Article | None:
    try:
        from briefing.search.ingest.sources import ingest_file
    except ImportError:
        return None
    arts = ingest_file(REPO / "seeds" / f"{seed_id}.txt")
    return arts[0] if arts else None


def _with_published(a: Article, pub: date | None) -> Article:
    return Article(id=a.id, title=a.title, paragraphs=a.paragraphs, source_path=a.source_path,
                   content_hash=a.content_hash, published=PublishedDate(pub, 1.0, "gold"),
                   captions=a.captions)


def eval_seeds(gold_path: Path) -> None:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["articles"]
    for mode in ("ingested", "gold-published"):
        print(f"\n== seeds, publication date: {mode}")
        print(f"{'seed':<6} {'pub':<10} {'expr':<16} {'gold':<10} {'ours':<22} verdict")
        tot = found = correct = wrong = captions = 0
        past_after = invented = 0
        for entry in gold:
            art = _ingested(entry["id"])
            if art is None:
                print("  (briefing.search.ingest.sources not available: skipping)")
                return
            if mode == "gold-published":
                art = _with_published(art, entry["published"])
            pub = art.published.value
            events = article_events(art)
            for ev in events:
                if pub and ev.date_from and ev.date_from > pub and clause_tense(art.body, ev.expr_end, ev.end) == "past":
                    past_after += 1
                    print(f"   ! past tense after publication: {ev.expr} -> {ev.value}: {ev.text[:60]}")
                if pub is None and ev.relative and ev.value is not None:
                    invented += 1
                    print(f"   ! invented date without publication date: {ev.expr} -> {ev.value}")
            for g in entry.get("events") or []:
                tot += 1
                want = str(g["date"])
                values = [ev.value for ev in events if ev.expr == g["expr"]]
                lines = [line for line in art.body.splitlines() if g["expr"] in line]
                if lines and all(is_caption(line) or line in art.captions for line in lines):
                    captions += 1
                    verdict = "caption: not an event (issue 16)" if not values else "CAPTION EVENT"
                elif not values:
                    verdict = "NOT FOUND"
                elif want in values:
                    found += 1
                    correct += 1
                    verdict = "ok"
                else:
                    found += 1
                    wrong += 1
                    verdict = "WRONG" if any(v is not None for v in values) else "unresolved"
                ours = ",".join(sorted({str(v) for v in values})) or "-"
                print(f"{entry['id'][:3]:<6} {str(pub):<10} {g['expr']:<16} {want:<10} {ours:<22} {verdict}")
        print(f"gold events {tot}: found {found}, resolved correctly {correct}, "
              f"wrong or unresolved {wrong}, not found {tot - found - captions}, "
              f"written only in a photo caption (not events since issue 16) {captions}; "
              f"past-tense events after publication {past_after}; invented dates {invented}")


def compare_seeds_korean_datetime(gold_path: Path) -> None:
    """The same gold events with the korean-datetime package (gold publication date as ``now``)."""
    try:
        from korean_datetime import Cycle, ParseOptions, TemporalParser
    except ImportError:
        print("(korean-datetime not installed: no comparison)")
        return
    parser = TemporalParser(ParseOptions(cycle=Cycle.NEAREST))
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["articles"]
    ok = tot = 0
    print("\n== seeds with korean-datetime (cycle=NEAREST; an undated seed gets today as now)")
    for entry in gold:
        art = _ingested(entry["id"])
        if art is None:
            return
        pub = entry["published"] or date.today()
        results = parser.parse_all(art.body, now=datetime(pub.year, pub.month, pub.day))
        for g in entry.get("events") or []:
            tot += 1
            values = set()
            for r in results:
                if r.text and (r.text in g["expr"] or g["expr"] in r.text):
                    start = r.start.date()
                    grain = r.grain.name
                    if grain == "YEAR":
                        values.add(f"{start:%Y}")
                    elif grain == "MONTH" or (grain == "DAY" and (r.end - r.start).days > 1):
                        values.add(f"{start:%Y-%m}")
                    else:
                        values.add(start.isoformat())
            good = str(g["date"]) in values
            ok += good
            if not good:
                print(f"  {entry['id'][:3]} {g['expr']}: gold {g['date']}, korean-datetime {sorted(values) or 'not found'}")
    print(f"korean-datetime: {ok}/{tot} gold events resolved correctly")


# --------------------------------------------------------------------------- KLUE


def read_klue(path: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """(sentence, DT spans) pairs from the one-char-per-line BIO file."""
    from training.klue import read_klue as read_all

    return [(text, sorted((a, b) for a, b, t in spans if t == "DT")) for text, spans in read_all(path)]


_CALENDAR = re.compile(
    r"(?:1[89]|20)\d\d\s?년(?!대|생|형)|(?<!\d)\d{1,2}\s?월(?!호)|(?<![\d년])(?:[12]?\d|3[01])\s?일(?!간|째|동안|\s?만)|"
    r"지난해|작년|올해|올\s|내년|이달|지난\s?달|다음\s?달|내달|"
    r"이날|이\s날|전날|다음\s?날|오늘|어제|내일|그제|모레|같은\s?(?:해|날|달)|이듬해"
)


# KLUE leaves a qualifier out of the DT span; ours keeps it in the expression
_QUALIFIER_TAIL = re.compile(r"^\s?(?:까지|부터|께|경|쯤|무렵|즈음|이후|이래|\(\s?현지\s?시간\s?\))$")


def is_calendar(expr: str) -> bool:
    """A DT span that names a calendar date, not a duration, week, season, holiday or era."""
    return bool(_CALENDAR.search(expr))


def eval_klue(path: Path, compare: bool) -> None:
    data = read_klue(path)
    extractors = {"briefing.search.timeline.dates": lambda s: [(m.start, m.end) for m in find_dates(s, None)]}
    if compare:
        try:
            from korean_datetime import Cycle, ParseOptions, TemporalParser

            parser = TemporalParser(ParseOptions(cycle=Cycle.NEAREST))
            now = datetime(2020, 6, 15)
            extractors["korean-datetime"] = lambda s: [tuple(r.span) for r in parser.parse_all(s, now=now)]
        except ImportError:
            print("(korean-datetime not installed: no comparison)")
    n_spans = sum(len(sp) for _, sp in data)
    n_cal = sum(1 for s, sp in data for a, b in sp if is_calendar(s[a:b]))
    print(f"\n== KLUE-NER {path.name}: {len(data)} sentences, {n_spans} DT spans ({n_cal} calendar dates)")
    for name, fn in extractors.items():
        t0 = time.perf_counter()
        exact = overlap = cal_exact = cal_overlap = spurious = n_found = 0
        missed: list[str] = []
        for text, spans in data:
            got = fn(text)
            n_found += len(got)
            for a, b in spans:
                cal = is_calendar(text[a:b])
                hit_exact = any(ga == a and gb == b for ga, gb in got) or any(
                    ga == a and _QUALIFIER_TAIL.match(text[b:gb]) for ga, gb in got)
                hit_overlap = any(ga < b and a < gb for ga, gb in got)
                exact += hit_exact
                overlap += hit_overlap
                cal_exact += hit_exact and cal
                cal_overlap += hit_overlap and cal
                if cal and not hit_overlap:
                    missed.append(text[a:b])
            spurious += sum(1 for ga, gb in got if not any(ga < b and a < gb for a, b in spans))
        dt = time.perf_counter() - t0
        print(f"{name}: DT recall exact {exact}/{n_spans} = {exact / n_spans:.3f}, "
              f"overlap {overlap}/{n_spans} = {overlap / n_spans:.3f}; "
              f"calendar-date DT recall exact {cal_exact}/{n_cal} = {cal_exact / n_cal:.3f}, "
              f"overlap {cal_overlap}/{n_cal} = {cal_overlap / n_cal:.3f}; "
              f"found {n_found} mentions, {spurious} outside any DT span; {dt:.1f} s")
        if missed:
            print(f"  calendar DT spans missed ({len(missed)}): " + ", ".join(sorted(set(missed))[:40]))


def klue_timeline_filters(path: Path) -> None:
    """How many KLUE date mentions the timeline rules out as general statements or comparison
    baselines (no gold for this: the sentences are printed to be read)."""
    from briefing.search.timeline.events import is_comparison_baseline, is_general_statement

    n = 0
    general: list[str] = []
    baseline: list[str] = []
    for text, _ in read_klue(path):
        for m in find_dates(text, date(2020, 6, 15)):
            n += 1
            if is_comparison_baseline(m, text):
                baseline.append(f"{m.expr} | {text[:90]}")
            elif is_general_statement(text, m, (0, len(text))):
                general.append(f"{m.expr} | {text[:90]}")
    print(f"\n== KLUE timeline filters: of {n} date mentions, {len(general)} ruled general statements, "
          f"{len(baseline)} comparison baselines")
    for row in general + baseline:
        print("  " + row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold")
    ap.add_argument("--klue", default=str(SHARED / "klue-ner" / "wikitree-dev-a.tsv"))
    ap.add_argument("--compare-korean-datetime", action="store_true",
                    help="also measure the korean-datetime package if it is importable")
    args = ap.parse_args()
    eval_seeds(_gold_path(args.gold))
    if args.compare_korean_datetime:
        compare_seeds_korean_datetime(_gold_path(args.gold))
    klue = Path(args.klue)
    if klue.exists():
        eval_klue(klue, args.compare_korean_datetime)
        klue_timeline_filters(klue)
    else:
        print(f"(no KLUE file at {klue})")


if __name__ == "__main__":
    main()
