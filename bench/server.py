"""Start a WSGI app under gunicorn exactly as production runs it, for a benchmark.

``serve`` is a context manager: it starts gunicorn with the settings `make run`
uses (sync workers, 2 by default, 120 s timeout) on a free loopback port,
waits until the port answers, yields the base URL and the master's pid, and
stops every process on exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


#: The environment production gives gunicorn (`make run`, the README's deployment):
#: docstrings and asserts left out of the loaded code, about 4 MB less per worker.
PRODUCTION_ENV = {"PYTHONOPTIMIZE": "2"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def worker_pids(self) -> list[int]:
        """The pids of the gunicorn workers (children of the master)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker, in MiB (VmRSS from /proc)."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes


def stop_process_group(process: subprocess.Popen, *, timeout: float) -> None:
    """SIGTERM the process group ``process`` leads (started with a new session), then
    SIGKILL it if it has not ended within ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def serve(app: str = "wsgi:app", *, env: dict[str, str] | None = None, workers: int = 2,
          cwd: Path = ROOT, log: Path | None = None, ready_path: str = "/",
          start_timeout: float = 60) -> Iterator[Server]:
    """Run ``gunicorn app`` on a free port; yield a ``Server`` once it answers."""
    port = free_port()
    command = [GUNICORN, "--workers", str(workers), "--timeout", "120",
               "--bind", f"127.0.0.1:{port}", app]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    environment = {**os.environ, **PRODUCTION_ENV, **(env or {})}
    process = subprocess.Popen(command, cwd=cwd, env=environment,  # noqa: S603
                               stdout=out, stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + start_timeout
        url = f"http://127.0.0.1:{port}"
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} exited with {process.returncode}"
                                   + (f"; see {log}" if log else ""))
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app} did not answer within {start_timeout} s")
            time.sleep(0.1)
        server = Server(url=url, pid=process.pid)
        # wait until every worker is up, so the first measured second is not a start-up
        while len(server.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        stop_process_group(process, timeout=15)
        if log:
            out.close()
