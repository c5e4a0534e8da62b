"""Where the demo world keeps what its API serves, under the sources folder (`out` of the writer
demo.synth.writers.siasn_api, `--data` of the simulator):

    <out>/<AGENCY>/api/credentials.json                     demo client credentials (generated)
    <out>/<AGENCY>/api/<api>/<resource>/<period>.jsonl      one record per line, as served

`<api>` is "siasn" or "skm" (etl.sources.siasn_contract.ROUTES: the route prefix it is served under).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from etl.sources.siasn_contract import read_credentials


def api_dir(out: Path, agency_kode: str) -> Path:
    return Path(out) / agency_kode / "api"


def data_file(out: Path, agency_kode: str, api: str, resource: str, period: str) -> Path:
    return api_dir(out, agency_kode) / api / resource / f"{period}.jsonl"


def credentials_file(out: Path, agency_kode: str) -> Path:
    return api_dir(out, agency_kode) / "credentials.json"


def ensure_credentials(out: Path, agency_kode: str) -> dict[str, str]:
    """The agency's demo client credentials, generated at random on first use (file mode 0600).

    Nothing is hard-coded: the simulator accepts what this file says, and the connector reads it
    only when its options name the file (demo fallback when no environment variable or Airflow
    connection supplies the secret)."""
    path = credentials_file(out, agency_kode)
    if path.exists():
        return read_credentials(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    creds = {"client_id": f"{agency_kode.lower()}-{secrets.token_hex(4)}", "client_secret": secrets.token_urlsafe(32)}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(creds, fh)
        fh.write("\n")
    try:
        os.link(tmp, path)  # never replace credentials another process created meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return read_credentials(path)
