"""Issue 20's planted cases: RHK lines that cannot be measured, and a unit rated Istimewa whose citizens give D.

Called from demo.synth (World.rhk, World.skm_responden) through two small hooks. What is planted is
counted in the manifest as findings, so the marts can be checked against hand counts
(tests/e2e/test_mutu_suara.py):

- rhk, per delivery: `unit_indikator_disalin` (one unit whose staff all carry one indicator text on
  their first line: rule INDIKATOR_DISALIN of seed aturan_mutu_skp) with `rhk_indikator_disalin` (its
  lines); `rhk_tanpa_target`, `rhk_tanpa_satuan`, `rhk_target_bukan_angka` (a quantitative indicator
  with the target 'Tepat waktu', where the source keeps a target as text) and
  `rhk_realisasi_tanpa_target` (those of them with a realisation). Planted on the lines of heads of
  units, whom the roster's planted defects never touch, so every planted line loads.
- skm_responden, per quarter (under the quarter's first month): `unit_istimewa_mutu_d`, a service unit of
  an OPD rated Istimewa in the quarter's last evaluation period whose respondents answer 1 or 2, so
  that its IKM is mutu D (the world has no other unit in D: demo.synth.world.survey_responses).
"""

from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np
import pandas as pd

from etl.config import dbt_project_dir
from demo.synth import plant, world

SALIN_TEKS = "Jumlah kegiatan yang dilaksanakan sesuai rencana kerja"
TARGET_KATA = "Tepat waktu"
RATE = 0.004  # of a delivery's lines, each kind of line that cannot be measured


@lru_cache(maxsize=1)
def aturan() -> dict[str, dict[str, str]]:
    """The rules of seed aturan_mutu_skp (the one copy of their thresholds)."""
    with open(dbt_project_dir() / "seeds" / "aturan_mutu_skp.csv", newline="", encoding="utf-8") as fh:
        return {row["aturan_kode"]: row for row in csv.DictReader(fh)}


def copying_unit(roster: pd.DataFrame) -> str | None:
    """The unit of an OPD block's roster that copies one indicator to all its staff, if the block has
    one large enough for rule INDIKATOR_DISALIN (two more than its minimum): the first by code. The
    delivery plants it in its first block that has one; the roster's planted defects spare its people
    (World.pegawai), so that all of them count in the unit."""
    minimum = int(aturan()["INDIKATOR_DISALIN"]["minimum_kelompok"]) + 2
    sizes = roster.groupby("unit_kode")["nip"].nunique()
    big = sorted(u for u, n in sizes.items() if n >= minimum and u.count(".") >= 2)
    return big[0] if big else None


def rhk_findings(lines: pd.DataFrame, roster: pd.DataFrame, rng: np.random.Generator, tally: plant.Tally,
                 agency: str, period: str, state: dict, text_targets: bool) -> pd.DataFrame:
    """Plant this issue's cases in one OPD block's lines. `state` is the delivery's: the copying
    unit is planted once, in the first block that has a unit large enough."""
    lines = lines.copy()
    usable = lines["jenis_rhk"] != "POKOK"  # a line quarantined for its jenis_rhk would not count
    if not state.get("disalin"):
        unit = copying_unit(roster)
        if unit:
            people = set(roster.loc[roster["unit_kode"] == unit, "nip"])
            chosen = lines.index[lines["nip"].isin(people) & (lines["rhk_kode"] == "RHK-1") & usable]
            lines.loc[chosen, "indikator"] = SALIN_TEKS
            state["disalin"] = unit
            tally.finding(agency, period, "rhk", "unit_indikator_disalin")
            tally.finding(agency, period, "rhk", "rhk_indikator_disalin", len(chosen))
    heads = set(roster.loc[roster["x_role"] != "staff", "nip"])
    free = list(lines.index[lines["nip"].isin(heads) & usable & (lines["indikator"] != SALIN_TEKS)])
    n = len(lines)
    for i in plant._pick(rng, free, plant._count(rng, n, RATE)):
        lines.at[i, "target"] = ""
        tally.finding(agency, period, "rhk", "rhk_tanpa_target")
        if lines.at[i, "realisasi"] != "":
            tally.finding(agency, period, "rhk", "rhk_realisasi_tanpa_target")
    for i in plant._pick(rng, free, plant._count(rng, n, RATE)):
        lines.at[i, "satuan"] = ""
        tally.finding(agency, period, "rhk", "rhk_tanpa_satuan")
    if text_targets:
        for i in plant._pick(rng, free, plant._count(rng, n, RATE)):
            lines.at[i, "target"] = TARGET_KATA  # every template's indicator is quantitative (Jumlah, Persentase)
            tally.finding(agency, period, "rhk", "rhk_target_bukan_angka")
            if lines.at[i, "realisasi"] != "":
                tally.finding(agency, period, "rhk", "rhk_realisasi_tanpa_target")
    for name in ("unit_indikator_disalin", "rhk_indikator_disalin", "rhk_tanpa_target", "rhk_tanpa_satuan",
                 "rhk_realisasi_tanpa_target") + (("rhk_target_bukan_angka",) if text_targets else ()):
        tally.finding(agency, period, "rhk", name, 0)  # named in the manifest also when none was planted
    return lines


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def istimewa_d_unit(government: world.Government, month: str, months: tuple[str, ...], seed: int,
                    employees: int) -> str | None:
    """The service unit planted for the quarter of `month`: of an OPD rated Istimewa in the quarter's
    last evaluation period the demo world delivers (its last month so far, or the quarter for a
    quarterly government once the quarter has ended), chosen by the seed; None if no OPD is."""
    quarter = _quarter(month)
    in_quarter = sorted(m for m in months if _quarter(m) == quarter)
    if not in_quarter:
        return None
    if government.periodicity == "quarterly":
        if int(in_quarter[-1][5:7]) % 3:
            return None
        label = quarter
    else:
        label = in_quarter[-1]
    candidates = []
    for index in range(world.opd_count(government, employees)):
        if world.opd_predikat(government, index, label, seed, employees) == "ISTIMEWA":
            candidates += [u.kode for u in world.units_of_opd(government, index, seed, employees) if u.layanan]
    if not candidates:
        return None
    rng = world.rng_for(seed, government.kode, "plant-istimewa-d", quarter)
    return sorted(candidates)[int(rng.integers(0, len(candidates)))]


def citizens_give_d(answers: pd.DataFrame, rng: np.random.Generator, tally: plant.Tally, agency: str,
                    month: str, months: tuple[str, ...]) -> pd.DataFrame:
    """The planted unit's respondents answer 1 or 2 to every question (IKM about 40: mutu D). Counted
    once per quarter, in the manifest's first month of the quarter."""
    answers = answers.copy()
    for unsur in world.UNSUR:
        answers[unsur] = [str(v) for v in rng.choice([1, 2], size=len(answers), p=[0.4, 0.6])]
    if month == min(m for m in months if _quarter(m) == _quarter(month)):
        tally.finding(agency, month, "skm_responden", "unit_istimewa_mutu_d")
    return answers
