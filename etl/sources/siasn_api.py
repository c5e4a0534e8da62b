"""SIASN-style REST API (contracts.md §1, LAMPUNG): OAuth2 client credentials, paginated JSON.

fetch  gets a token, pages through `<base_url>/<endpoint>?periode=P&page=N&pageSize=M` to the last
       page and writes the records exactly as received (the JSON objects, camelCase, one per
       line; re-serialised compactly, keys and values unchanged) into `scratch`. It never returns
       a partial set of pages: any page that cannot be had, or pages that disagree about the
       total, raise SourceError naming the agency, entity, page and cause, and the partial file
       is removed. None (nothing delivered) when the API answers the first page with 404
       {"error": "periode_not_found"} or reports totalItems == 0; any other 404 is an error
       (a wrong URL must not look like an empty month).
read   streams the landed JSON lines and maps the camelCase fields and integer codes to the
       canonical columns (etl.sources.siasn_contract), then etl.canonical.to_canonical;
       `_row` is the record's line number in the file (1-based).

Robustness: the token is refreshed before it expires (`token_refresh_skew`) and again whenever a
page answers 401 (at most `max_attempts` times for one page); 5xx answers, timeouts, dropped
connections, answers cut short and unreadable bodies are retried with exponential backoff (at
most `max_attempts` tries per request); 429 waits as long as Retry-After says (seconds, decimals
accepted, or an HTTP date; at most `max_retry_after`), at most `max_rate_limit_waits` times per
request; the whole fetch gives up after `deadline_seconds`.

Options (config/agencies.yml, `sources[].options`; {sources_dir} and {agency} are filled in):

    base_url             e.g. http://127.0.0.1:8765/apisiasn/1.0 (required)
    token_url            default: <scheme://host:port of base_url>/oauth2/token
    origin_env           name of an environment variable that, when set, replaces the
                         scheme://host:port of base_url and token_url (a simulator on another port)
    endpoints            {entity: path under base_url}; defaults: unit_kerja unor, pegawai pegawai,
                         evaluasi_periodik kinerja-periodik, rhk rhk, predikat_organisasi
                         predikat-organisasi, skm_responden responden, skm_populasi populasi,
                         iku iku, pelatihan rw-diklat, evaluasi_tahunan rw-skp22 (periode=YYYY; its
                         capitalised fields, KuadranKinerjaNilai and PerilakuKerjaNilai, are read in
                         either spelling: siasn_contract.field_value),
                         umpan_balik umpan-balik
    page_size            500
    connect_timeout      5 (seconds)      read_timeout   60 (seconds)
    max_attempts         5 tries per request on 5xx, timeouts and connection errors
    backoff_initial      1.0 (seconds, doubled per retry)   backoff_max 30   backoff_jitter 0.1
    max_rate_limit_waits 20 waits on 429 per request   max_retry_after 300 (a longer wait is an error)
    deadline_seconds     3600 for one fetch
    token_refresh_skew   30 (seconds before expires_in at which the token is renewed)
    token_auth           basic (HTTP Basic, RFC 6749 §2.3.1) or form (id and secret in the form)
    verify               true, or the path of a CA bundle
    rating_codes         {code: DIATAS|SESUAI|DIBAWAH}; default {1: DIATAS, 2: SESUAI, 3: DIBAWAH},
                         the mapping one SIASN-integrated app was observed to use (domain.md §1.2,
                         unconfirmed): set it from the agency's own reference before go-live. An
                         unknown code is passed on as its text (e.g. "9") and quarantined.
    unsur_codes          {unsur code: canonical answer column} for SKM answers; default U1..U9 as
                         in PermenPANRB 14/2017 (persyaratan .. sarana)
    conn_id              an Airflow connection whose login/password are the client id/secret
    client_id_env, client_secret_env   environment variables holding the client id/secret
    credentials_file     a JSON file {"client_id", "client_secret"} (the demo's generated file)

Credentials are taken from the first of conn_id, the environment variables, credentials_file
that yields both values; they never appear in messages or in the landed file.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import requests
from pydantic import BeforeValidator, Field

from etl.canonical import entity as entity_def, normalise_label, to_canonical
from etl.config import Agency, Source, sources_dir
from etl.config import Mapping, Text
from etl.config import Options as ConnectorOptions
from etl.settings import named
from etl.sources import siasn_contract as contract
from etl.sources.delimited import undecodable_line
from etl.sources.errors import SourceError

log = logging.getLogger(__name__)

DEFAULTS = {
    "page_size": 500,
    "connect_timeout": 5.0,
    "read_timeout": 60.0,
    "max_attempts": 5,
    "backoff_initial": 1.0,
    "backoff_max": 30.0,
    "backoff_jitter": 0.1,
    "max_rate_limit_waits": 20,
    "max_retry_after": 300.0,
    "deadline_seconds": 3600.0,
    "token_refresh_skew": 30.0,
    "token_auth": "basic",
    "verify": True,
}


def _lower(value):
    return str(value).lower() if isinstance(value, str) else value


class Options(ConnectorOptions):
    """siasn_api's options (null: the default, DEFAULTS)."""

    base_url: Text = Field(description="the API's base URL ({sources_dir}, {agency} filled in)")
    token_url: Text | None = Field(None, description="the OAuth2 token URL; default: the base URL's origin + TOKEN_PATH")
    origin_env: Text | None = Field(None, description=(
        "name of an environment variable that, when set, replaces scheme://host:port of both URLs"))
    endpoints: Mapping | None = Field(None, description="entity -> path, over the contract's endpoints")
    rating_codes: Mapping | None = Field(None, description="the API's rating code -> canonical label")
    unsur_codes: Mapping | None = Field(None, description="the API's unsur code -> canonical unsur")
    conn_id: Text | None = Field(None, description="an Airflow connection (login, password) with the client credentials")
    client_id_env: Text | None = Field(None, description="name of the environment variable with the client id")
    client_secret_env: Text | None = Field(None, description="name of the environment variable with the client secret")
    credentials_file: Text | None = Field(None, description="a JSON file with client_id and client_secret")
    page_size: int | None = Field(DEFAULTS["page_size"], ge=1, description="records per page")
    connect_timeout: float | None = Field(DEFAULTS["connect_timeout"], gt=0, description="seconds")
    read_timeout: float | None = Field(DEFAULTS["read_timeout"], gt=0, description="seconds")
    max_attempts: int | None = Field(DEFAULTS["max_attempts"], ge=1, description=(
        "per request, on 5xx / timeouts / connection errors"))
    backoff_initial: float | None = Field(DEFAULTS["backoff_initial"], ge=0, description="seconds before the first retry")
    backoff_max: float | None = Field(DEFAULTS["backoff_max"], ge=0, description="longest wait between retries")
    backoff_jitter: float | None = Field(DEFAULTS["backoff_jitter"], ge=0, description="share of random jitter")
    max_rate_limit_waits: int | None = Field(DEFAULTS["max_rate_limit_waits"], ge=0, description="429s per request")
    max_retry_after: float | None = Field(DEFAULTS["max_retry_after"], ge=0, description=(
        "longest Retry-After honoured, seconds"))
    deadline_seconds: float | None = Field(DEFAULTS["deadline_seconds"], gt=0, description="the whole fetch's deadline")
    token_refresh_skew: float | None = Field(DEFAULTS["token_refresh_skew"], ge=0, description=(
        "seconds before expiry a token is renewed"))
    token_auth: Annotated[Literal["basic", "form"], BeforeValidator(_lower)] | None = Field(
        DEFAULTS["token_auth"], description="client credentials in a Basic header or in the form body")
    verify: bool | Text | None = Field(DEFAULTS["verify"], description=(
        "TLS verification: true, false, or a CA bundle's path"))
RETRYABLE_STATUS = {500, 502, 503, 504}


class _Failed(Exception):
    """Why a request could not be completed (turned into SourceError with its context)."""


def _fill(template: str, agency: Agency) -> str:
    return str(template).format(sources_dir=sources_dir(), agency=agency.kode)


def _with_origin(url: str, origin: str | None) -> str:
    if not origin:
        return url
    new, old = urlsplit(origin), urlsplit(url)
    return urlunsplit((new.scheme, new.netloc, old.path, old.query, old.fragment))


def endpoint_for(source: Source, entity: str) -> str:
    endpoints = {e: r.name for e, r in contract.RESOURCES.items()}
    endpoints.update(source.options.get("endpoints") or {})
    try:
        return str(endpoints[entity]).strip("/")
    except KeyError:
        raise KeyError(f"the API connector has no endpoint for {entity}") from None


def rating_codes(source: Source) -> dict[str, str]:
    """Integer rating code (as text) -> canonical rating label."""
    configured = source.options.get("rating_codes") or contract.DEFAULT_RATING_CODES
    return {str(code).strip(): normalise_label("rating", str(label)) for code, label in configured.items()}


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds, also with decimals, or an HTTP date)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


# --------------------------------------------------------------------------- credentials

def _credentials(agency: Agency, source: Source) -> tuple[str, str]:
    options, tried = source.options, []
    conn_id = options.get("conn_id")
    if conn_id:
        tried.append(f"Airflow connection '{conn_id}'")
        try:
            from airflow.sdk import Connection

            conn = Connection.get(str(conn_id))
            if conn.login and conn.password:
                return str(conn.login), str(conn.password)
        except Exception:  # not defined, or Airflow unavailable here: try the next way
            pass
    id_env, secret_env = options.get("client_id_env"), options.get("client_secret_env")
    if id_env or secret_env:
        tried.append(f"environment variables {id_env} and {secret_env}")
        client_id, secret = named(id_env), named(secret_env)
        if client_id and secret:
            return client_id, secret
    if options.get("credentials_file"):
        path = Path(_fill(options["credentials_file"], agency))
        tried.append(f"file {path}")
        try:
            creds = contract.read_credentials(path)
            return creds["client_id"], creds["client_secret"]
        except (OSError, ValueError, KeyError):
            pass
    ways = "; ".join(tried) or "none configured (conn_id, client_id_env/client_secret_env, credentials_file)"
    raise SourceError(f"{agency.kode}: no API client credentials found (tried: {ways})")


# --------------------------------------------------------------------------- the client

class _Client:
    """One fetch's session: token, retries and the deadline."""

    def __init__(self, agency: Agency, source: Source):
        self.agency, self.source = agency, source
        self.opt = {**DEFAULTS, **{k: v for k, v in source.options.items() if v is not None}}
        origin = named(self.opt.get("origin_env"))
        if not self.opt.get("base_url"):
            raise SourceError(f"{agency.kode}: the API source has no base_url option")
        self.base_url = _with_origin(_fill(self.opt["base_url"], agency), origin).rstrip("/")
        parts = urlsplit(self.base_url)
        default_token = urlunsplit((parts.scheme, parts.netloc, contract.TOKEN_PATH, "", ""))
        self.token_url = _with_origin(_fill(self.opt.get("token_url") or default_token, agency), origin)
        self.timeout = (float(self.opt["connect_timeout"]), float(self.opt["read_timeout"]))
        self.deadline = time.monotonic() + float(self.opt["deadline_seconds"])
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        verify = self.opt["verify"]
        self.session.verify = _fill(verify, agency) if isinstance(verify, str) else bool(verify)
        self.token: str | None = None
        self.token_expires = 0.0

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------ waiting
    def _sleep(self, seconds: float, why: str) -> None:
        if time.monotonic() + seconds > self.deadline:
            raise _Failed(f"{why}; waiting {seconds:.1f} s more would pass the deadline of "
                          f"{float(self.opt['deadline_seconds']):.0f} s")
        # the request's path only: no query, no credentials (issue 23: no secret in a log line)
        log.warning("%s API %s: %s; waiting %.1f s before retrying", self.agency.kode,
                    urlsplit(getattr(self, "url", "")).path or "-", why, seconds)
        time.sleep(seconds)

    def _backoff(self, retry: int) -> float:
        delay = min(float(self.opt["backoff_max"]), float(self.opt["backoff_initial"]) * 2 ** (retry - 1))
        jitter = float(self.opt["backoff_jitter"])
        return max(0.0, delay * (1 + random.uniform(-jitter, jitter)))

    def _send(self, method: str, url: str, *, token: bool, **kwargs) -> requests.Response:
        """One request with retries: a response with a final status (2xx, 401 or 4xx), or _Failed."""
        errors = waits = 0
        self.url = url
        while True:
            if time.monotonic() > self.deadline:
                raise _Failed(f"the deadline of {float(self.opt['deadline_seconds']):.0f} s passed")
            headers = {"Authorization": f"Bearer {self.bearer()}"} if token else {}
            cause, asked = None, None
            try:
                response = self.session.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                cause = f"no answer within {self.timeout[1]:g} s (timeout)"
            except requests.ConnectionError as exc:
                cause = f"connection failed ({type(exc).__name__}: {_short(exc)})"
            except requests.RequestException as exc:
                cause = f"request failed ({type(exc).__name__}: {_short(exc)})"
            else:
                if response.status_code == 429:
                    waits += 1
                    asked = retry_after_seconds(response.headers.get("Retry-After"))
                    if waits > int(self.opt["max_rate_limit_waits"]):
                        raise _Failed(f"HTTP 429 Too Many Requests {waits} times in a row "
                                      f"(max_rate_limit_waits {self.opt['max_rate_limit_waits']})")
                    if asked is not None and asked > float(self.opt["max_retry_after"]):
                        raise _Failed(f"HTTP 429 asks to wait {asked:.0f} s, more than max_retry_after "
                                      f"{float(self.opt['max_retry_after']):.0f} s")
                    self._sleep(asked if asked is not None else self._backoff(waits), "HTTP 429")
                    continue
                if response.status_code in RETRYABLE_STATUS:
                    cause = f"HTTP {response.status_code}"
                    asked = retry_after_seconds(response.headers.get("Retry-After"))
                else:
                    return response
            errors += 1
            if errors >= int(self.opt["max_attempts"]):
                raise _Failed(f"{cause}, {errors} attempts (max_attempts {self.opt['max_attempts']})")
            wait = self._backoff(errors)
            if asked is not None:
                wait = min(max(wait, asked), float(self.opt["max_retry_after"]))
            self._sleep(wait, cause)

    # ------------------------------------------------------------------ token
    def bearer(self) -> str:
        if self.token is None or time.monotonic() >= self.token_expires:
            self.refresh_token()
        return self.token

    def refresh_token(self) -> None:
        client_id, secret = _credentials(self.agency, self.source)
        form = {"grant_type": "client_credentials"}
        auth = None
        if str(self.opt["token_auth"]).lower() == "form":
            form.update(client_id=client_id, client_secret=secret)
        else:
            auth = (client_id, secret)
        try:
            response = self._send("POST", self.token_url, token=False, data=form, auth=auth)
        except _Failed as exc:
            raise _Failed(f"token request to {self.token_url}: {exc}") from None
        if response.status_code in (400, 401, 403):
            raise _Failed(f"token request to {self.token_url} refused: HTTP {response.status_code} "
                          f"{_error_code(response)} (check the client credentials)")
        if response.status_code != 200:
            raise _Failed(f"token request to {self.token_url}: HTTP {response.status_code} {_error_code(response)}")
        try:
            body = response.json()
            token, expires_in = str(body["access_token"]), float(body.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise _Failed(f"token request to {self.token_url}: the answer holds no access_token") from None
        skew = min(float(self.opt["token_refresh_skew"]), expires_in / 2)
        self.token, self.token_expires = token, time.monotonic() + expires_in - skew

    # ------------------------------------------------------------------ pages
    def page(self, url: str, params: dict) -> tuple[int, dict | None]:
        """(status, body) of one page: 200 with a checked body, or 404 with its error body."""
        renewals = bad_bodies = 0
        while True:
            response = self._send("GET", url, token=True, params=params)
            # expired or revoked: renew and retry; again if a retry of the page (a cut, a 5xx) used the
            # new token up too, but not endlessly
            if response.status_code == 401 and renewals < int(self.opt["max_attempts"]):
                self.token, renewals = None, renewals + 1
                continue
            if response.status_code == 401:
                raise _Failed(f"HTTP 401 {renewals + 1} times, with a new token each time "
                              "(the client may not read this endpoint)")
            if response.status_code == 404:
                return 404, _json_or_none(response)
            if response.status_code != 200:
                raise _Failed(f"HTTP {response.status_code} {_error_code(response)}")
            try:
                body = json.loads(response.content.decode("utf-8"))
                _check_page(body)
                return 200, body
            except (ValueError, UnicodeDecodeError) as exc:
                bad_bodies += 1
                if bad_bodies >= int(self.opt["max_attempts"]):
                    raise _Failed(f"unreadable answer {bad_bodies} times: {exc}") from None
                self._sleep(self._backoff(bad_bodies), "unreadable answer")


def _check_page(body) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("the answer is not a page (no 'data' list)")
    for key in ("page", "totalPages", "totalItems"):
        if not isinstance(body.get(key), int) or isinstance(body.get(key), bool):
            raise ValueError(f"the page has no integer '{key}'")
    if any(not isinstance(record, dict) for record in body["data"]):
        raise ValueError("a record of the page is not a JSON object")


def _json_or_none(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _error_code(response: requests.Response) -> str:
    body = _json_or_none(response) or {}
    return str(body.get("error") or "").strip()


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."


# --------------------------------------------------------------------------- the interface

def origin(agency: Agency, source: Source, entity: str, period: str) -> str:
    """Where the delivery comes from, for the audit record (the endpoint, not the scratch file)."""
    opt = {**DEFAULTS, **{k: v for k, v in source.options.items() if v is not None}}
    override = named(opt.get("origin_env"))
    base = _with_origin(_fill(opt.get("base_url") or "", agency), override).rstrip("/")
    return f"{base}/{endpoint_for(source, entity)}?periode={period}"


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    endpoint = endpoint_for(source, entity)
    client = _Client(agency, source)
    url = f"{client.base_url}/{endpoint}"
    page_size = int(client.opt["page_size"])
    target = Path(scratch) / f"{endpoint.replace('/', '_')}_{period}.jsonl"
    partial = target.with_name(f".{target.name}.part")
    page, pages, expected, received = 1, None, None, 0
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as out:
            while pages is None or page <= pages:
                status, body = client.page(url, {"periode": period, "page": page, "pageSize": page_size})
                if status == 404:
                    if page == 1 and (body or {}).get("error") == "periode_not_found":
                        return None
                    raise _Failed(f"HTTP 404 {(body or {}).get('error') or ''} (is the endpoint {url} right?)")
                if pages is None:
                    pages, expected = body["totalPages"], body["totalItems"]
                    if expected == 0:
                        return None
                    if pages < 1:
                        raise _Failed(f"the API reports {expected} records on {pages} pages")
                elif (body["totalPages"], body["totalItems"]) != (pages, expected):
                    raise _Failed(f"the totals changed during the pull ({expected} records on {pages} pages, "
                                  f"now {body['totalItems']} on {body['totalPages']}): the data was being updated")
                if body["page"] != page:
                    raise _Failed(f"asked for page {page}, the API answered page {body['page']}")
                if not body["data"]:
                    raise _Failed(f"page {page} of {pages} is empty")
                for record in body["data"]:
                    out.write(contract.dumps(record))
                    out.write("\n")
                received += len(body["data"])
                page += 1
        if received != expected:
            raise _Failed(f"received {received} records on {pages} pages, the API reported {expected}")
        os.replace(partial, target)
        return target
    except _Failed as exc:
        raise SourceError(f"{agency.kode} {entity} {period}: page {page} of {url}: {exc}; "
                          f"nothing was delivered ({received} records of earlier pages discarded)") from None
    finally:
        client.close()
        partial.unlink(missing_ok=True)


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    spec = entity_def(entity)
    resource = contract.RESOURCES.get(entity)
    if resource is None:
        raise SourceError(f"the API connector cannot read {entity}")
    codes = rating_codes(source)
    unsur = {str(k): str(v) for k, v in (source.options.get("unsur_codes") or contract.DEFAULT_UNSUR_CODES).items()}
    fields = [(column, name, kind) for column, (name, kind) in resource.fields.items()]
    rows: list[dict] = []
    numbers: list[int] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line, parse_int=str, parse_float=str)
                except ValueError as exc:
                    raise SourceError(f"{path}: line {number} is not JSON: {exc}") from None
                if not isinstance(record, dict):
                    raise SourceError(f"{path}: line {number} is not a JSON object")
                row = {}
                for column, name, kind in fields:
                    value = contract.decode(contract.field_value(record, name))
                    if kind == contract.RATING and value:
                        value = codes.get(value.strip(), value)
                    row[column] = value
                if resource.answers:
                    row.update(_answers(record.get(contract.ANSWERS_FIELD), unsur, path, number))
                held = next((c for c, v in row.items() if isinstance(v, str) and "\x00" in v), None)
                if held is not None:  # valid JSON (\u0000), but no text column can store it
                    name = next((n for c, n, _ in fields if c == held), contract.ANSWERS_FIELD)
                    raise SourceError(f"{path}: line {number}, field {name}: the value holds NUL characters "
                                      "(\\u0000), which no text column can store")
                rows.append(row)
                numbers.append(number)
                if len(rows) >= chunk_rows:
                    yield _frame(rows, numbers, spec.columns, entity)
                    rows, numbers = [], []
        if rows:
            yield _frame(rows, numbers, spec.columns, entity)
    except UnicodeDecodeError:
        raise SourceError(f"{path}: {undecodable_line(Path(path), 'utf-8')}") from None


def _answers(value, unsur: dict[str, str], path: Path, number: int) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, list) or any(not isinstance(a, dict) or "unsur" not in a for a in value):
        raise SourceError(f"{path}: line {number}: '{contract.ANSWERS_FIELD}' is not a list of {{unsur, nilai}}")
    answers = {}
    for answer in value:
        column = unsur.get(str(answer["unsur"]).strip())
        if column is not None:
            answers[column] = contract.decode(answer.get("nilai"))
    return answers


def _frame(rows: list[dict], numbers: list[int], columns: tuple[str, ...], entity: str) -> pd.DataFrame:
    frame = to_canonical(pd.DataFrame.from_records(rows, columns=list(columns)).fillna(""), entity, numbers[0])
    frame["_row"] = numbers  # the line numbers, also if blank lines were skipped
    return frame
