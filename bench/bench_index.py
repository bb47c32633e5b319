"""Indexing and query benchmark: briefing's Whoosh index against an SQLite FTS5 baseline.

    python bench/bench_index.py 1000 [--workdir /tmp/briefing-bench] [--no-fts5]

Builds (or reuses) a generated corpus of N articles in the seeds' raw format, indexes it with
``briefing index`` in a child process (so its peak memory, and that of its worker processes, is
measured alone), re-runs the index
on the unchanged corpus, then times a fixed query mix on the index and the same analysed tokens
loaded into SQLite FTS5. Prints figures; it asserts nothing (not a timed test).

Each run also saves its main figures in the workdir (results-N.json) and ends with a scaling
table of every N benchmarked in that workdir: build MB/s, CPU-ms per article, cores busy,
index and store size, query median/p95, the ratio to FTS5, peak memory of the indexing
processes, and the load average at the end (the machine is shared: CPU-ms per article is the
figure that depends least on other jobs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import QUERY_MIX, dir_size_bytes, median, p95, print_table, processes  # noqa: E402


def _briefing(args: list[str], data_dir: Path) -> tuple[float, float, float, float, str]:
    """Run the CLI in a child; return (seconds, peak RSS MB of its largest process (getrusage:
    the child or a worker it reaped), peak RSS MB of the child and its workers together
    (sampled every 0.5 s from /proc), CPU seconds of the child and its workers, stdout)."""
    env = dict(os.environ, BRIEFING_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "briefing.tui.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"tree": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):  # a poll reads /proc: ~2 ms
            peaks["tree"] = max(peaks["tree"], _tree_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, out, err)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(before, usage.ru_maxrss) / 1024
    return seconds, peak, max(peaks["tree"], peak), usage.ru_utime + usage.ru_stime - cpu_before, out


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB (0 without /proc)."""
    table = processes()
    children: dict[int, list[int]] = {}
    for p, (parent, _) in table.items():
        children.setdefault(parent, []).append(p)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += table.get(p, (0, 0))[1]
        todo.extend(children.get(p, []))
    return total / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/briefing-bench"))
    ap.add_argument("--no-fts5", action="store_true", help="skip the FTS5 baseline (it re-analyses the corpus)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of the query mix")
    args = ap.parse_args(argv)

    from bench.make_corpus import make_corpus

    corpus = args.workdir / f"corpus-{args.n}"
    data = args.workdir / f"data-{args.n}"
    if not corpus.exists() or len(list(corpus.glob("*.txt"))) != args.n:
        stats = make_corpus(args.n, corpus, seed=0)
        print(f"corpus: generated {stats.count} articles, {stats.total_bytes / 1e6:.1f} MB in {stats.seconds:.1f} s")
    raw_bytes = sum(p.stat().st_size for p in corpus.glob("*.txt"))
    if data.exists():
        import shutil

        shutil.rmtree(data)

    build_s, build_rss, build_tree_rss, build_cpu, out = _briefing(["index", "--quiet", "--json", str(corpus)], data)
    report = json.loads(out)
    rerun_s, _, _, _, out2 = _briefing(["index", "--quiet", "--json"], data)
    rerun = json.loads(out2)
    index_bytes = dir_size_bytes(data / "index")
    store_bytes = (data / "store.sqlite").stat().st_size

    # queries, in this process, on the built index (Kiwi warmed up first)
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    engine = Engine(load_config(use_user_file=False), data)
    engine.search("워밍업")
    latencies: list[float] = []
    hits: dict[str, int] = {}
    for _ in range(args.repeat):
        for q in QUERY_MIX:
            t = time.perf_counter()
            result = engine.search(q, limit=200)
            latencies.append((time.perf_counter() - t) * 1000)
            hits[q] = result.total
    rss_after_queries = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("articles", f"{engine.corpus_size}"),
        ("raw text", f"{raw_bytes / 1e6:.2f} MB"),
        ("build (briefing index)", f"{build_s:.1f} s  ({report['elapsed_s']:.1f} s inside)"),
        ("indexing throughput", f"{raw_bytes / 1e6 / report['elapsed_s']:.3f} MB/s, "
                                f"{len(report['added']) / report['elapsed_s']:.1f} docs/s"),
        ("CPU, build (all processes)", f"{build_cpu:.0f} s: {build_cpu / build_s:.2f} of {os.cpu_count()} cores busy, "
                                       f"{build_cpu * 1000 / max(1, len(report['added'])):.1f} ms per article, "
                                       f"{raw_bytes / 1e6 / build_cpu:.3f} MB per CPU-second"),
        ("re-run, unchanged corpus", f"{rerun_s:.2f} s process ({rerun['elapsed_s']:.2f} s inside), "
                                     f"{rerun['unchanged']} unchanged, {len(rerun['added'])} added"),
        ("index size (Whoosh)", f"{index_bytes / 1e6:.1f} MB"),
        ("article store (SQLite)", f"{store_bytes / 1e6:.1f} MB"),
        ("peak memory, indexing", f"{build_rss:.0f} MB largest process; {build_tree_rss:.0f} MB with all workers"),
        ("query mix", f"{len(QUERY_MIX)} queries x {args.repeat}"),
        ("query latency (engine.search, 200 hits with snippets)", f"median {median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms"),
        ("peak memory, query process", f"{rss_after_queries:.0f} MB"),
    ]

    if not args.no_fts5:
        from bench.fts5_baseline import build_fts5, fts5_match, project_analyzers, query_fts5
        index_an, query_an, pretokenize = project_analyzers()
        t = time.perf_counter()
        docs = []
        ids = engine.store.ids()
        for start in range(0, len(ids), 64):
            chunk = [engine.store.article(i) for i in ids[start:start + 64]]
            with pretokenize([a.title for a in chunk] + [a.body for a in chunk]):
                docs += [(a.id, index_an(a.title), index_an(a.body)) for a in chunk]
        analyse_s = time.perf_counter() - t
        db = args.workdir / f"fts5-{args.n}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        fts = build_fts5(db, docs)
        matches = [fts5_match(q, query_an) for q in QUERY_MIX]
        qstats = query_fts5(db, matches, limit=200, repeat=args.repeat)
        ratio_q = median(latencies) / qstats.median_ms if qstats.median_ms else float("nan")
        rows += [
            ("FTS5: re-analysis (not in build)", f"{analyse_s:.1f} s"),
            ("FTS5: build", f"{fts.seconds:.1f} s, {fts.docs_per_s:.0f} docs/s"),
            ("FTS5: size", f"{fts.size_bytes / 1e6:.1f} MB"),
            ("FTS5: query latency", f"median {qstats.median_ms:.2f} ms, p95 {qstats.p95_ms:.2f} ms "
                                    f"({qstats.skipped} of the mix not expressible)"),
            ("Whoosh/FTS5 ratio", f"size {index_bytes / fts.size_bytes:.2f}x, "
                                  f"median latency {ratio_q:.1f}x, "
                                  f"p95 latency {p95(latencies) / qstats.p95_ms:.1f}x"),
        ]
    print_table(["measure", "value"], rows, title=f"briefing index benchmark, N={args.n}")
    cpu_ms = build_cpu * 1000 / max(1, len(report["added"]))
    summary = {
        "n": args.n, "raw_mb": raw_bytes / 1e6, "build_mb_s": raw_bytes / 1e6 / report["elapsed_s"],
        "cpu_ms": cpu_ms, "cores": build_cpu / build_s, "index_mb": index_bytes / 1e6,
        "store_mb": store_bytes / 1e6, "median_ms": median(latencies), "p95_ms": p95(latencies),
        "fts5_ratio": f"{ratio_q:.1f}x / {p95(latencies) / qstats.p95_ms:.1f}x" if not args.no_fts5 else "-",
        "peak_mb": build_tree_rss, "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0,
    }
    (args.workdir / f"results-{args.n}.json").write_text(json.dumps(summary), encoding="utf-8")
    print_scaling_table(args.workdir)
    return 0


def print_scaling_table(workdir: Path) -> None:
    """The figures of every size benchmarked in ``workdir`` (results-N.json), one row per N."""
    runs = sorted((json.loads(p.read_text(encoding="utf-8")) for p in workdir.glob("results-*.json")),
                  key=lambda r: r["n"])
    rows = [(f"{r['n']:,}", f"{r['build_mb_s']:.3f}", f"{r['cpu_ms']:.1f}", f"{r['cores']:.2f}",
             f"{r['index_mb']:.1f}", f"{r['store_mb']:.1f} ({r['store_mb'] / r['raw_mb']:.1f}x)",
             f"{r['median_ms']:.1f} / {r['p95_ms']:.1f}", r["fts5_ratio"], f"{r['peak_mb']:.0f}",
             f"{r['load']:.1f}") for r in runs]
    print_table(["N", "build MB/s", "CPU-ms/article", "cores busy", "index MB", "store MB (x raw)",
                 "query median / p95 ms", "vs FTS5 median / p95", "peak MB (all processes)", "load avg"],
                rows, title="scaling (every N benchmarked in this workdir)")


if __name__ == "__main__":
    sys.exit(main())
