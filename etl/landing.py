"""The landing store: every delivery kept exactly as received, with its checksum.

Layout: <landing>/<agency>/<entity>/<period>/<batch_id>/<file name as delivered>
plus `<file>.sha256`. Files are readable by the pipeline's user and group only (0440, folders
0750). Personal fields the mapping never reads are redacted after the retention period
(etl/retention.py): the file is then the redacted copy, `<file>.redacted` says so. A batch id is derived from agency, entity, period and the content's
SHA-256, so the same delivery always lands in the same place and is written once; a
corrected re-delivery gets a new batch id beside the earlier one, which stays.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from etl.config import landing_dir

CHUNK = 1 << 20
MARKER = ".redacted"  # beside a landed file that was redacted (etl.retention): both checksums


@dataclass(frozen=True)
class LandedBatch:
    batch_id: str
    agency: str
    entity: str
    period: str
    source_kind: str
    source_file: str  # where the agency's delivery came from (path or URL), for messages
    path: str  # the immutable landing copy
    checksum_sha256: str
    size_bytes: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LandedBatch:
        """The batch of a dict that `to_dict` made (keys a stage added beside it are left out)."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def batch_id_for(agency: str, entity: str, period: str, checksum: str) -> str:
    key = f"{agency}|{entity}|{period}|{checksum}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def marker(path: Path) -> Path:
    """Where the redaction of a landed file (etl.retention) notes both checksums, beside it."""
    return path.with_name(path.name + MARKER)


def redacted_checksum(path: Path) -> str | None:
    """The checksum the redaction recorded for this landed file, if it was redacted."""
    found = marker(Path(path))
    if not found.exists():
        return None
    return json.loads(found.read_text(encoding="utf-8"))["redacted_sha256"]


def land(file: Path, *, agency: str, entity: str, period: str, source_kind: str, source_file: str) -> LandedBatch:
    """Copy `file` into the landing store (once) and describe the batch."""
    file = Path(file)
    checksum = sha256_of(file)
    batch_id = batch_id_for(agency, entity, period, checksum)
    folder = landing_dir() / agency / entity / period / batch_id
    target = folder / file.name
    kept = redacted_checksum(target)  # redacted after its retention period: the redacted copy stays
    if not target.exists() or (sha256_of(target) != checksum and sha256_of(target) != kept):
        _make_folders(folder)
        _replace(folder, target, lambda tmp: shutil.copyfile(file, tmp))
        os.chmod(target, FILE_MODE)
    # the checksum file too, whenever it is not what it must be (a kill may fall between the two)
    sidecar = folder / f"{file.name}.sha256"
    line = f"{checksum}  {file.name}\n"
    if not sidecar.exists() or sidecar.read_text(encoding="utf-8") != line:
        _replace(folder, sidecar, lambda tmp: Path(tmp).write_text(line, encoding="utf-8"))
        os.chmod(sidecar, FILE_MODE)
    return LandedBatch(
        batch_id=batch_id,
        agency=agency,
        entity=entity,
        period=period,
        source_kind=source_kind,
        source_file=source_file,
        path=str(target),
        checksum_sha256=checksum,
        size_bytes=target.stat().st_size,
    )


FILE_MODE = 0o440    # the pipeline's user and group read a landed file; nobody writes it, nobody else reads it
FOLDER_MODE = 0o750


def _make_folders(folder: Path) -> None:
    """The batch's folder and those above it up to the landing store, with FOLDER_MODE."""
    root = landing_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for part in (folder, *folder.parents):
        if part == root.parent:
            break
        os.chmod(part, FOLDER_MODE)
        if part == root:
            break


def _replace(folder: Path, target: Path, write) -> None:
    """Write under a temporary name, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def work_dir(batch_id: str) -> Path:
    """Scratch space for a batch's validated rows, inside the landing store (shared by tasks)."""
    folder = landing_dir() / "_work" / batch_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder
