"""Build the compact konec lexicon the entity extractor ships with.

    python -m training.lexicon /work/shared/data/konec-lexicon

reads ``train-form-label.tsv`` (form, fine NIKL label, train count) and writes
``search/entities/models_data/konec_lexicon.tsv.gz``: one line per form, ``form<TAB>LABEL:count,...``
(labels by count), and copies the licence next to it. Only the train split's counts are in the
source, so nothing of the KLUE-NER dev split leaks into the features.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
from collections import defaultdict
from pathlib import Path

from briefing.search.entities.lexicon import LEXICON_PATH


def build(src_dir: Path, out: Path = LEXICON_PATH) -> int:
    """Write the compact lexicon from ``src_dir``; returns the number of forms."""
    rows: dict[str, list[tuple[str, int]]] = defaultdict(list)
    lines = (src_dir / "train-form-label.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        form, label, count = line.split("\t")
        if form.strip() and int(count) > 0 and "\t" not in form and "," not in label:
            rows[form].append((label, int(count)))
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        for form in sorted(rows):
            labels = sorted(rows[form], key=lambda lc: (-lc[1], lc[0]))
            fh.write(form + "\t" + ",".join(f"{label}:{count}" for label, count in labels) + "\n")
    shutil.copyfile(src_dir / "LICENSE-CC-BY-SA-4.0.md", out.parent / "LICENSE-konec-CC-BY-SA-4.0.md")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.lexicon", description=__doc__.split("\n")[0])
    ap.add_argument("src_dir", type=Path, help="folder holding train-form-label.tsv and its licence")
    ap.add_argument("--out", type=Path, default=LEXICON_PATH)
    args = ap.parse_args(argv)
    n = build(args.src_dir, args.out)
    print(f"wrote {args.out} ({n} forms, {args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
