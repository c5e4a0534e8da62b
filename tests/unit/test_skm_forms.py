"""SKM surveys as Google-Forms CSV exports: the synth writer and the connector (KEPAHIANG)."""

import csv
import re

import pandas as pd
import pytest

from etl.canonical import ENTITIES, to_canonical
from etl.config import Agency, ConfigError, Source
from etl.sources import SourceError, skm_forms_csv as connector
from demo.synth.writers import skm_forms as writer

COLUMNS = list(ENTITIES["skm_responden"].columns)
UNSUR = list(connector.UNSUR)


def _agency(tmp_path, **options) -> Agency:
    options = {"path": f"{tmp_path}/{{agency}}/{{period}}", **options}
    return Agency("KEPAHIANG", "Kabupaten Kepahiang", "monthly",
                  (Source("skm_forms_csv", ("skm_responden",), options),))


def _row(n: int, **changes) -> dict:
    scores = {u: str((n + i) % 4 + 1) for i, u in enumerate(UNSUR)}
    row = {"responden_id": f"R{n:04d}", "instansi_kode": "KEPAHIANG", "unit_layanan_kode": "KPH.DUKCAPIL",
           "jenis_layanan": "Perekaman KTP-el", "tanggal": f"2026-10-{n % 28 + 1:02d}", "usia": str(20 + n),
           "jenis_kelamin": "LP"[n % 2], "pendidikan": "SMA", "pekerjaan": "Wiraswasta", **scores,
           "saran": f"Pelayanan ke-{n}"}
    row.update(changes)
    return row


def responses() -> pd.DataFrame:
    rows = [_row(n) for n in range(1, 9)]
    rows += [
        _row(9, sarana="5"),                                     # out of range
        _row(10, pengaduan="", saran=""),                        # no answer
        _row(11, tanggal="", usia=""),                           # no date: the timestamp stays empty
        _row(12, jenis_kelamin="X", unit_layanan_kode="KPH.DPMPTSP",
             saran='Antrian "lama", petugas ramah\nTerima kasih'),  # quotes, comma, newline
        _row(13, saran="=HYPERLINK(\"x\")", tanggal="03/10/2026"),  # text, and a date that is not ISO
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def _write(tmp_path, frame=None, period="2026-10") -> pd.DataFrame:
    frame = responses() if frame is None else frame
    written = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # a response submitted twice
    writer.write(tmp_path, "KEPAHIANG", "skm_responden", period, [written.iloc[:5], written.iloc[5:]])
    return written


def _read(agency, path, chunk_rows=4) -> pd.DataFrame:
    return pd.concat(list(connector.read(agency, agency.sources[0], "skm_responden", path, chunk_rows)),
                     ignore_index=True)


def _csv(path, header: list[str], rows: list[list[str]]):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


# --------------------------------------------------------------------------- round trip
def test_round_trip_equals_the_canonical_frames_but_the_generated_id(tmp_path):
    agency = _agency(tmp_path)
    written = _write(tmp_path)
    path = connector.fetch(agency, agency.sources[0], "skm_responden", "2026-10", tmp_path)
    assert path == tmp_path / "KEPAHIANG" / "2026-10" / connector.FILE
    chunks = list(connector.read(agency, agency.sources[0], "skm_responden", path, 4))
    assert [len(c) for c in chunks] == [4, 4, 4, 2]
    got = pd.concat(chunks, ignore_index=True)
    expected = to_canonical(written, "skm_responden", 2)  # header = row 1
    pd.testing.assert_frame_equal(got.drop(columns="responden_id"), expected.drop(columns="responden_id"))
    # defects kept as written: the suite quarantines them
    assert got.loc[8, "sarana"] == "5" and pd.isna(got.loc[9, "pengaduan"]) and pd.isna(got.loc[10, "tanggal"])
    assert got.loc[11, "jenis_kelamin"] == "X" and got.loc[12, "tanggal"] == "03/10/2026"
    # the generated id: the agency, the timestamp, the answers; a resubmission has the same id
    ids = got["responden_id"]
    assert ids[0] == ids[13] and ids.drop(13).is_unique
    assert re.fullmatch(r"KEPAHIANG-20261002[0-9]{6}-[0-9a-f]{12}", ids[0])
    assert ids.tolist() == _read(agency, path, 100)["responden_id"].tolist()  # stable


def test_export_looks_like_google_forms(tmp_path):
    _write(tmp_path)
    with open(writer.path_for(tmp_path, "KEPAHIANG", "2026-10"), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    assert header[0] == "Timestamp"
    assert re.fullmatch(r"2026/10/02 (?:[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9] [AP]M GMT\+7", first["Timestamp"])
    question = "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"
    assert first[question] in writer.WORDS["persyaratan"]
    words = {w for u in UNSUR for w in writer.WORDS[u]}
    scores = [first[q] for c, q in writer.FORM if c in UNSUR]
    assert all(s in words for s in scores) and not set(scores) & {"1", "2", "3", "4"}
    assert first["Jenis kelamin"] in ("Laki-laki", "Perempuan")
    order = [c for c, _ in writer.FORM if c in UNSUR]
    assert order != UNSUR  # the form's own order, not the canonical one
    assert not any(h in COLUMNS for h in header)  # full question texts, never canonical names


# --------------------------------------------------------------------------- by meaning
def test_reordered_questions_map_by_meaning(tmp_path):
    agency = _agency(tmp_path)
    _write(tmp_path)
    path = writer.path_for(tmp_path, "KEPAHIANG", "2026-10")
    original = _read(agency, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    shuffled = list(reversed(frame.columns))
    shuffled.insert(3, shuffled.pop(0))  # saran somewhere in the middle, Timestamp not first
    other = tmp_path / "reordered.csv"
    frame[shuffled].to_csv(other, index=False)
    assert list(pd.read_csv(other, nrows=0).columns) != list(frame.columns)
    pd.testing.assert_frame_equal(_read(agency, other), original)


def _header(**replace) -> list[str]:
    texts = {c: q for c, q in writer.FORM}
    texts.update(replace)
    return ["Stempel waktu", *texts.values()]


def test_words_of_another_unsur_or_unknown_words_are_not_guessed(tmp_path):
    header = _header()
    answers = {
        "persyaratan": "Sangat mudah",          # prosedur's word
        "prosedur": "  sangat   MUDAH ",         # its own, spelled loosely -> 4
        "waktu": "Lumayan",                      # nobody's word
        "biaya": "Gratis",
        "produk": "Sesuai",
        "kompetensi": "3",                       # a score as such
        "perilaku": "Sopan dan ramah",
        "sarana": "Dikelola dengan baik",        # pengaduan's word (swapped answer maps)
        "pengaduan": "Baik",                     # sarana's word
    }
    cells = {c: "" for c, _ in writer.FORM} | answers | {"unit_layanan_kode": "KPH.DUKCAPIL",
                                                         "jenis_kelamin": "Perempuan"}
    path = _csv(tmp_path / "form.csv", header, [["03/10/2026 14:05:09", *(cells[c] for c, _ in writer.FORM)]])
    got = _read(_agency(tmp_path), path).iloc[0]
    assert got[UNSUR].tolist() == ["Sangat mudah", "4", "Lumayan", "4", "3", "3", "3", "Baik", "Dikelola dengan baik"]
    assert got["jenis_kelamin"] == "P" and got["tanggal"] == "2026-10-03" and got["instansi_kode"] == "KEPAHIANG"
    assert got["_row"] == 2


def test_question_wording_is_configuration(tmp_path):
    header = _header(
        produk="Bagaimana pendapat Saudara tentang spesifikasi jenis pelayanan yang diterima?",
        sarana="Bagaimana kenyamanan lingkungan unit pelayanan?",
    ) + ["Alamat email"]
    row = ["2026/10/03 9:14:22 AM GMT+7", *(["Nyaman sekali" if c == "sarana" else "" for c, _ in writer.FORM]), "a@b.c"]
    path = _csv(tmp_path / "form.csv", header, [row])
    with pytest.raises(SourceError, match=r"form\.csv: no question found for sarana"):
        _read(_agency(tmp_path), path)
    agency = _agency(tmp_path, questions={"sarana": r"kenyamanan"}, answers={"sarana": {"Nyaman sekali": 4}})
    got = _read(agency, path).iloc[0]
    assert got["sarana"] == "4" and got["tanggal"] == "2026-10-03"
    with pytest.raises(ConfigError, match="regular expression"):
        _read(_agency(tmp_path, questions={"sarana": "("}), path)


def test_ambiguous_or_doubled_questions_are_refused(tmp_path):
    row = [["2026/10/03 9:14:22 AM GMT+7", *([""] * len(writer.FORM))]]
    both = _header(waktu="Bagaimana pendapat Saudara tentang kecepatan waktu dan kewajaran biaya?")
    with pytest.raises(SourceError, match=r"matches waktu, biaya"):
        _read(_agency(tmp_path), _csv(tmp_path / "a.csv", both, row))
    twice = _header(saran="Bagaimana pendapat Saudara tentang fasilitas ruang tunggu?")
    with pytest.raises(SourceError, match=r"two questions map to sarana"):
        _read(_agency(tmp_path), _csv(tmp_path / "b.csv", twice, row))


# --------------------------------------------------------------------------- timestamps, files
@pytest.mark.parametrize("text, day", [
    ("2026/10/03 9:14:22 AM GMT+7", "2026-10-03"),
    ("2026/10/03 12:05:00 AM GMT+07:00", "2026-10-03"),
    ("2026/10/03 21:14:22", "2026-10-03"),
    ("03/10/2026 21:14:22", "2026-10-03"),
    ("2026-10-03 08:00:00 WIB", "2026-10-03"),
])
def test_timestamps_in_the_locales_google_forms_uses(text, day):
    moment = connector.parse_timestamp(text, connector.TIMESTAMP_FORMATS)
    assert moment is not None and f"{moment:%Y-%m-%d}" == day
    assert connector.parse_timestamp("kemarin sore", connector.TIMESTAMP_FORMATS) is None
    assert connector.parse_timestamp("2026/10/03 12:05:00 AM", connector.TIMESTAMP_FORMATS).hour == 0


def test_unreadable_files_are_refused_clearly(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(SourceError, match=r"empty\.csv: the file is empty"):
        _read(_agency(tmp_path), empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Timestamp,Pendidikan terakhir\n2026/10/03 9:14:22,Diploma \xe9\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin\.csv: cannot be read"):
        _read(_agency(tmp_path), latin)
    header_only = _csv(tmp_path / "header.csv", ["Timestamp", "Nama"], [])
    with pytest.raises(SourceError, match=r"header\.csv: no question found for unit_layanan_kode, persyaratan"):
        _read(_agency(tmp_path), header_only)


def test_fetch_finds_the_export_by_name_or_pattern(tmp_path):
    agency = _agency(tmp_path)
    assert connector.fetch(agency, agency.sources[0], "skm_responden", "2026-10", tmp_path) is None
    _write(tmp_path)
    pattern = _agency(tmp_path, file="*.csv")
    assert connector.fetch(pattern, pattern.sources[0], "skm_responden", "2026-10", tmp_path).name == writer.FILE
    (tmp_path / "KEPAHIANG" / "2026-10" / "Survei (Jawaban) - Formulir 1.csv").write_text("Timestamp\n")
    with pytest.raises(SourceError, match="2 files match"):
        connector.fetch(pattern, pattern.sources[0], "skm_responden", "2026-10", tmp_path)
    with pytest.raises(ConfigError, match="skm_responden only"):
        connector.fetch(agency, agency.sources[0], "pegawai", "2026-10", tmp_path)
    with pytest.raises(ValueError, match="skm_responden only"):
        writer.write(tmp_path, "KEPAHIANG", "pegawai", "2026-10", [])
