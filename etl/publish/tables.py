"""The public tables a period's package holds, and reading them from the `publik` schema.

Only `publik` is read: its dbt models are the one place where aggregation and suppression
happen. Each table's columns, types and descriptions come from its dbt contract (the manifest),
so the files are documented by the same text as the warehouse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from etl import transform, warehouse
from etl.config import dbt_target_dir


@dataclass(frozen=True)
class PublicTable:
    model: str          # the dbt model in schema publik
    file: str           # file name in the package, without extension
    key: tuple[str, ...]  # the grain: one row per key, and the files' row order
    period_column: str  # the column that puts a row in a month's package
    history: bool = False  # True: every month up to the package's (trends), not just its own
    # True: every period of the package's year ending by its month (the year to date): quarterly
    # tables (IKM, IKU) then show the latest quarter in the months between quarters' ends
    year_to_date: bool = False


TABLES = (
    PublicTable("pub_distribusi_predikat", "distribusi_predikat",
                ("instansi_kode", "periode", "regime", "urutan"), "bulan_laporan"),
    PublicTable("pub_distribusi_predikat_unit", "distribusi_predikat_unit",
                ("instansi_kode", "unit_kode", "periode", "regime", "urutan"), "bulan_laporan"),
    PublicTable("pub_kepatuhan", "kepatuhan", ("instansi_kode", "periode"), "bulan_laporan"),
    PublicTable("pub_kepatuhan_unit", "kepatuhan_unit", ("instansi_kode", "unit_kode", "periode"), "bulan_laporan"),
    PublicTable("pub_ikm_unit_layanan", "ikm_unit_layanan",
                ("instansi_kode", "unit_layanan_kode", "jenis_periode", "periode"), "bulan_laporan", year_to_date=True),
    PublicTable("pub_tren_bulanan", "tren_bulanan", ("instansi_kode", "bulan"), "bulan", history=True),
    PublicTable("pub_pengaduan_unit", "pengaduan_unit", ("instansi_kode", "unit_layanan_kode", "periode"), "periode"),
    PublicTable("pub_waktu_layanan", "waktu_layanan",
                ("instansi_kode", "unit_layanan_kode", "jenis_layanan", "bulan"), "bulan"),
    PublicTable("pub_capaian_iku", "capaian_iku", ("instansi_kode", "unit_kode", "periode", "iku_kode"),
                "bulan_laporan", year_to_date=True),
    PublicTable("pub_pelatihan", "pelatihan", ("instansi_kode", "bulan_laporan"), "bulan_laporan"),
    PublicTable("pub_pelatihan_unit", "pelatihan_unit", ("instansi_kode", "unit_kode", "bulan_laporan"),
                "bulan_laporan"),
    # issue 20: SKP quality (Kepahiang) and citizens' voice beside the ratings (Wanggar, Kepahiang)
    PublicTable("pub_mutu_skp", "mutu_skp", ("instansi_kode", "periode"), "bulan_laporan"),
    PublicTable("pub_suara_warga", "suara_warga", ("instansi_kode", "unit_layanan_kode", "triwulan"),
                "bulan_laporan", year_to_date=True),
    # issue 20: supervisors' feedback (Lampung, Jambi) and performance reports (Wanggar): counts of people
    PublicTable("pub_umpan_balik", "umpan_balik", ("instansi_kode", "bulan_laporan"), "bulan_laporan"),
    PublicTable("pub_umpan_balik_unit", "umpan_balik_unit", ("instansi_kode", "unit_kode", "bulan_laporan"),
                "bulan_laporan"),
    PublicTable("pub_laporan_kinerja", "laporan_kinerja", ("instansi_kode", "bulan_laporan"), "bulan_laporan"),
    # issue 20: the BerAKHLAK values (Pauh), per evaluation period: a month's package holds the periods ending in it
    PublicTable("pub_berakhlak", "berakhlak", ("instansi_kode", "periode", "urutan"), "bulan_laporan"),
)


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str      # as in the contract: text, integer, boolean, numeric(p,s)
    description: str
    required: bool


class Manifest:
    """The dbt manifest's view of the public models: descriptions, MS-Ind metadata, columns."""

    def __init__(self, path: Path | None = None):
        self.path = path or dbt_target_dir() / "manifest.json"

    @cached_property
    def _nodes(self) -> dict:
        if not self.path.exists():
            transform.dbt("parse")  # a fresh checkout: the manifest is one parse away
        nodes = json.loads(self.path.read_text(encoding="utf-8"))["nodes"]
        return {node["name"]: node for node in nodes.values() if node.get("resource_type") == "model"}

    def node(self, model: str) -> dict:
        try:
            return self._nodes[model]
        except KeyError:
            raise KeyError(f"public model {model} is not in the dbt project ({self.path})") from None

    def columns(self, model: str) -> list[Column]:
        node = self.node(model)
        columns = []
        for name, spec in node["columns"].items():
            constraints = spec.get("constraints") or []
            columns.append(Column(name, spec.get("data_type") or "text", spec.get("description") or "",
                                  any(c.get("type") == "not_null" for c in constraints)))
        return columns

    def description(self, model: str) -> str:
        return self.node(model).get("description") or ""

    def meta(self, model: str) -> dict:
        node = self.node(model)
        return {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}


def read(table: PublicTable, period: str, columns: list[Column]) -> list[tuple]:
    """The table's rows for a month's package, in the order of its key."""
    names = ", ".join(f'"{c.name}"' for c in columns)
    order = ", ".join(f'"{k}"' for k in table.key)
    column = f'"{table.period_column}"'
    if table.history:
        condition, values = f"{column} <= %s", (period,)
    elif table.year_to_date:
        condition, values = f"{column} between %s and %s", (f"{period[:4]}-01", period)
    else:
        condition, values = f"{column} = %s", (period,)
    with warehouse.connect() as conn:
        return conn.execute(
            f'select {names} from publik."{table.model}" where {condition} order by {order}', values
        ).fetchall()
