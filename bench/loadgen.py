"""Drive an HTTP server with wrk (Debian's package) and read back its figures.

One function, ``measure``, runs wrk against one URL and returns requests per
second, latency percentiles and the count of non-2xx/3xx answers. Requests can
carry one of several cookies (signed-in sessions of different people), rotated
per request inside every wrk thread, and can be POSTs with a form body.

The Lua script wrk runs is written to a temporary file for each call; its
``done`` hook prints one JSON line that this module parses, so nothing depends
on wrk's human-readable output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

WRK = "wrk"

_SCRIPT = r"""
local cookies = {}
local bodies = {}
local paths = {}
local method = "%(method)s"
local path = "%(path)s"
local ctype = "%(ctype)s"
local counter = 0

function init(args)
  local f = io.open("%(cookie_file)s", "r")
  if f then
    for line in f:lines() do
      if line ~= "" then
        -- cookie, then optionally a tab and the body, then optionally a tab and the path
        local fields = {}
        local start = 1
        while true do
          local tab = string.find(line, "\t", start, true)
          if not tab then
            table.insert(fields, string.sub(line, start))
            break
          end
          table.insert(fields, string.sub(line, start, tab - 1))
          start = tab + 1
        end
        table.insert(cookies, fields[1])
        table.insert(bodies, fields[2] or "")
        local own = fields[3] or ""
        if own == "" then own = path end
        table.insert(paths, own)
      end
    end
    f:close()
  end
  -- every thread starts at a different place in the list
  counter = math.random(0, math.max(#cookies - 1, 0))
end

function request()
  local headers = {}
  headers["Accept-Encoding"] = "%(encoding)s"
  local body = nil
  local target = path
  if #cookies > 0 then
    counter = counter + 1
    local i = (counter %% #cookies) + 1
    headers["Cookie"] = cookies[i]
    target = paths[i]
    if method == "POST" then
      body = bodies[i]
      headers["Content-Type"] = ctype
    end
  end
  return wrk.format(method, target, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\nWRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"non2xx": %%d, "connect_errors": %%d, "read_errors": %%d, "write_errors": %%d, ' ..
    '"timeouts": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"mean_us": %%.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.status,
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class Result:
    """What one wrk run measured."""

    url: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    bytes_per_response: float
    #: Of the socket errors, requests that got no answer within the timeout.
    timeouts: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def available() -> bool:
    """True when the wrk program is on PATH."""
    return shutil.which(WRK) is not None


def measure(url: str, *, cookies: list[str] | None = None, bodies: list[str] | None = None,
            paths: list[str] | None = None, method: str = "GET",
            content_type: str = "application/x-www-form-urlencoded",
            connections: int = 50, threads: int = 2, seconds: float = 10,
            accept_encoding: str = "gzip, deflate, br", timeout_s: int = 5) -> Result:
    """Run wrk against ``url`` and return its figures.

    ``cookies`` are whole Cookie header values, used in turn; ``bodies`` (for a
    POST) are the request bodies, one per cookie (a CSRF token belongs to its
    session). ``paths``, one per cookie, replace the path of ``url`` for that
    cookie's requests (a quiz attempt belongs to one learner). ``accept_encoding``
    is sent on every request, as a browser does.
    """
    if not available():
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    cookies = cookies or []
    if bodies is not None and len(bodies) != len(cookies):
        raise ValueError("bodies must pair with cookies one to one")
    if paths is not None and len(paths) != len(cookies):
        raise ValueError("paths must pair with cookies one to one")
    if any("\t" in c or "\n" in c for c in cookies):
        raise ValueError("a cookie value cannot hold a tab or a newline")
    base, _, rest = url.partition("://")
    host_and_path = rest.split("/", 1)
    path = "/" + (host_and_path[1] if len(host_and_path) > 1 else "")
    with tempfile.TemporaryDirectory(prefix="elearn-wrk-") as tmp:
        cookie_file = Path(tmp) / "cookies.tsv"
        if any("\t" in v or "\n" in v for v in (bodies or []) + (paths or [])):
            raise ValueError("a body or path cannot hold a tab or a newline")
        lines = [c if bodies is None and paths is None else f"{c}\t{b or ''}\t{p or ''}"
                 for c, b, p in zip(cookies, bodies or [None] * len(cookies),
                                    paths or [None] * len(cookies), strict=True)]
        cookie_file.write_text("\n".join(lines) + "\n")
        script = Path(tmp) / "script.lua"
        script.write_text(_SCRIPT % {
            "method": method, "path": path.replace('"', '\\"'), "ctype": content_type,
            "cookie_file": str(cookie_file), "encoding": accept_encoding,
        })
        command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                   f"--timeout={timeout_s}s", "-s", str(script), f"{base}://{host_and_path[0]}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False,  # noqa: S603
                              timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    elapsed = raw["duration_us"] / 1e6
    requests = raw["requests"]
    return Result(
        url=url, connections=connections, seconds=round(elapsed, 2), requests=requests,
        rps=round(requests / elapsed, 1) if elapsed else 0.0,
        p50_ms=raw["p50_us"] / 1000, p90_ms=raw["p90_us"] / 1000, p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000, non2xx=raw["non2xx"],
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"]
        + raw["timeouts"],
        bytes_per_response=round(raw["bytes"] / requests, 1) if requests else 0.0,
        timeouts=raw["timeouts"],
    )
