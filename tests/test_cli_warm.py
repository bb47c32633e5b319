"""The warm search server (tui/warm_server.py): a second `briefing search` is answered by it
without loading Kiwi in the client, with the output the in-process run gives; index changes are
seen; stale, stopped, hung or disabled servers make the client work itself. Every server a test
starts is stopped (and killed by pid if need be) in the fixture's teardown."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from briefing.tui.cli import hoist_global_options
from briefing.tui.warm_client import served_data_dir
from briefing.tui.warm_link import LOCK_NAME, SOCKET_NAME, SocketPath, recv_json, send_json

# the client prints its exit code and whether it loaded Kiwi, after the command's own output
CLIENT = ("import sys\nfrom briefing.tui.cli import main\ntry:\n    code = main(sys.argv[1:])\n"
          "except SystemExit as exc:\n    code = exc.code\nsys.stdout.flush()\n"
          "print('\\n@@', code, 'kiwipiepy' in sys.modules, file=sys.stderr)\n")


def env(**extra: str) -> dict:
    out = {k: v for k, v in os.environ.items() if k != "BRIEFING_NO_SERVER"}
    return out | {"PYTHONPATH": str(ROOT), "BRIEFING_SERVER_IDLE": "120"} | extra


def client(data: Path, *args: str, **extra: str) -> tuple[str, str, int, bool]:
    """Run ``briefing --data-dir DATA ARGS``: (stdout, stderr, exit code, Kiwi loaded)."""
    proc = subprocess.run([sys.executable, "-c", CLIENT, "--data-dir", str(data), *args], capture_output=True,
                          text=True, env=env(**extra), timeout=300, stdin=subprocess.DEVNULL)
    err, _, tail = proc.stderr.rpartition("\n@@ ")
    code, kiwi = tail.split()
    return proc.stdout, err, int(code), kiwi == "True"


def status(data: Path) -> dict | None:
    proc = subprocess.run([sys.executable, "-m", "briefing.tui.cli", "--data-dir", str(data), "server", "status", "--json"],
                          capture_output=True, text=True, env=env(), timeout=60)
    reply = json.loads(proc.stdout)
    return reply if reply.get("status") == "running" else None


def wait_for_server(data: Path, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = status(data)
        if reply:
            return reply
        time.sleep(0.3)
    raise AssertionError(f"no server came up; log: {(data / 'server.log').read_text(errors='replace')}")


def kill_server(data: Path) -> None:
    """Stop the data dir's server; kill it by the pid in its lock file if it does not go."""
    subprocess.run([sys.executable, "-m", "briefing.tui.cli", "--data-dir", str(data), "server", "stop"],
                   capture_output=True, env=env(), timeout=60)
    try:
        pid = int((data / LOCK_NAME).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    for _ in range(50):
        if not server_alive(pid, data):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def server_alive(pid: int, data: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"briefing.tui.warm_server" in cmdline and str(data).encode() in cmdline


def no_elapsed(text: str) -> str:
    text = re.sub(r'"elapsed_ms": [0-9.]+', '"elapsed_ms": X', text)
    return re.sub(r"\([0-9.]+ ms, ", "(X ms, ", text)


@pytest.fixture(scope="module")
def warm_dir(seed_data_dir, tmp_path_factory):
    """A copy of the indexed seeds with a warm server (started by a first, in-process search)."""
    data = tmp_path_factory.mktemp("warm") / "data"
    shutil.copytree(seed_data_dir, data)
    cold = client(data, "search", "--json", "소프트뱅크")
    try:
        wait_for_server(data)
        yield data, cold
    finally:
        kill_server(data)


def test_second_search_is_served_without_kiwi_and_prints_the_same(warm_dir):
    data, (cold_out, cold_err, cold_code, cold_kiwi) = warm_dir
    assert cold_code == 0 and cold_kiwi  # the first call did the work itself (and started the server)
    before = status(data)["served"]
    started = time.perf_counter()
    out, err, code, kiwi = client(data, "search", "--json", "소프트뱅크")
    warm_s = time.perf_counter() - started
    assert (code, kiwi, err) == (0, False, cold_err)
    assert status(data)["served"] == before + 1
    assert no_elapsed(out) == no_elapsed(cold_out) and json.loads(out)["results"]
    assert json.loads(out)["elapsed_ms"] < 1000
    print(f"warm search: {warm_s * 1000:.0f} ms for the whole client process")


SERVED_CASES = [
    ["search", "삼성 OR 반도체"], ["search", "--sort", "date", "--limit", "2", "반도체"],
    ["search", "company:"], ["search", '"unclosed'], ["search", "--limit", "0", "x"], ["search", "--bogus", "x"],
    ["search", "--help"],
]
# the same calls in one process without the server (one Kiwi load for all)
IN_PROCESS = ("import contextlib, io, json, sys\nfrom briefing.tui.cli import main\nout = []\n"
              "for args in json.loads(sys.argv[1]):\n"
              "    o, e = io.StringIO(), io.StringIO()\n"
              "    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):\n"
              "        try:\n            code = main(['--no-server', *args])\n"
              "        except SystemExit as exc:\n            code = exc.code\n"
              "    out.append([o.getvalue(), e.getvalue(), code])\n"
              "print(json.dumps(out))\n")


def test_served_output_and_exit_code_equal_the_in_process_ones(warm_dir):
    data, _ = warm_dir
    cases = [["--data-dir", str(data), *args] for args in SERVED_CASES]
    proc = subprocess.run([sys.executable, "-c", IN_PROCESS, json.dumps(cases)], capture_output=True, text=True,
                          env=env(), timeout=300, stdin=subprocess.DEVNULL)
    expected = json.loads(proc.stdout)
    before = status(data)["served"]
    for args, (here_out, here_err, here_code) in zip(SERVED_CASES, expected):
        out, err, code, kiwi = client(data, *args)
        assert not kiwi
        assert (no_elapsed(out), err, code) == (no_elapsed(here_out), here_err, here_code), args
    assert status(data)["served"] == before + len(SERVED_CASES)


def test_a_terminal_client_gets_its_width_and_styles(warm_dir):
    data, _ = warm_dir
    script = ("import sys, os, pty\n"  # stdout a pseudo-terminal of 50 columns, read back here
              "pid, fd = pty.fork()\n"
              "if pid == 0:\n"
              "    import fcntl, struct, termios\n"
              "    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 50, 0, 0))\n"
              "    from briefing.tui.cli import main\n"
              "    os._exit(main(sys.argv[1:]))\n"
              "chunks = []\n"
              "while True:\n"
              "    try:\n"
              "        chunk = os.read(fd, 65536)\n"
              "    except OSError:\n"
              "        break\n"
              "    if not chunk:\n"
              "        break\n"
              "    chunks.append(chunk)\n"
              "sys.stdout.write(b''.join(chunks).decode())\n")
    outputs = []
    for extra in ([], ["--no-server"]):
        proc = subprocess.run([sys.executable, "-c", script, "--data-dir", str(data), *extra, "search", "반도체"],
                              capture_output=True, text=True, env=env(TERM="xterm-256color"), timeout=300)
        outputs.append(no_elapsed(proc.stdout))
    assert "\x1b[" in outputs[0]  # styled, as on a terminal
    assert max(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in outputs[0].splitlines()) <= 50
    assert outputs[0] == outputs[1]


def test_socket_is_owner_only_and_lock_names_the_server(warm_dir):
    data, _ = warm_dir
    mode = (data / SOCKET_NAME).stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    pid = int((data / LOCK_NAME).read_text())
    assert pid == status(data)["pid"] and server_alive(pid, data)


def test_an_index_change_is_seen(tmp_path):
    """A new article: the server declines while the index needs an update (the client updates it
    itself, with its progress bar), then serves the new index; an update made by another process
    is seen too."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    seeds = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_file())
    shutil.copy(seeds[0], corpus)
    try:
        assert client(data, "index", str(corpus))[2] == 0
        first = client(data, "search", "--json", "")  # in-process, starts the server
        wait_for_server(data)
        shutil.copy(seeds[1], corpus)  # the index must be updated: the server declines
        served = status(data)["served"]
        out, _, code, kiwi = client(data, "search", "--json", "")
        assert code == 0 and kiwi and status(data)["served"] == served
        assert (json.loads(first[0])["total"], json.loads(out)["total"]) == (1, 2)
        again = client(data, "search", "--json", "")  # served from the updated index
        assert not again[3] and no_elapsed(again[0]) == no_elapsed(out)
        shutil.copy(seeds[2], corpus)  # another process updates the index
        subprocess.run([sys.executable, "-m", "briefing.tui.cli", "--no-server", "--data-dir", str(data), "index"],
                       env=env(), capture_output=True, timeout=300, check=True)
        third = client(data, "search", "--json", "")
        assert not third[3] and no_elapsed(third[0]) == no_elapsed(client(data, "--no-server", "search", "--json",
                                                                           "")[0])
        assert json.loads(third[0])["total"] == 3
    finally:
        kill_server(data)


def test_stale_stopped_and_hung_servers_make_the_client_work_itself(seed_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    try:
        # a hung server: accepts, never answers -> the client does the work after its ack timeout
        with SocketPath(data) as address, socket.socket(socket.AF_UNIX) as fake:
            fake.bind(address)
            fake.listen(4)
            out, _, code, kiwi = client(data, "search", "--json", "소프트뱅크")
        assert code == 0 and kiwi and json.loads(out)["results"]
        pid = wait_for_server(data)["pid"]  # the client started a real one, which took the socket over
        # a client running other code: the server answers "stale" and exits
        with SocketPath(data) as address, socket.socket(socket.AF_UNIX) as sock:
            sock.connect(address)
            send_json(sock, {"op": "run", "code": "other code", "argv": []})
            assert recv_json(sock)["status"] == "stale"
        for _ in range(50):
            if not server_alive(pid, data):
                break
            time.sleep(0.1)
        assert not server_alive(pid, data) and not (data / SOCKET_NAME).exists()
        # stopped: status says so (exit 1) and the next search works in-process
        proc = subprocess.run([sys.executable, "-m", "briefing.tui.cli", "--data-dir", str(data), "server", "status"],
                              capture_output=True, text=True, env=env(), timeout=60)
        assert proc.returncode == 1 and "no server runs" in proc.stdout
    finally:
        kill_server(data)


def test_disabled_server_is_neither_used_nor_started(seed_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    try:
        _, _, code, kiwi = client(data, "search", "--json", "소프트뱅크", "--no-server")  # ($BRIEFING_NO_SERVER:
        assert code == 0 and kiwi  # test_only_search_with_global_options_first_is_sent_to_a_server)
        time.sleep(1.0)
        assert not (data / LOCK_NAME).exists() and not (data / SOCKET_NAME).exists()
    finally:
        kill_server(data)


def test_only_search_with_global_options_first_is_sent_to_a_server(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFING_NO_SERVER")
    d = str(tmp_path)
    assert served_data_dir(hoist_global_options(["search", "q", "--data-dir", d])) == tmp_path
    assert served_data_dir(["--data-dir=" + d, "--config", "c.yaml", "search", "q"]) == tmp_path
    assert served_data_dir(["--data-dir", d, "list"]) is None
    assert served_data_dir(hoist_global_options(["search", "q", "--no-server", "--data-dir", d])) is None
    assert hoist_global_options(["search", "q", "--no-server"]) == ["--no-server", "search", "q"]
    assert served_data_dir(["--data-dir"]) is None
    monkeypatch.setenv("BRIEFING_NO_SERVER", "1")
    assert served_data_dir(["--data-dir", d, "search", "q"]) is None


def test_the_client_imports_nothing_heavy_before_asking(tmp_path):
    code = ("import sys\nimport briefing.tui.cli, briefing.tui.warm_client\n"
            "print(sorted(m for m in ('kiwipiepy', 'whoosh', 'rich', 'datasketch', 'numpy') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env(), timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_a_concurrent_second_server_exits_at_once(warm_dir):
    data, _ = warm_dir
    proc = subprocess.run([sys.executable, "-m", "briefing.tui.warm_server", str(data), "--", "search", "x"],
                          env=env(), capture_output=True, timeout=60)
    assert proc.returncode == 0 and status(data)  # the first one still serves



def test_a_caller_capturing_output_in_a_string_gets_it(warm_dir):
    """main() called with sys.stdout an io.StringIO (no byte buffer) gets the served text."""
    data, (cold_out, *_) = warm_dir
    code = ("import contextlib, io, json, sys\nfrom briefing.tui.cli import main\nout = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            f"    code = main(['--data-dir', {str(data)!r}, 'search', '--json', '소프트뱅크'])\n"
            "print(json.dumps([out.getvalue(), code, 'kiwipiepy' in sys.modules]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env(), timeout=300,
                          stdin=subprocess.DEVNULL)
    out, code, kiwi = json.loads(proc.stdout)
    assert (code, kiwi) == (0, False) and no_elapsed(out) == no_elapsed(cold_out)


def test_a_data_dir_path_too_long_for_a_unix_socket_still_works(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    assert len(str(deep / SOCKET_NAME)) > 108
    with SocketPath(deep) as address, socket.socket(socket.AF_UNIX) as server:
        server.bind(address)
        server.listen(1)
        with SocketPath(deep) as again, socket.socket(socket.AF_UNIX) as peer:
            peer.connect(again)
            send_json(peer, {"op": "status"})
            conn, _ = server.accept()
            with conn:
                assert recv_json(conn) == {"op": "status"}
    assert stat.S_ISSOCK((deep / SOCKET_NAME).stat().st_mode)
