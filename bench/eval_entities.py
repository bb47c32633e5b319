"""Entity extraction quality: seed articles against the gold file, and KLUE-NER P/R/F1.

Usage (from the repository root, venv active):

    python bench/eval_entities.py                 # seeds + KLUE tuning part + held-out + nsmc
    python bench/eval_entities.py --tune-only     # what you may look at while tuning
    python bench/eval_entities.py --show-errors   # list misses and false positives
    python bench/eval_entities.py --cv            # tuning aid: train on one fold of the tuning part
    python bench/eval_entities.py --model FILE    # score another tagger file than the shipped one

Seeds: each article is ingested with ``briefing.search.ingest.sources.ingest_file``; entities come from the
title and the body (story mentions only). Recall is over ``must`` names, precision counts
``must`` + ``ok`` as correct. KLUE: exact span + type match for PS, LC, OG (company and org
both count as OG). The split is fixed in training/klue.py: the tuning part is every sentence
whose index % 5 != 4 in wikitree-dev-a.tsv (the tagger is trained on it); the held-out part is
index % 5 == 4, never trained or tuned on; nsmc-dev.tsv (movie reviews) is a second unseen set.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from bench.common import REPO_ROOT, print_table  # noqa: E402
from training.klue import klue_split, read_klue  # noqa: E402
from briefing.search.config import load_config  # noqa: E402
from briefing.search.entities.finder import EntityFinder  # noqa: E402
from briefing.search.entities.gazetteer import Gazetteer  # noqa: E402
from briefing.search.entities.tagged_spans import TaggerSettings  # noqa: E402
from briefing.search.entities.tagger import NerTagger  # noqa: E402
from briefing.search.model import ENTITY_TYPES as TYPES  # noqa: E402

EVAL_DIR = Path("/work/shared/eval")
KLUE_TYPE = {"person": "PS", "place": "LC", "company": "OG", "org": "OG"}


# --- seeds ----------------------------------------------------------------------------------
def seed_scores(gold_path: Path, seeds_dir: Path, finder: EntityFinder, show_errors: bool) -> None:
    from briefing.search.ingest.sources import ingest_file

    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["articles"]
    tp_r = defaultdict(int)
    n_must = defaultdict(int)
    tp_p = defaultdict(int)
    n_found = defaultdict(int)
    for art in gold:
        article = ingest_file(seeds_dir / f"{art['id']}.txt")[0]
        title_m, body_m = finder.find_many([article.title, article.body])
        found: dict[str, set[str]] = defaultdict(set)
        for m in title_m + body_m:
            if m.role == "story":
                found[m.type].add(m.name)
        for t in TYPES:
            spec = art["entities"].get(t) or {}
            must, ok = set(spec.get("must") or []), set(spec.get("ok") or [])
            got = found.get(t, set())
            tp_r[t] += len(must & got)
            n_must[t] += len(must)
            tp_p[t] += len(got & (must | ok))
            n_found[t] += len(got)
            if show_errors and (must - got or got - must - ok):
                print(f"  {art['id']} {t}: missed {sorted(must - got)} wrong {sorted(got - must - ok)}")
    rows = []
    for t in (*TYPES, "overall"):
        keys = TYPES if t == "overall" else (t,)
        r_num, r_den = sum(tp_r[k] for k in keys), sum(n_must[k] for k in keys)
        p_num, p_den = sum(tp_p[k] for k in keys), sum(n_found[k] for k in keys)
        rows.append((t, r_num, r_den, r_num / r_den if r_den else 1.0, p_num, p_den,
                     p_num / p_den if p_den else 1.0))
    print_table(("type", "must found", "must", "recall", "correct", "found", "precision"), rows,
                title="Seeds (title + body via ingest_file) against seeds-gold.yaml")


# --- KLUE ---------------------------------------------------------------------------------------
def klue_scores(sentences, finder: EntityFinder, label: str, show_errors: bool = False) -> list[tuple]:
    t0 = time.perf_counter()
    predicted = finder.find_many([s for s, _ in sentences])
    elapsed = time.perf_counter() - t0
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    shown = 0
    for (text, gold), mentions in zip(sentences, predicted):
        gold = {g for g in gold if g[2] in ("PS", "LC", "OG")}
        pred = {(m.start, m.end, KLUE_TYPE[m.type]) for m in mentions}
        for g in gold:
            (tp if g in pred else fn)[g[2]] += 1
        for p in pred - gold:
            fp[p[2]] += 1
        if show_errors and shown < 40 and pred != gold:
            shown += 1
            print("  ", text)
            print("     gold:", sorted((text[a:b], t) for a, b, t in gold))
            print("     pred:", sorted((text[a:b], t) for a, b, t in pred))
    rows = []
    for t in ("PS", "LC", "OG", "all"):
        keys = ("PS", "LC", "OG") if t == "all" else (t,)
        a, b, c = (sum(d[k] for k in keys) for d in (tp, fp, fn))
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append((label, t, a + c, a + b, p, r, f))
    rows.append((label, f"({len(sentences)} sentences, {elapsed:.1f} s)", "", "", "", "", ""))
    return rows


def cross_validate(gaz: Gazetteer) -> None:
    """Tuning aid: train on 3/4 of the tuning part, score the other 1/4 under several settings."""
    from training.ner_train import examples, train

    wikitree = read_klue(EVAL_DIR / "klue-ner" / "wikitree-dev-a.tsv")
    train_part, dev = klue_split(wikitree, "train"), klue_split(wikitree, "dev")
    tagger = train(examples(train_part, gaz))
    rows = []
    for use, margin, proper in [(False, 0, True), (True, 0, False), (True, 0, True),
                                (True, (5, 10, 10), True), (True, (10, 20, 20), True),
                                (True, (25, 60, 60), True), (True, (5, 10, 10), False)]:
        if not isinstance(margin, tuple):
            margin = (margin, margin, margin)
        settings = TaggerSettings(min_margin=dict(zip(("PS", "LC", "OG"), margin)), needs_proper=proper)
        finder = EntityFinder(gaz, use_model=use, tagger=tagger, settings=settings)
        label = f"model={use} margin={margin} proper={proper}"
        rows += [r for r in klue_scores(dev, finder, label) if r[1] == "all"]
    print_table(("setting", "type", "gold", "pred", "P", "R", "F1"), rows,
                title=f"Cross-validation inside the tuning part ({len(train_part)} train / {len(dev)} dev sentences)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tune-only", action="store_true", help="skip the held-out and nsmc parts")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--no-klue", action="store_true")
    ap.add_argument("--cv", action="store_true", help="tuning aid: cross-validate inside the tuning part")
    ap.add_argument("--margin", type=float, help="override the tagger's minimum margins (TaggerSettings)")
    ap.add_argument("--no-model", action="store_true", help="rules and gazetteer only")
    ap.add_argument("--model", type=Path, help="tagger file to score instead of the shipped one")
    ap.add_argument("--recall-profile", action="store_true",
                    help="every model span (margin 0, no proper-noun check, bare surnames kept): "
                         "the best KLUE setting found by --cv, not the app default")
    args = ap.parse_args(argv)
    gaz = Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)
    if args.cv:
        cross_validate(gaz)
        return 0
    settings = TaggerSettings()
    if args.margin is not None:
        settings = TaggerSettings(min_margin=dict.fromkeys(("PS", "LC", "OG"), args.margin))
    if args.recall_profile:
        settings = TaggerSettings(min_margin=dict.fromkeys(("PS", "LC", "OG"), 0.0), needs_proper=False,
                                  drop_bare_surnames=False)
    tagger = NerTagger.load(args.model) if args.model else None
    finder = EntityFinder(gaz, use_model=not args.no_model, tagger=tagger, settings=settings)
    for warning in gaz.conflicts():
        print("gazetteer:", warning)
    seed_scores(EVAL_DIR / "seeds-gold.yaml", REPO_ROOT / "seeds", finder, args.show_errors)
    if args.no_klue:
        return 0
    wikitree = read_klue(EVAL_DIR / "klue-ner" / "wikitree-dev-a.tsv")
    rows = klue_scores(klue_split(wikitree, "tune"), finder, "wikitree tune", args.show_errors)
    if not args.tune_only:
        rows += klue_scores(klue_split(wikitree, "heldout"), finder, "wikitree held-out")
        rows += klue_scores(read_klue(EVAL_DIR / "klue-ner" / "nsmc-dev.tsv"), finder, "nsmc (unseen)")
    print()
    print_table(("part", "type", "gold", "pred", "P", "R", "F1"), rows,
                title="KLUE-NER entity-level exact match (PS, LC, OG)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
