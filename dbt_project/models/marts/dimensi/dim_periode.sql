{#
  Every period label the marts use, from the first to the last month delivered: months, quarters,
  semesters and years, with their first and last day.
#}
with batas as (
    select
        to_date(min(periode), 'YYYY-MM')                                   as awal,
        to_date(max(periode), 'YYYY-MM')                                   as akhir
    from {{ ref('stg_audit__batch') }}
    where periode ~ '^[0-9]{4}-[0-9]{2}$'
),

bulan as (
    select generate_series(date_trunc('year', awal), date_trunc('year', akhir) + interval '11 months',
                           interval '1 month')::date as tanggal
    from batas
    where awal is not null
),

label as (
    select distinct to_char(tanggal, 'YYYY-MM') as periode from bulan
    union select distinct {{ triwulan_dari('tanggal') }} from bulan
    union select distinct {{ semester_dari('tanggal') }} from bulan
    union select distinct to_char(tanggal, 'YYYY') from bulan
),

final as (
    select
        periode,
        {{ jenis_periode('periode') }}                                     as jenis_periode,
        left(periode, 4)::integer                                          as tahun,
        {{ periode_awal('periode') }}                                      as tanggal_awal,
        {{ periode_akhir('periode') }}                                     as tanggal_akhir,
        {{ periode_urutan('periode') }}                                    as urutan
    from label
)

select * from final
