"""The client side of the warm search server (tui/warm_server.py).

``briefing search`` first asks the data dir's server, which keeps the Korean analyser loaded;
whenever there is no server, or it is stale, busy, declines or fails, the command runs in this
process as before (and a server is started for the next call). Correctness never depends on
the server: it runs the same code on the same files and its output is replayed byte for byte.

Standard library only, like tui/warm_link.py: this runs before anything heavy is imported.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from briefing.tui.warm_link import (
    LOG_NAME,
    SOCKET_NAME,
    SocketPath,
    code_fingerprint,
    peer_is_me,
    recv_frame,
    recv_json,
    send_json,
    server_disabled,
)

SERVED = ("search",)  # read-only commands whose output the server reproduces exactly
CONNECT_TIMEOUT_S = 1.0
ACK_TIMEOUT_S = 2.0  # no "working" by then: the server is busy with another call
RESULT_TIMEOUT_S = 600.0
GLOBALS_WITH_VALUE = ("--data-dir", "--config")

_start_for: Path | None = None  # set when a call found no usable server: start one afterwards


def served_data_dir(argv: list[str]) -> Path | None:
    """The data dir, when ``argv`` (global options first, as cli.hoist_global_options leaves
    them) is a command the server answers; None otherwise (then nothing is tried)."""
    explicit = None
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name not in GLOBALS_WITH_VALUE:
            break
        if not eq:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        if name == "--data-dir":
            explicit = value
        i += 1
    if i >= len(argv) or argv[i] not in SERVED or server_disabled(argv):
        return None
    from briefing.search.config import data_dir

    return Path(os.path.abspath(data_dir(explicit)))


def serve(argv: list[str]) -> int | None:
    """Run ``argv`` on the data dir's server: its exit code once the output is written, or None
    when this process must do the work itself."""
    global _start_for
    data = served_data_dir(argv)
    if data is None:
        return None
    if not (data / SOCKET_NAME).exists():
        _start_for = data
        return None
    try:
        request = {"op": "run", "code": code_fingerprint(), "argv": argv, "cwd": os.getcwd(),
                   "env": dict(os.environ, **_terminal_size()),
                   "streams": [_describe(sys.stdout), _describe(sys.stderr)]}
        reply, out, err = _ask(data, request)
    except (OSError, ConnectionError, ValueError):  # no server listening, busy, died meanwhile
        _start_for = data
        return None
    except KeyboardInterrupt:  # as the CLI says it (tui/cli.py)
        print("briefing: interrupted", file=sys.stderr)
        return 130
    if reply.get("status") != "done":
        if reply.get("status") == "stale":
            _start_for = data
        return None
    try:
        for stream, payload in ((sys.stdout, out), (sys.stderr, err)):
            if not payload:
                continue
            stream.flush()
            if hasattr(stream, "buffer"):
                stream.buffer.write(payload)
                stream.buffer.flush()
            else:  # a text-only stream (io.StringIO): what the server encoded losslessly (_describe)
                stream.write(payload.decode("utf-8", "surrogatepass"))
    except BrokenPipeError:
        return 0
    return int(reply.get("exit", 0))


def _ask(data: Path, request: dict) -> tuple[dict, bytes, bytes]:
    with SocketPath(data) as address, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_S)
        sock.connect(address)
        if not peer_is_me(sock):  # a socket put there by another user gets no arguments or environment
            raise ConnectionError("the server runs as another user")
        send_json(sock, request)
        sock.settimeout(ACK_TIMEOUT_S)
        first = recv_json(sock)
        if first.get("status") != "working":
            return first, b"", b""
        sock.settimeout(RESULT_TIMEOUT_S)
        reply = recv_json(sock)
        if reply.get("status") != "done":
            return reply, b"", b""
        return reply, recv_frame(sock), recv_frame(sock)


def _describe(stream) -> dict:
    """What the command's output code asks of a stream: is it a terminal, its encoding."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not hasattr(stream, "buffer"):  # takes any str: the bytes go back through UTF-8 unchanged
        return {"tty": tty, "encoding": "utf-8", "errors": "surrogatepass"}
    return {"tty": tty, "encoding": stream.encoding or "utf-8", "errors": stream.errors or "strict"}


def _terminal_size() -> dict[str, str]:
    """COLUMNS/LINES as rich would find them here (the first of stdin, stdout, stderr that is a
    terminal), for a server whose own streams are not terminals; set ones are kept."""
    for fd in (0, 1, 2):
        try:
            columns, lines = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        size = {"COLUMNS": str(columns), "LINES": str(lines)}
        return {k: v for k, v in size.items() if not os.environ.get(k, "").isdigit()}
    return {}


def start_if_wanted(argv: list[str]) -> None:
    """After a call done here for want of a server: start one in the background for the next
    calls (nothing when the data dir cannot hold its socket)."""
    global _start_for
    data, _start_for = _start_for, None
    if data is None or not os.access(data, os.W_OK | os.X_OK):
        return
    start(data, argv)


def start(data: Path, argv: list[str]) -> int:
    """Start a server for ``data`` in a new session (it warms up by running ``argv`` once,
    output discarded); returns its pid. Its stderr goes to server.log in the data dir."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(data / LOG_NAME), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
    ]
    # -P: the current folder is not put on sys.path (a folder named "search" there must not win)
    args = [sys.executable, "-P", "-m", "briefing.tui.warm_server", str(data), "--", *argv]
    return os.posix_spawn(sys.executable, args, dict(os.environ), file_actions=actions, setsid=True)


def control(data: Path, op: str) -> dict | None:
    """Send ``op`` ("status" or "stop") to the data dir's server; None when none answers."""
    try:
        with SocketPath(data) as address, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT_S)
            sock.connect(address)
            send_json(sock, {"op": op})
            sock.settimeout(ACK_TIMEOUT_S + 3)
            return recv_json(sock)
    except (OSError, ConnectionError, ValueError):
        return None
