"""The canonical interchange format (contracts.md §2, version 1): the one definition.

Connectors map every source into these entities; validation, landing and loading read
the column lists from here, so a column is named in exactly one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Entity:
    name: str
    columns: tuple[str, ...]
    # columns that identify a row within one delivery (uniqueness is checked by the suite)
    natural_key: tuple[str, ...]
    # the column that holds the period, or None when the entity is a snapshot "as of" the period
    period_column: str | None
    description: str
    # how often it is delivered: monthly (also training); "evaluation" (the agency's cycle, monthly or
    # quarterly); quarterly (survey populations, organisation indicators: YYYY-Qn in the quarter's
    # last month, whatever the agency's cycle); annual (the annual evaluation: period YYYY, delivered
    # to the yearly run, never to a monthly one)
    cadence: str = "monthly"
    # columns added after version 1 of the format: a delivery may omit them (they are then empty)
    optional: tuple[str, ...] = ()
    # a register of events in the month (complaints, service requests, completed trainings): a quiet
    # month has none, and a delivery of its header alone is a delivery of 0 rows, not a broken one.
    # For the other entities a header without rows is refused (gate `empty`): a roster is never empty
    may_be_empty: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.optional)


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "unit_kerja",
            ("instansi_kode", "unit_kode", "unit_nama", "induk_unit_kode", "is_unit_layanan"),
            ("instansi_kode", "unit_kode"),
            None,
            "organisation units (tree)",
        ),
        Entity(
            "pegawai",
            (
                "nip", "nama", "status_kepegawaian", "jenis_kelamin", "golongan", "jabatan_nama",
                "jabatan_kategori", "unit_kode", "atasan_nip", "aktif",
            ),
            ("nip",),
            None,
            "employees, as of the period",
        ),
        Entity(
            "evaluasi_periodik",
            (
                "nip", "periode", "skp_id", "regime", "rating_hasil_kerja", "rating_perilaku_kerja",
                "nilai_skp", "nilai_perilaku", "predikat", "penilai_nip", "waktu_dinilai", "is_plt_plh",
            ),
            ("nip", "periode", "skp_id"),
            "periode",
            "one row per employee per evaluated period",
            "evaluation",
        ),
        Entity(
            "rhk",
            (
                "nip", "skp_id", "tahun", "periode", "rhk_kode", "rhk_uraian", "jenis_rhk", "indikator",
                "target", "satuan", "realisasi", "target_teks",
            ),
            ("nip", "skp_id", "periode", "rhk_kode"),
            "periode",
            "the lines of an employee's SKP and their realisation in the period; a target written as words "
            "(no digit: 'Tepat waktu') is kept in target_teks, target then empty; a line may have no target "
            "at all (the SKP quality marts count such lines)",
            optional=("target_teks",),
        ),
        Entity(
            "predikat_organisasi",
            ("instansi_kode", "unit_kode", "periode", "predikat_organisasi"),
            ("instansi_kode", "unit_kode", "periode"),
            "periode",
            "the unit's own predikat, set by the level above",
            "evaluation",
        ),
        Entity(
            "skm_responden",
            (
                "responden_id", "instansi_kode", "unit_layanan_kode", "jenis_layanan", "tanggal", "usia",
                "jenis_kelamin", "pendidikan", "pekerjaan", "persyaratan", "prosedur", "waktu", "biaya",
                "produk", "kompetensi", "perilaku", "pengaduan", "sarana", "saran",
            ),
            ("responden_id",),
            None,
            "one row per survey response",
        ),
        Entity(
            "skm_populasi",
            ("instansi_kode", "unit_layanan_kode", "periode", "populasi", "ikm_dilaporkan", "mutu_dilaporkan"),
            ("instansi_kode", "unit_layanan_kode", "periode"),
            "periode",
            "service users in the survey period, for the minimum-sample check; and the IKM (25-100) and "
            "mutu the agency itself reported for it, where it reports one",
            "quarterly",
            optional=("ikm_dilaporkan", "mutu_dilaporkan"),
        ),
        Entity(
            "pengaduan",
            (
                "pengaduan_id", "instansi_kode", "unit_layanan_kode", "kanal", "kategori", "waktu_diterima",
                "waktu_respon_pertama", "waktu_selesai", "status", "uraian",
            ),
            ("pengaduan_id",),
            None,
            "one row per complaint received in the month (channel, service unit, category, received, first "
            "response and resolved timestamps, status as at the export); the free-text uraian stays in raw",
            may_be_empty=True,
        ),
        Entity(
            "transaksi_layanan",
            ("transaksi_id", "instansi_kode", "unit_layanan_kode", "jenis_layanan", "waktu_diajukan", "waktu_selesai"),
            ("transaksi_id",),
            None,
            "one row per service request submitted in the month (service type, unit, submitted and completed "
            "timestamps; completed empty while still in progress)",
            may_be_empty=True,
        ),
        Entity(
            "iku",
            (
                "instansi_kode", "unit_kode", "periode", "iku_kode", "indikator", "satuan", "arah", "target",
                "realisasi",
            ),
            ("instansi_kode", "unit_kode", "periode", "iku_kode"),
            "periode",
            "a unit's key performance indicators (IKU of its Perjanjian Kinerja) for the year of the quarter: "
            "the annual target and the realisation up to the end of the quarter (empty if not yet measured); "
            "delivered each quarter, the year's indicators again with the realisation so far",
            "quarterly",
        ),
        Entity(
            "pelatihan",
            (
                "nip", "pelatihan_id", "nama_pelatihan", "jalur", "tanggal_mulai", "tanggal_selesai", "jumlah_jp",
                "periode",
            ),
            ("nip", "pelatihan_id"),
            "periode",
            "competence development an employee completed in the month (periode = the month of "
            "tanggal_selesai): hours in jam pelajaran (JP)",
            may_be_empty=True,
        ),
        Entity(
            "evaluasi_tahunan",
            (
                "nip", "tahun", "skp_id", "unit_kode", "jabatan_nama", "jabatan_kategori", "periode_awal",
                "periode_akhir", "regime", "rating_hasil_kerja", "rating_perilaku_kerja", "nilai_skp",
                "nilai_perilaku", "predikat", "predikat_organisasi", "penilai_nip", "waktu_dinilai", "is_plt_plh",
                "kuadran_nilai",
            ),
            ("nip", "tahun", "skp_id"),
            "tahun",
            "the annual evaluation (evaluasi kinerja tahunan) of an employee's SKP of the year: one row per "
            "employee and SKP (a mutasi or an acting post gives a second), with the SKP's span in the year, "
            "its post, the ratings or the legacy scores, the predikat reported and the unit's annual predikat",
            "annual",
            optional=("kuadran_nilai",),
        ),
        Entity(
            "umpan_balik",
            (
                "umpan_balik_id", "nip", "skp_id", "periode", "aspek", "rhk_kode", "perilaku_kode", "pemberi_nip",
                "waktu_diberikan", "umpan_balik",
            ),
            ("umpan_balik_id",),
            "periode",
            "a rater's feedback (umpan balik, PermenPANRB 6/2022 stage 2) on one RHK line's realisation "
            "(aspek RHK, rhk_kode) or one BerAKHLAK value (aspek PERILAKU, perilaku_kode) of an employee "
            "(nip) in the month: who gave it and when; the text stays internal (raw and marts, never publik)",
            may_be_empty=True,
        ),
        Entity(
            "perilaku_kerja",
            ("nip", "skp_id", "periode", "perilaku_kode", "ekspektasi", "rating"),
            ("nip", "skp_id", "periode", "perilaku_kode"),
            "periode",
            "per BerAKHLAK value of an employee's SKP in an evaluated period: the leader's specific "
            "expectation (ekspektasi khusus pimpinan, free text, internal) and the value's rating "
            "(empty while not yet rated)",
            "evaluation",
        ),
        Entity(
            "laporan_kinerja",
            ("nip", "periode", "laporan_id", "waktu_disampaikan", "capaian", "kendala"),
            ("nip", "periode"),
            "periode",
            "an employee's own performance report for the month (achievements and challenges, free "
            "text kept for auditors only) and when it was filed",
            may_be_empty=True,
        ),
    )
}


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        known = ", ".join(ENTITIES)
        raise KeyError(f"unknown entity '{name}' (known: {known})") from None


# --------------------------------------------------------------------------- labels
# Labels arrive in many spellings (domain.md §1.2, §7, §8). Normalisation maps a spelling
# to its canonical code; a spelling it does not know stays as received so that the
# suite quarantines it with its reason, instead of guessing.

def _key(label: str) -> str:
    return re.sub(r"[^A-Z]", "", label.upper())


# The SKM questionnaire's nine unsur in the order of PermenPANRB 14/2017 (domain.md §2.2), and the
# answer words of each for nilai persepsi 1..4 (domain.md §2.3): the SKM forms connector
# (etl.sources.skm_forms_csv) reads them, the demo's form export writes them
SKM_UNSUR = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "pengaduan", "sarana")
SKM_ANSWER_WORDS: dict[str, tuple[str, str, str, str]] = {
    "persyaratan": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "prosedur": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    "waktu": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    "biaya": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    "produk": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "kompetensi": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    "perilaku": ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    "pengaduan": ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    "sarana": ("Buruk", "Cukup", "Baik", "Sangat baik"),
}

_RATING = {
    "DIATAS": "DIATAS", "DIATASEKSPEKTASI": "DIATAS",
    "SESUAI": "SESUAI", "SESUAIEKSPEKTASI": "SESUAI",
    "DIBAWAH": "DIBAWAH", "DIBAWAHEKSPEKTASI": "DIBAWAH",
}
_PREDIKAT_PEGAWAI = {
    "SANGATBAIK": "SANGAT_BAIK",
    "BAIK": "BAIK",
    "BUTUHPERBAIKAN": "BUTUH_PERBAIKAN", "CUKUP": "BUTUH_PERBAIKAN",
    "KURANG": "KURANG", "KURANGMISCONDUCT": "KURANG", "MISCONDUCT": "KURANG",
    "SANGATKURANG": "SANGAT_KURANG",
}

_PREDIKAT_ORGANISASI = {
    "ISTIMEWA": "ISTIMEWA", "BAIK": "BAIK", "BUTUHPERBAIKAN": "BUTUH_PERBAIKAN", "CUKUP": "BUTUH_PERBAIKAN",
    "KURANG": "KURANG", "SANGATKURANG": "SANGAT_KURANG",
}
_JENIS_RHK = {"UTAMA": "UTAMA", "TAMBAHAN": "TAMBAHAN"}
# complaint channels (the online, forum, in person) and statuses, as systems spell them
_KANAL_PENGADUAN = {
    "ONLINE": "ONLINE", "DARING": "ONLINE", "WEB": "ONLINE", "APLIKASI": "ONLINE", "WEBSITE": "ONLINE",
    "FORUM": "FORUM", "FORUMWARGA": "FORUM", "MUSYAWARAH": "FORUM", "FORUMMUSYAWARAH": "FORUM",
    "TATAPMUKA": "TATAP_MUKA", "LANGSUNG": "TATAP_MUKA", "LOKET": "TATAP_MUKA", "DATANGLANGSUNG": "TATAP_MUKA",
}
_STATUS_PENGADUAN = {
    "DITERIMA": "DITERIMA", "BARU": "DITERIMA", "MASUK": "DITERIMA",
    "DIPROSES": "DIPROSES", "PROSES": "DIPROSES", "DITINDAKLANJUTI": "DIPROSES",
    "SELESAI": "SELESAI", "TUNTAS": "SELESAI",
    "DITOLAK": "DITOLAK", "TIDAKVALID": "DITOLAK",
}
# an indicator's direction: higher is better (NAIK) or lower is better (TURUN), as SAKIP forms print it
_ARAH_IKU = {"NAIK": "NAIK", "MAKSIMAL": "NAIK", "MAKSIMALKAN": "NAIK", "SEMAKINTINGGISEMAKINBAIK": "NAIK",
             "TURUN": "TURUN", "MINIMAL": "TURUN", "MINIMALKAN": "TURUN", "SEMAKINRENDAHSEMAKINBAIK": "TURUN"}
# PP 17/2020 art. 203 (as amended): classical (in a classroom) or non-classical (e-learning, coaching,
# on-the-job) competence development
_JALUR_PELATIHAN = {"KLASIKAL": "KLASIKAL", "NONKLASIKAL": "NONKLASIKAL"}
# the seven BerAKHLAK core values (SE MenPANRB 20/2021; domain.md §1.7, codes of §7), as forms print them
BERAKHLAK = ("BERORIENTASI_PELAYANAN", "AKUNTABEL", "KOMPETEN", "HARMONIS", "LOYAL", "ADAPTIF", "KOLABORATIF")
_BERAKHLAK = {**{code.replace("_", ""): code for code in BERAKHLAK},
              "ORIENTASIPELAYANAN": "BERORIENTASI_PELAYANAN", "BERORIENTASIPADAPELAYANAN": "BERORIENTASI_PELAYANAN"}
# what a feedback is about: one RHK line or one behaviour value
_ASPEK_UMPAN_BALIK = {"RHK": "RHK", "HASILKERJA": "RHK", "RENCANAHASILKERJA": "RHK",
                      "PERILAKU": "PERILAKU", "PERILAKUKERJA": "PERILAKU", "BERAKHLAK": "PERILAKU"}

LABELS: dict[str, dict[str, str]] = {
    "rating": _RATING,
    "predikat_pegawai": _PREDIKAT_PEGAWAI,
    "predikat_organisasi": _PREDIKAT_ORGANISASI,
    "jenis_rhk": _JENIS_RHK,
    "kanal_pengaduan": _KANAL_PENGADUAN,
    "status_pengaduan": _STATUS_PENGADUAN,
    "arah_iku": _ARAH_IKU,
    "jalur_pelatihan": _JALUR_PELATIHAN,
    "berakhlak": _BERAKHLAK,
    "aspek_umpan_balik": _ASPEK_UMPAN_BALIK,
}


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII")
_GOLONGAN_PNS = re.compile(r"^(IV|III|II|I|[1-4])[/.\-]?([A-E])$")


def normalise_golongan(text: str) -> str:
    """'III/a', 'III.a', 'III-a', '3A', 'Penata Muda, III/a', 'Gol. III/a' -> 'III/a'; 'ix' -> 'IX'
    (PPPK, domain.md §3.3). A spelling it cannot read is returned unchanged (and quarantined)."""
    core = text.rsplit(",", 1)[-1].upper()
    core = re.sub(r"^\s*GOL(ONGAN)?\.?\s*", "", core.strip())
    core = re.sub(r"\s+", "", core)
    match = _GOLONGAN_PNS.match(core)
    if match:
        ruang = match[1] if not match[1].isdigit() else _ROMAN[int(match[1]) - 1]
        return f"{ruang}/{match[2].lower()}"
    return core if core in _ROMAN else text


def normalise_label(vocabulary: str, value: str | None) -> str | None:
    """Canonical code for `value` in `vocabulary`, the value unchanged if unknown, None if empty."""
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "-"):
        return None
    if vocabulary == "golongan":
        return normalise_golongan(text)
    return LABELS[vocabulary].get(_key(text), text)


# which columns of which entity carry which vocabulary
LABEL_COLUMNS: dict[str, dict[str, str]] = {
    "evaluasi_periodik": {
        "rating_hasil_kerja": "rating",
        "rating_perilaku_kerja": "rating",
        "predikat": "predikat_pegawai",
    },
    "predikat_organisasi": {"predikat_organisasi": "predikat_organisasi"},
    "rhk": {"jenis_rhk": "jenis_rhk"},
    "pegawai": {"golongan": "golongan"},
    "pengaduan": {"kanal": "kanal_pengaduan", "status": "status_pengaduan"},
    "iku": {"arah": "arah_iku"},
    "pelatihan": {"jalur": "jalur_pelatihan"},
    "evaluasi_tahunan": {
        "rating_hasil_kerja": "rating",
        "rating_perilaku_kerja": "rating",
        "predikat": "predikat_pegawai",
        "predikat_organisasi": "predikat_organisasi",
    },
    "umpan_balik": {"aspek": "aspek_umpan_balik", "perilaku_kode": "berakhlak"},
    "perilaku_kerja": {"perilaku_kode": "berakhlak", "rating": "rating"},
}


_MISSING = ("", "-")
TEXT = pa.large_string()  # the Arrow type pandas keeps strings in: columns pass between the two without a copy


def text_array(values: pd.Series) -> pa.ChunkedArray:
    """A column's values as an Arrow string array: no copy when pandas already keeps them in Arrow
    (the readers' frames), else converted as `astype("string")` converts them."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("string")
    array = pa.array(values.array)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array], type=TEXT)


def string_series(array: pa.ChunkedArray | pa.Array) -> pd.Series:
    """An Arrow string array as a pandas string column (without a copy when it is large_string,
    the type pandas keeps its strings in)."""
    if not isinstance(array, pa.ChunkedArray):
        array = pa.chunked_array([array], type=array.type)
    return pd.Series(pd.arrays.ArrowStringArray(array.cast(TEXT) if array.type != TEXT else array))


def _normalised(text: pa.ChunkedArray, vocabulary: str) -> pa.ChunkedArray:
    """Each distinct spelling normalised once (a delivery spells a label a handful of ways)."""
    spellings = [v for v in pc.unique(text).to_pylist() if v is not None]
    codes = [normalise_label(vocabulary, v) for v in spellings]
    if codes == spellings:
        return text
    return pa.array(codes, type=TEXT).take(pc.index_in(text, value_set=pa.array(spellings, type=TEXT)))


def to_canonical(frame: pd.DataFrame, entity_name: str, first_row: int) -> pd.DataFrame:
    """The entity's columns only (extra producer columns are ignored), as trimmed text with
    '' and '-' as missing and labels normalised; `_row` numbers the rows from `first_row`.

    Vectorised in Arrow (the columns stay Arrow-backed strings): trimming is Python's
    `str.strip()`, whose 29 whitespace characters Arrow's utf8_trim_whitespace also trims."""
    spec = entity(entity_name)
    vocabularies = LABEL_COLUMNS.get(entity_name, {})
    rows = len(frame)
    out = {"_row": np.arange(first_row, first_row + rows, dtype=np.int64)}
    for column in spec.columns:
        if column not in frame:
            out[column] = string_series(pa.nulls(rows, TEXT))
            continue
        text = pc.utf8_trim_whitespace(text_array(frame[column]))
        text = pc.if_else(pc.is_in(text, value_set=pa.array(_MISSING, type=TEXT)), pa.scalar(None, TEXT), text)
        if column in vocabularies:
            text = _normalised(text, vocabularies[column])
        out[column] = string_series(text)
    if entity_name == "rhk":
        out["target"], out["target_teks"] = _target_in_words(out["target"], out["target_teks"])
    return pd.DataFrame(out)


_NO_DIGIT = r"^[^0-9]+$"


def _target_in_words(target: pd.Series, in_words: pd.Series) -> tuple[pd.Series, pd.Series]:
    """An RHK target written as words without a digit ('Tepat waktu', 'Sesuai SOP') is no number and
    no defect of the delivery: it is what the employee's SKP says, and the SKP quality marts judge it
    (docs/canonical-format.md, "rhk"). It moves to target_teks (unless the producer filled that
    column itself) and target is left empty. A target with a digit that is not a plain number
    ('12,5', '100%') stays in target and is quarantined by the number rule, never guessed."""
    array = text_array(target)
    words = pc.fill_null(pc.match_substring_regex(array, _NO_DIGIT), False)
    if not pc.any(words).as_py():
        return target, in_words
    kept = text_array(in_words)
    moved = pc.if_else(pc.and_(words, pc.is_null(kept)), array, kept)
    return string_series(pc.if_else(words, pa.scalar(None, TEXT), array)), string_series(moved)
