"""What the product knows of the SIASN-style API and of the SKM application's API, defined once.

The connector (etl.sources.siasn_api) maps what it receives back into canonical rows with it; the
demo's writer (demo.synth.writers.siasn_api) and simulator (demo.simulator) import it to speak the
same API, never the reverse.

Field names follow the SIASN payloads seen in open-source clients (domain.md §4.1:
`rw_kinerjaperiodik`, `rw_skp22`, `data_utama`, `ref-unor`): camelCase, ratings as integer
codes (`hasilKinerjaNilai`, `perilakuKerjaNilai`), NIPs as text. The SKM app sends a
respondent's answers as a list of {"unsur": "U1".."U9", "nilai": 1..4}, in the unsur order of
PermenPANRB 14/2017 (domain.md §2.2).

The API serves each resource under the route prefix of its API (ROUTES), after an OAuth2
client-credentials token (TOKEN_PATH); a token is issued to one agency's client id, and the data
endpoints serve that agency's data, as the national API scopes data to the instansi of the
credentials. Where the demo keeps its files and credentials: demo.simulator.files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from etl.canonical import normalise_label

# rating codes as one SIASN-integrated app maps them (domain.md §1.2, observed once: marked U
# there). The connector takes the mapping from its options; this is only the default.
DEFAULT_RATING_CODES: dict[str, str] = {"1": "DIATAS", "2": "SESUAI", "3": "DIBAWAH"}
# what the writer sends for a rating label it cannot code: a code no mapping knows, so that the
# connector passes it on as the text "9" and validation quarantines the row
UNKNOWN_RATING_CODE = 9

# PermenPANRB 14/2017 unsur codes (domain.md §2.2) of the canonical answer columns
DEFAULT_UNSUR_CODES: dict[str, str] = {
    "U1": "persyaratan", "U2": "prosedur", "U3": "waktu", "U4": "biaya", "U5": "produk",
    "U6": "kompetensi", "U7": "perilaku", "U8": "pengaduan", "U9": "sarana",
}

# route prefix on the server -> folder of that API's files
ROUTES: dict[str, str] = {"/apisiasn/1.0/": "siasn", "/skm/api/v1/": "skm"}
TOKEN_PATH = "/oauth2/token"
HEALTH_PATH = "/health"

# how a canonical value travels as JSON:
#   text    a string; empty -> null
#   number  a JSON number when the text is one exactly (so it comes back as the same text),
#           otherwise the string as it was; empty -> null
#   bool    true/false for "true"/"false", otherwise the string as it was; empty -> null
#   rating  an integer code (DEFAULT_RATING_CODES); empty -> null; unknown -> UNKNOWN_RATING_CODE
TEXT, NUMBER, BOOL, RATING = "text", "number", "bool", "rating"
ANSWERS_FIELD = "jawaban"  # SKM answers: list of {"unsur": code, "nilai": value}


@dataclass(frozen=True)
class Resource:
    api: str  # "siasn" | "skm"
    name: str  # path segment after the API's route prefix, and the folder of its files
    # canonical column -> (camelCase field, kind); the SKM answers are in ANSWERS_FIELD instead
    fields: dict[str, tuple[str, str]]
    answers: bool = False


RESOURCES: dict[str, Resource] = {
    "unit_kerja": Resource("siasn", "unor", {
        "instansi_kode": ("instansiId", TEXT), "unit_kode": ("id", TEXT), "unit_nama": ("namaUnor", TEXT),
        "induk_unit_kode": ("diatasanId", TEXT), "is_unit_layanan": ("isUnitLayanan", BOOL),
    }),
    "pegawai": Resource("siasn", "pegawai", {
        "nip": ("nipBaru", TEXT), "nama": ("nama", TEXT), "status_kepegawaian": ("statusPegawai", TEXT),
        "jenis_kelamin": ("jenisKelamin", TEXT), "golongan": ("golRuangAkhir", TEXT),
        "jabatan_nama": ("jabatanNama", TEXT), "jabatan_kategori": ("jenisJabatan", TEXT),
        "unit_kode": ("unorId", TEXT), "atasan_nip": ("atasanNipBaru", TEXT), "aktif": ("aktif", BOOL),
    }),
    "evaluasi_periodik": Resource("siasn", "kinerja-periodik", {
        "nip": ("nip", TEXT), "periode": ("periode", TEXT), "skp_id": ("skpId", TEXT),
        "regime": ("jenisPeraturanKinerjaKd", TEXT), "rating_hasil_kerja": ("hasilKinerjaNilai", RATING),
        "rating_perilaku_kerja": ("perilakuKerjaNilai", RATING), "nilai_skp": ("nilaiSkp", NUMBER),
        "nilai_perilaku": ("nilaiPerilakuKerja", NUMBER), "predikat": ("kuadranKinerja", TEXT),
        "penilai_nip": ("nipNrpPenilai", TEXT), "waktu_dinilai": ("waktuDinilai", TEXT),
        "is_plt_plh": ("isPltPlh", BOOL),
    }),
    "rhk": Resource("siasn", "rhk", {
        "nip": ("nip", TEXT), "skp_id": ("skpId", TEXT), "tahun": ("tahun", NUMBER), "periode": ("periode", TEXT),
        "rhk_kode": ("rhkKode", TEXT), "rhk_uraian": ("rhkUraian", TEXT), "jenis_rhk": ("jenisRhk", TEXT),
        "indikator": ("indikator", TEXT), "target": ("target", NUMBER), "satuan": ("satuan", TEXT),
        "realisasi": ("realisasi", NUMBER),
    }),
    "predikat_organisasi": Resource("siasn", "predikat-organisasi", {
        "instansi_kode": ("instansiId", TEXT), "unit_kode": ("unorId", TEXT), "periode": ("periode", TEXT),
        "predikat_organisasi": ("predikatKinerjaOrganisasi", TEXT),
    }),
    "skm_responden": Resource("skm", "responden", {
        "responden_id": ("respondenId", TEXT), "instansi_kode": ("instansiKode", TEXT),
        "unit_layanan_kode": ("unitLayananKode", TEXT), "jenis_layanan": ("jenisLayanan", TEXT),
        "tanggal": ("tanggal", TEXT), "usia": ("usia", NUMBER), "jenis_kelamin": ("jenisKelamin", TEXT),
        "pendidikan": ("pendidikan", TEXT), "pekerjaan": ("pekerjaan", TEXT), "saran": ("saran", TEXT),
    }, answers=True),
    "skm_populasi": Resource("skm", "populasi", {
        "instansi_kode": ("instansiKode", TEXT), "unit_layanan_kode": ("unitLayananKode", TEXT),
        "periode": ("periode", TEXT), "populasi": ("populasi", NUMBER),
        "ikm_dilaporkan": ("ikmDilaporkan", NUMBER), "mutu_dilaporkan": ("mutuPelayanan", TEXT),
    }),
    # a unit's IKU (Perjanjian Kinerja) for the year of the quarter: annual target, realisation so far
    "iku": Resource("siasn", "iku", {
        "instansi_kode": ("instansiId", TEXT), "unit_kode": ("unorId", TEXT), "periode": ("periode", TEXT),
        "iku_kode": ("ikuId", TEXT), "indikator": ("namaIndikator", TEXT), "satuan": ("satuan", TEXT),
        "arah": ("polaritas", TEXT), "target": ("targetTahunan", NUMBER), "realisasi": ("realisasiKumulatif", NUMBER),
    }),
    # SIASN's riwayat diklat/kursus: one record per employee and completed training, hours in JP
    "pelatihan": Resource("siasn", "rw-diklat", {
        "nip": ("nipBaru", TEXT), "pelatihan_id": ("id", TEXT), "nama_pelatihan": ("namaKursus", TEXT),
        "jalur": ("jenisPengembangan", TEXT), "tanggal_mulai": ("tanggalMulai", TEXT),
        "tanggal_selesai": ("tanggalSelesai", TEXT), "jumlah_jp": ("jumlahJam", NUMBER), "periode": ("periode", TEXT),
    }),
    # SIASN's rw-skp22 (domain.md §4.1, `rw_skp22`): the annual evaluation of an SKP under PermenPANRB
    # 6/2022. Its real payload capitalises some fields (`KuadranKinerjaNilai`, `PerilakuKerjaNilai`
    # beside `hasilKinerjaNilai`): written here as SIASN spells them, read in either spelling
    # (field_value). The span, post, unit and the unit's annual predikat are this API's additions.
    "evaluasi_tahunan": Resource("siasn", "rw-skp22", {
        "nip": ("nipBaru", TEXT), "tahun": ("tahun", NUMBER), "skp_id": ("id", TEXT), "unit_kode": ("unorId", TEXT),
        "jabatan_nama": ("jabatanNama", TEXT), "jabatan_kategori": ("jenisJabatan", TEXT),
        "periode_awal": ("periodeAwal", TEXT), "periode_akhir": ("periodeAkhir", TEXT),
        "regime": ("jenisPeraturanKinerjaKd", TEXT), "rating_hasil_kerja": ("hasilKinerjaNilai", RATING),
        "rating_perilaku_kerja": ("PerilakuKerjaNilai", RATING), "nilai_skp": ("nilaiSkp", NUMBER),
        "nilai_perilaku": ("nilaiPerilakuKerja", NUMBER), "predikat": ("kuadranKinerja", TEXT),
        "predikat_organisasi": ("predikatKinerjaOrganisasi", TEXT), "penilai_nip": ("nipNrpPenilai", TEXT),
        "waktu_dinilai": ("waktuDinilai", TEXT), "is_plt_plh": ("isPltPlh", BOOL),
        "kuadran_nilai": ("KuadranKinerjaNilai", NUMBER),
    }),
    # continuous feedback (umpan balik) of the real-time reporting application: on an RHK line's
    # realisation (jenisUmpanBalik "RHK") or on a BerAKHLAK value ("PERILAKU")
    "umpan_balik": Resource("siasn", "umpan-balik", {
        "umpan_balik_id": ("id", TEXT), "nip": ("nipBaru", TEXT), "skp_id": ("skpId", TEXT),
        "periode": ("periode", TEXT), "aspek": ("jenisUmpanBalik", TEXT), "rhk_kode": ("rhkKode", TEXT),
        "perilaku_kode": ("perilakuKerjaKode", TEXT), "pemberi_nip": ("nipNrpPenilai", TEXT),
        "waktu_diberikan": ("waktuUmpanBalik", TEXT), "umpan_balik": ("deskripsi", TEXT),
    }),
}

PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$")
_INT_RE = re.compile(r"^(0|-?[1-9][0-9]*)$")
_DEC_RE = re.compile(r"^-?(0|[1-9][0-9]*)\.[0-9]+$")


def prefix_of(api: str) -> str:
    return next(prefix for prefix, name in ROUTES.items() if name == api)


def read_credentials(path: Path) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {"client_id": str(data["client_id"]), "client_secret": str(data["client_secret"])}


# --------------------------------------------------------------------------- values

def encode(value: str, kind: str, rating_codes: dict[str, int] | None = None):
    """A canonical text value as the API sends it (see the kinds above)."""
    text = "" if value is None else str(value)
    if text.strip() == "":
        return None
    if kind == TEXT:
        return text
    if kind == BOOL:
        return {"true": True, "false": False}.get(text, text)
    if kind == NUMBER:
        return encode_number(text)
    if kind == RATING:
        label = normalise_label("rating", text)
        if label is None:
            return None
        codes = rating_codes or {v: int(k) for k, v in DEFAULT_RATING_CODES.items()}
        return codes.get(label, UNKNOWN_RATING_CODE)
    raise ValueError(f"unknown kind {kind}")


def encode_number(text: str):
    if _INT_RE.match(text):
        return int(text)
    if _DEC_RE.match(text) and repr(float(text)) == text:
        return float(text)
    return text


def decode(value) -> str:
    """A JSON value (parsed with numbers kept as their text) as canonical text; null -> ""."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def field_value(record: dict, name: str):
    """A field of a record by its name, or (absent so spelled) by the same name in another case:
    SIASN capitalises some fields in one payload and not in another (`KuadranKinerjaNilai`,
    `kuadranKinerjaNilai`), so both spellings are read. An exact spelling wins over another case."""
    if name in record:
        return record[name]
    wanted = name.casefold()
    return next((value for key, value in record.items() if isinstance(key, str) and key.casefold() == wanted), None)


def dumps(record: dict) -> str:
    """One record as one line of a data file (and as the connector lands it)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
