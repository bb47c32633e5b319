"""What the warm search server and its clients share: where the socket is, how messages are
framed, and the fingerprint of the code (a server only answers clients running the same code).

Standard library only: the client imports this on every ``briefing search``.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
from pathlib import Path

SOCKET_NAME = "server.sock"
LOCK_NAME = "server.lock"  # held by the live server for its whole life
LOG_NAME = "server.log"  # the server's stderr (a crash, a traceback)
NO_SERVER_ENV = "BRIEFING_NO_SERVER"  # "1": never use or start the server
IDLE_ENV = "BRIEFING_SERVER_IDLE"  # seconds without a request before the server exits
DEFAULT_IDLE_S = 600.0
PROTOCOL = 1
MAX_FRAME = 256 * 1024 * 1024
# AF_UNIX paths are limited to ~107 bytes; longer ones are reached through /proc/self/fd
_MAX_SUN_PATH = 100


def server_disabled(argv: list[str] | None = None) -> bool:
    """``$BRIEFING_NO_SERVER`` set (not "" or "0"), or ``--no-server`` among the arguments."""
    if os.environ.get(NO_SERVER_ENV, "") not in ("", "0"):
        return True
    return argv is not None and "--no-server" in argv


def idle_seconds() -> float:
    try:
        return max(0.5, float(os.environ.get(IDLE_ENV, "")))
    except ValueError:
        return DEFAULT_IDLE_S


class SocketPath:
    """The server socket of a data dir, as an address ``bind``/``connect`` accept (a path too
    long for AF_UNIX goes through an open descriptor of the data dir)."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(os.path.abspath(data_dir))
        self.path = self.data_dir / SOCKET_NAME
        self._dir_fd: int | None = None

    def __enter__(self) -> str:
        if len(os.fsencode(self.path)) <= _MAX_SUN_PATH:
            return str(self.path)
        if not os.path.isdir("/proc/self/fd"):
            raise OSError(f"socket path too long: {self.path}")
        self._dir_fd = os.open(self.data_dir, os.O_RDONLY | os.O_DIRECTORY)
        return f"/proc/self/fd/{self._dir_fd}/{SOCKET_NAME}"

    def __exit__(self, *exc) -> None:
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None


def peer_is_me(sock: socket.socket) -> bool:
    """The process at the other end of a Unix socket runs as this user (where the system says)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return uid == os.getuid()


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">I", len(payload)) + payload)


def recv_frame(sock: socket.socket) -> bytes:
    """One frame; raises ConnectionError when the peer closed or sent nonsense."""
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    if size > MAX_FRAME:
        raise ConnectionError(f"frame of {size} bytes refused")
    return _recv_exact(sock, size)


def send_json(sock: socket.socket, data: dict) -> None:
    send_frame(sock, json.dumps(data).encode("utf-8"))  # ASCII: lone surrogates survive as \udcXX


def recv_json(sock: socket.socket) -> dict:
    try:
        data = json.loads(recv_frame(sock))
    except ValueError:
        raise ConnectionError("malformed message") from None
    if not isinstance(data, dict):
        raise ConnectionError("malformed message")
    return data


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks += chunk
    return bytes(chunks)


def code_fingerprint() -> str:
    """The interpreter, the package version and the place, count and newest change of this
    checkout's Python files: a server started from other code (an upgrade, an edit, another
    PYTHONPATH) is stale."""
    from briefing.search import __version__

    root = Path(__file__).resolve().parent.parent
    newest, count = 0, 0
    for package in ("search", "tui"):
        stack = [root / package]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        stack.append(Path(entry.path))
                    elif entry.name.endswith(".py"):
                        newest = max(newest, entry.stat().st_mtime_ns)
                        count += 1
    return f"{PROTOCOL}|{__version__}|{sys.executable}|{root}|{count}|{newest}"
