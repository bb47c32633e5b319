"""The warm search server: one background process per data dir that keeps the Korean analyser
(and every import) loaded, so ``briefing search`` answers in a fraction of a second.

``python -m briefing.tui.warm_server DATA_DIR -- ARGV`` (started by tui/warm_client.py): takes the data
dir's server.lock (a second server exits at once), runs ARGV once to warm up (output dropped),
then listens on ``DATA_DIR/server.sock`` (mode 0600: only its owner can connect). Each call is
run by the CLI's own code (briefing.tui.cli.run) with the client's arguments, folder, environment and
terminal facts, on a fresh Engine, so the index as it is now on disk is searched. It declines
(the client then works itself) a call that would have to update the index, another data dir,
or a command it does not serve; it exits after $BRIEFING_SERVER_IDLE seconds without a call
(600 by default), on ``briefing server stop``, when its socket is removed or replaced, and when
a client runs other code (an upgrade or an edit) or another gazetteer (Kiwi keeps its words).
No Textual here.
"""

from __future__ import annotations

import fcntl
import io
import os
import signal
import socket
import sys
import time
from pathlib import Path

from briefing.tui.warm_link import (
    LOCK_NAME,
    PROTOCOL,
    SocketPath,
    code_fingerprint,
    idle_seconds,
    peer_is_me,
    recv_json,
    send_frame,
    send_json,
)


class Declined(Exception):
    """This call is done by the client itself (why: the message)."""


class Stale(Exception):
    """This server cannot serve this client any more: it exits."""


class Server:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(os.path.abspath(data_dir))
        self.fingerprint = code_fingerprint()
        self.started = time.time()
        self.served = 0
        self.gazetteer: tuple | None = None  # the one Kiwi was given words from
        self._configs: dict = {}

    # --- one call ---------------------------------------------------------------------
    def run(self, request: dict) -> tuple[int, bytes, bytes]:
        """Run the call as the CLI would in the client's process; raises Declined or Stale."""
        from briefing.tui.warm_client import SERVED

        argv = [str(a) for a in request["argv"]]
        out, err = (_Captured(**s) for s in request["streams"])
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        saved_streams = sys.stdin, sys.stdout, sys.stderr
        try:
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update({str(k): str(v) for k, v in request["env"].items()})
            sys.stdin, sys.stdout, sys.stderr = io.StringIO(), out, err
            code = self._run_cli(argv, SERVED)
        except OSError as exc:
            raise Declined(f"cannot take the client's folder: {exc}") from None
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)
        return code, out.value(), err.value()

    def _run_cli(self, argv: list[str], served: tuple[str, ...]) -> int:
        from briefing.tui import cli

        server = self

        class WarmContext(cli.Context):
            """The client's context, with a cached config and the checks a server needs."""

            def __init__(self, args):
                if args.command not in served or getattr(args, "no_server", False):
                    raise Declined(f"{args.command!r} is not served")
                super().__init__(args)

            def load_config(self):
                return server.config(self.args.config)

            def make_engine(self):
                return server.engine(self.config, self.data_dir)

        ctx_holder: list = []

        def make_context(args):
            ctx = WarmContext(args)
            ctx_holder.append(ctx)
            return ctx

        try:
            return cli.run(argv, make_context=make_context)
        except SystemExit as exc:  # argparse: --help, a usage error
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        finally:
            for ctx in ctx_holder:
                if "engine" in ctx.__dict__:
                    ctx.engine.close()

    def config(self, path):
        """load_config, cached by what it reads: the files (by size and time), the folder
        relative corpus paths start from, and $HOME."""
        from briefing.search.config import load_config, user_config_path
        from briefing.search.resources import default_config_path

        override = Path(path) if path else user_config_path()
        key = (_stat_key(default_config_path()), str(override.absolute()), _stat_key(override),
               os.getcwd(), os.environ.get("HOME"))
        config = self._configs.get(key)
        if config is None:
            config = load_config(path)
            self._configs = {key: config}
        return config

    def engine(self, config, data_dir: Path):
        from briefing.search.engine import Engine

        if not os.path.samefile(data_dir, self.data_dir) if data_dir.exists() else True:
            raise Declined(f"another data dir: {data_dir}")
        gazetteer = tuple(config.gazetteer)
        if self.gazetteer is None:
            self.gazetteer = gazetteer
        elif gazetteer != self.gazetteer:
            raise Stale("another gazetteer (Kiwi holds the old one's words)")
        engine = Engine(config, data_dir)
        try:
            if engine.needs_update():
                raise Declined("the index needs an update")
        except Exception:
            engine.close()
            raise
        return engine

    # --- the loop -----------------------------------------------------------------------
    def listen(self) -> None:
        idle_limit = idle_seconds()
        with SocketPath(self.data_dir) as address, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                os.unlink(address)  # left by a server that died (we hold the lock: none is alive)
            except FileNotFoundError:
                pass
            old_umask = os.umask(0o177)
            try:
                sock.bind(address)
            finally:
                os.umask(old_umask)
            os.chmod(address, 0o600)
            inode = os.stat(address).st_ino
            sock.listen(16)
            sock.settimeout(1.0)
            last = time.monotonic()
            try:
                while True:
                    try:
                        conn, _ = sock.accept()
                    except TimeoutError:
                        if time.monotonic() - last > idle_limit or not _still_ours(address, inode):
                            return
                        continue
                    with conn:
                        if not self.answer(conn):
                            return
                    last = time.monotonic()
            finally:
                if _still_ours(address, inode):
                    os.unlink(address)

    def answer(self, conn: socket.socket) -> bool:
        """Handle one connection; False when the server must exit."""
        try:
            conn.settimeout(5.0)
            if not peer_is_me(conn):  # the socket's mode says so already; checked again
                return True
            request = recv_json(conn)
            op = request.get("op")
            if op == "stop":
                send_json(conn, {"status": "stopping", "pid": os.getpid()})
                return False
            if op == "status":
                send_json(conn, self.status())
                return True
            if op != "run" or request.get("code") != self.fingerprint:
                send_json(conn, {"status": "stale"})
                return False
            send_json(conn, {"status": "working"})
            conn.settimeout(60.0)
            try:
                code, out, err = self.run(request)
            except Declined as exc:
                send_json(conn, {"status": "declined", "why": str(exc)})
                return True
            except Stale as exc:
                send_json(conn, {"status": "stale", "why": str(exc)})
                return False
            except Exception as exc:  # noqa: BLE001  a bug: the client runs it itself (and shows the traceback)
                print(f"briefing server: {type(exc).__name__}: {exc}", file=sys.stderr)
                send_json(conn, {"status": "declined", "why": f"{type(exc).__name__}: {exc}"})
                return True
            self.served += 1
            send_json(conn, {"status": "done", "exit": code})
            send_frame(conn, out)
            send_frame(conn, err)
        except (OSError, ConnectionError, KeyError, TypeError, ValueError):
            pass  # the client gave up or sent nonsense: it does the work itself
        return True

    def status(self) -> dict:
        return {"status": "running", "pid": os.getpid(), "data_dir": str(self.data_dir), "protocol": PROTOCOL,
                "started": self.started, "served": self.served, "idle_limit_s": idle_seconds()}


class _Captured(io.TextIOWrapper):
    """A client's stdout or stderr: same encoding, error handling and terminal answer."""

    def __init__(self, tty: bool, encoding: str, errors: str):
        self._bytes = io.BytesIO()
        super().__init__(self._bytes, encoding=encoding, errors=errors, write_through=True)
        self._tty = bool(tty)

    def isatty(self) -> bool:
        return self._tty

    def value(self) -> bytes:
        self.flush()
        return self._bytes.getvalue()


def _stat_key(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _still_ours(address: str, inode: int) -> bool:
    try:
        return os.stat(address).st_ino == inode
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[1] != "--":
        print("usage: python -m briefing.tui.warm_server DATA_DIR -- BRIEFING-ARGS", file=sys.stderr)
        return 2
    data_dir, warm_argv = Path(args[0]), args[2:]
    try:
        lock = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server holds the data dir (or it cannot hold one)
    os.ftruncate(lock, 0)
    os.write(lock, f"{os.getpid()}\n".encode())  # who holds it (tests and `kill` find the server)
    try:
        os.ftruncate(2, 0)  # the log holds this server's life only
    except OSError:
        pass
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unlink the socket on the way out
    server = Server(data_dir)
    streams = [{"tty": False, "encoding": "utf-8", "errors": "strict"}] * 2
    try:  # warm up: the imports, the config, Kiwi, the copies, with the first client's call
        server.run({"argv": warm_argv, "cwd": os.getcwd(), "env": dict(os.environ), "streams": streams})
    except (Declined, Stale):
        pass
    from briefing.search.language.kiwi import warm_up

    warm_up()
    server.listen()
    os.close(lock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
