{#
  Trends over months per instansi, as published: evaluated employees, the share rated Baik or
  Sangat Baik, and the share evaluated, per month a period ends in. Built only from numbers the
  other public tables already publish, so it reveals nothing they withhold: a share is shown
  only when every count it is made of is shown.
#}
with distribusi as (
    select * from {{ ref('pub_distribusi_predikat') }}
),

kepatuhan as (
    select * from {{ ref('pub_kepatuhan') }}
),

predikat_per_bulan as (
    select
        instansi_kode,
        instansi_nama,
        bulan_laporan,
        regime,
        max(jumlah_dinilai)                                                as jumlah_dinilai,
        sum(jumlah_pegawai) filter (where predikat in ('SANGAT_BAIK', 'BAIK')) as jumlah_baik_ke_atas,
        bool_or(is_disembunyikan) filter (where predikat in ('SANGAT_BAIK', 'BAIK')) as is_baik_disembunyikan,
        bool_or(is_disembunyikan)                                          as is_ada_disembunyikan
    from distribusi
    group by 1, 2, 3, 4
),

final as (
    select
        coalesce(predikat_per_bulan.instansi_kode, kepatuhan.instansi_kode)::text as instansi_kode,
        coalesce(predikat_per_bulan.instansi_nama, kepatuhan.instansi_nama)::text as instansi_nama,
        coalesce(predikat_per_bulan.bulan_laporan, kepatuhan.bulan_laporan)::text as bulan,
        predikat_per_bulan.regime::text                                    as regime,
        predikat_per_bulan.jumlah_dinilai::integer                         as jumlah_dinilai,
        (case when not predikat_per_bulan.is_baik_disembunyikan and predikat_per_bulan.jumlah_dinilai is not null
              then round(100.0 * predikat_per_bulan.jumlah_baik_ke_atas / nullif(predikat_per_bulan.jumlah_dinilai, 0), 1)
         end)::numeric(4, 1)                                               as persen_baik_ke_atas,
        kepatuhan.persen_dievaluasi::numeric(4, 1)                         as persen_dievaluasi,
        (coalesce(predikat_per_bulan.is_ada_disembunyikan, false)
         or coalesce(kepatuhan.is_disembunyikan, false))::boolean          as is_disembunyikan
    from predikat_per_bulan
    full outer join kepatuhan
        on kepatuhan.instansi_kode = predikat_per_bulan.instansi_kode
        and kepatuhan.bulan_laporan = predikat_per_bulan.bulan_laporan
)

select * from final
