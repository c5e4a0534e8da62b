"""Careers in the demo world (issue 19; domain.md §1.6, §4.3, §8.5): people move, act, rise, leave and join.

Drawn per government, OPD and calendar year from the seed (rng_for(seed, government, "karier", OPD,
year)), so every month of the year sees the same careers and a block is regenerated without the
rest of the world; each year starts again from the OPD's base roster (world.people_of_opd). Among
the staff of an OPD, each at most one event a year, at realistic small rates:

  MUTASI    5 % a year: a transfer to a unit of the next OPD, effective the 15th of a month (February
            to December); the new OPD's roster has him from that month, with a new SKP (skp_id
            suffix -Mmm); in that period he has two SKPs: the old one, rated by his old superior
            the day after the period ends at 07:00, and the new one, rated later (domain.md §4.3:
            the latest speaks; he counts in the unit where the period ended)
  PROMOSI   4 % a year (PNS only): the next golongan and a functional post, effective the 15th, a new
            SKP (-Pmm) from then; two SKPs in that period, as after a mutasi
  PLT_PLH   3 % a year: an acting post (Plt. Kepala of another unit of his OPD) for 1-3 months beside
            his own, with an SKP of its own (-PLTmm, is_plt_plh true) rated by the head of the OPD
  PENSIUN   staff who reach the retirement age (BUP) in the year, 58 (60 in a functional post; birth
            date from the NIP, domain.md §3.1): the first month after the birthday's month he is on
            the roster as not active and is rated no more; from the month after he is gone
  REKRUT    3 % of the OPD a year: new CPNS and PPPK (half each, domain.md §3.2: NI PPPK with 21 in
            digits 13-14) from the 1st of a month, new NIPs of the year and month of appointment

and in OPD 0 (the secretariat), so that every government and period has some whatever its size:
each quarter a vacant post acted in for the whole quarter (PLT_PLH) and a promotion in its middle
month (two SKPs in that month, and in that quarter).

The units planted at the curve's limit (world.KURVA_BATAS) have no career events; their acting
posts are planted by `plant_curve_limit`. Career rows are kept out of the planted defects and
findings (column x_karier), so the manifest's counts stay exact. `Ledger` records every event
and row for manifest.json ("karier", "kurva_batas").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from demo.synth import world
from demo.synth.world import Government
from etl.canonical import normalise_label

RATES = {"MUTASI": 0.05, "PROMOSI": 0.04, "PLT_PLH": 0.03}  # of an OPD's staff, per year
REKRUT_RATE = 0.03  # new people, of an OPD's size, per year
PPPK_SHARE = 0.5    # of the new people
BUP = {"PELAKSANA": 58, "FUNGSIONAL": 60}  # batas usia pensiun of the demo's staff, by kind of post
SKP_SUFFIX = {"MUTASI": "-M", "PROMOSI": "-P", "PLT_PLH": "-PLT"}
JABATAN_FUNGSIONAL = "Analis Kebijakan Ahli Pertama"


@dataclass(frozen=True)
class Event:
    kind: str            # MUTASI | PROMOSI | PLT_PLH | PENSIUN | REKRUT
    nip: str
    month: int           # 1-12: the month it takes effect
    opd: int             # the OPD whose roster he is on before it (REKRUT: joins)
    unit: str            # the unit he moves to, acts in, joins or leaves
    from_unit: str = ""  # MUTASI: his unit before; PROMOSI: his golongan before
    atasan: str = ""     # MUTASI: his superior before
    months: int = 0      # PLT_PLH: how long the acting post lasts
    status: str = ""     # REKRUT: CPNS | PPPK


def _planted(government: Government, total: int) -> dict:
    return world.planted_curve_units(government, total)


def _career_opds(government: Government, total: int) -> list[int]:
    planted = _planted(government, total)
    return [i for i in range(world.opd_count(government, total)) if i not in planted]


def target_opd(government: Government, index: int, total: int) -> int | None:
    """Where an OPD's transfers go: the next OPD with careers (none for a single one)."""
    opds = _career_opds(government, total)
    if index not in opds or len(opds) < 2:
        return None
    return opds[(opds.index(index) + 1) % len(opds)]


def source_opd(government: Government, index: int, total: int) -> int | None:
    opds = _career_opds(government, total)
    if index not in opds or len(opds) < 2:
        return None
    return opds[opds.index(index) - 1]


def _leaf_units(government: Government, index: int, seed: int, total: int) -> list[str]:
    return [u.kode for u in world.units_of_opd(government, index, seed, total) if u.kode.count(".") == 2]


def _birth(nip: str) -> tuple[int, int]:
    return int(nip[:4]), int(nip[4:6])


def retirement_month(nip: str, year: int, kategori: str = "PELAKSANA") -> int | None:
    """The month of `year` from which he is retired: the first after the month he reaches his BUP
    (58, or 60 in a functional post: UU 20/2023's retirement ages as the demo simplifies them)."""
    born, month = _birth(nip)
    if born + BUP.get(kategori, BUP["PELAKSANA"]) == year and month < 12:
        return month + 1
    return None


@lru_cache(maxsize=256)
def events_of_opd(government: Government, index: int, year: int, seed: int, total: int) -> tuple[Event, ...]:
    """The career events of an OPD's people in a year (transfers out, not in: see incoming)."""
    if index not in _career_opds(government, total):
        return ()
    people = world.people_of_opd(government, index, seed, total)
    rng = world.rng_for(seed, government.kode, "karier", index, year)
    units = _leaf_units(government, index, seed, total)
    heads = people[people["x_role"] == "head_unit"].set_index("unit_kode")["nip"]
    target = target_opd(government, index, total)
    target_units = _leaf_units(government, target, seed, total) if target is not None else []
    events: list[Event] = []
    staff = people[people["x_role"] == "staff"].sort_values("nip")
    draws = rng.random(len(staff))
    months = rng.integers(2, 13, size=len(staff))
    picks = rng.integers(0, 1 << 30, size=len(staff))
    before_cache: dict[int, pd.DataFrame] = {}
    for person, u, month, pick in zip(staff.itertuples(index=False), draws, months, picks):
        month, pick = int(month), int(pick)
        retires = retirement_month(person.nip, year, person.jabatan_kategori)
        if retires is not None:
            events.append(Event("PENSIUN", person.nip, retires, index, person.unit_kode))
            continue
        if u < RATES["MUTASI"]:
            if not target_units:
                continue
            if month not in before_cache:
                before_cache[month] = world.as_of(people, government, f"{year}-{month - 1:02d}", seed, total) \
                    .set_index("nip")
            before = before_cache[month].loc[person.nip]
            events.append(Event("MUTASI", person.nip, month, index, target_units[pick % len(target_units)],
                                from_unit=before["unit_kode"], atasan=before["atasan_nip"]))
        elif u < RATES["MUTASI"] + RATES["PROMOSI"]:
            if person.status_kepegawaian == "PNS" and person.golongan in world.GOLONGAN_PNS[:-1]:
                events.append(Event("PROMOSI", person.nip, month, index, person.unit_kode, from_unit=person.golongan))
        elif u < sum(RATES.values()):
            others = [x for x in units if x != person.unit_kode] or units
            events.append(Event("PLT_PLH", person.nip, month - 1, index, others[pick % len(others)],
                                months=1 + pick % 3, atasan=heads.get(person.unit_kode, "")))
    if index == 0:  # the secretariat: every quarter a vacant post acted in, and a promotion mid-quarter
        busy = {e.nip for e in events}
        free = [p for p in staff.itertuples(index=False) if p.nip not in busy and retirement_month(p.nip, year, p.jabatan_kategori) is None]
        for q in range(4):
            if len(free) < 2:
                break
            acting = free.pop(int(rng.integers(0, len(free))))
            others = [x for x in units if x != acting.unit_kode] or units
            events.append(Event("PLT_PLH", acting.nip, 3 * q + 1, index, others[q % len(others)], months=3,
                                atasan=heads.get(acting.unit_kode, "")))
            rising = [p for p in free if p.status_kepegawaian == "PNS" and p.golongan in world.GOLONGAN_PNS[:-1]]
            if rising:
                person = rising[int(rng.integers(0, len(rising)))]
                free.remove(person)
                events.append(Event("PROMOSI", person.nip, 3 * q + 2, index, person.unit_kode,
                                    from_unit=person.golongan))
    hires = int(len(people) * REKRUT_RATE) + (1 if rng.random() < len(people) * REKRUT_RATE % 1 else 0)
    taken = set(people["nip"])
    classes = world.nip_classes(government, total)
    for _ in range(hires):
        status = "PPPK" if rng.random() < PPPK_SHARE else "CPNS"
        month = int(rng.integers(1, 13))
        nip = _new_nip(rng, status, year, month, taken, index, classes)
        events.append(Event("REKRUT", nip, month, index, units[int(rng.integers(0, len(units)))], status=status))
    return tuple(events)


def _new_nip(rng: np.random.Generator, status: str, year: int, month: int, taken: set[str], residue: int,
             classes: int) -> str:
    """A new employee's NIP (domain.md §3.1-3.2): born 1990-2001 on a day of the OPD's residue class
    (world._nip keeps OPDs apart the same way), appointed in `year` (and `month` for a CPNS)."""
    first = (pd.Timestamp("1990-01-01") - pd.Timestamp("1966-01-01")).days
    span = 12 * 365
    day = first + (int(rng.integers(0, span // classes + 1)) * classes + (residue - first) % classes)
    birth = pd.Timestamp("1966-01-01") + pd.Timedelta(days=day)
    middle = f"{year}21" if status == "PPPK" else f"{year}{month:02d}"
    stem = f"{birth:%Y%m%d}{middle}{int(rng.integers(1, 3))}"
    urut = 1
    while f"{stem}{urut:03d}" in taken:
        urut += 1
    taken.add(f"{stem}{urut:03d}")
    return f"{stem}{urut:03d}"


def incoming(government: Government, index: int, year: int, seed: int, total: int) -> tuple[Event, ...]:
    source = source_opd(government, index, total)
    if source is None:
        return ()
    return tuple(e for e in events_of_opd(government, source, year, seed, total) if e.kind == "MUTASI")


def _month(period: str) -> tuple[int, int]:
    return int(period[:4]), int(period[5:7])


def roster(people: pd.DataFrame, government: Government, month: str, seed: int, total: int) -> pd.DataFrame:
    """The OPD's roster of `month` (world.as_of) after the year's careers: who left, retired, rose,
    joined or came in. Adds x_skp (the suffix of the SKP he works on) and x_karier (whose row changes
    this month, kept out of the planted defects)."""
    out = people.copy()
    out["x_skp"] = ""
    out["x_karier"] = False
    if people.empty:
        return out
    index = int(people["x_opd"].iloc[0])
    year, m = _month(month)
    own = events_of_opd(government, index, year, seed, total)
    arriving = incoming(government, index, year, seed, total)
    if not own and not arriving:
        return out
    # the people whose roster row changes this month, kept out of the planted defects
    out["x_karier"] = out["nip"].isin({e.nip for e in (*own, *arriving) if e.month == m})
    gone = {e.nip for e in own if (e.kind == "MUTASI" and e.month <= m) or (e.kind == "PENSIUN" and e.month < m)}
    out = out[~out["nip"].isin(gone)].copy()
    for e in own:
        if e.kind == "PENSIUN" and e.month == m:
            out.loc[out["nip"] == e.nip, "aktif"] = "false"
        elif e.kind == "PROMOSI" and e.month <= m:
            rows = out["nip"] == e.nip
            out.loc[rows, "golongan"] = world.GOLONGAN_PNS[world.GOLONGAN_PNS.index(e.from_unit) + 1]
            out.loc[rows, ["jabatan_nama", "jabatan_kategori"]] = [JABATAN_FUNGSIONAL, "FUNGSIONAL"]
            out.loc[rows, "x_skp"] = f"{SKP_SUFFIX['PROMOSI']}{e.month:02d}"
    heads = people[people["x_role"] == "head_unit"].set_index("unit_kode")["nip"]
    added = []
    rng = world.rng_for(seed, government.kode, "karier-orang", index, year)
    for e in own:
        if e.kind == "REKRUT":
            person = world._person(rng, e.nip, e.status, e.unit, heads.get(e.unit, ""),
                                   "Pengadministrasi Perkantoran", "PELAKSANA", "staff",
                                   golongan="V" if e.status == "PPPK" else "II/a")
            if e.month <= m:
                added.append(person | {"x_opd": index, "x_skp": "", "x_karier": e.month == m})
    if arriving:
        source = world.people_of_opd(government, arriving[0].opd, seed, total).set_index("nip")
        for e in arriving:
            if e.month <= m:
                person = source.loc[e.nip].to_dict() | {"nip": e.nip}
                added.append(person | {"unit_kode": e.unit, "atasan_nip": heads.get(e.unit, ""), "x_opd": index,
                                       "x_skp": f"{SKP_SUFFIX['MUTASI']}{e.month:02d}", "x_karier": e.month == m})
    if added:
        out = pd.concat([out, pd.DataFrame(added)[out.columns]], ignore_index=True)
    return out.reset_index(drop=True)


def _months_of(period: str) -> list[int]:
    if "Q" in period:
        q = int(period[-1])
        return [3 * q - 2, 3 * q - 1, 3 * q]
    return [int(period[5:7])]


def evaluation_rows(government: Government, frame: pd.DataFrame, roster_: pd.DataFrame, period: str, seed: int,
                    total: int, ledger: Ledger | None = None) -> pd.DataFrame:
    """An OPD's evaluations of `period` with the careers' second rows: the old SKP of who moved or rose
    in the period, and the acting posts' SKPs. These rows and the definitive rows of their people are
    marked x_karier (never picked for planted defects or findings); the extra rows have x_role karier."""
    if roster_.empty or frame.empty:
        return frame
    index = int(roster_["x_opd"].iloc[0])
    year = int(period[:4])
    months = _months_of(period)
    own = events_of_opd(government, index, year, seed, total)
    arriving = incoming(government, index, year, seed, total)
    frame = frame.copy()
    frame["x_karier"] = False
    if not own and not arriving:
        return frame
    end = world.period_end(period)
    active = roster_[roster_["aktif"] == "true"].set_index("nip")
    head_opd = roster_.loc[roster_["x_role"] == "head_opd", "nip"]
    head_opd = head_opd.iloc[0] if len(head_opd) else ""
    unit = f"{government.kode}.OPD{index + 1:03d}"
    org = frame["x_org"].iloc[0] if "x_org" in frame else None
    rng = world.rng_for(seed, government.kode, "karier-evaluasi", index, period)
    extra = []
    for e in (*own, *arriving):
        if e.nip not in active.index:
            continue
        person = active.loc[e.nip]
        base = pd.Series(person).to_dict() | {"nip": e.nip}
        if e.kind in ("MUTASI", "PROMOSI") and e.month in months:
            old = base | {"x_skp": "", "atasan_nip": e.atasan or person["atasan_nip"]}
            row = world._evaluation(government, _Person(**old), period, str(year), end, rng, "SESUAI", "SESUAI",
                                    unit, org)
            row["waktu_dinilai"] = f"{end + pd.Timedelta(days=1, hours=7):%Y-%m-%dT%H:%M:%S}+07:00"
            extra.append(row)
            if ledger:
                new = world.skp_id(government, e.nip, str(year), f"{SKP_SUFFIX[e.kind]}{e.month:02d}")
                ledger.add(government.kode, period, "dua_skp", nip=e.nip, unit=person["unit_kode"],
                           skp_id=[row["skp_id"], new], sebab=e.kind)
        elif e.kind == "PLT_PLH" and set(range(e.month, e.month + e.months)) & set(months):
            acting = base | {"x_skp": f"{SKP_SUFFIX['PLT_PLH']}{e.month:02d}", "atasan_nip": head_opd}
            row = world._evaluation(government, _Person(**acting), period, str(year), end, rng, "SESUAI", "SESUAI",
                                    unit, org)
            row["is_plt_plh"] = "true"
            extra.append(row)
            if ledger:
                ledger.add(government.kode, period, "plt_plh", nip=e.nip, unit=e.unit,
                           unit_pegawai=person["unit_kode"], skp_id=row["skp_id"])
    if not extra:
        return frame
    rows = pd.DataFrame(extra)
    rows["x_role"] = "karier"
    rows["x_karier"] = True
    frame["x_karier"] = frame["nip"].isin(set(rows["nip"]))  # their definitive rows stay as planted too
    return pd.concat([frame, rows[frame.columns]], ignore_index=True)


class _Person:
    """A roster row as world._evaluation reads it (attributes)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def record_roster(ledger: Ledger, government: Government, index: int, month: str, seed: int, total: int) -> None:
    """The roster events taking effect in `month` (per government and month in manifest.json)."""
    year, m = _month(month)
    for e in events_of_opd(government, index, year, seed, total):
        if e.month != m:
            continue
        if e.kind == "MUTASI":
            ledger.add(government.kode, month, "mutasi", nip=e.nip, dari_unit=e.from_unit, ke_unit=e.unit)
        elif e.kind == "PROMOSI":
            ledger.add(government.kode, month, "promosi", nip=e.nip, unit=e.unit, golongan_lama=e.from_unit,
                       golongan_baru=world.GOLONGAN_PNS[world.GOLONGAN_PNS.index(e.from_unit) + 1])
        elif e.kind == "PENSIUN":
            ledger.add(government.kode, month, "pensiun", nip=e.nip, unit=e.unit)
        elif e.kind == "REKRUT":
            ledger.add(government.kode, month, "rekrut", nip=e.nip, unit=e.unit, status=e.status)
            if e.status == "PPPK":
                ledger.add(government.kode, month, "pppk_baru", nip=e.nip, unit=e.unit)


def plant_curve_limit(government: Government, index: int, frame: pd.DataFrame, period: str, seed: int,
                      total: int, ledger: Ledger | None) -> pd.DataFrame:
    """The acting posts of a unit planted at the curve's limit (world.KURVA_BATAS): at the limit
    (7 Baik, 3 Butuh Perbaikan), one of its Baik staff also holds an acting post rated Baik — counted by
    rows the unit would show 8 of 11 Baik (72.7 %) and break its curve; over the limit (8 Baik, 3 Butuh
    Perbaikan), two of its Butuh Perbaikan staff hold acting posts rated Butuh Perbaikan — counted by
    rows 8 of 13 (61.5 %) would hide that 8 of 11 people are Baik."""
    name, baik, bp = world.planted_curve_units(government, total)[index]
    at_limit = name == "unit_batas"
    wanted = "BAIK" if at_limit else "BUTUH_PERBAIKAN"
    pair = ("SESUAI", "SESUAI") if at_limit else ("DIBAWAH", "SESUAI")
    chosen = frame[(frame["x_role"] != "head_opd") & (frame["predikat"].map(_code) == wanted)] \
        .sort_values("nip").head(1 if at_limit else 2)
    head_opd = frame.loc[frame["x_role"] == "head_opd", "nip"]
    end = world.period_end(period)
    rng = world.rng_for(seed, government.kode, "kurva-batas", index, period)
    unit = f"{government.kode}.OPD{index + 1:03d}"
    extra = []
    for row in chosen.to_dict("records"):
        person = _Person(nip=row["nip"], atasan_nip=head_opd.iloc[0], x_role="karier",
                         x_skp=f"{SKP_SUFFIX['PLT_PLH']}{_month(str(end.date()))[1]:02d}")
        acting = world._evaluation(government, person, period, period[:4], end, rng, *pair, unit, row["x_org"])
        acting["is_plt_plh"] = "true"
        extra.append(acting)
    if ledger:
        ledger.kurva(government.kode, period, name, unit=unit, pegawai=baik + bp, baik=baik, butuh_perbaikan=bp,
                     baris_evaluasi=len(frame) + len(extra), plt_plh=[r["nip"] for r in extra],
                     melanggar_kurva=not at_limit)
        for acting in extra:
            ledger.add(government.kode, period, "plt_plh", nip=acting["nip"], unit=unit, unit_pegawai=unit,
                       skp_id=acting["skp_id"])
    rows = pd.DataFrame(extra)
    rows["x_karier"] = True
    frame = frame.copy()
    frame["x_karier"] = False
    return pd.concat([frame, rows[frame.columns]], ignore_index=True)


def _code(label: str) -> str:
    return normalise_label("predikat_pegawai", label) or ""


class Ledger:
    """What the careers put in the demo world, for manifest.json: per government and period (the
    month of a roster event, the evaluation period of an evaluation row) the people of each kind,
    with their unit; and the units planted at the curve's limit."""

    def __init__(self) -> None:
        self.events: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.limits: dict = defaultdict(lambda: defaultdict(dict))

    def add(self, agency: str, period: str, kind: str, **who) -> None:
        self.events[agency][period][kind].append(who)

    def kurva(self, agency: str, period: str, name: str, **unit) -> None:
        self.limits[agency][period][name] = unit

    def to_dict(self) -> dict:
        karier = {
            agency: {period: {kind: {"jumlah": len(rows), "orang": sorted(rows, key=lambda r: (r["nip"], str(r)))}
                              for kind, rows in sorted(kinds.items())}
                     for period, kinds in sorted(periods.items())}
            for agency, periods in sorted(self.events.items())
        }
        limits = {agency: {period: dict(sorted(units.items())) for period, units in sorted(periods.items())}
                  for agency, periods in sorted(self.limits.items())}
        return {"karier": karier, "kurva_batas": limits}
