{#
  The BerAKHLAK values as the public sees them (pub_berakhlak): per instansi and evaluation period,
  of the employees rated on the values, how many were rated Di Atas and how many Di Bawah Ekspektasi
  on each value (measures <value>_diatas, <value>_dibawah), one row per instansi (baris = the
  instansi: no unit split is published); built by macro sel_ya_tidak (withheld where the group is
  small, then complemented). Counts of people, no text. Grain: instansi × periode × ukuran × baris × kolom. Incremental by evaluation period (the periods
  the run consolidates).
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

{%- set nilai = ['BERORIENTASI_PELAYANAN', 'AKUNTABEL', 'KOMPETEN', 'HARMONIS', 'LOYAL', 'ADAPTIF', 'KOLABORATIF'] %}

with nilai as (
    -- the values of the evaluation that speaks for each employee (macro dari_skp_penentu): one person once
    select * from {{ ref('stg_canonical__perilaku_kerja') }} as nilai
    where rating is not null and {{ dari_skp_penentu('nilai', ref('fct_evaluasi_kinerja')) }}
      {% if is_incremental() %}and {{ pada_bulan_dijalankan('nilai.periode_pengiriman') }} and {{ pada_periode_dijalankan('nilai.periode') }}{% endif %}
),

orang as (
    select
        instansi_kode,
        periode,
        nip,
        instansi_kode as baris,
        {%- for kode in nilai %}
        coalesce(bool_or(perilaku_kode = '{{ kode }}' and rating = 'DIATAS'), false) as is_{{ kode | lower }}_diatas,
        coalesce(bool_or(perilaku_kode = '{{ kode }}' and rating = 'DIBAWAH'), false) as is_{{ kode | lower }}_dibawah
        {{- ',' if not loop.last }}
        {%- endfor %}
    from nilai
    group by 1, 2, 3
),

final as (
    {%- set ukuran = [] %}
    {%- for kode in nilai %}
    {%- do ukuran.append((kode | lower ~ '_diatas', 'is_' ~ kode | lower ~ '_diatas')) %}
    {%- do ukuran.append((kode | lower ~ '_dibawah', 'is_' ~ kode | lower ~ '_dibawah')) %}
    {%- endfor %}
    {{ sel_ya_tidak('orang', 'periode', ukuran=ukuran) }}
)

select * from final
