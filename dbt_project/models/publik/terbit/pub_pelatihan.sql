{#
  Competence development per instansi, year to date at each month, as published: the instansi row
  ('*') of sel_pelatihan. Counts of people only (no JP sums, which could single out a
  person in a small unit); rates inherit the suppression of their count and of the headcount.
#}
with sel as (
    select * from {{ ref('sel_pelatihan') }}
    where baris = '*'
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

standar as (
    select * from {{ ref('standar_pengembangan_kompetensi') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        max(standar.jumlah_minimum)::numeric(6, 1)                         as standar_minimum,
        max(standar.satuan)::text                                          as standar_satuan,
        {{ ya_tidak_publik_kolom('sel', ['terlatih', 'memenuhi_standar']) }}
    from sel
    cross join standar
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    group by sel.instansi_kode, instansi.instansi_nama, sel.bulan
)

select * from final
