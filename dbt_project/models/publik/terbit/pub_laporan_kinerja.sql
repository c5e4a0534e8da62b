{#
  Performance reports per instansi and month, as published: the instansi row ('*') of
  sel_laporan_kinerja: active staff, how many filed a report and how many on time (seed
  aturan_laporan_kinerja), as counts and shares. No NIP, no text.
#}
with sel as (
    select * from {{ ref('sel_laporan_kinerja') }}
    where baris = '*'
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ['melapor', 'tepat_waktu']) }}
    from sel
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    group by sel.instansi_kode, instansi.instansi_nama, sel.bulan
)

select * from final
