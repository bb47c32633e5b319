"""App benchmark: launch to first paint, launch to searchable, keystroke-to-results p95, peak memory.

    python bench/bench_app.py [--corpus DIR] [--data-dir DIR] [--queries N] [--cli-only]

Uses the 10k-article bench corpus (``bench/make_corpus.py 10000 DIR``; built if missing) with its
index built in ``--data-dir`` (built if missing or stale; that is not timed). Each figure comes from
a fresh child process that runs the app headless: launch = the parent's clock before starting the
child; first paint and searchable are reported by the app; keystrokes are typed one at a time at a
human pace (200 ms apart, above the 150 ms search throttle) and timed from the key press to the
result list being rendered. Then the command line on the bundled seeds: ``briefing list``, ``show``
and ``search`` cold (no warm server: the analyser loads in the process) and warm (answered by the
data dir's warm server, tui/warm_server.py) (fresh processes, median of 5, index already built). Prints the figures
against their targets; not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import QUERY_MIX, REPO_ROOT, p95, peak_rss_mb  # noqa: E402
from briefing.tui.probe import AppProbe  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT / "bench" / "out" / "corpus-10k"
DEFAULT_DATA = REPO_ROOT / "bench" / "out" / "app-data-10k"
KEY_GAP_S = 0.2


def bench_config(corpus: Path):
    from briefing.search.config import load_config

    config = load_config(use_user_file=False)
    config.corpus_paths = [corpus]
    return config


def ensure_corpus(corpus: Path, n: int) -> None:
    if corpus.exists() and any(corpus.iterdir()):
        return
    print(f"building the {n}-article bench corpus in {corpus} …", flush=True)
    subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "make_corpus.py"), str(n), str(corpus)],
                   check=True)


def ensure_index(corpus: Path, data_dir: Path) -> int:
    from briefing.search.engine import Engine

    engine = Engine(bench_config(corpus), data_dir)
    try:
        if engine.corpus_size == 0 or engine.needs_update():
            print(f"indexing {corpus} into {data_dir} (not timed) …", flush=True)
            started = time.perf_counter()
            engine.update(wait=True)
            print(f"  indexed {engine.corpus_size} articles in {time.perf_counter() - started:.0f} s",
                  flush=True)
        return engine.corpus_size
    finally:
        engine.close()


class RenderLog(AppProbe):
    """The app's probe for this benchmark: the start-up milestones plus (seq, dispatched, rendered)
    of every result list put on screen (perf_counter seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.renders: list[tuple[int, float, float]] = []

    def list_rendered(self, seq: int, dispatched: float, rendered: float) -> None:
        self.renders.append((seq, dispatched, rendered))


async def _child_run(corpus: Path, data_dir: Path, queries: list[str], wall_t0: float) -> dict:
    from briefing.search.engine import Engine
    from textual.worker import WorkerState

    from briefing.tui.app import BriefingApp

    perf_at_wall_t0 = time.perf_counter() - (time.time() - wall_t0)
    config = bench_config(corpus)
    probe = RenderLog()
    app = BriefingApp(config, engine_factory=lambda: Engine(config, data_dir), probe=probe)
    latencies: list[float] = []
    engine_ms: list[float] = []
    keys: list[tuple[str, float, float | None]] = []  # (query typed so far, ms, engine ms) for --dump
    async with app.run_test(size=(120, 40)) as pilot:
        while "searchable" not in probe.timings or "analyser" not in probe.timings:
            await pilot.pause(0.01)
        while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            await pilot.pause(0.05)  # every start-up load done (a cancelled one is no error here)
        await pilot.pause(0.3)
        for query in queries:
            app.query_one("#search").value = ""
            await pilot.pause(0.4)
            if app.focused is not app.query_one("#search"):
                await pilot.press("slash")  # "/" focuses the search bar; inside it, it is a character
            for char in query:
                before = len(probe.renders)
                pressed = time.perf_counter()
                await pilot.press(char if char != " " else "space")
                deadline = pressed + 10
                while len(probe.renders) == before and time.perf_counter() < deadline:
                    await pilot.pause(0.002)
                if len(probe.renders) > before:
                    latencies.append((probe.renders[-1][2] - pressed) * 1000)
                    engine = None
                    if app.result is not None and app.result.query == app.query_text:
                        engine = app.result.elapsed_ms
                        engine_ms.append(engine)
                    keys.append((app.query_text, latencies[-1], engine))
                await pilot.pause(max(0.0, KEY_GAP_S - (time.perf_counter() - pressed)))
        corpus_size = app.corpus_size
    t = probe.timings
    return {
        "corpus_size": corpus_size,
        "first_paint_s": t["first_paint"] - perf_at_wall_t0,
        "searchable_s": t["searchable"] - perf_at_wall_t0,
        "analyser_s": t["analyser"] - perf_at_wall_t0,
        "keystroke_ms": latencies,
        "engine_search_ms": engine_ms,
        "peak_rss_mb": peak_rss_mb(),
        "keys": keys,
    }


CLI_RUNS = 5


def cli_timings() -> list[tuple[str, float, float]]:
    """(command, median wall seconds, median elapsed_ms reported by search) on the seeds."""
    import statistics
    import tempfile

    data = Path(tempfile.mkdtemp(prefix="bench-cli-")) / "data"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "BRIEFING_DATA_DIR": str(data)}
    base = [sys.executable, "-m", "briefing.tui.cli"]
    subprocess.run(base + ["index", "--quiet"], env=env, check=True, capture_output=True)
    search = ["search", "--json", "소프트뱅크"]
    out = []
    # cold: no warm server (the analyser loads in each process); warm: the data dir's server answers
    for label, command in (("", ["list"]), ("", ["show", "001"]), ("cold", ["--no-server", *search]),
                           ("start", ["server", "start"]), ("warm", search), ("stop", ["server", "stop"])):
        if label in ("start", "stop"):
            subprocess.run(base + command, env=env, check=True, capture_output=True)
            continue
        walls, engine_ms = [], []
        for _ in range(CLI_RUNS):
            started = time.perf_counter()
            proc = subprocess.run(base + command, env=env, check=True, capture_output=True, text=True)
            walls.append(time.perf_counter() - started)
            if "search" in command:
                engine_ms.append(json.loads(proc.stdout)["elapsed_ms"])
        name = " ".join(c for c in command if c != "--no-server") + (f"  [{label}]" if label else "")
        out.append((name, statistics.median(walls), statistics.median(engine_ms) if engine_ms else float("nan")))
    return out


def print_cli_timings() -> None:
    print(f"briefing command line on the bundled seeds (fresh process each, median of {CLI_RUNS})")
    for command, wall, engine_ms in cli_timings():
        extra = f"  (elapsed_ms {engine_ms:.1f})" if engine_ms == engine_ms else ""
        print(f"  briefing {command:<30} {wall:>6.2f} s{extra}")


def child(args) -> int:
    result = asyncio.run(_child_run(args.corpus, args.data_dir, args.query_list, args.wall_t0))
    print("RESULT " + json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=10000, help="size if the corpus is built")
    parser.add_argument("--queries", type=int, default=len(QUERY_MIX), help="queries typed")
    parser.add_argument("--cli-only", action="store_true", help="only the command-line timings")
    parser.add_argument("--dump", type=Path, help="write each keystroke's (query so far, ms, engine ms) as JSON here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--wall-t0", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--query-list", type=json.loads, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    if args.cli_only:
        print_cli_timings()
        return 0

    ensure_corpus(args.corpus, args.articles)
    size = ensure_index(args.corpus, args.data_dir)
    queries = list(QUERY_MIX[: args.queries])
    wall_t0 = time.time()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "--corpus", str(args.corpus), "--data-dir",
         str(args.data_dir), "--wall-t0", repr(wall_t0), "--query-list", json.dumps(queries)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
        return 1
    r = json.loads(line[len("RESULT "):])
    keys = r["keystroke_ms"]
    memory_target = 600 if size <= 10_000 else 1000  # 10k: the first target; 100k: issue 14's
    if args.dump:
        args.dump.write_text(json.dumps(r["keys"], ensure_ascii=False, indent=0), encoding="utf-8")
    rows = [
        ("launch to first paint", f"{r['first_paint_s']:.2f} s", "< 1 s", r["first_paint_s"] < 1),
        ("launch to searchable", f"{r['searchable_s']:.2f} s", "< 3 s", r["searchable_s"] < 3),
        ("launch to analyser loaded", f"{r['analyser_s']:.2f} s", "(background)", True),
        (f"keystroke to results p95 ({len(keys)} keys)", f"{p95(keys):.0f} ms", "< 100 ms",
         bool(keys) and p95(keys) < 100),
        ("keystroke to results median", f"{sorted(keys)[len(keys) // 2]:.0f} ms" if keys else "-",
         "", True),
        ("  of which engine.search p95", f"{p95(r['engine_search_ms']):.0f} ms"
         if r["engine_search_ms"] else "-", "(engine)", True),
        ("peak memory (RSS)", f"{r['peak_rss_mb']:.0f} MB", f"< {memory_target} MB",
         r["peak_rss_mb"] < memory_target),
    ]
    print(f"briefing app benchmark — corpus {args.corpus} ({size} articles indexed, "
          f"app saw {r['corpus_size']}), {len(queries)} queries typed")
    for name, value, target, ok in rows:
        print(f"  {name:<38} {value:>10}  target {target:<12} {'ok' if ok else 'MISSED'}")
    print_cli_timings()
    return 0


if __name__ == "__main__":
    sys.exit(main())
