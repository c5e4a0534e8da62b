import pandas as pd
import pytest

from etl.canonical import ENTITIES, entity, normalise_label, to_canonical


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Di Atas Ekspektasi", "DIATAS"), ("DI ATAS EKSPEKTASI", "DIATAS"), ("Diatas Ekspektasi", "DIATAS"),
        ("diatas", "DIATAS"), ("SESUAI EKSPEKTASI", "SESUAI"), ("sesuai", "SESUAI"),
        ("Dibawah Ekspektasi", "DIBAWAH"), (" Di Bawah Ekspektasi ", "DIBAWAH"),
    ],
)
def test_rating_spellings_normalise(raw, code):
    assert normalise_label("rating", raw) == code


@pytest.mark.parametrize(
    "raw, code",
    [("Cukup", "BUTUH_PERBAIKAN"), ("Butuh Perbaikan", "BUTUH_PERBAIKAN"), ("Kurang/Misconduct", "KURANG"),
     ("Kurang (Misconduct)", "KURANG"), ("Sangat Baik", "SANGAT_BAIK"), ("sangat kurang", "SANGAT_KURANG")],
)
def test_predikat_spellings_normalise(raw, code):
    assert normalise_label("predikat_pegawai", raw) == code


def test_unknown_label_is_kept_for_quarantine_and_dash_is_missing():
    assert normalise_label("rating", "Luar Biasa") == "Luar Biasa"
    assert normalise_label("rating", "-") is None
    assert normalise_label("rating", "  ") is None


def test_to_canonical_keeps_entity_columns_numbers_rows_and_ignores_extras():
    frame = pd.DataFrame(
        {"extra": ["x", "y"], **{c: [" a ", "-"] for c in entity("evaluasi_periodik").columns}}
    )
    frame["predikat"] = ["Cukup", ""]
    out = to_canonical(frame, "evaluasi_periodik", first_row=2)
    assert list(out.columns) == ["_row", *entity("evaluasi_periodik").columns]
    assert out["_row"].tolist() == [2, 3]
    assert out.loc[0, "nip"] == "a"
    assert pd.isna(out.loc[1, "nip"])
    assert out.loc[0, "predikat"] == "BUTUH_PERBAIKAN"


def test_every_entity_has_its_natural_key_among_its_columns():
    for spec in ENTITIES.values():
        assert set(spec.natural_key) <= set(spec.columns), spec.name


@pytest.mark.parametrize("raw, code", [
    ("III/a", "III/a"), ("III.a", "III/a"), ("III-a", "III/a"), ("3A", "III/a"), ("3a", "III/a"),
    ("Penata Muda, III/a", "III/a"), ("Gol. IV/e", "IV/e"), ("IV/E", "IV/e"), ("II / b", "II/b"),
    ("ix", "IX"), ("XVII", "XVII"),
])
def test_golongan_spellings_normalise(raw, code):
    assert normalise_label("golongan", raw) == code


@pytest.mark.parametrize("raw", ["XVIII", "5A", "Juru", "III/f"])
def test_unknown_golongan_is_kept_for_quarantine(raw):
    assert normalise_label("golongan", raw) == raw


@pytest.mark.parametrize("raw, code", [
    ("NAIK", "NAIK"), ("naik", "NAIK"), ("Maksimal", "NAIK"), ("Semakin tinggi semakin baik", "NAIK"),
    ("TURUN", "TURUN"), ("Minimal", "TURUN"), ("semakin rendah, semakin baik", "TURUN"), ("Meningkat", "Meningkat"),
])
def test_iku_direction_spellings_normalise(raw, code):
    assert normalise_label("arah_iku", raw) == code


def test_training_path_and_iku_entities():
    assert normalise_label("jalur_pelatihan", "Non-Klasikal") == "NONKLASIKAL"
    assert normalise_label("jalur_pelatihan", "e-learning") == "e-learning"  # not guessed: quarantined
    # the new entities come last, so the existing ones keep their order (reports, loads)
    names = list(ENTITIES)
    # the entities added later come after the first ones, in the order they came (reports, loads)
    assert names.index("iku") + 1 == names.index("pelatihan") == names.index("evaluasi_tahunan") - 1
    assert names.index("iku") > names.index("pengaduan")
    assert entity("iku").cadence == "quarterly" and entity("iku").period_column == "periode"
    assert entity("pelatihan").cadence == "monthly" and "nip" in entity("pelatihan").natural_key


@pytest.mark.parametrize("raw, code", [
    ("Berorientasi Pelayanan", "BERORIENTASI_PELAYANAN"), ("BERORIENTASI_PELAYANAN", "BERORIENTASI_PELAYANAN"),
    ("Orientasi Pelayanan", "BERORIENTASI_PELAYANAN"), ("akuntabel", "AKUNTABEL"), ("Kolaboratif", "KOLABORATIF"),
    ("Integritas", "Integritas"),  # a PP 46/2011 behaviour aspect, not a BerAKHLAK value: kept, then quarantined
])
def test_berakhlak_value_spellings_normalise(raw, code):
    assert normalise_label("berakhlak", raw) == code


def test_feedback_behaviour_and_report_entities():
    names = list(ENTITIES)
    assert names.index("pelatihan") < names.index("umpan_balik")
    assert entity("umpan_balik").natural_key == ("umpan_balik_id",) and entity("umpan_balik").may_be_empty
    assert entity("perilaku_kerja").cadence == "evaluation"
    assert entity("laporan_kinerja").natural_key == ("nip", "periode")
    assert normalise_label("aspek_umpan_balik", "Hasil Kerja") == "RHK"
    assert normalise_label("aspek_umpan_balik", "Perilaku Kerja") == "PERILAKU"
