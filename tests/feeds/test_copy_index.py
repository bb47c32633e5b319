"""The wire-copies index kept up to date incrementally: after any run of additions, changes and
removals its groups are those of grouping the final corpus at once; a removal that breaks a chain
of copies splits the group; signatures of the earlier cache format are reused, not redone."""

from __future__ import annotations

import random
import sqlite3

from briefing.search.feeds.copies import copy_test, group_copies, hash_dtype, signature
from briefing.search.feeds.copy_index import CopyIndex

SYLLABLES = [chr(c) for c in range(0xAC00, 0xAC00 + 400)]


def paragraph(rng: random.Random) -> str:
    words = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(14)]
    return " ".join(words) + "."


def corpus(seed: int) -> dict[str, str]:
    """Stories carried by several outlets (each copy with its own lead and a paragraph cut),
    outlets' own stories, and briefs too short to judge."""
    rng = random.Random(seed)
    texts: dict[str, str] = {}
    for story in range(6):
        paras = [paragraph(rng) for _ in range(10)]
        for copy in range(rng.randint(1, 4)):
            cut = rng.randrange(len(paras))
            body = [f"[{rng.choice(['한빛', '동해', '서울'])}{copy}] " + paragraph(rng)]
            body += [p for n, p in enumerate(paras) if n != cut]
            texts[f"s{story}-c{copy}"] = "\n\n".join(body)
    for own in range(8):
        texts[f"own{own}"] = "\n\n".join(paragraph(rng) for _ in range(8))
    texts["brief"] = "속보: 지원 확정"
    return texts


def grouped(index: CopyIndex, texts: dict[str, str], hashes: dict[str, str]) -> set[frozenset[str]]:
    def sign(article_id: str):
        sig = signature(texts[article_id])
        return None if sig is None else (sig.minhash.hashvalues, sig.size)

    return {frozenset(g) for g in index.sync(hashes, sign)}


def at_once(texts: dict[str, str]) -> set[frozenset[str]]:
    copies = group_copies({i: signature(t) for i, t in texts.items()}, {}, {})
    return {frozenset(g.ids) for g in copies.groups}


def new_index() -> CopyIndex:
    return CopyIndex(sqlite3.connect(":memory:"), copy_test(), hash_dtype)


def test_incremental_groups_equal_grouping_at_once():
    everything = corpus(7)
    rng = random.Random(11)
    index = new_index()
    texts: dict[str, str] = {}
    hashes: dict[str, str] = {}
    pool = sorted(everything)
    for step in range(12):
        for article_id in rng.sample(pool, 6):  # add, remove, or change in place
            if article_id in texts and rng.random() < 0.5:
                del texts[article_id], hashes[article_id]
            elif article_id in texts:
                texts[article_id] = everything[rng.choice(pool)]  # now another article's text
                hashes[article_id] = f"changed{step}"
            else:
                texts[article_id], hashes[article_id] = everything[article_id], "v1"
        assert grouped(index, texts, hashes) == at_once(texts), f"step {step}"
    assert any(len(g) > 2 for g in at_once(everything))  # the corpus has real groups


def test_removing_the_middle_of_a_chain_splits_the_group():
    rng = random.Random(3)
    paras = [paragraph(rng) for _ in range(27)]
    chain = {"a": "\n\n".join(paras[0:20]), "b": "\n\n".join(paras[3:23]), "c": "\n\n".join(paras[7:27])}
    sig = {i: signature(t) for i, t in chain.items()}
    assert sig["a"].is_copy(sig["b"]) and sig["b"].is_copy(sig["c"]) and not sig["a"].is_copy(sig["c"])
    index = new_index()
    assert grouped(index, chain, dict.fromkeys(chain, "v1")) == {frozenset("abc")}
    del chain["b"]
    assert grouped(index, chain, dict.fromkeys(chain, "v1")) == set()


def test_unchanged_corpus_signs_nothing_and_earlier_signatures_are_reused():
    texts = corpus(5)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE signatures (id TEXT PRIMARY KEY, source_hash TEXT NOT NULL, hashvalues BLOB, size INTEGER)")
    for article_id, text in texts.items():  # the cache as the earlier version left it
        sig = signature(text)
        db.execute("INSERT INTO signatures VALUES (?,?,?,?)", (article_id, "v1",
                   sig.minhash.hashvalues.tobytes() if sig else None, sig.size if sig else 0))
    db.execute("PRAGMA user_version=3")
    db.commit()
    index = CopyIndex(db, copy_test(), hash_dtype)
    signed: list[str] = []

    def sign(article_id: str):
        signed.append(article_id)
        sig = signature(texts[article_id])
        return None if sig is None else (sig.minhash.hashvalues, sig.size)

    hashes = dict.fromkeys(texts, "v1")
    hashes["own0"] = "v2"  # changed since: signed again
    groups = {frozenset(g) for g in index.sync(hashes, sign)}
    assert signed == ["own0"] and groups == at_once(texts)
    assert {frozenset(g) for g in index.sync(hashes, sign)} == groups and signed == ["own0"]
