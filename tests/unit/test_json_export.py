"""The JSON export connector (WANGGAR's online complaint system) and the demo world's complaints and
service requests."""

import json
import tracemalloc

import pandas as pd
import pytest

from demo import synth
from etl.config import Agency, Source
from etl.sources import EmptyDeliveryError, SourceError, json_export
from demo.synth import plant

WANGGAR_OPTIONS = {
    "datetime": {"waktu_diterima": "%Y-%m-%d %H:%M:%S", "waktu_respon_pertama": "%Y-%m-%d %H:%M:%S",
                 "waktu_selesai": "%Y-%m-%d %H:%M:%S"},
    "timezone": "+09:00",
    "values": {"status": {"1": "DITERIMA", "2": "DIPROSES", "3": "SELESAI", "4": "DITOLAK"}},
    "columns": {"pengaduan": {"id": "pengaduan_id", "instansi": "instansi_kode", "unit.kode": "unit_layanan_kode",
                              "saluran": "kanal", "kategori": "kategori", "waktu.masuk": "waktu_diterima",
                              "waktu.tanggapan_pertama": "waktu_respon_pertama", "waktu.selesai": "waktu_selesai",
                              "status": "status", "isi": "uraian"}},
}
AGENCY = Agency("WANGGAR", "Wanggar", "monthly", (Source("json_export", ("pengaduan",), WANGGAR_OPTIONS),))


def _read(path, chunk_rows=200_000):
    return list(json_export.read(AGENCY, AGENCY.sources[0], "pengaduan", path, chunk_rows))


def _record(i, **over):
    record = {"id": f"A-{i}", "instansi": "WANGGAR", "saluran": "web", "unit": {"kode": "WANGGAR.OPD001.L1"},
              "kategori": "Biaya", "waktu": {"masuk": "2026-03-04 10:22:00", "tanggapan_pertama": "2026-03-04 12:00:00",
                                             "selesai": None},
              "status": 2, "isi": "Antrian lama", "pelapor": {"nama": "Yohanes Kambu", "telepon": "081234567890"}}
    record.update(over)
    return record


def test_maps_nested_fields_codes_and_local_times(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([_record(1), _record(2, saluran="datang langsung", status=3,
                                                     waktu={"masuk": "2026-03-05 08:00:00",
                                                            "tanggapan_pertama": "2026-03-05 09:00:00",
                                                            "selesai": "2026-03-09 16:30:00"})]), encoding="utf-8")
    (frame,) = _read(path)
    assert frame["_row"].tolist() == [1, 2]
    assert frame["kanal"].tolist() == ["ONLINE", "TATAP_MUKA"]
    assert frame["status"].tolist() == ["DIPROSES", "SELESAI"]
    assert frame["unit_layanan_kode"].tolist() == ["WANGGAR.OPD001.L1"] * 2
    assert frame["waktu_diterima"].tolist() == ["2026-03-04T10:22:00+09:00", "2026-03-05T08:00:00+09:00"]
    assert frame["waktu_selesai"].isna().tolist() == [True, False]
    # the complainant is never read
    assert not {"nama", "telepon", "pelapor"} & set(frame.columns)
    assert "Yohanes" not in frame.to_csv()


def test_values_that_do_not_fit_reach_the_suite_as_text(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([_record(1, status=9, unit={"kode": {"x": 1}},
                                        waktu={"masuk": "31/03/2026", "tanggapan_pertama": None})]), encoding="utf-8")
    (frame,) = _read(path)
    row = frame.iloc[0]
    assert row["status"] == "9" and row["unit_layanan_kode"] == '{"x":1}' and row["waktu_diterima"] == "31/03/2026"


def test_streams_in_chunks_with_flat_memory(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for i in range(60_000):
            fh.write(("," if i else "") + json.dumps(_record(i)) + "\n")
        fh.write("]")
    tracemalloc.start()
    sizes = [len(chunk) for chunk in json_export.read(AGENCY, AGENCY.sources[0], "pengaduan", path, 10_000)]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sizes == [10_000] * 6
    assert peak < path.stat().st_size  # never the whole file (about 17 MB) in memory


@pytest.mark.parametrize("text, error, words", [
    ("", EmptyDeliveryError, "empty"),
    ('{"data": []}', SourceError, "not a JSON array"),
    ('[{"id": "A-1"}, {"id": "A-2"', SourceError, "record 2"),
    ('[{"id": "A-1"}', SourceError, "not closed"),
    ('[{"id": "A-1"}] x', SourceError, "after the JSON array"),
    ('[{"id": "A-1"} {"id": "A-2"}]', SourceError, "expected ','"),
    ('[1, 2]', SourceError, "not a JSON object"),
])
def test_a_damaged_export_is_refused_with_where(tmp_path, text, error, words):
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=words):
        _read(path)


def test_an_empty_array_is_a_delivery_of_no_records(tmp_path):
    """`[]` is read as no rows (with the canonical columns): validation decides whether the entity
    may be empty (a quiet month of complaints) or not."""
    path = tmp_path / "p.json"
    path.write_text("[]", encoding="utf-8")
    (frame,) = _read(path)
    assert len(frame) == 0 and {"pengaduan_id", "status", "_row"} <= set(frame.columns)


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes('[{"id": "Ä"}]'.encode("cp1252"))
    with pytest.raises(SourceError, match="UTF-8"):
        _read(path)


def test_demo_world_complaints_and_requests_with_their_defects(tmp_path):
    manifest = synth.generate(synth.Settings(tmp_path, ("2026-03",), seed=5, employees=800),
                              governments=("WANGGAR", "PAUH"))
    month = manifest["agencies"]["WANGGAR"]["2026-03"]
    path = tmp_path / "WANGGAR" / "2026-03" / "pengaduan_202603.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == month["pengaduan"]["rows"] > 0
    assert all("pelapor" in r for r in records)
    frame = pd.concat(_read(path))
    assert len(frame) == len(records)
    selesai = frame["status"] == "SELESAI"
    assert (selesai & frame["waktu_selesai"].isna()).sum() == \
        month["pengaduan"]["defects"].get(plant.RULE["selesai_required"], 0)
    requests = pd.read_csv(tmp_path / "PAUH" / "2026-03" / "transaksi_layanan.csv", dtype=str, keep_default_na=False)
    planted = manifest["agencies"]["PAUH"]["2026-03"]["transaksi_layanan"]
    assert len(requests) == planted["rows"] > 0
    assert (~requests["jenis_layanan"].str.fullmatch(r"[A-Z][A-Z0-9_]{0,31}")).sum() == \
        planted["defects"].get(plant.RULE["jenis_layanan"], 0)
    assert (requests["waktu_selesai"] == "").sum() < len(requests)  # most are completed by the export
