"""Run by tests/test_big_articles.py in a child process (so that its peak memory is its own):
index the folder given, in this process, and print the CPU seconds and peak RSS as JSON."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def main(corpus: str, data: str) -> None:
    os.environ["BRIEFING_INDEX_WORKERS"] = "0"
    from briefing.search.language import kiwi
    from briefing.search.language.analysis import TextAnalyser
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    config = load_config(use_user_file=False)
    config.corpus_paths = [Path(corpus)]
    analyser = TextAnalyser.from_gazetteer(config.gazetteer)
    kiwi.warm_up()
    analyser.analyze_terms("삼성전자와 SK하이닉스가 2025년 3월 반도체 투자를 발표했다")
    engine = Engine(config, Path(data))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.process_time()
    report = engine.update()
    cpu = time.process_time() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu_s": cpu, "peak_mb": rss, "start_mb": rss_before, "added": len(report.added),
                      "warnings": report.warnings, "articles": engine.corpus_size}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
