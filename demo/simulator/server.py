"""A SIASN-style REST API on loopback, serving the files of etl.sources.siasn_contract.

Endpoints (JSON; data endpoints need `Authorization: Bearer <token>`):

    POST /oauth2/token                       grant_type=client_credentials; client id and secret
                                             by HTTP Basic or in the form -> access_token, expires_in
    GET  /apisiasn/1.0/<resource>?periode=P&page=N&pageSize=M
         resources: unor, pegawai, kinerja-periodik, rhk, predikat-organisasi, iku, rw-diklat,
                   rw-skp22 (the annual evaluations: periode=YYYY), umpan-balik
    GET  /skm/api/v1/<resource>?periode=P&page=N&pageSize=M
         resources: responden, populasi
    GET  /health                             no token needed

A data page is {"data": [...], "page", "pageSize", "totalPages", "totalItems"}; a page past the
end has no data. A period without a data file is 404 {"error": "periode_not_found"}; an unknown
route is 404 {"error": "endpoint_not_found"}. An expired or unknown token is 401
{"error": "invalid_token"}.

Faults are injected deterministically by a `Faults` plan (rate limits with Retry-After, 5xx on
chosen pages or at a seeded rate, stalls past the client's timeout, dropped connections, pages
whose answer breaks off halfway, tokens that expire after a time or a number of uses, a server
that stops itself mid-run), so tests of the connector are reproducible. A running simulator can
be given another plan for a while (`SimulatorHandle.inject`), so one simulator serves a clean run
and a stormy one.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import logging
import math
import os
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from demo.simulator import files
from etl.sources import siasn_contract as contract

log = logging.getLogger("demo.simulator")

MAX_PAGE_SIZE = 1000


@dataclass
class Faults:
    """What goes wrong, and when. Counting is over data requests (token requests apart), in order
    of arrival; page-keyed faults count the requests for that page number."""

    token_ttl: float = 3600.0  # seconds a token lives (expires_in)
    token_max_uses: int | None = None  # a token becomes invalid after this many data requests
    token_failures: int = 0  # the first N token requests answer 503
    retry_after: str = "1"  # Retry-After header sent with 429 (and with 5xx when retry_after_on_5xx)
    rate_limit_first: int = 0  # the first N data requests answer 429 (a storm)
    rate_limit_every: int = 0  # every Nth data request answers 429
    error_status: int = 503  # the status of injected server errors
    fail_first: int = 0  # the first N data requests answer error_status (a burst)
    fail_pages: dict[int, int] = field(default_factory=dict)  # page -> answer error_status this many times
    error_rate: float = 0.0  # share of data requests answering error_status, drawn from Random(seed)
    seed: int = 0
    retry_after_on_5xx: bool = False
    stall_pages: dict[int, int] = field(default_factory=dict)  # page -> stall this many times
    stall_seconds: float = 2.0  # how long a stalled answer waits (longer than the client's timeout)
    drop_pages: dict[int, int] = field(default_factory=dict)  # page -> close without answering, N times
    # page -> answer 200 with the whole page's Content-Length, send half of it and close, N times
    # (the connection cut mid-page: the client holds half a page it must not take for the page)
    cut_pages: dict[int, int] = field(default_factory=dict)
    delay: float = 0.0  # seconds every data answer waits (e.g. to let a short-lived token expire)
    stop_after: int | None = None  # the server stops itself after answering this many data requests

    @classmethod
    def from_kwargs(cls, **kwargs) -> Faults:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise TypeError(f"unknown fault setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        plan = cls(**kwargs)
        for name in ("fail_pages", "stall_pages", "drop_pages", "cut_pages"):  # keys may arrive as text (JSON, CLI)
            setattr(plan, name, {int(k): int(v) for k, v in getattr(plan, name).items()})
        return plan


class _State:
    """Tokens, fault counters and what happened, shared by the handler threads."""

    def __init__(self, data_dir: Path, faults: Faults):
        self.data_dir = Path(data_dir).resolve()
        self.faults = faults
        self.lock = threading.Lock()
        self.tokens: dict[str, dict] = {}  # token -> {"agency", "expires", "uses"}
        self.clients: dict[str, tuple[str, str]] = {}  # client id -> (agency, secret)
        self.stats: Counter = Counter()
        self.requests: list[dict] = []  # method, path, page, status (the last 10,000)
        self.page_hits: Counter = Counter()
        self.random = random.Random(faults.seed)
        self.index_cache: dict[tuple, tuple[list[int], int]] = {}
        self.stop_callback = None
        self.load_clients()

    def load_clients(self) -> None:
        """Read (and create where missing) the credentials of every agency with API files."""
        clients = {}
        if self.data_dir.is_dir():
            for agency_dir in sorted(p for p in self.data_dir.iterdir() if (p / "api").is_dir()):
                creds = files.ensure_credentials(self.data_dir, agency_dir.name)
                clients[creds["client_id"]] = (agency_dir.name, creds["client_secret"])
        with self.lock:
            self.clients = clients

    def record(self, method: str, path: str, page: int | None, status: int, **more) -> None:
        with self.lock:
            self.stats[f"status_{status}"] += 1
            self.requests.append({"method": method, "path": path, "page": page, "status": status, **more})
            del self.requests[:-10_000]

    def swap(self, faults: Faults) -> Faults:
        """Put another fault plan in force; the counters (stats, requests, pages, token requests)
        start again from zero with it. Returns the plan it replaced."""
        with self.lock:
            previous, self.faults = self.faults, faults
            self.stats = Counter()
            self.requests = []
            self.page_hits = Counter()
            self.random = random.Random(faults.seed)
        return previous

    def page_index(self, path: Path, page_size: int) -> tuple[list[int], int]:
        """Byte offsets where each page starts, and the number of records (cached per file version)."""
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, page_size)
        with self.lock:
            cached = self.index_cache.get(key)
        if cached:
            return cached
        offsets, count, position = [], 0, 0
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    if count % page_size == 0:
                        offsets.append(position)
                    count += 1
                position += len(line)
        with self.lock:
            if len(self.index_cache) > 256:
                self.index_cache.clear()
            self.index_cache[key] = (offsets, count)
        return offsets, count


def _page_lines(path: Path, offset: int, page_size: int) -> list[str]:
    lines = []
    with open(path, "rb") as fh:
        fh.seek(offset)
        for line in fh:
            if not line.strip():
                continue
            lines.append(line.decode("utf-8").rstrip("\r\n"))
            if len(lines) == page_size:
                break
    return lines


class _Handler(BaseHTTPRequestHandler):
    server_version = "SiasnSimulator/1.0"
    protocol_version = "HTTP/1.0"  # one request per connection: a stopped server answers nothing more
    state: _State  # set on the subclass made per server

    def log_message(self, format, *args):  # the base class's signature
        log.debug("%s - %s", self.address_string(), format % args)

    # ----------------------------------------------------------------- plumbing
    def _send(self, status: int, body: bytes, headers: dict | None = None, *, page: int | None = None) -> None:
        self.state.record(self.command, urlsplit(self.path).path, page, status)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its timeout)
            pass

    def _json(self, status: int, payload: dict, headers: dict | None = None, *, page: int | None = None) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), headers, page=page)

    # ----------------------------------------------------------------- routes
    def do_GET(self):  # http.server's naming
        url = urlsplit(self.path)
        if url.path == contract.HEALTH_PATH:
            return self._json(200, {"status": "ok", "pid": os.getpid(), "dataDir": str(self.state.data_dir)})
        for prefix, api in contract.ROUTES.items():
            if url.path.startswith(prefix):
                return self._data(api, url.path[len(prefix):].strip("/"), parse_qs(url.query))
        self._json(404, {"error": "endpoint_not_found", "message": f"no endpoint {url.path}"})

    def do_POST(self):
        if urlsplit(self.path).path == contract.TOKEN_PATH:
            return self._token()
        self._json(404, {"error": "endpoint_not_found"})

    def _token(self):
        state = self.state
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()}
        with state.lock:
            state.stats["token_requests"] += 1
            failing = state.stats["token_requests"] <= state.faults.token_failures
        if failing:
            return self._json(503, {"error": "temporarily_unavailable"})
        if form.get("grant_type") != "client_credentials":
            return self._json(400, {"error": "unsupported_grant_type"})
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode("utf-8")
                client_id, _, secret = decoded.partition(":")
                client_id, secret = unquote(client_id), unquote(secret)
            except (ValueError, UnicodeDecodeError):
                client_id = secret = None
        known = state.clients.get(client_id or "")
        if known is None and client_id:
            state.load_clients()  # an agency's files may have been written after the start
            known = state.clients.get(client_id)
        if known is None or not hmac.compare_digest((secret or "").encode(), known[1].encode()):
            return self._json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="siasn"'})
        token = secrets.token_urlsafe(24)
        with state.lock:
            now = time.monotonic()
            state.tokens = {k: v for k, v in state.tokens.items() if v["expires"] > now}
            state.tokens[token] = {"agency": known[0], "expires": now + state.faults.token_ttl, "uses": 0}
            state.stats["tokens_issued"] += 1
        expires_in = state.faults.token_ttl
        self._json(200, {"access_token": token, "token_type": "Bearer",
                         "expires_in": int(expires_in) if float(expires_in).is_integer() else expires_in})

    def _data(self, api: str, resource: str, query: dict):
        state, faults = self.state, self.state.faults
        try:
            page = int(query.get("page", ["1"])[0])
            page_size = int(query.get("pageSize", ["100"])[0])
        except ValueError:
            return self._json(400, {"error": "invalid_request", "message": "page and pageSize must be integers"})
        with state.lock:
            state.stats["data_requests"] += 1
            n = state.stats["data_requests"]
            state.page_hits[page] += 1
            hits = state.page_hits[page]
            draw = state.random.random() if faults.error_rate else 1.0
        if faults.stop_after is not None and n > faults.stop_after:  # stopping: answer nothing more
            state.record("GET", urlsplit(self.path).path, page, 0)
            self.close_connection = True
            return None
        # gateway faults first, as an API manager in front of the service would
        if hits <= faults.drop_pages.get(page, 0):
            state.record("GET", urlsplit(self.path).path, page, 0)
            self.close_connection = True
            return None
        if hits <= faults.stall_pages.get(page, 0):
            time.sleep(faults.stall_seconds)
            return self._json(504, {"error": "gateway_timeout"}, page=page)
        if n <= faults.rate_limit_first or (faults.rate_limit_every and n % faults.rate_limit_every == 0):
            return self._json(429, {"error": "too_many_requests"}, {"Retry-After": faults.retry_after}, page=page)
        if n <= faults.fail_first or hits <= faults.fail_pages.get(page, 0) or draw < faults.error_rate:
            headers = {"Retry-After": faults.retry_after} if faults.retry_after_on_5xx else None
            return self._json(faults.error_status, {"error": "server_error"}, headers, page=page)
        agency = self._authorised()
        if agency is None:
            return self._json(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                              page=page)
        if faults.delay:
            time.sleep(faults.delay)
        self._serve_page(api, resource, agency, query, page, page_size, cut=hits <= faults.cut_pages.get(page, 0))
        if faults.stop_after is not None and n >= faults.stop_after and state.stop_callback:
            threading.Thread(target=state.stop_callback, daemon=True).start()
        return None

    def _authorised(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        token = auth[7:].strip()
        state = self.state
        with state.lock:
            info = state.tokens.get(token)
            if info is None or info["expires"] <= time.monotonic():
                return None
            limit = state.faults.token_max_uses
            if limit is not None and info["uses"] >= limit:
                return None
            info["uses"] += 1
            return info["agency"]

    def _serve_page(self, api: str, resource: str, agency: str, query: dict, page: int, page_size: int,
                    cut: bool = False) -> None:
        known = {r.name for r in contract.RESOURCES.values() if r.api == api}
        if resource not in known:
            return self._json(404, {"error": "endpoint_not_found", "message": f"no resource {resource}"}, page=page)
        period = query.get("periode", [""])[0]
        if not contract.PERIOD_RE.match(period):
            return self._json(400, {"error": "invalid_request", "message": "periode must be YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY"},
                              page=page)
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            return self._json(400, {"error": "invalid_request",
                                    "message": f"page >= 1 and 1 <= pageSize <= {MAX_PAGE_SIZE}"}, page=page)
        path = files.data_file(self.state.data_dir, agency, api, resource, period)
        if not path.is_file():
            return self._json(404, {"error": "periode_not_found", "message": f"no {resource} for periode {period}"},
                              page=page)
        offsets, total = self.state.page_index(path, page_size)
        lines = _page_lines(path, offsets[page - 1], page_size) if page <= len(offsets) else []
        head = json.dumps({"page": page, "pageSize": page_size, "totalPages": math.ceil(total / page_size),
                           "totalItems": total})
        body = '{"data":[' + ",".join(lines) + "]," + head[1:]
        if cut:
            return self._cut(body.encode("utf-8"), page)
        self._send(200, body.encode("utf-8"), page=page)

    def _cut(self, body: bytes, page: int) -> None:
        """The page's answer breaks off halfway: headers promise the whole body, half of it comes,
        then the connection closes (recorded as status 0, cut)."""
        self.state.record(self.command, urlsplit(self.path).path, page, 0, cut=True)
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class SimulatorHandle:
    """A running simulator: `.url` (http://host:port), `.stats`, `.requests`, `.stop()`."""

    def __init__(self, server: ThreadingHTTPServer, state: _State, thread: threading.Thread | None):
        self._server, self._state, self._thread = server, state, thread
        host, port = server.server_address[:2]
        self.host, self.port = host, port
        self.url = f"http://{host}:{port}"
        self._stopped = threading.Event()
        self._stop_lock = threading.Lock()

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def stats(self) -> Counter:
        return self._state.stats

    @property
    def requests(self) -> list[dict]:
        return self._state.requests

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    @contextlib.contextmanager
    def inject(self, **faults) -> Iterator[SimulatorHandle]:
        """Serve with this fault plan (keyword arguments as for start_background) inside the block,
        and with the plan it had before after it. Counters start from zero at both ends."""
        previous = self._state.swap(Faults.from_kwargs(**faults))
        try:
            yield self
        finally:
            self._state.swap(previous)

    def stop(self) -> None:
        """Stop serving and close the listening socket (later connections are refused)."""
        with self._stop_lock:
            if self._stopped.is_set():
                return
            self._server.shutdown()
            self._server.server_close()
            self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    """Also notices agencies whose files appear (or are rewritten) while it runs, and gives them
    credentials, so a demo world written after the start is served without a restart."""

    daemon_threads = True
    block_on_close = False
    rescan_seconds = 2.0

    def __init__(self, address, handler, state: _State):
        super().__init__(address, handler)
        self.state = state
        self._scanned = time.monotonic()

    def service_actions(self):  # serve_forever calls it on every poll
        if time.monotonic() - self._scanned >= self.rescan_seconds:
            self._scanned = time.monotonic()
            try:
                self.state.load_clients()
            except (OSError, ValueError, KeyError) as exc:
                log.warning("cannot read the agencies' credentials: %s", exc)


def make_server(data_dir: Path, host: str = "127.0.0.1", port: int = 0, faults: Faults | None = None):
    state = _State(Path(data_dir), faults or Faults())
    handler = type("SimulatorHandler", (_Handler,), {"state": state})
    server = _Server((host, port), handler, state)
    return server, state


def start_background(data_dir: Path, host: str = "127.0.0.1", port: int = 0, **faults) -> SimulatorHandle:
    """Serve `data_dir` (the sources folder) from a background thread; port 0 picks a free port.

    Keyword arguments are a Faults plan (e.g. rate_limit_first=5, retry_after="0.2",
    fail_pages={3: 2}, token_max_uses=2). Stop it with `.stop()` or use it as a context manager."""
    server, state = make_server(data_dir, host, port, Faults.from_kwargs(**faults))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="siasn-simulator", daemon=True)
    handle = SimulatorHandle(server, state, thread)
    state.stop_callback = handle.stop
    thread.start()
    return handle
