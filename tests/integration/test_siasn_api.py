"""The SIASN-style API (LAMPUNG): writer -> simulator over real HTTP on 127.0.0.1 -> connector.

Round trip with planted defects, pagination, rate limits, server errors, timeouts, dropped
connections, expiring tokens, and the guarantee that a partial pull is never delivered."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pandas as pd
import pytest

from demo.simulator import files, running, server as simulator_server, start_background, start_process, stop_process
from demo.simulator.server import Faults
from demo.synth.writers import siasn_api as writer
from etl.canonical import ENTITIES, to_canonical
from etl.config import Agency, Source
from etl.sources import SourceError, siasn_api, siasn_contract as contract

AGENCY = Agency("LAMPUNG", "Provinsi Lampung", "quarterly", ())
QUARTER, MONTH = "2026-Q3", "2026-09"
EVALUATIONS = 1203  # 13 pages of 100
FAST = {  # tiny waits so that the whole file runs in seconds
    "page_size": 100, "backoff_initial": 0.01, "backoff_max": 0.05, "backoff_jitter": 0.0,
    "connect_timeout": 1.0, "read_timeout": 2.0, "max_attempts": 4, "token_refresh_skew": 0.0,
    "credentials_file": "{sources_dir}/{agency}/api/credentials.json",
}
RATINGS = {"DIATAS", "SESUAI", "DIBAWAH"}


# --------------------------------------------------------------------------- the demo data

def _frames() -> dict[str, pd.DataFrame]:
    """Canonical frames (text, "" empty) with the defects real deliveries have."""
    units = pd.DataFrame([
        {"instansi_kode": "LAMPUNG", "unit_kode": "LPG", "unit_nama": "Pemerintah Provinsi Lampung",
         "induk_unit_kode": "", "is_unit_layanan": "false"},
        {"instansi_kode": "LAMPUNG", "unit_kode": "LPG.BKD", "unit_nama": "Badan Kepegawaian Daerah",
         "induk_unit_kode": "LPG", "is_unit_layanan": "true"},
        {"instansi_kode": "LAMPUNG", "unit_kode": "LPG.DPMPTSP", "unit_nama": "Dinas Penanaman Modal dan PTSP",
         "induk_unit_kode": "LPG", "is_unit_layanan": "ya"},  # not a boolean: must survive as "ya"
        {"instansi_kode": "LAMPUNG", "unit_kode": "LPG.RSUD", "unit_nama": "RSUD Dr. H. Abdul Moeloek",
         "induk_unit_kode": "LPG", "is_unit_layanan": "true"},
    ])
    people = []
    for i in range(30):
        people.append({
            "nip": f"19{70 + i % 20:02d}0101200501{1 + i % 2}{i:03d}", "nama": f"Pegawai Ke-{i} Ṣaleh",
            "status_kepegawaian": "PPPK" if i % 7 == 0 else "PNS", "jenis_kelamin": "L" if i % 2 else "P",
            "golongan": "IX" if i % 7 == 0 else "III/a", "jabatan_nama": "Analis SDM Aparatur",
            "jabatan_kategori": "FUNGSIONAL", "unit_kode": "LPG.BKD", "atasan_nip": "" if i == 0 else "197001012005011000",
            "aktif": "false" if i == 5 else "true",
        })
    people[3]["nip"] = "1.97411E+17"  # Excel's scientific notation
    people[4]["nama"] = ""  # required value missing
    people.append(dict(people[6]))  # the same row twice
    hasil_spellings = ["Di Atas Ekspektasi", "SESUAI EKSPEKTASI", "sesuai", "Dibawah Ekspektasi", "DIATAS", "SESUAI"]
    evaluations = []
    for i in range(EVALUATIONS):
        legacy = i % 50 == 7
        evaluations.append({
            "nip": f"19{70 + i % 20:02d}0101200501{1 + i % 2}{i % 1000:03d}", "periode": QUARTER,
            "skp_id": f"SKP-LPG-2026-{i:05d}", "regime": "PP30_2019" if legacy else "PERMEN6_2022",
            "rating_hasil_kerja": "" if legacy else hasil_spellings[i % len(hasil_spellings)],
            "rating_perilaku_kerja": "" if legacy else ("Sesuai Ekspektasi" if i % 3 else "DI ATAS EKSPEKTASI"),
            "nilai_skp": ["95", "102.5", "85.50", "110"][i // 50 % 4] if legacy else "",
            "nilai_perilaku": "88" if legacy else "", "predikat": ["Baik", "Kurang (Misconduct)", "Cukup", "BAIK"][i % 4],
            "penilai_nip": "197001012005011000", "waktu_dinilai": "2026-10-03T09:15:00+07:00",
            "is_plt_plh": "true" if i % 97 == 0 else "false",
        })
    evaluations[10]["nip"] = "1.97411E+17"
    evaluations[11]["rating_hasil_kerja"] = "Luar Biasa"  # no code for it: travels as 9
    evaluations[12]["rating_perilaku_kerja"] = ""  # required under PERMEN6_2022
    evaluations[13]["nilai_skp"] = "sembilan puluh"  # not a number: stays text
    evaluations[14]["is_plt_plh"] = "ya"
    evaluations.append(dict(evaluations[20]))  # delivered twice
    rhk = pd.DataFrame([
        {"nip": "197001012005011000", "skp_id": "SKP-LPG-2026-00000", "tahun": "2026", "periode": MONTH,
         "rhk_kode": f"RHK-{j}", "rhk_uraian": f"Uraian \"hasil\" kerja, ke-{j}\nbaris kedua", "jenis_rhk": "UTAMA",
         "indikator": "Persentase dokumen selesai", "target": ["12", "12.0", "1e3", "100", " 7 "][j % 5],
         "satuan": "dokumen", "realisasi": ["", "11", "0.5", "-", "abc"][j % 5]}
        for j in range(12)
    ])
    predikat = pd.DataFrame([
        {"instansi_kode": "LAMPUNG", "unit_kode": u, "periode": QUARTER, "predikat_organisasi": p}
        for u, p in [("LPG", "BAIK"), ("LPG.BKD", "ISTIMEWA"), ("LPG.DPMPTSP", "Cukup"), ("LPG.RSUD", "")]
    ])
    answers = ["4", "3", "", "5", "Sangat sesuai", " 2 ", "1"]
    responses = []
    for i in range(20):
        row = {"responden_id": f"LPG-SKM-{i:04d}", "instansi_kode": "LAMPUNG", "unit_layanan_kode": "LPG.DPMPTSP",
               "jenis_layanan": "Perizinan Berusaha", "tanggal": f"2026-09-{1 + i:02d}",
               "usia": ["35", "-", "tiga puluh", "61"][i % 4], "jenis_kelamin": "P" if i % 2 else "L",
               "pendidikan": "S1", "pekerjaan": "Wiraswasta",
               "saran": ["", "Pelayanan cepat 👍", "Antrian \"panjang\",\nperlu ditambah loket"][i % 3]}
        for k, column in enumerate(contract.DEFAULT_UNSUR_CODES.values()):
            row[column] = answers[(i + k) % len(answers)]
        responses.append(row)
    populasi = pd.DataFrame([
        {"instansi_kode": "LAMPUNG", "unit_layanan_kode": u, "periode": QUARTER, "populasi": n,
         "ikm_dilaporkan": ikm, "mutu_dilaporkan": mutu}
        for u, n, ikm, mutu in [("LPG.DPMPTSP", "1520", "81.36", "B"), ("LPG.RSUD", "12.000", "", ""),
                                ("LPG.BKD", "", "101.50", "X")]
    ])
    # IKU: decimals, an integer target, a realisation not yet measured, one typed with a decimal comma,
    # a direction as a form prints it ("Maksimal" -> NAIK) and one no mapping knows
    iku = pd.DataFrame([
        {"instansi_kode": "LAMPUNG", "unit_kode": u, "periode": QUARTER, "iku_kode": k, "indikator": ind,
         "satuan": sat, "arah": arah, "target": t, "realisasi": r}
        for u, k, ind, sat, arah, t, r in [
            ("LPG.BKD", "IKU-01", "Angka kelulusan", "persen", "NAIK", "95.5", "96.25"),
            ("LPG.BKD", "IKU-02", "Angka putus sekolah", "persen", "TURUN", "2", ""),
            ("LPG.RSUD", "IKU-01", "Prevalensi stunting", "persen", "Maksimal", "18", "17,5"),
            ("LPG.RSUD", "IKU-02", "Jumlah rekomendasi \"belum\" ditindaklanjuti", "rekomendasi", "MENINGKAT", "5", "3"),
        ]
    ])
    pelatihan = pd.DataFrame([
        {"nip": n, "pelatihan_id": f"PLT-{i}", "nama_pelatihan": name, "jalur": jalur, "tanggal_mulai": mulai,
         "tanggal_selesai": selesai, "jumlah_jp": jp, "periode": MONTH}
        for i, (n, name, jalur, mulai, selesai, jp) in enumerate([
            (people[0]["nip"], "Pelatihan Manajemen Waktu", "KLASIKAL", "2026-09-01", "2026-09-03", "24"),
            (people[1]["nip"], "E-learning Literasi Digital", "Non Klasikal", "2026-09-10", "2026-09-10", "4.5"),
            ("1.97411E+17", "Pelatihan Komunikasi Efektif", "KLASIKAL", "2026-09-14", "16/09/2026", "0"),
        ])
    ])
    # feedback: on an RHK line and on a BerAKHLAK value as the application spells it, text with quotes
    # and a line break, and a value no mapping knows (kept for quarantine)
    umpan_balik = pd.DataFrame([
        {"umpan_balik_id": f"UB-{i}", "nip": n, "skp_id": f"SKP-{i}", "periode": MONTH, "aspek": aspek,
         "rhk_kode": rhk_kode, "perilaku_kode": nilai, "pemberi_nip": people[0]["nip"], "waktu_diberikan": waktu,
         "umpan_balik": teks}
        for i, (n, aspek, rhk_kode, nilai, waktu, teks) in enumerate([
            (people[1]["nip"], "RHK", "RHK-1", "", "2026-09-12T10:00:00+07:00", "Target \"dokumen\" tercapai"),
            (people[1]["nip"], "Perilaku Kerja", "", "Berorientasi Pelayanan", "2026-10-02T09:30:00+07:00",
             "Lebih ramah,\nmohon dijaga"),
            (people[2]["nip"], "PERILAKU", "", "Integritas", "2026-09-20T08:00:00+07:00", ""),
        ])
    ])
    frames = {
        "unit_kerja": units, "pegawai": pd.DataFrame(people), "evaluasi_periodik": pd.DataFrame(evaluations),
        "rhk": rhk, "predikat_organisasi": predikat, "skm_responden": pd.DataFrame(responses),
        "skm_populasi": populasi, "iku": iku, "pelatihan": pelatihan, "umpan_balik": umpan_balik,
    }
    # optional columns added to the format since (rhk's target_teks) are empty where a frame does not give them
    return {name: frame.reindex(columns=list(ENTITIES[name].columns), fill_value="") for name, frame in frames.items()}


PERIODS = {"unit_kerja": MONTH, "pegawai": MONTH, "evaluasi_periodik": QUARTER, "rhk": MONTH,
           "predikat_organisasi": QUARTER, "skm_responden": MONTH, "skm_populasi": QUARTER, "iku": QUARTER,
           "pelatihan": MONTH, "umpan_balik": MONTH}


@pytest.fixture
def world(tmp_path, monkeypatch):
    out = tmp_path / "sources"
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(out))
    frames = _frames()
    for name, frame in frames.items():
        # in chunks, as the generator streams them
        writer.write(out, "LAMPUNG", name, PERIODS[name], (frame.iloc[i:i + 250] for i in range(0, len(frame), 250)))
    return out, frames


@pytest.fixture
def scratch(tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


@pytest.fixture
def simulator(world):
    handles = []

    def start(**faults):
        handle = start_background(world[0], **faults)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def _source(handle, entity="evaluasi_periodik", **options) -> Source:
    api = contract.RESOURCES[entity].api
    return Source("siasn_api", (entity,), {"base_url": handle.url + contract.prefix_of(api).rstrip("/"),
                                           **FAST, **options})


def _served_file(out: Path, entity: str) -> Path:
    return writer.path_for(out, "LAMPUNG", entity, PERIODS[entity])


def _fetch(handle, scratch, entity="evaluasi_periodik", **options):
    return siasn_api.fetch(AGENCY, _source(handle, entity, **options), entity, PERIODS[entity], scratch)


def _pages(handle, status=200):
    return [r["page"] for r in handle.requests if r["method"] == "GET" and r["status"] == status]


# --------------------------------------------------------------------------- round trip

def _expected(frame: pd.DataFrame, entity: str) -> pd.DataFrame:
    expected = to_canonical(frame, entity, 1)
    for column in ("rating_hasil_kerja", "rating_perilaku_kerja"):
        if column in expected:  # a label without a code travels as code 9 and comes back as "9"
            unknown = expected[column].notna() & ~expected[column].isin(RATINGS)
            expected.loc[unknown, column] = "9"
    return expected


@pytest.mark.parametrize("entity", list(PERIODS))
def test_round_trip_keeps_every_row_and_every_planted_defect(world, simulator, scratch, entity):
    out, frames = world
    handle = simulator()
    path = _fetch(handle, scratch, entity)
    # landed exactly as served: the same JSON records, line for line
    assert path.read_bytes() == _served_file(out, entity).read_bytes()
    chunks = list(siasn_api.read(AGENCY, _source(handle, entity), entity, path, chunk_rows=100))
    assert all(len(c) <= 100 for c in chunks)
    result = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(result, _expected(frames[entity], entity))


def test_the_api_speaks_camel_case_with_integer_rating_codes(world):
    out, frames = world
    lines = _served_file(out, "evaluasi_periodik").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(frames["evaluasi_periodik"])
    first, unknown, legacy = json.loads(lines[0]), json.loads(lines[11]), json.loads(lines[7])
    assert first["hasilKinerjaNilai"] == 1 and first["perilakuKerjaNilai"] == 1  # Di Atas, Di Atas
    assert json.loads(lines[1])["hasilKinerjaNilai"] == 2 and json.loads(lines[3])["hasilKinerjaNilai"] == 3
    assert unknown["hasilKinerjaNilai"] == contract.UNKNOWN_RATING_CODE
    assert legacy["hasilKinerjaNilai"] is None and legacy["nilaiSkp"] == 95 and legacy["isPltPlh"] is False
    assert json.loads(lines[57])["nilaiSkp"] == 102.5 and json.loads(lines[107])["nilaiSkp"] == "85.50"
    assert json.loads(lines[10])["nip"] == "1.97411E+17"
    skm = json.loads(_served_file(out, "skm_responden").read_text(encoding="utf-8").splitlines()[0])
    assert {a["unsur"] for a in skm["jawaban"]} <= set(contract.DEFAULT_UNSUR_CODES)


def test_defects_come_back_so_that_validation_catches_them(world, simulator, scratch):
    handle = simulator()
    path = _fetch(handle, scratch)
    rows = pd.concat(siasn_api.read(AGENCY, _source(handle), "evaluasi_periodik", path, 500), ignore_index=True)
    assert rows.loc[10, "nip"] == "1.97411E+17"
    assert rows.loc[11, "rating_hasil_kerja"] == "9"
    assert pd.isna(rows.loc[12, "rating_perilaku_kerja"])
    assert rows.loc[13, "nilai_skp"] == "sembilan puluh"
    assert rows.duplicated(subset=[c for c in rows.columns if c != "_row"]).sum() == 1
    assert rows["_row"].tolist() == list(range(1, EVALUATIONS + 2))


def test_rating_codes_come_from_the_options(tmp_path):
    path = tmp_path / "kinerja.jsonl"
    path.write_text('{"nip":"197001012005011000","hasilKinerjaNilai":1,"perilakuKerjaNilai":3}\n'
                    '{"nip":"197001012005011001","hasilKinerjaNilai":"2","perilakuKerjaNilai":7}\n', encoding="utf-8")
    reversed_codes = Source("siasn_api", ("evaluasi_periodik",), {"rating_codes": {3: "Di Atas Ekspektasi", 2: "SESUAI", 1: "DIBAWAH"}})
    rows = next(siasn_api.read(AGENCY, reversed_codes, "evaluasi_periodik", path, 10))
    assert rows["rating_hasil_kerja"].tolist() == ["DIBAWAH", "SESUAI"]
    assert rows["rating_perilaku_kerja"].tolist() == ["DIATAS", "7"]
    default = next(siasn_api.read(AGENCY, Source("siasn_api", (), {}), "evaluasi_periodik", path, 10))
    assert default["rating_hasil_kerja"].tolist() == ["DIATAS", "SESUAI"]


def test_an_unreadable_landed_file_is_a_source_error(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"nip":"1"}\n{"nip": "2"\n', encoding="utf-8")
    with pytest.raises(SourceError, match="line 2"):
        list(siasn_api.read(AGENCY, Source("siasn_api", (), {}), "evaluasi_periodik", path, 10))


# --------------------------------------------------------------------------- pagination and no data

def test_pages_are_read_to_the_end_each_once(world, simulator, scratch):
    handle = simulator()
    _fetch(handle, scratch)
    assert _pages(handle) == list(range(1, 14))  # 1204 records on 13 pages of 100
    assert handle.stats["tokens_issued"] == 1


def test_no_data_for_the_period_is_none_but_a_wrong_url_is_an_error(world, simulator, scratch):
    out, frames = world
    handle = simulator()
    source = _source(handle)
    assert siasn_api.fetch(AGENCY, source, "evaluasi_periodik", "2026-Q1", scratch) is None  # 404 periode_not_found
    writer.write(out, "LAMPUNG", "evaluasi_periodik", "2026-Q2", [frames["evaluasi_periodik"].iloc[:0]])
    assert siasn_api.fetch(AGENCY, source, "evaluasi_periodik", "2026-Q2", scratch) is None  # totalItems 0
    wrong = Source("siasn_api", ("evaluasi_periodik",), {**source.options, "base_url": handle.url + "/apisiasn/2.0"})
    with pytest.raises(SourceError, match="404"):
        siasn_api.fetch(AGENCY, wrong, "evaluasi_periodik", QUARTER, scratch)
    assert list(scratch.glob("*.jsonl")) == []


# --------------------------------------------------------------------------- rate limits

def test_a_429_storm_is_waited_out_as_retry_after_says(world, simulator, scratch):
    out, _ = world
    handle = simulator(rate_limit_first=4, retry_after="0.25")
    started = time.monotonic()
    path = _fetch(handle, scratch)
    elapsed = time.monotonic() - started
    assert handle.stats["status_429"] == 4
    assert elapsed >= 4 * 0.25  # the backoff alone would have waited about 0.1 s
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_periodic_rate_limits_are_retried(world, simulator, scratch):
    out, _ = world
    handle = simulator(rate_limit_every=3, retry_after="0")
    path = _fetch(handle, scratch)
    assert handle.stats["status_429"] >= 6
    assert _pages(handle) == list(range(1, 14))
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_endless_rate_limiting_gives_up(world, simulator, scratch):
    handle = simulator(rate_limit_every=1, retry_after="0")
    with pytest.raises(SourceError, match="429") as failure:
        _fetch(handle, scratch, max_rate_limit_waits=3)
    assert "page 1" in str(failure.value)
    assert list(scratch.iterdir()) == []
    handle_long = simulator(rate_limit_first=1, retry_after="3600")
    started = time.monotonic()
    with pytest.raises(SourceError, match="max_retry_after"):
        _fetch(handle_long, scratch, max_retry_after=5)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("value, seconds", [("2", 2.0), ("0.25", 0.25), ("-3", 0.0), ("soon", None), ("", None)])
def test_retry_after_values(value, seconds):
    assert siasn_api.retry_after_seconds(value) == seconds


def test_retry_after_as_an_http_date():
    now = datetime(2026, 11, 23, 9, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(datetime(2026, 11, 23, 9, 0, 10, tzinfo=timezone.utc), usegmt=True)
    assert siasn_api.retry_after_seconds(later, now=now) == 10.0


# --------------------------------------------------------------------------- server errors, timeouts

def test_bursts_of_5xx_are_retried_and_the_delivery_is_complete(world, simulator, scratch):
    out, _ = world
    handle = simulator(fail_first=3, fail_pages={5: 2, 9: 3}, error_status=502, error_rate=0.15, seed=4)
    path = _fetch(handle, scratch)
    assert handle.stats["status_502"] >= 3 + 2 + 3
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_timeouts_and_dropped_connections_are_retried(world, simulator, scratch):
    out, _ = world
    handle = simulator(stall_pages={2: 1}, stall_seconds=1.5, drop_pages={4: 1, 7: 2})
    path = _fetch(handle, scratch, read_timeout=0.3)
    assert [r["page"] for r in handle.requests if r["status"] == 0] == [4, 7, 7]  # dropped without answer
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_retries_are_bounded_and_nothing_partial_is_delivered(world, simulator, scratch):
    handle = simulator(fail_pages={3: 99})
    with pytest.raises(SourceError) as failure:
        _fetch(handle, scratch, max_attempts=3)
    message = str(failure.value)
    for part in ("LAMPUNG", "evaluasi_periodik", QUARTER, "page 3", "HTTP 503", "3 attempts", "nothing was delivered"):
        assert part in message
    assert _pages(handle, 503) == [3, 3, 3]
    assert list(scratch.iterdir()) == []  # not even the pages 1-2 already received


def test_a_server_that_stops_mid_run_is_an_error_not_a_short_delivery(world, simulator, scratch):
    handle = simulator(stop_after=4)
    with pytest.raises(SourceError) as failure:
        _fetch(handle, scratch, max_attempts=3)
    assert "page 5" in str(failure.value) and "connection" in str(failure.value)
    assert handle.stopped
    assert list(scratch.iterdir()) == []


def test_totals_that_change_during_the_pull_are_an_error(world, simulator, scratch, monkeypatch):
    out, frames = world
    handle = simulator()
    original = siasn_api._Client.page
    calls = []

    def page_then_republish(self, url, params):
        answer = original(self, url, params)
        calls.append(params["page"])
        if len(calls) == 2:  # the agency republishes the period while we are on page 2
            writer.write(out, "LAMPUNG", "evaluasi_periodik", QUARTER, [frames["evaluasi_periodik"].iloc[:900]])
        return answer

    monkeypatch.setattr(siasn_api._Client, "page", page_then_republish)
    with pytest.raises(SourceError, match="totals changed"):
        _fetch(handle, scratch)
    assert list(scratch.iterdir()) == []


# --------------------------------------------------------------------------- tokens and credentials

def test_a_token_that_stops_working_mid_run_is_renewed(world, simulator, scratch):
    out, _ = world
    handle = simulator(token_max_uses=3)
    path = _fetch(handle, scratch)
    assert handle.stats["tokens_issued"] == 5  # 13 pages, 3 per token
    assert handle.stats["status_401"] == 4
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_a_token_that_expires_by_time_is_renewed(world, simulator, scratch):
    out, _ = world
    handle = simulator(token_ttl=0.3, delay=0.1)
    path = _fetch(handle, scratch, page_size=200)  # 7 pages of 0.1 s: the token lives for 3 of them
    assert handle.stats["tokens_issued"] >= 2
    assert path.read_bytes() == _served_file(out, "evaluasi_periodik").read_bytes()


def test_the_token_endpoint_is_retried_too(world, simulator, scratch):
    handle = simulator(token_failures=2)
    assert _fetch(handle, scratch) is not None
    assert handle.stats["token_requests"] == 3


def test_wrong_credentials_are_refused_without_showing_the_secret(world, simulator, tmp_path):
    out, _ = world
    handle = simulator()
    bad = tmp_path / "bad.json"
    real = contract.read_credentials(files.credentials_file(out, "LAMPUNG"))
    bad.write_text(json.dumps({"client_id": real["client_id"], "client_secret": "not-the-secret-at-all"}))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(SourceError, match="refused") as failure:
        _fetch(handle, scratch, credentials_file=str(bad))
    assert "not-the-secret-at-all" not in str(failure.value) and real["client_secret"] not in str(failure.value)
    with pytest.raises(SourceError, match="no API client credentials"):
        _fetch(handle, scratch, credentials_file=str(tmp_path / "missing.json"))
    assert list(scratch.iterdir()) == []


def test_credentials_from_environment_variables(world, simulator, scratch, monkeypatch):
    out, _ = world
    handle = simulator()
    real = contract.read_credentials(files.credentials_file(out, "LAMPUNG"))
    monkeypatch.setenv("TEST_SIASN_ID", real["client_id"])
    monkeypatch.setenv("TEST_SIASN_SECRET", real["client_secret"])
    path = _fetch(handle, scratch, credentials_file=None, client_id_env="TEST_SIASN_ID",
                  client_secret_env="TEST_SIASN_SECRET", token_auth="form")
    assert path is not None and handle.stats["tokens_issued"] == 1


def test_credentials_from_an_airflow_connection(world, simulator, scratch, monkeypatch):
    out, _ = world
    handle = simulator()
    real = contract.read_credentials(files.credentials_file(out, "LAMPUNG"))
    monkeypatch.setenv("AIRFLOW_CONN_SIASN_LAMPUNG_TEST", json.dumps(
        {"conn_type": "http", "login": real["client_id"], "password": real["client_secret"]}))
    path = _fetch(handle, scratch, credentials_file=None, conn_id="siasn_lampung_test")
    assert path is not None and handle.stats["tokens_issued"] == 1


def test_origin_env_moves_the_api_to_another_server(world, simulator, scratch, monkeypatch):
    handle = simulator()
    monkeypatch.setenv("TEST_SIASN_ORIGIN", handle.url)
    source = Source("siasn_api", ("evaluasi_periodik",),
                    {**FAST, "base_url": "http://127.0.0.1:9/apisiasn/1.0", "origin_env": "TEST_SIASN_ORIGIN"})
    assert siasn_api.fetch(AGENCY, source, "evaluasi_periodik", QUARTER, scratch) is not None


def test_files_written_after_the_start_are_served_with_new_credentials(tmp_path, scratch, monkeypatch):
    out = tmp_path / "late"
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(out))
    monkeypatch.setattr(simulator_server._Server, "rescan_seconds", 0.05)
    with start_background(out) as handle:  # nothing to serve yet: no agency, no credentials
        assert not files.credentials_file(out, "LAMPUNG").exists()
        frame = _frames()["predikat_organisasi"]
        writer.write(out, "LAMPUNG", "predikat_organisasi", QUARTER, [frame])
        deadline = time.monotonic() + 5
        while not files.credentials_file(out, "LAMPUNG").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        path = _fetch(handle, scratch, "predikat_organisasi")
        assert path.read_bytes() == _served_file(out, "predikat_organisasi").read_bytes()


def test_unknown_fault_settings_are_refused():
    with pytest.raises(TypeError, match="rate_limit_evry"):
        Faults.from_kwargs(rate_limit_evry=3)


# --------------------------------------------------------------------------- as a separate process

def test_the_simulator_runs_as_a_process_of_its_own(world, tmp_path):
    out, _ = world
    state = tmp_path / "simulator.json"
    url = start_process(out, port=0, state_file=state)
    try:
        assert running(state)["url"] == url
        assert start_process(out, port=0, state_file=state) == url  # reused, not started twice
        source = Source("siasn_api", ("evaluasi_periodik",), {**FAST, "base_url": url + "/apisiasn/1.0"})
        assert siasn_api.fetch(AGENCY, source, "evaluasi_periodik", QUARTER, tmp_path) is not None
    finally:
        assert stop_process(state) is True
    assert running(state) is None
    assert stop_process(state) is False
