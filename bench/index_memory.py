"""Memory of an indexing run, process by process: `briefing index CORPUS` into a fresh data dir,
each process's resident memory sampled every 0.5 s from /proc (Linux).

    python bench/index_memory.py CORPUS DATA_DIR

Prints the main process's and each worker's memory every 30 s, then their peaks: the main process
should stay flat as the corpus grows, and a worker's memory should level off once it starts
flushing segments (index.FLUSH_DOCS). DATA_DIR is deleted first. Prints figures; not a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (workers started from any of its threads)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except OSError:
                pass
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    corpus, data = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(data, ignore_errors=True)
    env = dict(os.environ, BRIEFING_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "briefing.tui.cli", "index", str(corpus), "--quiet"], env=env)
    peak_main, peak_workers = 0, {}
    started = last = time.time()
    while proc.poll() is None:
        main_mb = rss_mb(proc.pid)
        peak_main = max(peak_main, main_mb)
        workers = {pid: rss_mb(pid) for pid in children(proc.pid)}
        for pid, mb in workers.items():
            peak_workers[pid] = max(peak_workers.get(pid, 0), mb)
        if time.time() - last > 30:
            last = time.time()
            print(f"{last - started:6.0f} s  main {main_mb} MB  children {sorted(workers.values())} MB", flush=True)
        time.sleep(0.5)
    print(f"exit {proc.returncode} after {time.time() - started:.0f} s: peak main {peak_main} MB, "
          f"peak children {sorted(peak_workers.values())} MB (the smallest is multiprocessing's resource tracker)")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
