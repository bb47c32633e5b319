"""Bad input end to end: each file gets a clear reason or is indexed, and nothing else is
affected; bad queries and configs get one-line messages and non-zero exits, never tracebacks."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli

GOOD = "협력 기사 제목\n삼성전자가 소프트뱅크와 협력한다고 밝혔다. 두 회사는 일본에서 만났다.\n"


@pytest.fixture(scope="module")
def messy(tmp_path_factory, seeds_dir):
    root = tmp_path_factory.mktemp("messy")
    corpus = root / "corpus"
    corpus.mkdir()
    for p in seeds_dir.glob("*.txt"):
        (corpus / p.name).write_bytes(p.read_bytes())
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64,
        "nul_heavy.txt": b"\x00\x01" * 3000,
        "nul_few.txt": GOOD.encode().replace("협력한다고".encode(), "협력\x00한다고".encode()),
        "cp949.txt": GOOD.encode("cp949"),
        "mixed.txt": GOOD.encode("utf-8") + "둘째 줄은 CP949로 쓴 문장이다.\n".encode("cp949"),
        "particles.txt": ("조사 폭탄\n" + "은는이가을를에서의와과도만" * 800).encode(),
        "nospace.txt": ("띄어쓰기 없음\n" + "삼성전자가소프트뱅크와협력한다고밝혔다" * 300).encode(),
        "hanja.txt": ("漢字\n" + "漢字文化圈經濟協力" * 500).encode(),
        "emoji.txt": ("이모지 😀\n" + "😀🎉🇰🇷 반도체 " * 500).encode(),
        "control.txt": ("제어 문자\n" + "삼성전자\x07\x1b[31m 반도체\x0b\x0c " * 200).encode(),
        "bad.jsonl": b'{"title": "ok", "body": "\xec\xa2\x8b\xec\x9d\x80 \xea\xb8\xb0\xec\x82\xac"}\n{oops\n',
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    with open(corpus / "huge.txt", "wb") as fh:  # 50 MB, sparse: over the 16 MB default limit
        fh.truncate(50 * 1024 * 1024)
    data = root / "data"
    proc = run_cli("index", "--quiet", "--json", str(corpus), data_dir=data)
    assert proc.returncode == 0, proc.stderr
    return data, json.loads(proc.stdout)


def test_bad_files_are_skipped_with_reasons(messy):
    _, report = messy
    skipped = {p.rsplit("/", 1)[-1]: reason for p, reason in report["skipped"]}
    assert set(skipped) == {"empty.txt", "binary.txt", "nul_heavy.txt", "huge.txt"}
    assert "empty" in skipped["empty.txt"]
    assert "binary" in skipped["binary.txt"] and "binary" in skipped["nul_heavy.txt"]
    assert "50.0 MB" in skipped["huge.txt"] and "max_file_mb" in skipped["huge.txt"]


def test_difficult_text_is_indexed_and_seeds_unaffected(messy):
    data, report = messy
    added = {i.split("~")[0] for i in report["added"]}
    for stem in ("nul_few", "cp949", "mixed", "particles", "nospace", "hanja", "emoji", "control"):
        assert stem in added, stem
    assert report["corpus_size"] == 5 + 8 + 1
    assert any("NUL" in w for w in report["warnings"]) and any("line 2" in w for w in report["warnings"])
    proc = run_cli("search", "--json", "소프트뱅크", data_dir=data)
    ids = {r["id"][:3] for r in json.loads(proc.stdout)["results"]}
    assert {"001", "003"} <= ids and "nospace" in {r["id"] for r in json.loads(proc.stdout)["results"]}
    assert json.loads(run_cli("search", "--json", "CP949로", data_dir=data).stdout)["total"] == 1


def test_second_run_reports_skips_again_but_reads_nothing(messy):
    data, _ = messy
    proc = run_cli("index", "--quiet", "--json", data_dir=data)
    again = json.loads(proc.stdout)
    assert again["added"] == [] and again["changed"] == [] and len(again["skipped"]) == 4


@pytest.mark.parametrize(
    "query, needle",
    [
        ('"삼성전자 반도체', "quote"),
        ("OR", "OR"),
        ("삼성전자 OR", "OR"),
        ("-", "-"),
        ("foo:bar", "field"),
        ("date:2025-13", "date"),
        ("date:banana", "date"),
        ("삼성 " * 2500, "long"),
    ],
)
def test_bad_queries_get_one_line_and_nonzero_exit(seed_data_dir, query, needle):
    proc = run_cli("search", query, data_dir=seed_data_dir)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle.lower() in lines[0].lower(), lines


def test_unknown_article_id(seed_data_dir):
    proc = run_cli("show", "nope", data_dir=seed_data_dir)
    assert proc.returncode == 1 and "no article" in proc.stderr and "Traceback" not in proc.stderr


def test_conflicting_gazetteer_aliases_warn_but_work(tmp_path, seed_data_dir):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("gazetteer:\n  - {name: 삼성물산, type: company, aliases: [삼성, Samsung]}\n"
                   "  - {name: 삼성물산, type: company, aliases: [삼성, SC&T]}\n", encoding="utf-8")
    proc = run_cli("--config", str(cfg), "extract", "--json", input="Samsung과 삼성물산이 합의했다.",
                   data_dir=tmp_path / "d")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)  # mentions were found
    proc = run_cli("--config", str(cfg), "search", "삼성물산", data_dir=tmp_path / "d2")
    assert proc.returncode == 0 and "alias" in proc.stderr and "Traceback" not in proc.stderr
