"""`briefing search` as a script reads it: the JSON fields, sorting, limits, unwrapped text."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli

pytestmark = pytest.mark.slow


def _search(data_dir, *args: str) -> dict:
    proc = run_cli("search", "--json", *args, data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_results_carry_the_documented_fields(seed_data_dir):
    out = _search(seed_data_dir, "SoftBank")
    assert out["total"] == len(out["results"]) >= 1
    for hit in out["results"]:
        assert {"id", "title", "publisher", "published", "score", "snippet", "highlights"} <= hit.keys()
        assert hit["score"] > 0


def test_highlights_slice_the_matched_words_out_of_the_snippet(seed_data_dir):
    for hit in _search(seed_data_dir, "소프트뱅크는")["results"]:  # the particle is not searched
        marked = {hit["snippet"][start:end] for start, end in hit["highlights"]}
        assert marked == {"소프트뱅크"}, (hit["id"], marked)


def test_date_sort_and_limit(seed_data_dir):
    hits = _search(seed_data_dir, "삼성전자", "--sort", "date")["results"]
    dated = [h["published"] for h in hits if h["published"]]
    assert len(dated) >= 2 and dated == sorted(dated, reverse=True)
    assert all(h["score"] == 0 for h in hits)
    assert len(_search(seed_data_dir, "삼성전자", "--limit", "1")["results"]) == 1


def test_text_output_to_a_pipe_is_not_wrapped(seed_data_dir):
    proc = run_cli("search", "삼성전자", data_dir=seed_data_dir)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    total = int(lines[0].split(" result(s) for ")[0])
    # a summary line, then a header line and one snippet line per result
    assert len(lines) == 1 + 2 * total
    assert all(not line.startswith(" ") for line in lines[1::2]) and all(line.startswith("    ") for line in lines[2::2])
    assert max(len(line) for line in lines) > 80  # long snippets stay on one line
