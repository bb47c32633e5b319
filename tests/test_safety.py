"""Data safety and hostile content (issues 19 and 14): nothing is lost because something is
missing or damaged, every file is handled alone, parsers are bounded, article text is never
taken as markup or terminal control, read-only and full data dirs give one line."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.search import pipeline
from briefing.search.config import ConfigError, load_config
from briefing.search.engine import Engine
from briefing.search.ingest.sources import discover, ingest_file

from .conftest import ROOT, run_cli

TOPICS = [
    ("삼성전자 평택 공장 증설", "삼성전자는 평택 공장에 새 메모리 반도체 생산 라인을 짓는다고 밝혔다. 투자 규모는 20조 원이다."),
    ("SK하이닉스 HBM 공급", "SK하이닉스는 고대역폭 메모리 공급을 늘린다고 말했다. 인공지능 서버 수요가 크게 늘었다."),
    ("정부 반도체 지원법", "산업통상자원부는 반도체 특별법 시행령을 입법 예고했다. 세액 공제율이 높아진다."),
    ("TSMC 구마모토 공장", "대만 TSMC는 일본 구마모토 제2공장 착공을 미룬다고 발표했다. 현지 교통 문제가 이유다."),
    ("인텔 파운드리 분사", "미국 인텔은 파운드리 사업부를 자회사로 분리하는 방안을 검토한다고 밝혔다."),
    ("라피더스 시제품", "일본 라피더스는 홋카이도 공장에서 2나노 시제품을 만들었다고 발표했다."),
]


def write_articles(folder: Path, n: int, prefix: str = "a") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        title, body = TOPICS[i % len(TOPICS)]
        p = folder / f"{prefix}{i:02d}.txt"
        p.write_text(f"{title} {i}\n\n2025.03.{i % 28 + 1:02d} 입력\n\n{body} 기사 번호 {i}.\n", encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture()
def in_process(monkeypatch):
    monkeypatch.setenv(pipeline.WORKERS_ENV, "0")  # small updates analyse here (monkeypatches apply)


def engine_on(data: Path, *paths: Path) -> Engine:
    config = load_config(use_user_file=False)
    config.corpus_paths = list(paths)
    return Engine(config, data)


# --- nothing is deleted because something is missing ---------------------------------------


def test_missing_corpus_root_keeps_its_articles_until_prune(tmp_path, in_process):
    a, b = tmp_path / "usb", tmp_path / "home"
    write_articles(a, 3, "u")
    write_articles(b, 3, "h")
    engine = engine_on(tmp_path / "data", a, b)
    engine.update()
    assert engine.corpus_size == 6
    a.rename(tmp_path / "usb-unplugged")
    assert not engine.needs_update() or engine.update().removed == []
    report = engine.update()
    assert report.removed == [] and engine.corpus_size == 6
    assert engine.missing_ids() == {"u00", "u01", "u02"}
    assert any("is missing; kept its articles" in w for w in report.warnings)
    assert engine.search("평택").total == 2  # kept articles stay searchable
    (tmp_path / "usb-unplugged").rename(a)  # plugged in again: nothing to re-read, nothing missing
    again = engine.update()
    assert (again.added, again.removed, engine.missing_ids()) == ([], [], set())
    a.rename(tmp_path / "usb-unplugged")
    pruned = engine.update(prune=True)
    assert pruned.removed == ["u00", "u01", "u02"] and engine.corpus_size == 3


def test_an_emptied_mount_point_asks_for_prune(tmp_path, in_process):
    a, b = tmp_path / "mnt", tmp_path / "home"
    write_articles(a, 5, "m")
    write_articles(b, 1, "h")
    engine = engine_on(tmp_path / "data", a, b)
    engine.update()
    shutil.rmtree(a)
    a.mkdir()  # the mount point is there, the disk is not
    report = engine.update()
    assert report.removed == [] and engine.corpus_size == 6
    assert any("--prune" in w for w in report.warnings)
    assert len(engine.missing_ids()) == 5
    assert engine.update(prune=True).removed == [f"m{i:02d}" for i in range(5)]


def test_one_deleted_file_is_still_removed(tmp_path, in_process):
    files = write_articles(tmp_path / "c", 4)
    engine = engine_on(tmp_path / "data", tmp_path / "c")
    engine.update()
    files[0].unlink()
    assert engine.update().removed == ["a00"] and engine.missing_ids() == set()


def test_unreadable_file_is_retried_on_the_next_update(tmp_path, in_process, monkeypatch):
    from briefing.search.ingest import sources as ingest

    files = write_articles(tmp_path / "c", 2)
    real_open, denied = os.open, {str(files[1])}

    def flaky_open(path, *args, **kwargs):
        if str(path) in denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(ingest.os, "open", flaky_open)
    engine = engine_on(tmp_path / "data", tmp_path / "c")
    first = engine.update()
    assert [p for p, _ in first.skipped] == [str(files[1])] and engine.corpus_size == 1
    denied.clear()  # readable again, same size and time
    assert engine.needs_update()
    second = engine.update()
    assert second.changed == ["a01"] and second.skipped == [] and engine.corpus_size == 2


def test_truncated_store_is_rebuilt_from_the_saved_corpus_not_the_seeds(tmp_path, in_process):
    write_articles(tmp_path / "c", 3)
    data = tmp_path / "data"
    engine = engine_on(data, tmp_path / "c")
    engine.update(add=[tmp_path / "c"])
    engine.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{data / 'store.sqlite'}{suffix}").unlink(missing_ok=True)
    (data / "store.sqlite").write_bytes(b"")
    config = load_config(use_user_file=False)  # no corpus.paths: only the side file knows them
    engine = Engine(config, data)
    assert engine.corpus_list() == [(tmp_path / "c").resolve()]
    assert engine.needs_update()
    report = engine.update()
    assert sorted(report.added) == ["a00", "a01", "a02"] and engine.corpus_size == 3
    assert any("rebuilt it from the saved corpus list" in w for w in report.warnings)
    assert engine.search("라피더스").total == 0  # no seed among them


def test_store_damaged_in_the_middle_is_rebuilt_with_a_notice(tmp_path):
    write_articles(tmp_path / "c", 30)
    data = tmp_path / "data"
    proc = run_cli("index", "--quiet", str(tmp_path / "c"), data_dir=data)
    assert proc.returncode == 0, proc.stderr
    store = data / "store.sqlite"
    size = store.stat().st_size
    with open(store, "r+b") as fh:  # random bytes over the pages of the tables (not the header)
        for offset in range(4096, size - 4096, 4096 * 3):
            fh.seek(offset)
            fh.write(os.urandom(2048))
    for args in (("list",), ("show", "a05"), ("export", "--stdout", "a05")):
        proc = run_cli(*args, data_dir=data)
        assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr
    listed = run_cli("list", "--json", data_dir=data)
    assert len(json.loads(listed.stdout)) == 30
    assert list(data.glob("store.sqlite.damaged-*")), "the damaged file is kept aside"


def test_quick_check_finds_damage_listing_does_not_reach(tmp_path, in_process):
    write_articles(tmp_path / "c", 3)
    data = tmp_path / "data"
    engine = engine_on(data, tmp_path / "c")
    engine.update()
    assert engine.store.quick_check() is None
    engine.close()
    db = sqlite3.connect(str(data / "store.sqlite"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    [(page,)] = db.execute("SELECT pageno FROM dbstat WHERE name='entity_articles_article' LIMIT 1").fetchall()
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with open(data / "store.sqlite", "r+b") as fh:  # garbage in an index no listing reads
        fh.seek((page - 1) * page_size + 8)
        fh.write(b"\xff" * 64)
    engine = Engine(load_config(use_user_file=False), data)
    assert len(engine.list_articles()) == 3  # damage the ordinary reads do not reach
    report = engine.update(check=True)
    assert engine.corpus_size == 3 and report.removed == []
    assert engine.store.quick_check() is None
    assert any("failed its check" in n for n in engine.notices)
    assert list(data.glob("store.sqlite.damaged-*"))


def test_damaged_index_segment_is_rebuilt_not_reported_unchanged(tmp_path, in_process):
    write_articles(tmp_path / "c", 6)
    data = tmp_path / "data"
    engine = engine_on(data, tmp_path / "c")
    engine.update()
    engine.close()
    seg = max((data / "index").glob("*.seg"), key=lambda p: p.stat().st_size)
    size = seg.stat().st_size
    with open(seg, "r+b") as fh:
        for offset in range(size // 8, size - 64, size // 8):
            fh.seek(offset)
            fh.write(os.urandom(32))
    engine = Engine(load_config(use_user_file=False), data)
    assert engine.needs_update()
    report = engine.update()
    assert any("index files changed" in w for w in report.warnings)
    assert engine.search("라피더스").total == 1 and engine.corpus_size == 6


def test_a_copied_data_dir_is_not_rebuilt(tmp_path, in_process):
    write_articles(tmp_path / "c", 3)
    engine = engine_on(tmp_path / "data", tmp_path / "c")
    engine.update()
    engine.close()
    shutil.copytree(tmp_path / "data", tmp_path / "copy", copy_function=shutil.copyfile)  # new times
    assert not Engine(load_config(use_user_file=False), tmp_path / "copy").needs_update()


def test_read_error_inside_a_segment_rebuilds_on_search(tmp_path, in_process, monkeypatch):
    import zlib

    from briefing.search.index.article_index import ArticleIndex

    write_articles(tmp_path / "c", 3)
    engine = engine_on(tmp_path / "data", tmp_path / "c")
    engine.update()
    real, calls = ArticleIndex.search, []

    def damaged(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise zlib.error("Error -3 while decompressing data: invalid stored block lengths")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ArticleIndex, "search", damaged)
    assert engine.search("평택").total == 1
    assert any("rebuilt" in n for n in engine.notices)


# --- every file is handled alone -------------------------------------------------------------


def test_file_name_that_is_not_utf8_is_indexed_and_shown_escaped(tmp_path, in_process):
    folder = tmp_path / "c"
    write_articles(folder, 1)
    raw = os.fsencode(folder) + b"/\xb1\xe2\xbb\xe7-cp949.txt"
    with open(raw, "wb") as fh:
        fh.write("압축 파일에서 나온 기사\n\n메모리 반도체 가격이 올랐다고 업계는 밝혔다.\n".encode())
    engine = engine_on(tmp_path / "data", folder)
    report = engine.update()
    assert report.skipped == [] and engine.corpus_size == 2
    article = next(engine.article(s.id) for s in engine.list_articles() if "cp949" in s.id)
    assert article.source_path.endswith("\\xb1\\xe2\\xbb\\xe7-cp949.txt")
    assert engine.search("가격").total == 1
    assert engine.update().unchanged == 2  # found unchanged under the same escaped name


def test_fifo_socket_and_dev_zero_are_skipped_by_type(tmp_path, in_process):
    import socket

    folder = tmp_path / "c"
    write_articles(folder, 1)
    os.mkfifo(folder / "x.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.txt"))
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("the update hung")))
    signal.alarm(60)
    try:
        engine = engine_on(tmp_path / "data", folder)
        report = engine.update()
    finally:
        signal.alarm(0)
        sock.close()
    reasons = dict(report.skipped)
    assert "FIFO" in reasons[str(folder / "x.txt")]
    assert "character device" in reasons[str(folder / "zero.txt")]
    assert "socket" in reasons[str(folder / "s.txt")]
    assert engine.corpus_size == 1


def test_reading_is_bounded_whatever_st_size_says(tmp_path):
    from briefing.search.ingest.decode import Undecodable
    from briefing.search.ingest.sources import read_bounded

    with pytest.raises(Undecodable, match="not a regular file"):
        read_bounded(Path("/dev/zero"), 1024)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 5000)
    with pytest.raises(Undecodable, match="over the limit"):
        read_bounded(big, 4096)
    assert read_bounded(big, 5000) == b"a" * 5000


def test_deep_folders_and_symlink_loops_are_walked_without_recursion(tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    fd = os.open(root, os.O_RDONLY)
    for level in range(1000):
        os.mkdir("level_folder", dir_fd=fd)
        inner = os.open("level_folder", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
        if level == 10:
            os.close(os.open("x.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    (root / "level_folder" / "loop").symlink_to("..")
    try:
        files, skipped = discover([root], [".txt"])
    finally:
        _remove_deep(root)  # pytest's own clean-up would overflow the stack
    assert [f.path.name for f in files] == ["x.txt"]
    reasons = [s.reason for s in skipped]
    assert any("symlink loop" in r for r in reasons)
    assert any("too long" in r.lower() for r in reasons)  # 1,000 levels of 13 characters: one line
    assert len(skipped) == 2


def _remove_deep(root: Path) -> None:
    """rmtree without recursion (shutil.rmtree overflows the stack at 1,000 levels)."""
    import stat as st

    fds, names = [os.open(root, os.O_RDONLY)], []
    while fds:
        fd = fds[-1]
        for name in os.listdir(fd):
            if st.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                fds.append(os.open(name, os.O_RDONLY, dir_fd=fd))
                names.append(name)
                break
            os.unlink(name, dir_fd=fd)
        else:
            os.close(fds.pop())
            if fds:
                os.rmdir(names.pop(), dir_fd=fds[-1])
    root.rmdir()


# --- bounded parsers -------------------------------------------------------------------------

ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "title: *g\n---\n\n메모리 반도체 가격이 올랐다고 업계는 밝혔다.\n"
)


def test_front_matter_alias_bomb_is_refused_quickly(tmp_path):
    p = tmp_path / "bomb.md"
    p.write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.process_time()
    [article] = ingest_file(p)
    assert time.process_time() - started < 2
    assert len(article.title) < 100 and "aliases" in " ".join(article.warnings)


def test_front_matter_takes_scalars_and_a_bad_date_drops_only_the_date(tmp_path):
    p = tmp_path / "x.md"
    p.write_text('---\ntitle: "SK [hynix] 실적"\ndate: 2025-13-45\npublisher: [a, {b: c}]\n'
                 "author: [김기자, 이기자]\n---\n\n메모리 반도체 가격이 올랐다고 업계는 밝혔다.\n", encoding="utf-8")
    [article] = ingest_file(p)
    assert article.title == "SK [hynix] 실적" and article.byline == ["김기자", "이기자"]
    assert article.published.value is None or article.published.source != "front matter"
    assert any("2025-13-45" in w and "not a date" in w for w in article.warnings)
    assert any("publisher" in w for w in article.warnings)


def test_jsonl_fields_of_the_wrong_type_are_ignored(tmp_path):
    p = tmp_path / "feed.jsonl"
    records = [
        {"id": 7, "title": "숫자 url", "body": "메모리 반도체 가격이 올랐다.", "url": 12345},
        {"id": {"x": 1}, "title": ["목록", "제목"], "body": "파운드리 수주가 늘었다.", "url": {"href": "x"},
         "publisher": ["a"], "published": {"y": 2025}, "author": 5},
        {"title": None, "body": 42},
        "just a string",
        {"id": "s\udcff", "title": "깨진 \udcff 제목", "body": "본문 \ud800 반도체.", "author": ["\udcffx"]},
    ]
    p.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    articles = ingest_file(p)
    assert [a.url for a in articles] == [None, None, None]
    assert articles[2].title == "깨진 \ufffd 제목" and articles[2].id == "s\ufffd"  # lone surrogates replaced
    assert articles[0].id == "7" and articles[1].id == "feed-2" and articles[1].publisher is None
    text = " ".join(articles[0].warnings)
    assert "line 1: url is not text" in text and "line 3" in text and "line 4" in text


# --- text is text ----------------------------------------------------------------------------

HOSTILE = [
    {"id": "evil\x1b[2J\x1b]52;c;aGVsbG8=\x07", "title": "SK [hynix] 실적 [/] [sic] :up: \x1b[31m빨강",
     "body": "본문에 [/b] 표시가 있다. 메모리 반도체 가격이 올랐다고 업계는 밝혔다.\n\n<script>alert(1)</script> 이라는 글도 있다고 밝혔다.",
     "publisher": "p\x9b31m", "url": 404},
    {"id": "../../etc|x\n</details><script>", "title": "<b>굵게</b> 파운드리 제목",
     "body": "파운드리 수주가 늘었다고 회사는 밝혔다. </details><script>alert(2)</script> 라는 문장이다.",
     "url": {"href": "javascript:alert(3)"}},
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "c"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in HOSTILE),
                                       encoding="utf-8")
    data = root / "data"
    proc = run_cli("index", "--quiet", str(corpus), data_dir=data)
    assert proc.returncode == 0, proc.stderr
    return data


def _no_controls(text: str, allowed: str = "\n") -> None:
    bad = [hex(ord(c)) for c in text if (ord(c) < 32 and c not in allowed) or 0x7F <= ord(c) <= 0x9F]
    assert not bad, bad


def test_list_prints_no_control_character_and_no_markup_is_parsed(hostile):
    proc = run_cli("list", data_dir=hostile)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    # piped, list prints tab-separated columns: the tabs are its own, never the data's
    assert all(line.count("\t") == 3 for line in proc.stdout.splitlines()), proc.stdout
    _no_controls(proc.stdout, allowed="\n\t")
    _no_controls(proc.stderr)
    assert "SK [hynix] 실적 [/] [sic] :up:" in proc.stdout and "⬆" not in proc.stdout
    listed = json.loads(run_cli("list", "--json", data_dir=hostile).stdout)
    ids = sorted(r["id"] for r in listed)
    assert all(set(i) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") for i in ids), ids
    assert not any(i.startswith(".") for i in ids)


def test_search_and_show_print_article_text_literally(hostile):
    proc = run_cli("search", "반도체", data_dir=hostile)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    _no_controls(proc.stdout)
    assert "[/]" in proc.stdout and "[sic]" in proc.stdout
    article_id = json.loads(run_cli("search", "--json", "반도체", data_dir=hostile).stdout)["results"][0]["id"]
    shown = run_cli("show", article_id, data_dir=hostile)
    assert shown.returncode == 0, shown.stderr
    _no_controls(shown.stdout)
    assert "[/b]" in shown.stdout
    data = json.loads(run_cli("show", "--json", article_id, data_dir=hostile).stdout)
    assert data["original_id"].startswith("evil\x1b") and data["url"] is None


def test_brief_has_no_raw_html(hostile):
    ids = [r["id"] for r in json.loads(run_cli("list", "--json", data_dir=hostile).stdout)]
    proc = run_cli("export", "--stdout", *ids, data_dir=hostile)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    _no_controls(proc.stdout.replace("\t", ""))
    for raw in ("<script>", "</details>", "<b>", "javascript:"):
        assert raw not in proc.stdout


def test_print_json_escapes_c1_controls(capsys):
    from briefing.tui.commands._output import print_json

    print_json({"t": "a\x9b31mb\x1bc"})
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\x1b" not in out and json.loads(out)["t"] == "a\x9b31mb\x1bc"


def test_reader_border_takes_an_id_with_markup_as_text():
    import asyncio

    from textual.app import App

    from briefing.search.model import Article
    from briefing.tui.widgets.reader import Reader

    class One(App):
        def compose(self):
            yield Reader(id="reader")

    async def go():
        app = One()
        async with app.run_test(size=(80, 24)) as pilot:
            article = Article("bad[/]id[b]", "제목 [/] 괄호", ["본문 [/b] 내용"], "/x.txt", "h")
            app.query_one(Reader).show(article, [], [])
            await pilot.pause()
            await pilot.pause()  # drawn without a MarkupError
            assert "[/]" in str(app.query_one(Reader).border_subtitle)

    asyncio.run(go())


# --- read-only, full, busy, mistyped ---------------------------------------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root for mount")


@needs_root
def test_read_only_data_dir_reads_and_refuses_updates_in_one_line(tmp_path):
    write_articles(tmp_path / "c", 3)
    data, ro = tmp_path / "data", tmp_path / "ro"
    assert run_cli("index", "--quiet", str(tmp_path / "c"), data_dir=data).returncode == 0
    ro.mkdir()
    if subprocess.run(["mount", "--bind", str(data), str(ro)], check=False).returncode != 0:
        pytest.skip("bind mounts not allowed here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
        (tmp_path / "c" / "a00.txt").write_text("바뀐 기사\n\n인텔이 새 공장을 짓는다고 밝혔다.\n", encoding="utf-8")
        for args in (("list",), ("search", "인텔"), ("show", "a01"), ("export", "--stdout", "a01")):
            proc = run_cli(*args, data_dir=ro)
            assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert "read-only" in run_cli("list", data_dir=ro).stderr
        proc = run_cli("index", data_dir=ro)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "read-only" in proc.stderr
    finally:
        subprocess.run(["umount", str(ro)], check=False)


@needs_root
def test_full_disk_gives_one_line_and_the_previous_index_stays(tmp_path):
    write_articles(tmp_path / "c", 3)
    big = tmp_path / "big"
    big.mkdir()
    for i in range(200):
        title, body = TOPICS[i % len(TOPICS)]
        (big / f"b{i:03d}.txt").write_text(f"{title} {i}\n\n" + f"{body} 문단 {i}.\n\n" * 40, encoding="utf-8")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(disk)], check=False).returncode != 0:
        pytest.skip("tmpfs mounts not allowed here")
    try:
        data = disk / "data"
        assert run_cli("index", "--quiet", str(tmp_path / "c"), data_dir=data).returncode == 0
        proc = run_cli("index", "--quiet", str(big), data_dir=data)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "no space left" in proc.stderr
        assert "previous index is unchanged" in proc.stderr
        corpus = json.loads(run_cli("corpus", "list", "--json", data_dir=data).stdout)
        assert [p["path"] for p in corpus["paths"]] == [str((tmp_path / "c").resolve())]
        found = run_cli("search", "--json", "평택", data_dir=data)
        assert found.returncode == 0 and json.loads(found.stdout)["total"] == 1, found.stderr
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_index_path_while_another_update_runs_says_busy_then_waits(tmp_path):
    write_articles(tmp_path / "c", 3)
    data = tmp_path / "data"
    assert run_cli("index", "--quiet", str(tmp_path / "c"), data_dir=data).returncode == 0
    write_articles(tmp_path / "d", 2, "d")
    # act as a running update: the update lock and an open write transaction on the store
    lock = open(data / "update.lock", "a+")  # noqa: SIM115 - held across the try below
    fcntl.flock(lock, fcntl.LOCK_EX)
    db = sqlite3.connect(str(data / "store.sqlite"), isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        proc = run_cli("index", "--quiet", str(tmp_path / "d"), data_dir=data)
        assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
        assert "being updated" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        env = dict(os.environ, PYTHONPATH=str(ROOT), BRIEFING_DATA_DIR=str(data))
        waiting = subprocess.Popen([sys.executable, "-m", "briefing.tui.cli", "index", "--quiet", "--wait", str(tmp_path / "d")],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert waiting.poll() is None, waiting.communicate()
    finally:
        db.execute("ROLLBACK")
        db.close()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0 and "2 added" in out, err


def test_mistyped_path_exits_2_and_changes_nothing(tmp_path):
    write_articles(tmp_path / "c", 3)
    data = tmp_path / "data"
    assert run_cli("index", "--quiet", str(tmp_path / "c"), data_dir=data).returncode == 0
    for args in (("index", str(tmp_path / "typo")), ("corpus", "add", str(tmp_path / "typo")),
                 ("corpus", "remove", str(tmp_path / "typo"))):
        proc = run_cli(*args, data_dir=data)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    listed = json.loads(run_cli("list", "--json", data_dir=data).stdout)
    assert len(listed) == 3
    corpus = json.loads(run_cli("corpus", "list", "--json", data_dir=data).stdout)
    assert [p["path"] for p in corpus["paths"]] == [str((tmp_path / "c").resolve())]


def test_corpus_commands_follow_one_rule(tmp_path, in_process):
    a, b = tmp_path / "a", tmp_path / "b"
    write_articles(a, 2, "a")
    write_articles(b, 2, "b")
    config = load_config(use_user_file=False)
    config.corpus_paths = [a]  # seeds a new data dir
    engine = Engine(config, tmp_path / "data")
    engine.update()
    assert engine.corpus_list() == [a.resolve()] and engine.corpus_size == 2
    engine.update(add=[b])  # `briefing index B` = add and index
    assert engine.corpus_list() == [a.resolve(), b.resolve()] and engine.corpus_size == 4
    engine.config.corpus_paths = [tmp_path / "elsewhere"]  # the config no longer decides
    assert not engine.needs_update()
    engine.update(remove=[a])
    assert engine.corpus_size == 2 and engine.missing_ids() == set()
    engine.update(reset=True)
    assert engine.corpus_list() == [] and engine.search("라피더스").total == 1  # the bundled seeds


# --- config ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+999", "-5", "0", "!!python/name:os.system",
                                   "!!python/object/apply:os.system [echo]", "!!timestamp 2020-01-01"])
def test_config_numbers_must_be_finite_plain_and_in_range(tmp_path, value):
    p = tmp_path / "c.yaml"
    p.write_text(f"corpus:\n  max_file_mb: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert "corpus.max_file_mb" in str(err.value) and "\n" not in str(err.value)


def test_config_error_is_one_line_exit_2(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("index:\n  workers: 2\ncorpus:\n  max_file_mb: !!python/name:os.system\n", encoding="utf-8")
    proc = run_cli("--config", str(p), "list", data_dir=tmp_path / "data")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "corpus.max_file_mb" in proc.stderr and "Traceback" not in proc.stderr
