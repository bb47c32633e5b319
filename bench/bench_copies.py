"""Cost of duplicate wire-copy detection: MinHash signatures and LSH grouping.

    python bench/bench_copies.py 5000

Makes N bodies of five 60-word paragraphs drawn from the fixture news site's Korean text
(shuffled, so no two are copies) and, for every tenth, a copy as another outlet runs it: its own
lead-in and sign-off, and either every paragraph, the last one dropped, or only the first three
(a cut). Then it times the signatures and the grouping and counts how many of the
planted copies were grouped with their original (recall) and how many other pairs were (false
groups). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.search.feeds.copies import group_copies, signature
from tests.feeds.site import A_PAGES, B_PAGES, WIRE_PARAS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    args = parser.parse_args()
    rng = random.Random(1)
    paras = WIRE_PARAS + [p for pages in (A_PAGES, B_PAGES) for s in pages.values() for p in s["paras"]]
    words = " ".join(paras).split()
    texts = {}
    for i in range(args.n):
        body = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(5)]
        texts[f"a{i}"] = "\n\n".join(body)
    planted = {}
    for n, i in enumerate(range(0, args.n, 10)):
        body = texts[f"a{i}"].split("\n\n")
        kept = (body, body[:4], body[:3])[n % 3]
        texts[f"c{i}"] = "\n\n".join(["(서울=다른뉴스) 기자 = " + kept[0], *kept[1:], "무단 전재 및 재배포 금지"])
        planted[f"c{i}"] = f"a{i}"
    started = time.perf_counter()
    sigs = {k: signature(v) for k, v in texts.items()}
    signed = time.perf_counter() - started
    started = time.perf_counter()
    groups = group_copies(sigs, {}, {})
    grouped = time.perf_counter() - started
    found = sum(1 for c, a in planted.items() if (g := groups.group(c)) is not None and a in g.ids)
    false = sum(1 for g in groups.groups if not any(i in planted for i in g.ids))
    print(f"{len(texts)} bodies (~{sum(map(len, texts.values())) // len(texts)} chars): signatures "
          f"{signed:.2f} s ({signed / len(texts) * 1000:.2f} ms each), grouping {grouped:.2f} s; "
          f"planted copies grouped {found}/{len(planted)}, groups without a planted copy {false}")


if __name__ == "__main__":
    main()
