{#
  The head-of-unit rule (domain.md §1.4, SE MenPANRB 3/2023 as reported): the achievement of a unit
  is its head's, so the head's predikat follows the unit's predikat kinerja organisasi. One row per
  evaluated unit and period whose head's predikat differs from the unit's: the unit, the period,
  both predikat, and how many levels apart (the two scales matched by their order: Istimewa with
  Sangat Baik, Baik with Baik, ... Sangat Kurang with Sangat Kurang; seeds predikat_organisasi and
  predikat_pegawai). The head is the active employee who sits in the evaluated unit itself and
  whose superior does not (none on the roster, or in another unit); his predikat is the one of the
  evaluation that speaks for him (int_pegawai__periode), PermenPANRB 6/2022 only. A warning for
  auditors, not a failure. Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with pegawai as (
    select * from {{ ref('int_pegawai__periode') }}
    where unit_dinilai_kode is not null and unit_pegawai_kode = unit_dinilai_kode
      and regime = 'PERMEN6_2022' and predikat is not null
      {% if is_incremental() %}and {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

roster as (
    select * from {{ ref('int_pegawai__unit_dinilai') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

kepala as (
    select pegawai.*, roster.atasan_nip
    from pegawai
    join roster
        on roster.instansi_kode = pegawai.instansi_kode
        and roster.periode = pegawai.periode
        and roster.nip = pegawai.nip
    left join roster as atasan
        on atasan.instansi_kode = roster.instansi_kode
        and atasan.periode = roster.periode
        and atasan.nip = roster.atasan_nip
    where atasan.nip is null or atasan.unit_kode is distinct from pegawai.unit_dinilai_kode
),

final as (
    select
        kepala.instansi_kode::text                                         as instansi_kode,
        kepala.periode::text                                               as periode,
        kepala.unit_dinilai_kode::text                                     as unit_kode,
        kepala.nip::text                                                   as kepala_nip,
        kepala.predikat_organisasi::text                                   as predikat_organisasi,
        kepala.predikat::text                                              as predikat_kepala,
        (pegawai_urutan.urutan - organisasi_urutan.urutan)::integer        as selisih_tingkat
    from kepala
    join {{ ref('predikat_organisasi') }} as organisasi_urutan
        on organisasi_urutan.predikat_organisasi = kepala.predikat_organisasi
    join {{ ref('predikat_pegawai') }} as pegawai_urutan
        on pegawai_urutan.predikat = kepala.predikat
    where pegawai_urutan.urutan <> organisasi_urutan.urutan
)

select * from final
