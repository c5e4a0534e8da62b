"""SKM surveys run on Google Forms: the form's responses downloaded as CSV (contracts.md §1).

The export has a "Timestamp" column ("2026/10/03 9:14:22 AM GMT+7") and one column per
question, headed by the full question text, answers as the words the respondent ticked
("Sangat sesuai", "Kurang mudah", domain.md §2.3). The order of the questions is the form's own:
questions are mapped to unsur by meaning (QUESTIONS, keyword patterns matched against the header
text), never by position (domain.md §2.2).

Answers become nilai persepsi 1-4 with the vocabulary of that unsur only (ANSWERS). A word that
belongs to another unsur's vocabulary, or to none, is not guessed: it stays as written, so the
suite quarantines the row (domain.md §2.3, §8.7). A plain 1-4 is taken as it is.

The form knows no respondent id: `responden_id` is made from the agency, the row's timestamp and a
digest of the row's answers (question text and answer, in any column order). It is stable across
re-deliveries (rows may be added or reordered, columns moved),
and a response submitted twice (the same row twice) gets the same id twice, so the suite's
uniqueness rule catches it. `tanggal` is the timestamp's date as the form printed it (the form's
own time zone). `instansi_kode` is the agency's.

Options of the source (config/agencies.yml), all optional:

  path               folder template, default "{sources_dir}/{agency}/{period}"
  file               file name in the folder (a glob such as "*.csv" must match one file);
                     default FILE
  questions          {canonical column: regex}: the header pattern of a question, over QUESTIONS
  answers            {unsur: {answer text: 1-4}}: more answer spellings, over ANSWERS
  timestamp_formats  strptime formats tried in turn, over TIMESTAMP_FORMATS
  encoding           default utf-8-sig
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pydantic import Field

from etl.canonical import SKM_ANSWER_WORDS, SKM_UNSUR, to_canonical
from etl.config import Agency, ConfigError, Source, sources_dir
from etl.config import FolderOptions, Mapping, Text
from etl.sources.delimited import DelimitedFile, unique_names
from etl.sources.errors import EmptyDeliveryError, HeaderError, SourceError

FILE = "skm_formulir_jawaban.csv"

UNSUR = SKM_UNSUR

# canonical column -> pattern that the question's header text matches (case-insensitive).
# Demographic questions are anchored at the start, so that "… dengan jenis pelayanannya?" is U1,
# not the jenis layanan question.
QUESTIONS: dict[str, str] = {
    "timestamp": r"^\s*(?:timestamp|stempel waktu|cap waktu|tanda waktu)\s*$",
    "unit_layanan_kode": r"^\s*unit\s+(?:layanan|pelayanan)",
    "jenis_layanan": r"^\s*jenis\s+(?:layanan|pelayanan)",
    "usia": r"^\s*(?:usia|umur)\b",
    "jenis_kelamin": r"^\s*jenis\s+kelamin",
    "pendidikan": r"^\s*pendidikan",
    "pekerjaan": r"^\s*pekerjaan",
    "saran": r"^\s*(?:kritik|saran|masukan)",
    "persyaratan": r"persyaratan",
    "prosedur": r"prosedur|mekanisme|alur\s+pelayanan",
    "waktu": r"kecepatan\s+waktu|waktu\s+penyelesaian|jangka\s+waktu",
    "biaya": r"biaya|tarif",
    "produk": r"produk|spesifikasi",
    "kompetensi": r"kompetensi|kemampuan\s+petugas",
    "perilaku": r"perilaku|kesopanan|keramahan",
    "pengaduan": r"pengaduan|keluhan",
    "sarana": r"sarana|prasarana|fasilitas",
}
REQUIRED = ("timestamp", "unit_layanan_kode", *UNSUR)

# the answer words of each unsur, nilai 1..4 (domain.md §2.3; defined once, in etl.canonical)
ANSWERS = SKM_ANSWER_WORDS
GENDER = {"laki-laki": "L", "laki laki": "L", "perempuan": "P"}

# Google Forms prints the timestamp in the form owner's locale
TIMESTAMP_FORMATS = (
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H.%M.%S",
)


class Options(FolderOptions):
    """skm_forms_csv's options: the form's export and how its questions and answers are worded."""

    file: Text = Field(FILE, description="the export's file name in the folder")
    questions: dict[str, Text | None] | None = Field(None, description=(
        "canonical column -> regular expression of its question's text, over QUESTIONS (null: not asked)"))
    answers: dict[str, Mapping] | None = Field(None, description=(
        "unsur -> {answer as worded: score 1-4}, over the standard words"))
    timestamp_formats: list[Text] | None = Field(None, description=(
        "strptime formats of the form's timestamp; default: TIMESTAMP_FORMATS"))
    encoding: Text = Field("utf-8-sig", description="text encoding of the export")
_ZONE = re.compile(r"\s*(?:GMT|UTC)\s*[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?\s*$|\s*(?:WIB|WITA|WIT)\s*$", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(str(text).lower().split())


def _folder(agency: Agency, source: Source, period: str) -> Path:
    template = source.options.get("path", "{sources_dir}/{agency}/{period}")
    return Path(template.format(sources_dir=sources_dir(), period=period, agency=agency.kode))


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    if entity != "skm_responden":
        raise ConfigError(f"agency {agency.kode}: Google-Forms exports hold skm_responden only, not {entity}")
    folder = _folder(agency, source, period)
    name = str(source.options.get("file", FILE))
    if any(ch in name for ch in "*?["):
        matches = sorted(folder.glob(name))
        if len(matches) > 1:
            raise SourceError(f"{folder}: {len(matches)} files match '{name}': "
                              f"{', '.join(m.name for m in matches)}")
        return matches[0] if matches else None
    path = folder / name
    return path if path.exists() else None


def probe(agency: Agency, source: Source, entity: str, period: str) -> bool:
    """Is anything delivered for the period (the delivery calendar's cheap look, etl/delivery_calendar.py):
    a file of the name, or files matching its pattern (several: delivered, if wrongly)."""
    try:
        return fetch(agency, source, entity, period, None) is not None
    except SourceError:
        return True


def question_patterns(source: Source) -> dict[str, re.Pattern]:
    patterns = {**QUESTIONS, **(source.options.get("questions") or {})}
    try:
        return {column: re.compile(pattern, re.IGNORECASE) for column, pattern in patterns.items() if pattern}
    except re.error as exc:
        raise ConfigError(f"options.questions holds a pattern that is not a regular expression: {exc}") from None


def answer_maps(source: Source) -> dict[str, dict[str, str]]:
    """unsur -> {answer key: '1'..'4'} with that unsur's own words only."""
    maps = {unsur: {_key(word): str(score) for score, word in enumerate(words, start=1)}
            for unsur, words in ANSWERS.items()}
    for unsur, extra in (source.options.get("answers") or {}).items():
        maps.setdefault(unsur, {}).update({_key(word): str(int(score)) for word, score in extra.items()})
    return maps


def map_headers(headers: list[str], patterns: dict[str, re.Pattern], path: Path) -> dict[str, str]:
    """Header text -> canonical column, by meaning. SourceError when a header matches two
    meanings, two headers match one, or a required question is missing."""
    found: dict[str, str] = {}
    for header in headers:
        text = str(header)
        # a demographic (anchored) pattern wins over the keyword patterns of the unsur
        anchored = [c for c, p in patterns.items() if p.pattern.lstrip().startswith("^") and p.search(text)]
        meanings = anchored or [c for c, p in patterns.items() if p.search(text)]
        if len(meanings) > 1:
            raise HeaderError(f"{path}: the question '{text}' matches {', '.join(meanings)}; "
                              "make options.questions tell them apart")
        if not meanings:
            continue  # a question the warehouse does not keep (e.g. an e-mail address)
        column = meanings[0]
        if column in found.values():
            other = next(h for h, c in found.items() if c == column)
            raise HeaderError(f"{path}: two questions map to {column}: '{other}' and '{text}'")
        found[text] = column
    missing = [c for c in REQUIRED if c not in found.values()]
    if missing:
        raise HeaderError(f"{path}: no question found for {', '.join(missing)} "
                          "(options.questions says which header text means what)")
    return found


def parse_timestamp(text: str, formats: tuple[str, ...]) -> dt.datetime | None:
    cleaned = _ZONE.sub("", str(text).strip())
    for fmt in formats:
        try:
            return dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    path = Path(path)
    patterns = question_patterns(source)
    answers = answer_maps(source)
    formats = tuple(source.options.get("timestamp_formats") or TIMESTAMP_FORMATS)
    encoding = source.options.get("encoding", "utf-8-sig")
    with DelimitedFile(path, encoding=encoding, what="a CSV export of a form") as table:
        if table.header is None:
            raise EmptyDeliveryError(f"{path}: the file is empty (no header row)")
        headers = unique_names(table.header)  # as pandas named them: the ids digest the header texts
        mapping = map_headers(headers, patterns, path)
        positions = {header: index for index, header in enumerate(headers)}
        for chunk, rows in table.chunks(chunk_rows, positions):
            out = _canonical(chunk, mapping, answers, formats, agency.kode, rows[0])
            out["_row"] = rows  # the file's row numbers: blank lines are rows too
            yield out


def _score(value: str, vocabulary: dict[str, str]) -> str:
    text = value.strip()
    if text in ("1", "2", "3", "4") or not text:
        return text
    return vocabulary.get(_key(text), value)


def _canonical(chunk: pd.DataFrame, mapping: dict[str, str], answers: dict[str, dict[str, str]],
               formats: tuple[str, ...], agency_kode: str, first_row: int) -> pd.DataFrame:
    by_column = {column: header for header, column in mapping.items()}
    frame = pd.DataFrame(index=chunk.index)
    for column, header in by_column.items():
        if column != "timestamp":
            frame[column] = chunk[header]
    for unsur in UNSUR:
        vocabulary = answers.get(unsur, {})
        frame[unsur] = frame[unsur].map(lambda v, voc=vocabulary: _score(v, voc))
    if "jenis_kelamin" in frame:
        frame["jenis_kelamin"] = frame["jenis_kelamin"].map(lambda v: GENDER.get(_key(v), v))
    stamps = chunk[by_column["timestamp"]]
    moments = [parse_timestamp(s, formats) for s in stamps]
    frame["tanggal"] = [f"{m:%Y-%m-%d}" if m else s for m, s in zip(moments, stamps)]
    headers = sorted(chunk.columns)  # the same answers give the same id whatever the question order
    ids = []
    for moment, record in zip(moments, chunk[headers].itertuples(index=False, name=None)):
        payload = "\x1e".join(f"{h}\x1f{v}" for h, v in zip(headers, record))
        digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]
        ids.append(f"{agency_kode}-{moment:%Y%m%d%H%M%S}-{digest}" if moment else f"{agency_kode}-{digest}")
    frame["responden_id"] = ids
    frame["instansi_kode"] = agency_kode
    return to_canonical(frame, "skm_responden", first_row)
